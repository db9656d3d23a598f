// The explorer on Raft (tools/explore/raft_model.cpp, docs/explore.md §5):
// tiny elections whose states are counted by hand, so that a change that
// loses states is caught; Figure 8's anomaly found as the shortest run, and
// replayed by the simulator to the same invariant.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "narration/describers.h"
#include "tests/unit/explore_walk.h"
#include "tools/explore/raft_model.h"
#include "tools/scenario/runner.h"
#include "tools/scenario/world_scenario.h"

using namespace consensus_lab;

namespace {

using RaftScenario = scenario::ClusterScenario<raft::Message, raft::Event, narration::RaftDescriber,
                                               cluster::RaftCluster>;

using explore_walk::Explored;

// Runs `setup` (a scenario, without its `explore` line) and explores from
// there; `written` (if given) gets the counterexample file.
Explored explore_from(const std::string& setup, explore::Budget budget, std::size_t depth = 64,
                      const std::string& written = {}) {
  std::ostringstream quiet;
  scenario::Session session({}, quiet);
  const std::vector<std::string> lines = explore_walk::set_up(session, setup);
  const auto* raft = dynamic_cast<const RaftScenario*>(session.protocol());
  REQUIRE(raft != nullptr);
  auto model = explore::raft_model(raft->cluster(), budget);
  return explore_walk::explore(*model, lines, budget, {.depth = depth, .states = 5'000'000},
                               written, "conlab explore raft");
}

// Two servers, no noop: A's timer fires once.
const std::string kTwo = "protocol raft\nnodes A B\nset rule leader-noop off\n";

// Figure 8's anomaly with three servers (tests/scenarios/explore/raft_figure8_three.txt).
const std::string kFigure8Three =
    "protocol raft\nnodes A B C\nset election-timeout A=10000 B=10000 C=10000\n"
    "set rule leader-noop off\nset-log A 1\nset-log B 1\nset-log C 1\n"
    "timeout A\ndeliver-all\nput A x 2\ndrop A B\ndrop A C\ncrash A\n"
    "timeout C\ndeliver-all\nput C y 3\ndrop C B\ncrash C\n"
    "restart A\nrestart C\nset-term A 3\n";

}  // namespace

// The start; A times out (RequestVote in flight); B votes (Vote in flight);
// A leads and sends its first AppendEntries; B takes it (the answer in
// flight); A reads the answer: one message in flight at a time, six states.
TEST_CASE("raft explorer: one election of two servers has six states") {
  const Explored e = explore_from(kTwo, {.timers = 1, .timeouts = {"A"}});
  CHECK(e.outcome.states == 6);
  CHECK(e.outcome.transitions == 5);
  CHECK(e.outcome.depth == 5);
  CHECK_FALSE(e.outcome.violation);
  CHECK(e.outcome.stuck == 0);
  CHECK(e.outcome.undecided == 0);
}

// Either server's timer may fire: two mirror chains of five after the start.
TEST_CASE("raft explorer: either server may stand and the chains do not meet") {
  const Explored e = explore_from(kTwo, {.timers = 1});
  CHECK(e.outcome.states == 11);
  CHECK(e.outcome.transitions == 10);
}

// Each of the four messages may be lost: four more states. Losing the
// RequestVote or the Vote leaves no leader and no timer firing left
// (undecided, not stuck); losing the AppendEntries or its answer leaves A
// leading.
TEST_CASE("raft explorer: one drop adds four states and two of them wait for a timer") {
  const Explored e = explore_from(kTwo, {.drops = 1, .timers = 1, .timeouts = {"A"}});
  CHECK(e.outcome.states == 10);
  CHECK(e.outcome.transitions == 9);
  CHECK(e.outcome.undecided == 2);
  CHECK(e.outcome.stuck == 0);
}

// With a second timer firing, a lost Vote is made good: A stands again.
TEST_CASE("raft explorer: a second election makes good a lost vote") {
  const Explored e = explore_from(kTwo, {.drops = 1, .timers = 2, .timeouts = {"A"}});
  CHECK_FALSE(e.outcome.violation);
  CHECK(e.outcome.stuck == 0);
}

TEST_CASE("raft explorer: Figure 8 with every rule on is exhausted") {
  const Explored e = explore_from(kFigure8Three, {.timers = 2});
  CHECK_FALSE(e.outcome.violation);
  CHECK_FALSE(e.outcome.bound_reached);
  CHECK(e.outcome.states == 81'609);
}

// A leads term 4 with B's vote and brings B its (2, 2) — a refusal, one step
// back, a success — and, the rule off, commits it by counting A and B; C
// hears of term 4 from A's RequestVote, stands in term 5 and A, whose last
// entry (2, 2) is older than C's (2, 3), votes for it.
TEST_CASE("raft explorer: commit-current-term-only off gives Figure 8 in 11 steps") {
  const auto path = std::filesystem::temp_directory_path() / "explore_raft_figure8.txt";
  const Explored e = explore_from(kFigure8Three + "set rule commit-current-term-only off\n",
                                  {.timers = 2}, 64, path.string());
  REQUIRE(e.outcome.violation);
  CHECK(e.outcome.violation->invariant.en == "leader completeness");
  CHECK(e.outcome.violation->detail.en ==
        "leader C of term 5 lacks the committed entry (2, 2, x←2)");
  CHECK(e.steps == std::vector<std::string>{
                       "timeout A",
                       "deliver A B request-vote term 4 last 2 2",
                       "deliver A C request-vote term 4 last 2 2",
                       "deliver B A vote term 4 granted",
                       "deliver A B append-entries term 4 prev 2 2 entries 0 commit 0 round 1",
                       "deliver B A append-reply term 4 refused 2 last 1 round 1",
                       "deliver A B append-entries term 4 prev 1 1 entries 1 commit 0 round 1",
                       "deliver B A append-reply term 4 ok 2 last 2 round 1",
                       "timeout C",
                       "deliver C A request-vote term 5 last 2 3",
                       "deliver A C vote term 5 granted",
                   });
  // The simulator replays the file it wrote to the same invariant.
  std::ostringstream narration, report;
  CHECK(scenario::run_file(path.string(), {}, narration, report) == 1);
  CHECK(report.str().find("leader completeness: leader C of term 5") != std::string::npos);
  std::filesystem::remove(path);
}

// Vote restriction off: A leads term 1 with B's vote and commits its noop
// with C; B, already in term 1, stands in term 2, and A votes for it
// although B's log is empty.
TEST_CASE("raft explorer: vote restriction off elects a server without a committed entry") {
  const Explored e =
      explore_from("protocol raft\nnodes A B C\nset rule vote-restriction off\n", {.timers = 2});
  REQUIRE(e.outcome.violation);
  CHECK(e.outcome.violation->invariant.en == "leader completeness");
  CHECK(e.outcome.violation->detail.en ==
        "leader B of term 2 lacks the committed entry (1, 1, noop)");
  CHECK(e.steps == std::vector<std::string>{
                       "timeout A",
                       "deliver A B request-vote term 1 last 0 0",
                       "deliver B A vote term 1 granted",
                       "deliver A C append-entries term 1 prev 0 0 entries 1 commit 0 round 1",
                       "deliver C A append-reply term 1 ok 1 last 1 round 1",
                       "timeout B",
                       "deliver B A request-vote term 2 last 0 0",
                       "deliver A B vote term 2 granted",
                   });
}

// A depth bound is reported, never as a proof.
TEST_CASE("raft explorer: a depth bound is reached and said so") {
  const Explored e = explore_from(kFigure8Three, {.timers = 2}, 6);
  CHECK(e.outcome.bound_reached);
  CHECK(e.outcome.depth == 6);
  CHECK_FALSE(e.outcome.violation);
}

// A client's put is a step too: A, leading term 1 with B's vote, takes x←1
// and commits it with C; with the vote restriction off, B — whose log is
// empty — then wins term 2 with A's vote.
TEST_CASE("raft explorer: a listed put is submitted to the leader and counted once") {
  const auto path = std::filesystem::temp_directory_path() / "explore_raft_put.txt";
  const Explored e = explore_from(
      "protocol raft\nnodes A B C\nset rule leader-noop off\nset rule vote-restriction off\n",
      {.timers = 2, .puts = {"x=1"}}, 64, path.string());
  REQUIRE(e.outcome.violation);
  CHECK(e.outcome.violation->detail.en ==
        "leader B of term 2 lacks the committed entry (1, 1, x←1)");
  CHECK(e.steps.size() == 9);
  CHECK(std::count(e.steps.begin(), e.steps.end(), "put A x 1") == 1);
  std::ostringstream narration, report;
  CHECK(scenario::run_file(path.string(), {}, narration, report) == 1);
  CHECK(report.str().find("lacks the committed entry (1, 1, x←1)") != std::string::npos);
  std::filesystem::remove(path);
  // Every rule on, the same bounds: no violation, and no run puts twice.
  const Explored safe = explore_from("protocol raft\nnodes A B C\nset rule leader-noop off\n",
                                     {.timers = 2, .puts = {"x=1"}});
  CHECK_FALSE(safe.outcome.violation);
  CHECK_FALSE(safe.outcome.bound_reached);
}

// Two hundred random runs of three servers with every kind of step — drops,
// copies, a crash, timeouts, puts — replayed by the simulator: every server's
// term, vote, log, role and commit index are what the model says.
TEST_CASE("raft explorer: random runs end in the simulator's own server states") {
  const std::string setup = "protocol raft\nnodes A B C\n";
  std::ostringstream quiet;
  scenario::Session session({}, quiet);
  explore_walk::set_up(session, setup);
  const auto* raft = dynamic_cast<const RaftScenario*>(session.protocol());
  REQUIRE(raft != nullptr);
  auto model = explore::raft_model(
      raft->cluster(),
      {.drops = 2, .duplicates = 2, .crashes = 2, .timers = 4, .puts = {"x=1", "y=2", "z=3"}});
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    const std::string run = explore_walk::walk(*model, {"protocol raft", "nodes A B C"}, seed, 40);
    const std::string failed = explore_walk::replay(run, "explore_raft_walk.txt");
    INFO("seed " << seed);
    CHECK(failed == "");
  }
}
