// Multi-Paxos (Chubby style): what it costs in steady state, crash and
// restart, and random runs with faults (and the single faults they found).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cluster/multipaxos_cluster.h"
#include "tests/unit/multipaxos_test_support.h"

// The helpers and the short names (Replica, Slot, Command…) come from the
// support header.
using namespace consensus_lab::multipaxos_testing;

// ---- 7. message cost in steady state ----------------------------------------------------

TEST_CASE(
    "Multi-Paxos (notes, 优化 Basic Paxos 执行): in steady state at most 15 messages per replica "
    "per chosen command and no Prepare") {
  for (const std::vector<NodeId>& ids :
       {std::vector<NodeId>{"A", "B", "C"}, std::vector<NodeId>{"A", "B", "C", "D", "E"}}) {
    const std::size_t n = ids.size();
    CAPTURE(n);
    MultiPaxosCluster cluster(replicas(ids));
    auto& world = cluster.world();
    a_campaigns_timed(cluster, 100);
    REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
    world.reset_stats();
    for (int i = 1; i <= 20; ++i) {
      REQUIRE(cluster.submit("A", Command::put("x", std::to_string(i))));
      world.run(20);
    }
    world.run(100);
    CHECK(cluster.replica("A")->commit() == Slot{20});
    for (const NodeId& id : ids) CHECK(cluster.replica(id)->store().get("x") == "20");
    CHECK(world.stats().sent_of("prepare") == 0);
    // One Accept per other replica per command, and a few sent again with a
    // heartbeat while their Accepted was still on its way.
    CHECK(world.stats().sent_of("accept") >= 20 * (n - 1));
    CHECK(world.stats().sent_of("accepted") >= 20 * (n - 1));
    CHECK(world.stats().sent_of("heartbeat") > 0);
    CHECK(world.stats().sent_of("all") <= 15 * n * 20);
    CHECK_FALSE(world.violation());
  }
}

// ---- 8. crash and restart -------------------------------------------------------------

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby): a replica restarts from its durable state and catches up "
    "with the master's log") {
  MultiPaxosCluster cluster(replicas(abc));
  auto& world = cluster.world();
  a_campaigns_timed(cluster, 50);
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  world.run(100);
  const ReplicaHardState before = cluster.state("C");
  REQUIRE(before.chosen.count(Slot{1}) == 1);

  world.crash("C");
  CHECK(cluster.replica("C") == nullptr);
  CHECK(cluster.state("C") == before);  // the disk, while C is down
  REQUIRE(cluster.submit("A", Command::put("x", "2")));
  world.run(50);
  REQUIRE(cluster.submit("A", Command::put("y", "3")));
  world.run(50);
  REQUIRE(cluster.replica("A")->commit() == Slot{3});  // A and B are a majority
  CHECK(cluster.state("C") == before);

  world.reset_stats();
  world.restart("C");
  CHECK(cluster.replica("C")->hard_state() == before);
  CHECK(cluster.replica("C")->store().get("x") == "1");  // rebuilt from the chosen log
  world.run(200);
  CHECK(world.stats().sent_of("catch-up") >= 1);
  CHECK(world.stats().sent_of("chosen") >= 1);
  CHECK(cluster.state("C").chosen == cluster.state("A").chosen);
  CHECK(cluster.replica("C")->commit() == Slot{3});
  CHECK(cluster.replica("C")->store().data() == cluster.replica("A")->store().data());
  CHECK(cluster.replica("C")->store().get("x") == "2");
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby): with the persist rule off a restarted replica has an empty "
    "log") {
  MultiPaxosCluster cluster(replicas(abc, {.persist = false}));
  auto& world = cluster.world();
  elect_a(cluster);
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  world.deliver_all();
  REQUIRE(cluster.submit("A", Command::put("x", "2")));
  world.deliver_all();
  REQUIRE(cluster.state("C").chosen.count(Slot{1}) == 1);  // learned from the second Accept
  REQUIRE(cluster.state("C").accepted.size() == 2);

  world.crash("C");
  CHECK(cluster.state("C") == ReplicaHardState{});
  world.restart("C");
  const Replica* c = cluster.replica("C");
  CHECK_FALSE(c->hard_state().promised);
  CHECK(c->hard_state().accepted.empty());
  CHECK(c->hard_state().chosen.empty());
  CHECK(c->commit() == Slot{0});
  CHECK(c->store().data().empty());
  CHECK_FALSE(world.violation());
}

// ---- 9. random faults -----------------------------------------------------------------

namespace {

// Faults for 4 s (loss, crashes of a minority, partitions, heals) while
// commands go to whoever is master; then everyone up, no faults, 3 s of quiet.
std::unique_ptr<MultiPaxosCluster> random_run(std::uint64_t seed, const std::vector<NodeId>& ids) {
  MultiPaxosOptions options = replicas(ids);
  options.seed = seed;
  auto cluster = std::make_unique<MultiPaxosCluster>(options);
  auto& world = cluster->world();
  world.keep_trace(false);
  world.set_latency({5, 20});
  world.set_drop_percent(5);
  std::mt19937_64 faults(seed);
  auto roll = [&](std::uint64_t percent) { return faults() % 100 < percent; };
  auto pick = [&] { return ids[faults() % ids.size()]; };
  const std::size_t may_be_down = (ids.size() - 1) / 2;

  std::uint64_t submitted = 0;
  for (int step = 0; step < 400 && !world.stopped(); ++step) {
    if (const auto master = cluster->leader(); master && roll(40)) {
      ++submitted;
      cluster->submit(*master, Command::put("k" + std::to_string(submitted % 4),
                                            std::to_string(submitted), "client", submitted));
    }
    std::size_t down = 0;
    for (const NodeId& id : ids) down += world.is_up(id) ? 0U : 1U;
    if (roll(2) && down < may_be_down) world.crash(pick());
    if (roll(4)) world.restart(pick());
    if (roll(2)) {
      std::vector<NodeId> one, other;
      for (const NodeId& id : ids) (roll(50) ? one : other).push_back(id);
      world.partition({one, other});
    }
    if (roll(4)) world.heal();
    world.run(10);
  }
  world.heal();
  for (const NodeId& id : ids) world.restart(id);
  world.set_drop_percent(0);
  world.run(3000);
  return cluster;
}

struct RandomRun {
  std::uint64_t seed;
  std::vector<NodeId> ids;
};
const std::vector<RandomRun> random_runs{
    {1, {"A", "B", "C"}}, {2, {"A", "B", "C"}},           {3, {"A", "B", "C"}},
    {4, {"A", "B", "C"}}, {5, {"A", "B", "C", "D", "E"}}, {6, {"A", "B", "C", "D", "E"}}};

}  // namespace

TEST_CASE(
    "Multi-Paxos (notes, Multi-Paxos): random runs with loss, crashes and partitions break no "
    "invariant and no two replicas know different commands in a slot") {
  for (const RandomRun& run : random_runs) {
    CAPTURE(run.seed);
    const auto cluster = random_run(run.seed, run.ids);
    require_safe(*cluster);
    REQUIRE(cluster->leader());
    CHECK(cluster->replica(*cluster->leader())->commit() > Slot{0});  // some progress
    for (const NodeId& id : run.ids) {
      CAPTURE(id);
      for (const auto& [slot, command] : cluster->state(id).chosen) {
        CAPTURE(slot.value);
        REQUIRE(cluster->chosen().count(slot) == 1);
        CHECK(cluster->chosen().at(slot) == command);
        for (const NodeId& other : run.ids) {
          const auto& theirs = cluster->state(other).chosen;
          if (const auto it = theirs.find(slot); it != theirs.end()) CHECK(it->second == command);
        }
      }
    }
    CHECK_FALSE(cluster->world().violation());
  }
}

TEST_CASE(
    "Multi-Paxos (notes, Multi-Paxos): after random faults and a quiet period all replicas end "
    "with identical chosen prefixes") {
  for (const RandomRun& run : random_runs) {
    CAPTURE(run.seed);
    const auto cluster = random_run(run.seed, run.ids);
    require_safe(*cluster);
    const auto master = cluster->leader();
    REQUIRE(master);
    const std::vector<Command> reference = chosen_prefix(*cluster->replica(*master));
    CHECK(reference.size() > 0);
    for (const NodeId& id : run.ids) {
      CAPTURE(id);
      CHECK(cluster->replica(id)->commit() == cluster->replica(*master)->commit());
      CHECK(chosen_prefix(*cluster->replica(id)) == reference);
    }
    CHECK_FALSE(cluster->world().violation());
  }
}

// ---- what the random runs found, one fault at a time ---------------------------------------

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §2.3, learning a chosen value): a follower whose CatchUp was "
    "lost asks again and learns the chosen slot") {
  MultiPaxosCluster cluster(replicas(abc, {}, b_and_c_wait));
  auto& world = cluster.world();
  elect_a(cluster);
  // Slot 1 is chosen by A and B; C never sees its Accept.
  a_proposes(cluster, Command::put("x", "1"), /*reaching=*/{"B"});
  world.deliver_all();
  REQUIRE(cluster.replica("A")->commit() == Slot{1});
  // Slot 2's Accept tells C that slot 1 is chosen: C asks A for it, and that CatchUp is lost.
  REQUIRE(cluster.submit("A", Command::put("x", "2")));
  REQUIRE(world.deliver("A", "C", "accept"));
  REQUIRE(world.drop("C", "A", "catch-up"));
  world.deliver_all();
  REQUIRE(cluster.replica("A")->commit() == Slot{2});
  // The network is healthy from now on; A's heartbeats carry commit 2.
  for (int round = 0; round < 6; ++round) {
    world.advance(50);
    world.deliver_all();
  }
  CHECK(world.stats().sent_of("heartbeat") >= 10);
  CHECK(world.stats().sent_of("catch-up") >= 2);
  CHECK(cluster.replica("C")->commit() == Slot{2});
  CHECK(cluster.state("C").chosen == cluster.state("A").chosen);
  CHECK(cluster.replica("C")->store().get("x") == "2");
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §2.4, progress): a slot whose Accepts were all lost is "
    "proposed again and chosen once the network is healthy") {
  MultiPaxosCluster cluster(replicas(abc, {}, b_and_c_wait));
  auto& world = cluster.world();
  elect_a(cluster);
  a_proposes(cluster, Command::put("x", "1"), /*reaching=*/{});
  // The network is healthy from now on; commands keep coming.
  for (int round = 0; round < 6; ++round) {
    cluster.submit("A", Command::put("y", std::to_string(round)));
    world.advance(50);
    world.deliver_all();
  }
  CHECK(cluster.chosen().count(Slot{1}) == 1);
  CHECK(cluster.replica("A")->commit() >= Slot{7});
  CHECK(cluster.replica("A")->store().get("x") == "1");
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): a replica that crashes and restarts does not help "
    "elect a new master while the lease it granted may still hold") {
  MultiPaxosCluster cluster(replicas(abc, {}, b_then_c));
  auto& world = cluster.world();
  // A is master at 10; heartbeats at 10, 60, 110…; the heartbeat of 60 is
  // acknowledged at 70: A's lease lasts until 240.
  a_campaigns_timed(cluster, 71);
  REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
  REQUIRE(cluster.replica("A")->lease_until() == 240);
  world.partition({{"A"}, {"B", "C"}});
  world.crash("C");  // C granted A a lease until 265, and forgets it
  world.restart("C");
  world.run(1000);  // B's timer fires at 215
  if (const auto& violation = world.violation()) {
    MESSAGE(violation->invariant << ": " << violation->detail);
  }
  CHECK_FALSE(world.violation());
  CHECK(cluster.replica("B")->is_master());
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, 成员变更): a master elected by an old configuration "
    "gathers promises from a majority of the new one before it proposes there") {
  // A, B, D, E choose `remove D`, `remove E` and x←3 … x←6 while C is cut off;
  // from slot 5 the members are A, B, C, and x←6 in slot 6 was chosen by A
  // and B. A and B crash; lagging C is elected by C, D, E — a majority of the
  // old five. Before it proposes in slot 6 it must hear from a majority of
  // A, B, C: B restarts, promises, and reports x←6, which C keeps.
  MultiPaxosOptions options = replicas(abcde);
  options.timing.window = 4;
  for (const char* id : {"A", "B", "C", "D", "E"}) options.fixed_election_timeouts[id] = 100000;
  MultiPaxosCluster cluster(options);
  auto& world = cluster.world();
  world.partition({{"A", "B", "D", "E"}, {"C"}});
  cluster.timeout("A");
  world.deliver_all();
  for (const Command& command :
       {Command::remove("D"), Command::remove("E"), Command::put("x", "3"), Command::put("x", "4"),
        Command::put("x", "5"), Command::put("x", "6")}) {
    REQUIRE(cluster.submit("A", command));
    world.deliver_all();
  }
  REQUIRE(cluster.chosen().at(Slot{6}) == Command::put("x", "6"));
  world.crash("A");
  world.crash("B");
  world.heal();
  world.advance(300);  // every lease has run out
  cluster.timeout("C");
  world.deliver_all();
  REQUIRE(cluster.leader() == std::optional<NodeId>{"C"});
  CHECK(cluster.replica("C")->commit() < Slot{6});

  world.restart("B");
  world.advance(300);  // B's restart lease period ends; C's heartbeats reach it
  world.deliver_all();
  REQUIRE(cluster.submit("C", Command::put("y", "9")));
  for (int i = 0; i < 5; ++i) {
    world.advance(50);
    world.deliver_all();
  }
  CHECK(cluster.state("C").chosen.at(Slot{6}) == Command::put("x", "6"));
  CHECK(cluster.replica("C")->store().get("y") == "9");
  CHECK_FALSE(world.violation());
}
