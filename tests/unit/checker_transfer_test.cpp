// Leadership transfers in the checker's workload (`conlab check raft
// --transfers P`, docs/checker.md): the leader hands its leadership to a
// random live server — thesis §3.10 — while faults, membership changes and
// snapshots go on. Every invariant still holds; a run with transfers is a
// scenario that replays to itself.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tools/check/checker.h"
#include "tools/check/request.h"
#include "tools/check/search.h"

using namespace consensus_lab;
using check::Options;
using check::Verdict;

namespace {

// Five servers with membership changes, snapshots, pre-vote, check-quorum
// and `read` reads, and a transfer in one step of ten.
Options transferring(const std::string& read_mode) {
  Options options;
  options.protocol = "raft";
  options.nodes = 5;
  options.steps = 200;
  options.membership = 20;
  options.transfers = 10;
  options.features = {{"snapshot-every", "3"},
                      {"snapshot-chunk", "16"},
                      {"pre-vote", "on"},
                      {"check-quorum", "on"},
                      {"read-mode", read_mode}};
  return options;
}

}  // namespace

TEST_CASE("checker --transfers: a run transfers leadership, and its lines replay to it") {
  const Options options = transferring("read-index");
  const check::Run run = check::run_seed(options, 7);
  CHECK(run.verdict == Verdict::passed);
  const auto transfers = std::count_if(
      run.lines.begin(), run.lines.end(),
      [](const std::string& line) { return line.starts_with("transfer-leadership "); });
  CHECK(transfers >= 2);
  const std::vector<std::string> safety(run.lines.begin(),
                                        run.lines.begin() + static_cast<long>(run.safety_end));
  CHECK(check::replay(options, safety, run.header).lines == run.lines);
  CHECK(check::command_line(options, 7).find(" --transfers 10") != std::string::npos);
}

TEST_CASE("checker --transfers with every feature: 1,000 seeds of raft pass, faults and all") {
  for (const char* read : {"read-index", "lease"}) {
    CAPTURE(read);
    const check::Search search = check::search(transferring(read), 1, 1000, /*keep_going=*/true);
    CHECK(search.violations == 0);
    if (search.counterexample) FAIL_CHECK(search.counterexample->found.detail);
    CHECK(search.committed >= 1000);
  }
}

// The leader-stability invariant (a leader that keeps its majority is not
// deposed) counts a transfer as the leader's own wish — even one it gave up
// at its deadline while its TimeoutNow was on the way.
TEST_CASE(
    "checker --transfers under partitions that heal: a leader is deposed only by a transfer") {
  Options options;
  options.protocol = "raft";
  options.faults = check::Faults{.partition = 10};
  options.transfers = 20;
  options.features = {{"check-quorum", "on"}, {"pre-vote", "on"}};
  const check::Search search = check::search(options, 1, 1000, /*keep_going=*/true);
  CHECK(search.violations == 0);
  if (search.counterexample) FAIL_CHECK(search.counterexample->found.detail);
}
