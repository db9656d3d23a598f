// The explorer on Multi-Paxos (tools/explore/multipaxos_model.cpp,
// docs/explore.md §6): time as a step, counted by hand on the smallest
// election; the rules switched off found as shortest runs and replayed by
// the simulator to the same invariant; and random runs, replayed, that end
// in the simulator's own replica states.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "narration/describers.h"
#include "tests/unit/explore_walk.h"
#include "tools/explore/multipaxos_model.h"
#include "tools/scenario/runner.h"
#include "tools/scenario/world_scenario.h"

using namespace consensus_lab;

namespace {

using MultiPaxosScenario =
    scenario::ClusterScenario<multipaxos::Message, multipaxos::Event,
                              narration::MultiPaxosDescriber, cluster::MultiPaxosCluster>;

using explore_walk::Explored;

// Runs `setup` (a scenario, without its `explore` line) and explores from
// there; `file` (if given) gets the counterexample.
Explored explore_from(const std::string& setup, explore::Budget budget,
                      const std::string& file = {}) {
  std::ostringstream quiet;
  scenario::Session session({}, quiet);
  const std::vector<std::string> lines = explore_walk::set_up(session, setup);
  const auto* multi = dynamic_cast<const MultiPaxosScenario*>(session.protocol());
  REQUIRE(multi != nullptr);
  auto model = explore::multipaxos_model(multi->cluster(), budget);
  return explore_walk::explore(*model, lines, budget, {.depth = 64, .states = 5'000'000}, file,
                               "conlab explore multipaxos");
}

const std::string kThree =
    "protocol multipaxos\nnodes A B C\nset election-timeout A=150 B=200 C=300\n";
// A is master and x=1 is chosen everywhere.
const std::string kMaster = kThree + "timeout A\ndeliver-all\nput x 1\ndeliver-all\n";
// Two slots in one Accept: an Accepted for slot 1 alone and one for slots 1
// and 2 can wait on one link, and the line for the first must not take the
// second (its words begin the same way).
const std::string kTwoSlots =
    kThree + "set slots-per-accept 2\ntimeout A\ndeliver-all\nput x 1\nput y 2\n";
// A master removed from the configuration steps down keeping the election
// deadline it set when it stood, long past: its timer fires at once.
const std::string kRemoved = kThree +
                             "timeout A\ndeliver-all\nadvance 50\ndeliver-all\nadvance 50\n"
                             "deliver-all\nadvance 50\ndeliver-all\nadvance 50\ndeliver-all\n"
                             "remove-replica A\ndeliver-all\nput x 1\ndeliver-all\nput y 2\n"
                             "deliver-all\nput z 3\ndeliver-all\n";

// Two replicas: A's timer (150 ms) fires first; B's (200 ms) never does
// within one timer firing.
const std::string kTwo = "protocol multipaxos\nnodes A B\nset election-timeout A=150 B=200\n";

}  // namespace

// The start; `advance 150`: A's timer fires, it promises itself ballot 1
// (Prepare in flight); B promises (Promise in flight); A is master and
// sends its first heartbeat; B grants it a lease (HeartbeatOk in flight); A
// holds the lease: one message in flight at a time, six states.
TEST_CASE("multipaxos explorer: one election of two replicas has six states") {
  const auto explored = explore_from(kTwo, {.timers = 1});
  CHECK(explored.outcome.states == 6);
  CHECK(explored.outcome.transitions == 5);
  CHECK(explored.outcome.depth == 5);
  CHECK_FALSE(explored.outcome.violation);
  CHECK(explored.outcome.stuck == 0);
  CHECK(explored.outcome.undecided == 0);
}

// Each of the four messages may be lost instead: four more states. After a
// lost Prepare or Promise no master is elected, and the one timer firing is
// used up: undecided, not stuck. After a lost Heartbeat or HeartbeatOk A is
// master all the same.
TEST_CASE("multipaxos explorer: one drop adds four states and two of them wait for a timer") {
  const auto explored = explore_from(kTwo, {.drops = 1, .timers = 1});
  CHECK(explored.outcome.states == 10);
  CHECK(explored.outcome.transitions == 9);
  CHECK(explored.outcome.undecided == 2);
  CHECK(explored.outcome.stuck == 0);
}

// Rule persist off, two crashes: A and B forget everything, A is elected
// again with ballot 1 from B's empty promise, and B grants it a lease — a
// master that reads locally without x=1, which A itself applied before it
// crashed (docs/explore.md §6).
TEST_CASE("multipaxos explorer: persist off and two crashes give a master without the chosen x") {
  const auto path = std::filesystem::temp_directory_path() / "explore_multipaxos_persist.txt";
  const auto explored =
      explore_from(kMaster + "set rule persist off\n", {.crashes = 2, .timers = 2}, path.string());
  REQUIRE(explored.outcome.violation);
  CHECK(explored.outcome.violation->invariant.en ==
        "a master that reads locally has applied all that any replica applied");
  CHECK(explored.outcome.violation->detail.en ==
        "A may serve reads locally, but has applied up to slot 0 while it had applied slot 1 "
        "before it crashed");
  const std::vector<std::string> expected = {"crash A",
                                             "restart A",
                                             "crash B",
                                             "restart B",
                                             "advance 150",
                                             "deliver A B prepare ballot 1 from 1",
                                             "deliver B A promise ballot 1 from 1 accepted none",
                                             "deliver A B heartbeat ballot 1 commit 0 sent 150",
                                             "deliver B A heartbeat-ok ballot 1 sent 150"};
  CHECK(explored.steps == expected);
  // The simulator replays the file it wrote to the same invariant.
  std::ostringstream narration, report;
  CHECK(scenario::run_file(path.string(), {}, narration, report) == 1);
  CHECK(report.str().find("A may serve reads locally, but has applied up to slot 0") !=
        std::string::npos);
  std::filesystem::remove(path);
}

// Rule lease off: a new master elected while the old one still holds its
// lease, both may read locally.
TEST_CASE("multipaxos explorer: lease off lets two masters read locally at once") {
  const auto explored = explore_from(kMaster + "set rule lease off\n", {.crashes = 1, .timers = 2});
  REQUIRE(explored.outcome.violation);
  CHECK(explored.outcome.violation->invariant.en == "at most one master holds a lease");
  CHECK(explored.steps.size() == 10);
}

// Four hundred random runs of three replicas with every kind of step — drops,
// copies, crashes, time passing, early timeouts, puts — replayed by the
// simulator: every replica's log and commit, what a read at it gets (its
// lease), and the master are what the model says.
TEST_CASE("multipaxos explorer: random runs end in the simulator's own replica states") {
  for (const std::string& setup : {kThree, kMaster, kTwoSlots, kRemoved}) {
    std::ostringstream quiet;
    scenario::Session session({}, quiet);
    const auto lines = explore_walk::set_up(session, setup);
    const auto* multi = dynamic_cast<const MultiPaxosScenario*>(session.protocol());
    REQUIRE(multi != nullptr);
    // Time moves to the next timer due; or by 30 ms at most.
    auto model = explore::multipaxos_model(multi->cluster(), {.drops = 3,
                                                              .duplicates = 2,
                                                              .crashes = 2,
                                                              .timers = 8,
                                                              .timeouts = {"B", "C"},
                                                              .puts = {"x=2", "y=3", "z=4"}});
    auto ticking = explore::multipaxos_model(
        multi->cluster(),
        {.drops = 2, .crashes = 1, .timers = 6, .puts = {"x=2", "y=3"}, .tick = 30});
    for (std::uint32_t seed = 1; seed <= 100; ++seed) {
      const std::string run =
          explore_walk::walk(seed % 3 == 0 ? *ticking : *model, lines, seed, 40);
      const std::string failed = explore_walk::replay(run, "explore_multipaxos_walk.txt");
      INFO("seed " << seed);
      CHECK(failed == "");
    }
  }
}
