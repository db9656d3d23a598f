// Multi-Paxos (Chubby style): the rules, one test each, named after the notes
// or the paper section they come from — one promise for every slot, a
// reported value wins its slot, Lamport's gap example, a Reject ends the
// skipping of phase 1, the lease, a client's repeat applied once.
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

TEST_CASE("Multi-Paxos (notes, 优化 Basic Paxos 执行): a stable master sends no Prepare") {
  MultiPaxosCluster cluster({.replicas = abc});
  auto& world = cluster.world();
  elect_a(cluster);
  world.reset_stats();
  for (int i = 1; i <= 10; ++i) {
    REQUIRE(cluster.submit("A", Command::put("x", std::to_string(i))));
    world.deliver_all();
  }
  CHECK(world.stats().sent_of("prepare") == 0);
  CHECK(world.stats().sent_of("accept") == 20);
  CHECK(cluster.replica("A")->commit() == Slot{10});
  CHECK(cluster.replica("A")->store().get("x") == "10");
  CHECK_FALSE(world.violation());
}

// What the narration says of a proposed command ("no Prepare, straight to
// Accept") must be what the master did with its slot in the same step.
TEST_CASE("Multi-Paxos (notes, 优化 Basic Paxos 执行): a proposed command reports what followed") {
  using Then = event::CommandProposed::Then;
  auto last_proposed = [](const MultiPaxosCluster& cluster) {
    return std::get<2>(noted<event::CommandProposed>(cluster.world()).back());
  };

  SUBCASE("the window is full: slots 1-4 go straight to Accept, slot 5 waits") {
    MultiPaxosCluster cluster(replicas(abc, {}, b_and_c_wait));
    elect_a(cluster);
    for (int i = 1; i <= 5; ++i) {
      REQUIRE(cluster.submit("A", Command::put("x", std::to_string(i))));
      CHECK(last_proposed(cluster).then == (i <= 4 ? Then::accept : Then::window));
    }
  }
  SUBCASE("a new member: the first slot it decides waits for phase 1 among the new members") {
    MultiPaxosOptions options = replicas({"A", "B", "C", "D"}, {}, b_and_c_wait);
    options.members = abc;
    options.rules.lease_every_configuration = false;  // phase 1 only as a slot needs it
    MultiPaxosCluster cluster(options);
    auto& world = cluster.world();
    world.partition({{"A", "B", "D"}, {"C"}});
    elect_a(cluster);  // promises from A and B: a majority of A, B, C, not of A, B, C, D
    world.heal();
    for (const Command& command : {Command::add("D"), Command::put("x", "3"),
                                   Command::put("x", "4"), Command::put("x", "5")}) {
      REQUIRE(cluster.submit("A", command));
      CHECK(last_proposed(cluster).then == Then::accept);
      world.deliver_all();
    }
    world.reset_stats();
    REQUIRE(cluster.submit("A", Command::put("x", "6")));  // D decides from slot 1 + 4
    CHECK(last_proposed(cluster).slot == Slot{5});
    CHECK(last_proposed(cluster).then == Then::prepare);
    CHECK(world.stats().sent_of("prepare") == 2);  // to C and D, whose promises A lacks
    const auto requested = noted<event::PromisesRequested>(world);
    REQUIRE(requested.size() == 1);
    CHECK(std::get<2>(requested[0]).asked == std::vector<NodeId>{"C", "D"});
    CHECK(world.stats().sent_of("accept") == 0);
    world.deliver_all();
    CHECK(cluster.replica("D")->commit() == Slot{5});
    CHECK_FALSE(world.violation());
  }
}

// ---- 1. one promise for every slot ------------------------------------------------

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3, notes 优化 Basic Paxos 执行): the promise made for "
    "slot 1 on holds for a later slot that never saw a Prepare") {
  Replica a(config_for("A", abc), ReplicaHardState{});
  LowestDraw low;
  // B prepares ballot 5 from slot 1: A promises it for slot 1 and every later one.
  const Effects promised = a.handle(0, "B", Prepare{Ballot{5}, Slot{1}}, low);
  REQUIRE(sent<Promise>(promised).size() == 1);
  REQUIRE(a.hard_state().promised == Ballot{5});

  SUBCASE("an Accept with a lower ballot for slot 7 is refused with a Reject") {
    const Effects refused =
        a.handle(1, "C", Accept{Ballot{3}, Slot{7}, Command::put("x", "3"), Slot{3}}, low);
    const auto rejects = sent<Reject>(refused);
    REQUIRE(rejects.size() == 1);
    CHECK(rejects[0].first == "C");
    CHECK(rejects[0].second.ballot == Ballot{3});
    CHECK(rejects[0].second.promised == Ballot{5});
    CHECK(sent<multipaxos::Accepted>(refused).empty());
    REQUIRE(events<event::AcceptRefused>(refused).size() == 1);
    CHECK(events<event::AcceptRefused>(refused)[0].slot == Slot{7});
    CHECK_FALSE(refused.persist);
    CHECK(a.hard_state().accepted.count(Slot{7}) == 0);
    CHECK(a.hard_state().accepted.empty());
    CHECK(a.hard_state().promised == Ballot{5});
  }
  SUBCASE("an Accept with the promised ballot 5 for slot 7 is accepted (5 is not < 5)") {
    const Effects accepted =
        a.handle(1, "B", Accept{Ballot{5}, Slot{7}, Command::put("x", "5"), Slot{3}}, low);
    REQUIRE(sent<multipaxos::Accepted>(accepted).size() == 1);
    CHECK(sent<multipaxos::Accepted>(accepted)[0].first == "B");
    CHECK(a.hard_state().accepted.at(Slot{7}) == SlotProposal{Ballot{5}, Command::put("x", "5")});
    REQUIRE(accepted.persist);  // durable before the Accepted leaves: the promise and slot 7
    CHECK(accepted.persist->promised == Ballot{5});
    CHECK(accepted.persist->accepted ==
          std::map<Slot, SlotProposal>{{Slot{7}, SlotProposal{Ballot{5}, Command::put("x", "5")}}});
  }
}

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3): in the cluster, an old master's Accept for a new slot is "
    "refused by a replica that promised a newer candidate") {
  MultiPaxosCluster cluster(replicas(abc, {}, b_and_c_wait));
  auto& world = cluster.world();
  elect_a(cluster);  // ballot 1, from slot 1
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  world.deliver_all();  // slot 1 chosen
  let_leases_run_out(cluster);

  // C campaigns with ballot 3; only B hears its Prepare (A does not).
  cluster.timeout("C");
  world.drop("C", "A", "prepare");
  REQUIRE(world.deliver("C", "B", "prepare"));
  REQUIRE(cluster.state("B").promised == Ballot{3});

  // A, still master, skips phase 1 for slot 2: no Prepare ever named slot 2.
  REQUIRE(cluster.submit("A", Command::put("x", "2")));
  REQUIRE(world.deliver("A", "B", "accept"));
  CHECK(world.queued("B", "A") >= 1);
  CHECK(world.stats().sent_of("reject") == 1);
  CHECK(cluster.state("B").accepted.count(Slot{2}) == 0);
  CHECK(cluster.chosen().count(Slot{2}) == 0);
  CHECK_FALSE(world.violation());
}

// ---- 2. a reported value wins its slot -----------------------------------------------

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3): a new master re-proposes the value it found accepted in "
    "a slot and puts a fresh command only into a later slot") {
  const Command x = Command::put("x", "1");
  const Command y = Command::put("y", "2");
  Replica c(config_for("C", abc), ReplicaHardState{});
  LowestDraw low;
  const Effects campaign = c.campaign(0, low);
  const auto prepares = sent<Prepare>(campaign);
  REQUIRE(prepares.size() == 2);
  CHECK(prepares[0].second.ballot == Ballot{3});  // C is replica 3 of 3: ballots 3, 6, 9…
  CHECK(prepares[0].second.from == Slot{1});

  // B's promise reports slot 1 with [1, x←1] (accepted from an earlier master A).
  const Effects elected =
      c.handle(1, "B", Promise{Ballot{3}, Slot{1}, {{Slot{1}, SlotProposal{Ballot{1}, x}}}}, low);
  REQUIRE(c.is_master());
  const auto became = events<event::BecameMaster>(elected);
  REQUIRE(became.size() == 1);
  CHECK(became[0].reproposed == 1);
  CHECK(became[0].filled == 0);
  CHECK(became[0].next == Slot{2});
  const auto reproposals = sent<Accept>(elected);
  REQUIRE(reproposals.size() == 2);
  for (const auto& [to, accept] : reproposals) {
    CHECK(accept.slot == Slot{1});
    CHECK(accept.command == x);
    CHECK(accept.ballot == Ballot{3});
  }

  const Effects submitted = c.submit(2, y);
  const auto accepts = sent<Accept>(submitted);
  REQUIRE(accepts.size() == 2);
  CHECK(accepts[0].second.slot == Slot{2});
  CHECK(accepts[0].second.command == y);
  CHECK(c.hard_state().accepted.at(Slot{1}) == SlotProposal{Ballot{3}, x});
  CHECK(c.hard_state().accepted.at(Slot{2}) == SlotProposal{Ballot{3}, y});
}

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3): in the cluster, after a failover the value only B "
    "accepted keeps slot 1 and the new command goes to slot 2") {
  const Command x = Command::put("x", "1");
  const Command y = Command::put("y", "2");
  MultiPaxosCluster cluster(replicas(abc, {}, b_and_c_wait));
  auto& world = cluster.world();
  elect_a(cluster);
  a_proposes(cluster, x, /*reaching=*/{"B"});  // B accepts [1, x←1] in slot 1
  world.crash("A");                            // before it hears B's Accepted
  REQUIRE(cluster.state("A").chosen.empty());
  let_leases_run_out(cluster);

  cluster.timeout("C");
  world.deliver_all();
  REQUIRE(cluster.leader() == std::optional<NodeId>{"C"});
  REQUIRE(cluster.submit("C", y));
  world.deliver_all();
  for (const char* id : {"B", "C"}) {
    CAPTURE(id);
    CHECK(cluster.state(id).accepted.at(Slot{1}).command == x);
    CHECK(cluster.state(id).accepted.at(Slot{2}).command == y);
  }
  CHECK(cluster.state("C").chosen == std::map<Slot, Command>{{Slot{1}, x}, {Slot{2}, y}});
  CHECK(cluster.chosen() == std::map<Slot, Command>{{Slot{1}, x}, {Slot{2}, y}});
  CHECK(cluster.replica("C")->store().get("x") == "1");
  CHECK_FALSE(world.violation());
}

// ---- 3. Lamport's gap example -------------------------------------------------------

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3): the new master knows 1-134, 138 and 139 chosen, "
    "re-proposes 135 and 140, fills 136 and 137 with noop and gives the next command 141") {
  auto value = [](std::uint64_t slot) { return Command::put("k" + std::to_string(slot), "v"); };
  // A accepted and learned, under the old master B's ballot 2, slots 1–134, 138, 139.
  ReplicaHardState restored;
  restored.promised = Ballot{2};
  for (std::uint64_t slot = 1; slot <= 139; ++slot) {
    if (slot >= 135 && slot <= 137) continue;
    restored.accepted[Slot{slot}] = SlotProposal{Ballot{2}, value(slot)};
    restored.chosen[Slot{slot}] = value(slot);
  }
  // A window wide enough for all of 135–141 to go out at once.
  Replica a(config_for("A", abcde, {.window = 16}), restored);
  REQUIRE(a.commit() == Slot{134});
  LowestDraw low;

  const Effects campaign = a.campaign(0, low);
  const auto prepares = sent<Prepare>(campaign);
  REQUIRE(prepares.size() == 4);
  for (const auto& [to, prepare] : prepares) {
    CHECK(prepare.from == Slot{135});    // the first slot A does not know chosen
    CHECK(prepare.ballot == Ballot{6});  // A is replica 1 of 5, above ballot 2: 6
  }

  const Command x135 = Command::put("x", "135");
  const Command x140 = Command::put("x", "140");
  // B (the old master) accepted 135; C accepted an older value there, and 140.
  const Effects first = a.handle(1, "B",
                                 Promise{Ballot{6},
                                         Slot{135},
                                         {{Slot{135}, SlotProposal{Ballot{2}, x135}},
                                          {Slot{138}, SlotProposal{Ballot{2}, value(138)}},
                                          {Slot{139}, SlotProposal{Ballot{2}, value(139)}}}},
                                 low);
  CHECK_FALSE(a.is_master());  // 2 of 5: not yet a majority
  CHECK(sent<Accept>(first).empty());
  const Effects second =
      a.handle(2, "C",
               Promise{Ballot{6},
                       Slot{135},
                       {{Slot{135}, SlotProposal{Ballot{1}, Command::put("x", "old")}},
                        {Slot{140}, SlotProposal{Ballot{2}, x140}}}},
               low);
  REQUIRE(a.is_master());

  const auto became = events<event::BecameMaster>(second);
  REQUIRE(became.size() == 1);
  CHECK(became[0].from == Slot{135});
  CHECK(became[0].reproposed == 4);  // 135, 138, 139, 140
  CHECK(became[0].filled == 2);      // 136, 137
  CHECK(became[0].next == Slot{141});

  std::map<Slot, Command> to_b;
  for (const auto& [to, accept] : sent<Accept>(second)) {
    CHECK(accept.ballot == Ballot{6});
    CHECK(accept.commit == Slot{134});
    if (to == "B") to_b[accept.slot] = accept.command;
  }
  CHECK(sent<Accept>(second).size() == 6 * 4);
  CHECK(to_b == std::map<Slot, Command>{{Slot{135}, x135},
                                        {Slot{136}, Command::noop()},
                                        {Slot{137}, Command::noop()},
                                        {Slot{138}, value(138)},
                                        {Slot{139}, value(139)},
                                        {Slot{140}, x140}});

  const Command next = Command::put("y", "1");
  const Effects submitted = a.submit(3, next);
  const auto accepts = sent<Accept>(submitted);
  REQUIRE(accepts.size() == 4);
  CHECK(accepts[0].second.slot == Slot{141});
  CHECK(accepts[0].second.command == next);
  CHECK(a.hard_state().accepted.at(Slot{141}) == SlotProposal{Ballot{6}, next});
  CHECK(a.hard_state().accepted.at(Slot{136}) == SlotProposal{Ballot{6}, Command::noop()});
}

// ---- 4. a Reject ends the skipping of phase 1 ---------------------------------------

TEST_CASE(
    "Multi-Paxos (notes, 优化 Basic Paxos 执行): a master that is rejected with a higher ballot "
    "steps down and the rejection does not count as an acceptance") {
  // Leases off, so that B may run while A is master (with leases B would wait
  // for its grant to A to end — see the lease tests).
  const Command x = Command::put("x", "1");
  MultiPaxosCluster cluster(replicas(abc, {.lease = false}));
  auto& world = cluster.world();
  elect_a(cluster);  // ballot 1

  // B's election timer fires: B promises itself ballot 2 (durably) and prepares.
  cluster.timeout("B");
  REQUIRE(cluster.state("B").promised == Ballot{2});

  // A, in steady state, sends Accept [1, x←1] for slot 1 without a Prepare.
  a_proposes(cluster, x, /*reaching=*/{"B"});
  CHECK(world.stats().sent_of("reject") == 1);
  REQUIRE(world.deliver("B", "A", "reject"));  // Reject: B promised 2 > 1

  const Replica* a = cluster.replica("A");
  CHECK(a->role() == Role::follower);
  CHECK_FALSE(a->is_master());
  CHECK(cluster.leader() != std::optional<NodeId>{"A"});
  CHECK_FALSE(cluster.submit("A", Command::put("x", "2")));
  // A's own acceptance and B's rejection are not a majority: slot 1 is not chosen.
  CHECK(a->hard_state().accepted.at(Slot{1}).command == x);
  CHECK(a->hard_state().chosen.empty());
  CHECK(a->commit() == Slot{0});
  CHECK(cluster.chosen().empty());
  CHECK(noted<event::SteppedDown>(world).size() == 1);

  // B finishes its election with A's promise, which reports [1, x←1] in slot 1.
  world.deliver_all();
  CHECK(cluster.leader() == std::optional<NodeId>{"B"});
  CHECK(cluster.chosen() == std::map<Slot, Command>{{Slot{1}, x}});
  CHECK_FALSE(world.violation());
}

// ---- 5. Chubby's lease ----------------------------------------------------------------

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): a replica ignores another candidate's Prepare "
    "while the lease it granted the master holds") {
  Replica c(config_for("C", abc), ReplicaHardState{});
  LowestDraw low;
  c.handle(0, "A", Heartbeat{Ballot{1}, Slot{0}, 0}, low);  // lease for A until 200

  const Effects ignored = c.handle(100, "B", Prepare{Ballot{2}, Slot{1}}, low);
  CHECK(ignored.send.empty());
  REQUIRE(events<event::PrepareIgnoredForLease>(ignored).size() == 1);
  CHECK(events<event::PrepareIgnoredForLease>(ignored)[0].master == "A");
  CHECK(events<event::PrepareIgnoredForLease>(ignored)[0].until == 200);
  CHECK(c.hard_state().promised == Ballot{1});

  const Effects answered =
      c.handle(200, "B", Prepare{Ballot{2}, Slot{1}}, low);  // the lease is over
  REQUIRE(sent<Promise>(answered).size() == 1);
  CHECK(c.hard_state().promised == Ballot{2});
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): a partitioned master stops reading locally before "
    "another replica can be elected") {
  MultiPaxosCluster cluster(replicas(abc, {}, b_then_c));
  auto& world = cluster.world();
  a_campaigns_timed(cluster, 100);
  REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
  REQUIRE(cluster.replica("A")->can_read_locally(world.now()));

  world.partition({{"A"}, {"B", "C"}});
  std::optional<Millis> a_stops_reading, other_elected;
  for (Millis t = 0; t < 2000 && !other_elected && !world.stopped(); ++t) {
    world.run(1);
    if (!a_stops_reading && !cluster.replica("A")->can_read_locally(world.now())) {
      a_stops_reading = world.now();
    }
    if (cluster.replica("B")->is_master() || cluster.replica("C")->is_master()) {
      other_elected = world.now();
    }
  }
  REQUIRE(a_stops_reading);
  REQUIRE(other_elected);
  CHECK(*a_stops_reading < *other_elected);
  CHECK(cluster.replica("A")->is_master());  // it does not know, but it no longer reads
  CHECK(cluster.leader() == std::optional<NodeId>{"B"});

  // B's timer fired while its own lease grant to A held: it did not run until
  // the grant ended.
  const auto deferred = noted<event::CampaignDeferred>(world);
  REQUIRE_FALSE(deferred.empty());
  const auto& [at, by, what] = deferred.front();
  CHECK(by == "B");
  CHECK(what.master == "A");
  CHECK(at < what.until);
  CHECK(*other_elected >= what.until);
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): with the lease rule off, the partitioned old master "
    "and the new one both read locally") {
  MultiPaxosCluster cluster(replicas(abc, {.lease = false}, b_then_c));
  auto& world = cluster.world();
  a_campaigns_timed(cluster, 100);
  REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
  world.partition({{"A"}, {"B", "C"}});
  world.run(2000);
  REQUIRE(world.violation());
  CHECK(world.violation()->invariant == "at most one master holds a lease");
  CHECK(cluster.replica("A")->is_master());
  CHECK(cluster.replica("B")->is_master());
}

// ---- 6. a client's repeat is applied once -------------------------------------------

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby): a command a client re-submits after a master change is "
    "chosen again but applied once") {
  const Command put7 = Command::put("x", "1", "client1", 7);
  const Command put8 = Command::put("x", "2", "client1", 8);
  MultiPaxosCluster cluster(replicas(abc));
  auto& world = cluster.world();
  a_campaigns_timed(cluster, 50);
  REQUIRE(cluster.submit("A", put7));
  world.run(50);
  REQUIRE(cluster.submit("A", put8));
  world.run(100);
  REQUIRE(cluster.replica("A")->commit() == Slot{2});

  // A crashes; the client did not hear the answer to 7 and sends it again.
  world.crash("A");
  REQUIRE(world.run_until([&] { return cluster.leader().has_value(); }, 2000));
  const NodeId master = *cluster.leader();
  REQUIRE(cluster.submit(master, put7));
  world.run(200);

  const auto& log = cluster.state(master).chosen;
  const auto sevens = slots_holding(log, put7);
  REQUIRE(sevens.size() == 2);  // both slots hold it…
  CHECK(sevens[0] == Slot{1});
  CHECK(slots_holding(log, put8) == std::vector<Slot>{Slot{2}});
  CHECK(sevens[1] > Slot{2});
  for (const char* id : {"B", "C"}) {
    CAPTURE(id);
    CHECK(cluster.replica(id)->commit() >= sevens[1]);
    CHECK(cluster.replica(id)->store().get("x") == "2");  // …but 7 was applied once
  }
  bool skipped = false;
  for (const auto& [at, by, applied] : noted<event::Applied>(world)) {
    if (by == master && applied.slot == sevens[1]) skipped = applied.repeat;
  }
  CHECK(skipped);
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, 读写请求都是有主节点执行): without its lease a master reads "
    "through the log, and a cut-off old master gets no answer") {
  MultiPaxosCluster cluster(replicas(abc, {}, {{"A", 150}, {"B", 300}, {"C", 400}}));
  auto& world = cluster.world();
  world.set_latency({5, 5});
  world.run(200);
  REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  world.run(50);

  // With its lease, A answers from its state machine; through the log, too.
  CHECK(cluster.read("A", "x").value == "1");
  const auto through_log = cluster.read_through_log("A", "x");
  REQUIRE(through_log);
  world.run(50);
  CHECK(cluster.read_answer(*through_log) == std::optional<std::optional<std::string>>{"1"});

  // Cut off, A loses its lease: a read must go through the log, which A
  // cannot get chosen without a majority.
  world.partition({{"A"}, {"B", "C"}});
  world.run(300);
  REQUIRE(cluster.read("A", "x").outcome == MultiPaxosCluster::Read::Outcome::through_log);
  const auto stale = cluster.read_through_log("A", "x");
  REQUIRE(stale);
  world.run(500);
  CHECK_FALSE(cluster.read_answer(*stale));

  // The new master writes x=2; a read through its log answers 2.
  REQUIRE(cluster.leader() == std::optional<NodeId>{"B"});
  REQUIRE(cluster.submit("B", Command::put("x", "2")));
  const auto fresh = cluster.read_through_log("B", "x");
  REQUIRE(fresh);
  world.run(50);
  CHECK(cluster.read_answer(*fresh) == std::optional<std::optional<std::string>>{"2"});
  CHECK_FALSE(cluster.read_through_log("C", "x"));  // not the master: the client is redirected
  CHECK_FALSE(world.violation());
}
