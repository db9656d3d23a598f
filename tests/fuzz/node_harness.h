// One node against anything at all: the fuzzer's bytes, read as a sequence of
// steps fed to ONE raft::Server or ONE multipaxos::Replica — messages of every
// type from the other members (B, C, D, E), from a stranger (Z) and from the
// node itself (A), with fields mostly small, often next to the node's own
// term, index, slot or ballot, sometimes huge (2^32, 2^63 - 1, 2^64 - 1);
// time that passes and ticks; election timeouts; client commands; and
// crash-restarts from a simulated disk to which every Effects.persist was
// applied. After every step the node's own invariants are checked (see
// node_harness.cpp), and a violation is reported through Options::fail.
//
// Two drivers run it: the libFuzzer targets raft_fuzz and multipaxos_fuzz
// (tests/fuzz/node_fuzz.cpp, `./lab fuzz`), and the unit test
// tests/unit/node_fuzz_test.cpp, which feeds it seeded pseudo-random bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace consensus_lab::fuzzing {

struct Options {
  // Called with what went wrong (and the last steps, in words) when an
  // invariant breaks. It must not return: libFuzzer's driver traps, the unit
  // test throws. (If it does return, the run throws std::logic_error.)
  std::function<void(const std::string& what)> fail;
  // Print every step to standard error as it is taken (to read a crash).
  bool trace = false;
};

// What one run did; the unit test checks that the runs reach real cases.
struct RunStats {
  std::size_t steps = 0;
  std::size_t messages = 0;          // handed to handle()
  std::size_t refused = 0;           // answered with Effects::refused
  std::size_t restarts = 0;          // crash-restarts from the simulated disk
  std::size_t became_leader = 0;     // raft: leader; multipaxos: master
  std::uint64_t highest_commit = 0;  // raft: commit index; multipaxos: commit()
  std::string last_refusal;          // the reason, for a look at one
  RunStats& operator+=(const RunStats& other);
};

RunStats run_raft(const std::uint8_t* data, std::size_t size, const Options& options);
RunStats run_multipaxos(const std::uint8_t* data, std::size_t size, const Options& options);

}  // namespace consensus_lab::fuzzing
