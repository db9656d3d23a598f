// Basic Paxos end to end in the simulator: what is chosen, what survives
// crashes, what faults cannot break — and what breaks when a rule is off.
// The invariants run after every event; each test also ends by asking them.
#include <doctest/doctest.h>

#include <algorithm>

#include "cluster/paxos_cluster.h"

using namespace consensus_lab;
using cluster::PaxosCluster;
using cluster::PaxosOptions;
using paxos::Proposal;
using paxos::ProposalNumber;

namespace {

ProposalNumber n(std::uint64_t value) {
  return ProposalNumber{value};
}

PaxosOptions abc(paxos::Rules rules = {}) {
  return {.servers = {"A", "B", "C"},
          .proposers = {"client1", "client2", "client3"},
          .rules = rules,
          .round_timeout = 100};
}

// The notes' prepare phase: A, B hear Prepare 1 first, C hears Prepare 5 first.
void notes_prepare_phase(PaxosCluster& cluster) {
  auto& world = cluster.world();
  cluster.propose("client1", n(1), "3");
  cluster.propose("client2", n(5), "7");
  world.deliver("client1", "A");
  world.deliver("client1", "B");
  world.deliver("client2", "C");
  world.deliver("client2", "A");
  world.deliver("client2", "B");
  world.deliver("client1", "C");
}

// `proposer` runs a whole round with `number` and `value` in which only
// `acceptors` receive its Prepare and its Accept; the others lose both.
void choose_with(PaxosCluster& cluster, const NodeId& proposer, std::uint64_t number,
                 const paxos::Value& value, const std::vector<NodeId>& acceptors) {
  auto& world = cluster.world();
  cluster.propose(proposer, n(number), value);
  for (const NodeId& id : cluster.options().servers) {
    const bool reached = std::find(acceptors.begin(), acceptors.end(), id) != acceptors.end();
    reached ? world.deliver(proposer, id, "prepare") : world.drop(proposer, id, "prepare");
  }
  for (const NodeId& id : acceptors) world.deliver(id, proposer, "promise");
  for (const NodeId& id : cluster.options().servers) {
    const bool reached = std::find(acceptors.begin(), acceptors.end(), id) != acceptors.end();
    reached ? world.deliver(proposer, id, "accept") : world.drop(proposer, id, "accept");
  }
  world.deliver_all();
}

// Client 1 gets [1, 3] chosen by A and B; C hears nothing of it.
void client1_gets_3_chosen(PaxosCluster& cluster) {
  choose_with(cluster, "client1", 1, "3", {"A", "B"});
  REQUIRE(cluster.chosen_values() == std::set<paxos::Value>{"3"});
}

// The invariant checker has stopped the run: a second value was chosen.
void require_two_values_chosen(const cluster::PaxosWorld& world) {
  REQUIRE(world.violation());
  CHECK(world.violation()->invariant == "at most one value chosen");
}

void require_safe(PaxosCluster& cluster) {
  cluster.world().check_invariants();
  if (const auto& violation = cluster.world().violation()) {
    FAIL("invariant violated: " << violation->invariant << ": " << violation->detail);
  }
}

}  // namespace

TEST_CASE("Basic Paxos (the notes' A/B/C example): the chosen value is 7") {
  PaxosCluster cluster(abc());
  notes_prepare_phase(cluster);
  cluster.world().deliver_all();
  CHECK(cluster.chosen_values() == std::set<paxos::Value>{"7"});
  for (const char* id : {"A", "B", "C"}) {
    CHECK(cluster.acceptor_state(id).accepted == Proposal{n(5), "7"});
    CHECK(cluster.learned(id) == Proposal{n(5), "7"});
  }
  CHECK_FALSE(cluster.proposer("client1").chosen());
  require_safe(cluster);
}

TEST_CASE("Basic Paxos: a value accepted by a minority is not chosen") {
  // Client 1 gets every promise, but only A gets its Accept.
  PaxosCluster minority(abc());
  auto& w = minority.world();
  minority.propose("client1", n(1), "3");
  for (const char* id : {"A", "B", "C"}) w.deliver("client1", id, "prepare");
  for (const char* id : {"A", "B", "C"}) w.deliver(id, "client1");
  w.deliver("client1", "A", "accept");
  w.drop("client1", "B", "accept");
  w.drop("client1", "C", "accept");
  w.deliver_all();
  CHECK(minority.acceptor_state("A").accepted == Proposal{n(1), "3"});
  CHECK(minority.chosen().empty());
  for (const char* id : {"A", "B", "C"}) CHECK_FALSE(minority.learned(id));
  CHECK(minority.proposer("client1").phase() == paxos::Proposer::Phase::accepting);
  require_safe(minority);
}

TEST_CASE(
    "Basic Paxos: a chosen value stays chosen for every later proposal number, whatever "
    "majority answers") {
  // 7 is chosen by A and B; C accepted nothing. A later proposer, with a
  // higher number, hears from each possible majority in turn.
  const std::vector<std::vector<NodeId>> majorities{{"A", "B"}, {"A", "C"}, {"B", "C"}};
  for (const auto& majority : majorities) {
    CAPTURE(majority[0]);
    CAPTURE(majority[1]);
    PaxosCluster cluster(abc());
    auto& world = cluster.world();
    choose_with(cluster, "client2", 5, "7", {"A", "B"});
    REQUIRE(cluster.chosen_values() == std::set<paxos::Value>{"7"});
    REQUIRE_FALSE(cluster.acceptor_state("C").accepted);

    cluster.propose("client3", n(9), "other");
    for (const NodeId& id : {NodeId{"A"}, NodeId{"B"}, NodeId{"C"}}) {
      const bool in_majority = id == majority[0] || id == majority[1];
      in_majority ? world.deliver("client3", id) : world.drop("client3", id);
    }
    world.deliver_all();
    CHECK(cluster.proposer("client3").chosen() == Proposal{n(9), "7"});
    CHECK(cluster.chosen_values() == std::set<paxos::Value>{"7"});
    require_safe(cluster);
  }
}

TEST_CASE("Basic Paxos: an acceptor that crashes and restarts keeps its promise (persistence)") {
  SUBCASE("persist on: after a restart, Prepare 1 is still below the promise 5") {
    PaxosCluster cluster(abc());
    auto& world = cluster.world();
    cluster.propose("client2", n(5), "7");
    world.deliver("client2", "C");
    world.crash("C");
    CHECK(cluster.acceptor_state("C").promised == n(5));  // on disk
    world.restart("C");
    cluster.propose("client1", n(1), "3");
    world.deliver("client1", "C");
    CHECK(world.queued("C", "client1") == 0);
    CHECK(cluster.acceptor_state("C").promised == n(5));
    require_safe(cluster);
  }
  SUBCASE("persist off: the restarted acceptor forgot, and answers Prepare 1") {
    PaxosCluster cluster(abc({.persist = false}));
    auto& world = cluster.world();
    cluster.propose("client2", n(5), "7");
    world.deliver("client2", "C");
    world.crash("C");
    world.restart("C");
    CHECK_FALSE(cluster.acceptor_state("C").promised);
    cluster.propose("client1", n(1), "3");
    world.deliver("client1", "C");
    CHECK(world.queued("C", "client1") == 1);
  }
}

TEST_CASE("Basic Paxos: duplicated and reordered messages change nothing") {
  PaxosCluster clean(abc());
  notes_prepare_phase(clean);
  clean.world().deliver_all();

  PaxosCluster noisy(abc());
  auto& world = noisy.world();
  notes_prepare_phase(noisy);
  // Every reply is duplicated, then everything is delivered newest first.
  for (const char* id : {"A", "B", "C"}) {
    world.duplicate(id, "client1");
    world.duplicate(id, "client2");
  }
  for (int guard = 0; world.queued() > 0 && guard < 1000; ++guard) {
    const auto queued = world.queued_messages();
    const auto& [link, message] = queued.back();
    world.deliver(link.first, link.second, paxos::message_type(message));
    if (guard % 3 == 0) {
      const auto again = world.queued_messages();
      if (!again.empty()) world.duplicate(again.front().first.first, again.front().first.second);
    }
  }
  CHECK(noisy.chosen_values() == clean.chosen_values());
  for (const char* id : {"A", "B", "C"}) {
    CHECK(noisy.acceptor_state(id) == clean.acceptor_state(id));
    CHECK(noisy.learned(id) == clean.learned(id));
  }
  require_safe(noisy);
}

TEST_CASE(
    "Basic Paxos fault tolerance: one of three down → chosen, two down → nothing, one back "
    "→ chosen") {
  PaxosCluster cluster(abc());
  auto& world = cluster.world();
  world.set_latency({5, 15});

  world.crash("C");
  cluster.propose("client1", "3");
  world.run(200);
  CHECK(cluster.chosen_values() == std::set<paxos::Value>{"3"});

  world.crash("B");
  cluster.propose("client2", "7");
  world.run(1000);
  CHECK(cluster.proposer("client2").phase() != paxos::Proposer::Phase::done);
  CHECK(cluster.proposer("client2").rounds() >= 5);
  CHECK(cluster.chosen_values() == std::set<paxos::Value>{"3"});

  world.restart("B");
  world.run(1000);
  CHECK(cluster.proposer("client2").chosen().has_value());
  CHECK(cluster.proposer("client2").chosen()->value == "3");
  CHECK(cluster.chosen_values() == std::set<paxos::Value>{"3"});
  require_safe(cluster);
}

TEST_CASE("Basic Paxos: with two of three acceptors down nothing is chosen, in any seed") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    auto options = abc();
    options.seed = seed;
    PaxosCluster cluster(options);
    auto& world = cluster.world();
    world.set_latency({1, 30});
    world.set_drop_percent(10);
    world.crash("A");
    world.crash("C");
    cluster.propose("client1", "x");
    cluster.propose("client2", "y");
    world.run(2000);
    CHECK(cluster.chosen().empty());
    require_safe(cluster);
  }
}

TEST_CASE("Invariants catch a broken rule: with a promise off, two values get chosen") {
  SUBCASE("promise 2 off: [1, 3] is accepted after promising 5, then [5, 7] too") {
    PaxosCluster cluster(abc({.promise2 = false}));
    auto& world = cluster.world();
    notes_prepare_phase(cluster);
    world.deliver_all();
    require_two_values_chosen(world);
  }
  SUBCASE("promise 3 off: a later proposer does not hear of the chosen [1, 3]") {
    PaxosCluster cluster(abc({.promise3 = false}));
    auto& world = cluster.world();
    client1_gets_3_chosen(cluster);
    cluster.propose("client2", n(5), "7");
    world.drop("client2", "A");
    world.deliver_all();  // B (accepted [1, 3], but does not say) and C promise 5
    require_two_values_chosen(world);
    CHECK(cluster.chosen_values() == std::set<paxos::Value>{"3", "7"});
  }
  SUBCASE("promise 1 off: A answers Prepare 1 after 5, lowers its promise, accepts [1, 3]") {
    PaxosCluster cluster(abc({.promise1 = false}));
    auto& world = cluster.world();
    cluster.propose("client2", n(5), "7");
    world.deliver("client2", "A");
    world.deliver("client2", "B");
    world.drop("client2", "C");
    cluster.propose("client1", n(1), "3");
    world.deliver("client1", "A");  // answered although 1 <= 5
    world.deliver("client1", "C");
    world.drop("client1", "B");
    world.deliver("A", "client1");
    world.deliver("C", "client1");  // client 1: majority {A, C}, proposes its own 3
    world.deliver("client1", "A");
    world.deliver("client1", "C");  // [1, 3] accepted by A and C: chosen
    world.deliver_all();            // and [5, 7] by A and B: chosen too
    require_two_values_chosen(world);
  }
  SUBCASE("persist off: acceptors that restart forget what they accepted") {
    PaxosCluster cluster(abc({.persist = false}));
    auto& world = cluster.world();
    client1_gets_3_chosen(cluster);
    world.crash("A");
    world.restart("A");
    cluster.propose("client2", n(5), "7");
    world.drop("client2", "B");
    world.deliver_all();
    require_two_values_chosen(world);
  }
  SUBCASE("a stopped world does nothing more") {
    PaxosCluster cluster(abc({.promise2 = false}));
    notes_prepare_phase(cluster);
    cluster.world().deliver_all();
    REQUIRE(cluster.world().stopped());
    const auto records = cluster.world().trace().size();
    cluster.propose("client3", n(9), "z");
    cluster.world().run(1000);
    CHECK(cluster.world().trace().size() == records);
    CHECK(std::holds_alternative<sim::Violated>(cluster.world().trace().back().what));
  }
}

TEST_CASE("Basic Paxos with every rule on: random runs with faults never choose two values") {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    CAPTURE(seed);
    PaxosOptions options{.servers = {"A", "B", "C", "D", "E"},
                         .proposers = {"p1", "p2", "p3"},
                         .seed = seed,
                         .round_timeout = 60,
                         .backoff = std::pair<Millis, Millis>{0, 100}};
    PaxosCluster cluster(options);
    auto& world = cluster.world();
    world.set_latency({1, 40});
    world.set_drop_percent(15);
    cluster.propose("p1", "x");
    cluster.propose("p2", "y");
    cluster.propose("p3", "z");
    world.run(300);
    world.crash("A");
    world.crash("B");
    world.run(300);
    world.restart("A");
    world.partition({{"A", "C"}, {"B", "D", "E"}});
    world.run(300);
    world.heal();
    world.restart("B");
    world.set_drop_percent(0);
    world.run(3000);
    require_safe(cluster);
    CHECK(cluster.chosen_values().size() == 1);  // and progress once faults stop
  }
}
