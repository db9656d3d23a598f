// libFuzzer targets for one node (tests/fuzz/node_harness.h): raft_fuzz feeds
// the bytes to one raft::Server, multipaxos_fuzz — this file built with
// NODE_FUZZ_MULTIPAXOS — to one multipaxos::Replica. A broken invariant prints
// what broke and the last steps, then traps; NODE_FUZZ_TRACE=1 prints every
// step as it is taken (to read a crash in words).
//
//   ./lab fuzz [SECONDS]      (clang: cmake --preset fuzz; see README)
//   build-fuzz/raft_fuzz build-fuzz/raft_fuzz-crash-…     replay one input
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/fuzz/node_harness.h"

namespace {

const consensus_lab::fuzzing::Options& options() {
  static const consensus_lab::fuzzing::Options kOptions{
      [](const std::string& what) {
        std::fprintf(stderr, "\n==node fuzz: invariant violated: %s\n", what.c_str());
        std::fflush(stderr);
        __builtin_trap();
      },
      std::getenv("NODE_FUZZ_TRACE") != nullptr};
  return kOptions;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
#ifdef NODE_FUZZ_MULTIPAXOS
  consensus_lab::fuzzing::run_multipaxos(data, size, options());
#else
  consensus_lab::fuzzing::run_raft(data, size, options());
#endif
  return 0;
}
