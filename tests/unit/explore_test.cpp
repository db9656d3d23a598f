// The explorer (tools/explore, docs/explore.md): tiny models whose states are
// counted by hand, so that a change that loses states is caught; the notes'
// example with each promise switched off gives its shortest counterexample,
// and the file it writes replays to the same invariant.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "narration/describers.h"
#include "tests/unit/explore_walk.h"
#include "tools/explore/paxos_model.h"
#include "tools/explore/report.h"
#include "tools/scenario/runner.h"
#include "tools/scenario/world_scenario.h"

using namespace consensus_lab;

namespace {

using PaxosScenario = scenario::ClusterScenario<paxos::Message, paxos::Event,
                                                narration::PaxosDescriber, cluster::PaxosCluster>;

struct Explored {
  explore::Outcome outcome;
  std::vector<std::string> steps;  // the path to the violation, as scenario lines
  std::vector<std::string> stuck;  // the path to the first stuck state
};

// Runs `setup` (a scenario, without its `explore` line) and explores from there.
Explored explore_from(const std::string& setup, explore::Budget budget, std::size_t depth = 64) {
  std::ostringstream quiet;
  scenario::Session session({}, quiet);
  std::istringstream text(setup);
  for (const auto& line : scenario::read_script(text)) session.execute(line);
  session.finish();
  const auto* paxos = dynamic_cast<const PaxosScenario*>(session.protocol());
  REQUIRE(paxos != nullptr);
  auto model = explore::paxos_model(paxos->cluster(), budget);
  Explored explored{explore::search(*model, {.depth = depth, .states = 5'000'000}), {}, {}};
  for (const auto step : explored.outcome.path) explored.steps.push_back(model->line(step));
  for (const auto step : explored.outcome.stuck_path) explored.stuck.push_back(model->line(step));
  return explored;
}

const std::string kOneAcceptor = "protocol paxos\nnodes A\nproposers p\npropose p 1 x\n";
// The notes' example; the clients learn the value (no learner on the servers).
const std::string kNotes =
    "protocol paxos\nnodes A B C\nproposers client1 client2\nlearners none\n"
    "propose client1 1 3\npropose client2 5 7\n";

}  // namespace

// Prepare → Promise → Accept → Accepted: one message in flight at a time, so
// five states, four transitions; A's own learner learns [1, x] when A accepts.
TEST_CASE("explorer: one proposer and one acceptor have five states") {
  const Explored e = explore_from(kOneAcceptor, {});
  CHECK(e.outcome.states == 5);
  CHECK(e.outcome.transitions == 4);
  CHECK(e.outcome.depth == 4);
  CHECK_FALSE(e.outcome.violation);
  CHECK_FALSE(e.outcome.bound_reached);
  CHECK(e.outcome.stuck == 0);
}

// One drop: each of the four messages may be lost instead (four more states,
// each with nothing in flight). Three of them come before A accepts: nothing
// can be chosen from there unless the proposer's timer fires, and the bound
// on timer firings (none) forbids it — undecided, not stuck.
TEST_CASE("explorer: one drop adds four states and three of them wait for a timer") {
  const Explored e = explore_from(kOneAcceptor, {.drops = 1});
  CHECK(e.outcome.states == 9);
  CHECK(e.outcome.transitions == 8);
  CHECK(e.outcome.stuck == 0);
  CHECK(e.outcome.undecided == 3);
}

// With one timer firing, a lost message is made good by a new round: from
// no state is the goal out of reach for good. The timer may also fire while
// nothing is lost (a round that was only slow), so more states.
TEST_CASE("explorer: a timer firing makes good one lost message") {
  const Explored e = explore_from(kOneAcceptor, {.drops = 1, .timers = 1});
  CHECK_FALSE(e.outcome.violation);
  CHECK(e.outcome.stuck == 0);
  CHECK(e.outcome.states > 9);
}

// A proposer that proposes nothing waits for nothing: the start is idle,
// and no value can ever be chosen — stuck, the run to it has no steps.
TEST_CASE("explorer: a set-up that proposes nothing is stuck at once") {
  const Explored e = explore_from("protocol paxos\nnodes A B C\nproposers p\n", {});
  CHECK(e.outcome.states == 1);
  CHECK(e.outcome.stuck == 1);
  CHECK(e.stuck.empty());
}

// Duelling proposers (demo 05) with one acceptor and two timer firings: each
// new round can pre-empt the other's, but the last to prepare finishes, so
// a value is chosen on every way — and no two values ever are.
TEST_CASE("explorer: duelling proposers with two timer firings always end with a value") {
  const Explored e = explore_from(
      "protocol paxos\nnodes A\nproposers p1 p2\npropose p1 1 x\npropose p2 2 y\n", {.timers = 2});
  CHECK(e.outcome.states == 1997);
  CHECK_FALSE(e.outcome.violation);
  CHECK_FALSE(e.outcome.bound_reached);
  CHECK(e.outcome.stuck == 0);
  CHECK(e.outcome.undecided == 0);
}

// One copy, counted by hand: the five states without it; a copied Prepare 1
// rides along the whole run (five states, it is ignored by promise 1 when it
// arrives, giving the four later states again with the copy used); a copied
// Promise (one state: once the first is counted the copy is dead, dropped at
// once); a copied Accept (four: A accepts twice and says so twice). 19.
TEST_CASE("explorer: one copy adds fourteen states") {
  const Explored copied = explore_from(kOneAcceptor, {.duplicates = 1});
  CHECK(copied.outcome.states == 19);
  CHECK_FALSE(copied.outcome.violation);
  CHECK(copied.outcome.stuck == 0);
}

TEST_CASE("explorer: a depth bound is reported and never as a proof") {
  const Explored e = explore_from(kOneAcceptor, {}, 2);
  CHECK(e.outcome.bound_reached);
  CHECK(e.outcome.states == 3);
}

// Each promise off: the shortest run that chooses two values is 12 steps —
// the notes' own story for promise 2 (tests/scenarios/paxos/promise2_off.txt).
TEST_CASE("explorer: each promise off gives a 12-step counterexample") {
  for (const char* rule : {"promise1", "promise2", "promise3"}) {
    CAPTURE(rule);
    const Explored e = explore_from(kNotes + "set rule " + std::string(rule) + " off\n", {}, 20);
    REQUIRE(e.outcome.violation);
    CHECK(e.outcome.violation->invariant.en == "at most one value chosen");
    CHECK(e.steps.size() == 12);
  }
  const Explored two = explore_from(kNotes + "set rule promise2 off\n", {}, 20);
  CHECK(two.steps.front() == "deliver client1 A prepare 1");
  CHECK(two.steps.back() == "deliver client2 B accept 5 7");
}

// Every rule on, the notes' example with a learner on every server breaks
// nothing within 10 steps, one drop and one copy included. (With no learner
// on the servers it is exhausted: tests/CMakeLists.txt runs that, 4.4
// million states.)
TEST_CASE("explorer: the notes' example with every rule on is safe to depth 10") {
  const Explored e = explore_from(
      "protocol paxos\nnodes A B C\nproposers client1 client2\n"
      "propose client1 1 3\npropose client2 5 7\n",
      {.drops = 1, .duplicates = 1}, 10);
  CHECK_FALSE(e.outcome.violation);
  CHECK(e.outcome.bound_reached);
}

// With persist off a crash and a restart make the acceptor forget: 14 steps.
TEST_CASE("explorer: persist off needs a crash and a restart") {
  const Explored e = explore_from(kNotes + "set rule persist off\n", {.crashes = 1}, 20);
  REQUIRE(e.outcome.violation);
  CHECK(e.steps.size() == 14);
  CHECK(std::find(e.steps.begin(), e.steps.end(), "crash A") != e.steps.end());
}

// Two crashed servers with equal disks are one node state; a restart still
// brings back each one's own roles (here: a learner on B and C, none on A).
// The count guards it: when restarts were remembered per node state alone,
// whichever server restarted first decided whether the others got a learner.
TEST_CASE("explorer: a restart brings back the server's own roles") {
  const Explored e = explore_from(
      "protocol paxos\nnodes A B C\nproposers client1\nlearners B C\npropose client1 1 3\n",
      {.drops = 1, .crashes = 1});
  CHECK(e.outcome.states == 27860);
  CHECK_FALSE(e.outcome.violation);
  CHECK(e.outcome.stuck == 0);
}

// What the explorer writes, `conlab run` replays to the same invariant.
TEST_CASE("explorer: the counterexample it writes replays to the same invariant") {
  std::ostringstream quiet;
  scenario::Session session({}, quiet);
  std::istringstream text(kNotes + "set rule promise3 off\n");
  std::vector<std::string> setup;
  for (const auto& line : scenario::read_script(text)) {
    session.execute(line);
    setup.push_back(line.text());
  }
  const auto* paxos = dynamic_cast<const PaxosScenario*>(session.protocol());
  REQUIRE(paxos != nullptr);
  auto model = explore::paxos_model(paxos->cluster(), {});
  const explore::Limits limits{.depth = 20, .states = 1'000'000};
  const auto outcome = explore::search(*model, limits);
  const auto path = std::filesystem::temp_directory_path() / "explore_test_promise3.txt";
  std::ostringstream out;
  CHECK(explore::report(out, outcome, *model, setup, {}, limits, path.string(), narration::Lang::en,
                        "conlab explore paxos --rule promise3=off") == 1);
  CHECK(out.str().find("invariant violated: at most one value chosen") != std::string::npos);
  std::ostringstream narration, report;
  CHECK(scenario::run_file(path.string(), {}, narration, report) == 1);
  CHECK(report.str().find("at most one value chosen") != std::string::npos);
  std::filesystem::remove(path);
}

// Two hundred random runs of the notes' example with every kind of step —
// drops, copies, crashes and restarts, timers — replayed by the simulator:
// every acceptor's promise and acceptance are what the model says.
TEST_CASE("explorer: random runs end in the simulator's own acceptor states") {
  std::ostringstream quiet;
  scenario::Session session({}, quiet);
  const std::vector<std::string> setup = explore_walk::set_up(session, kNotes);
  const auto* paxos = dynamic_cast<const PaxosScenario*>(session.protocol());
  REQUIRE(paxos != nullptr);
  auto model = explore::paxos_model(paxos->cluster(),
                                    {.drops = 2, .duplicates = 2, .crashes = 2, .timers = 3});
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    const std::string run = explore_walk::walk(*model, setup, seed, 40);
    const std::string failed = explore_walk::replay(run, "explore_paxos_walk.txt");
    INFO("seed " << seed);
    CHECK(failed == "");
  }
}
