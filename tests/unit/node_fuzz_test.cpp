// The node fuzzers' harness (tests/fuzz/node_harness.h), run without libFuzzer:
// 3,000 pseudo-random byte strings from one fixed seed through one
// raft::Server and one multipaxos::Replica, every invariant checked after
// every step — so that the plain and the sanitizer test runs exercise it too,
// with any compiler. A broken invariant fails the test with the input's
// number, what broke and the last steps.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/fuzz/node_harness.h"

using namespace consensus_lab::fuzzing;

namespace {

constexpr int kInputs = 3'000;
constexpr std::uint64_t kSeed = 20'240'611;

// The inputs: 1 to 600 bytes each. (Our own arithmetic on the generator's
// output, not a std:: distribution: those differ between standard libraries.)
std::vector<std::vector<std::uint8_t>> inputs() {
  std::mt19937_64 random(kSeed);
  std::vector<std::vector<std::uint8_t>> all(kInputs);
  for (auto& bytes : all) {
    bytes.resize(1 + random() % 600);
    for (auto& byte : bytes) byte = static_cast<std::uint8_t>(random() >> 56);
  }
  return all;
}

struct Failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class RunOne>
RunStats run_all(RunOne run_one) {
  RunStats total;
  const auto all = inputs();
  for (std::size_t i = 0; i < all.size(); ++i) {
    Options options;
    options.fail = [&](const std::string& what) {
      throw Failed("input " + std::to_string(i) + " (seed " + std::to_string(kSeed) + "): " + what);
    };
    try {
      total += run_one(all[i].data(), all[i].size(), options);
    } catch (const Failed& failure) {
      FAIL(std::string(failure.what()));
    }
  }
  MESSAGE(total.steps << " steps, " << total.messages << " messages (" << total.refused
                      << " refused), " << total.restarts << " restarts, " << total.became_leader
                      << " elections won, highest commit " << total.highest_commit);
  return total;
}

// The inputs reach the real cases, not only the impossible ones.
void check_real_cases_reached(const RunStats& total) {
  CHECK(total.became_leader >= 100);
  CHECK(total.highest_commit >= 3);
  CHECK(total.restarts >= 100);
  CHECK(total.refused >= 100);
}

}  // namespace

TEST_CASE("Node fuzz harness: 3,000 random inputs to one raft::Server break no invariant") {
  const RunStats total = run_all(run_raft);
  check_real_cases_reached(total);
  CHECK(total.refused < total.messages / 2);
  CHECK_FALSE(total.last_refusal.empty());
}

TEST_CASE("Node fuzz harness: 3,000 random inputs to one multipaxos::Replica break no invariant") {
  check_real_cases_reached(run_all(run_multipaxos));
}
