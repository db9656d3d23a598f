// Multi-Paxos (Chubby style), one test per rule, named after the notes or the
// paper section it comes from.
//
// Two kinds of test: a single multipaxos::Replica fed messages by hand (the
// rule at its smallest), and a MultiPaxosCluster in the simulator (the rule in
// a whole system, with the invariants run after every event). The cluster is
// driven by hand (deliver/drop: the clock stands still) or in timed mode
// (set_latency, run: heartbeats, leases and election timers at work).
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

using namespace consensus_lab;
using cluster::MultiPaxosCluster;
using cluster::MultiPaxosOptions;
using multipaxos::Accept;
using multipaxos::Ballot;
using multipaxos::Command;
using multipaxos::Effects;
using multipaxos::Prepare;
using multipaxos::Promise;
using multipaxos::Reject;
using multipaxos::Replica;
using multipaxos::ReplicaHardState;
using multipaxos::Role;
using multipaxos::Slot;
using multipaxos::SlotProposal;
namespace event = multipaxos::event;

namespace {

// The election timers always draw the shortest timeout.
class Low final : public RandomSource {
 public:
  std::uint64_t between(std::uint64_t low, std::uint64_t /*high*/) override { return low; }
};

Ballot b(std::uint64_t value) {
  return Ballot{value};
}
Slot s(std::uint64_t value) {
  return Slot{value};
}

// Replica k of the members (from 1) owns the ballots k, k + n, k + 2n, …
Replica::Config config_for(const NodeId& self, const std::vector<NodeId>& members,
                           multipaxos::Timing timing = {}) {
  const auto position = std::find(members.begin(), members.end(), self) - members.begin();
  return Replica::Config{.self = self,
                         .members = members,
                         .index = static_cast<std::uint64_t>(position) + 1,
                         .count = members.size(),
                         .timing = timing};
}

// Every message of type T in the effects, with its addressee.
template <class T>
std::vector<std::pair<NodeId, T>> sent(const Effects& effects) {
  std::vector<std::pair<NodeId, T>> out;
  for (const auto& outgoing : effects.send) {
    if (const auto* message = std::get_if<T>(&outgoing.message))
      out.emplace_back(outgoing.to, *message);
  }
  return out;
}

// Every event of type T in the effects.
template <class T>
std::vector<T> events(const Effects& effects) {
  std::vector<T> out;
  for (const auto& e : effects.events) {
    if (const auto* found = std::get_if<T>(&e)) out.push_back(*found);
  }
  return out;
}

// Every event of type T noted in the cluster's trace: (time, replica, event).
template <class T>
std::vector<std::tuple<Millis, NodeId, T>> noted(const cluster::MultiPaxosWorld& world) {
  std::vector<std::tuple<Millis, NodeId, T>> out;
  for (const auto& record : world.trace()) {
    if (const auto* n = std::get_if<sim::Noted<multipaxos::Event>>(&record.what)) {
      if (const auto* found = std::get_if<T>(&n->event))
        out.emplace_back(record.at, n->node, *found);
    }
  }
  return out;
}

MultiPaxosOptions replicas(std::vector<NodeId> ids, multipaxos::Rules rules = {}) {
  MultiPaxosOptions options;
  options.replicas = std::move(ids);
  options.rules = rules;
  return options;
}

// By hand: A's election timer fires and every message is delivered.
void elect_a(MultiPaxosCluster& cluster) {
  cluster.timeout("A");
  cluster.world().deliver_all();
  REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
}

// By hand, the clock stands still, so the lease B and C granted A lasts for
// ever: move the clock past it (no election timer fires: the test gave B and C
// long ones) and throw away the heartbeats A sent meanwhile.
void let_leases_run_out(MultiPaxosCluster& cluster) {
  auto& world = cluster.world();
  world.advance(cluster.options().timing.lease + 1);
  for (const NodeId& from : cluster.participants()) {
    for (const NodeId& to : cluster.participants()) {
      if (from != to) {
        while (world.drop(from, to, "heartbeat")) {
        }
      }
    }
  }
}

// The chosen log 1..commit of a live replica.
std::vector<Command> chosen_prefix(const Replica& replica) {
  std::vector<Command> log;
  for (Slot slot{1}; slot <= replica.commit(); slot = slot.next()) {
    log.push_back(replica.hard_state().chosen.at(slot));
  }
  return log;
}

std::vector<Slot> slots_holding(const std::map<Slot, Command>& log, const Command& command) {
  std::vector<Slot> out;
  for (const auto& [slot, held] : log) {
    if (held == command) out.push_back(slot);
  }
  return out;
}

void require_safe(const MultiPaxosCluster& cluster) {
  if (const auto& violation = cluster.world().violation()) {
    FAIL("invariant violated: " << violation->invariant << ": " << violation->detail);
  }
}

}  // namespace

TEST_CASE("Multi-Paxos (notes, 优化 Basic Paxos 执行): a stable master sends no Prepare") {
  MultiPaxosCluster cluster({.replicas = {"A", "B", "C"}});
  auto& world = cluster.world();
  cluster.timeout("A");
  world.deliver_all();
  REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
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

// ---- 1. one promise for every slot ------------------------------------------------

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3, notes 优化 Basic Paxos 执行): the promise made for "
    "slot 1 on holds for a later slot that never saw a Prepare") {
  const std::vector<NodeId> abc{"A", "B", "C"};
  Replica a(config_for("A", abc), ReplicaHardState{});
  Low low;
  // B prepares ballot 5 from slot 1: A promises it for slot 1 and every later one.
  const Effects promised = a.handle(0, "B", Prepare{b(5), s(1)}, low);
  REQUIRE(sent<Promise>(promised).size() == 1);
  REQUIRE(a.hard_state().promised == b(5));

  SUBCASE("an Accept with a lower ballot for slot 7 is refused with a Reject") {
    const Effects refused =
        a.handle(1, "C", Accept{b(3), s(7), Command::put("x", "3"), Slot{0}}, low);
    const auto rejects = sent<Reject>(refused);
    REQUIRE(rejects.size() == 1);
    CHECK(rejects[0].first == "C");
    CHECK(rejects[0].second.ballot == b(3));
    CHECK(rejects[0].second.promised == b(5));
    CHECK(sent<multipaxos::Accepted>(refused).empty());
    REQUIRE(events<event::AcceptRefused>(refused).size() == 1);
    CHECK(events<event::AcceptRefused>(refused)[0].slot == s(7));
    CHECK_FALSE(refused.persist);
    CHECK(a.hard_state().accepted.count(s(7)) == 0);
    CHECK(a.hard_state().accepted.empty());
    CHECK(a.hard_state().promised == b(5));
  }
  SUBCASE("an Accept with the promised ballot 5 for slot 7 is accepted (5 is not < 5)") {
    const Effects accepted =
        a.handle(1, "B", Accept{b(5), s(7), Command::put("x", "5"), Slot{0}}, low);
    REQUIRE(sent<multipaxos::Accepted>(accepted).size() == 1);
    CHECK(sent<multipaxos::Accepted>(accepted)[0].first == "B");
    CHECK(a.hard_state().accepted.at(s(7)) == SlotProposal{b(5), Command::put("x", "5")});
    CHECK(accepted.persist == a.hard_state());  // durable before the Accepted leaves
  }
}

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3): in the cluster, an old master's Accept for a new slot is "
    "refused by a replica that promised a newer candidate") {
  MultiPaxosOptions options = replicas({"A", "B", "C"});
  options.fixed_election_timeouts = {{"B", 10'000}, {"C", 10'000}};
  MultiPaxosCluster cluster(options);
  auto& world = cluster.world();
  elect_a(cluster);  // ballot 1, from slot 1
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  world.deliver_all();  // slot 1 chosen
  let_leases_run_out(cluster);

  // C campaigns with ballot 3; only B hears its Prepare (A does not).
  cluster.timeout("C");
  world.drop("C", "A", "prepare");
  REQUIRE(world.deliver("C", "B", "prepare"));
  REQUIRE(cluster.state("B").promised == b(3));

  // A, still master, skips phase 1 for slot 2: no Prepare ever named slot 2.
  REQUIRE(cluster.submit("A", Command::put("x", "2")));
  REQUIRE(world.deliver("A", "B", "accept"));
  CHECK(world.queued("B", "A") >= 1);
  CHECK(world.stats().sent_of("reject") == 1);
  CHECK(cluster.state("B").accepted.count(s(2)) == 0);
  CHECK(cluster.chosen().count(s(2)) == 0);
  CHECK_FALSE(world.violation());
}

// ---- 2. a reported value wins its slot -----------------------------------------------

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3): a new master re-proposes the value it found accepted in "
    "a slot and puts a fresh command only into a later slot") {
  const std::vector<NodeId> abc{"A", "B", "C"};
  const Command x = Command::put("x", "1");
  const Command y = Command::put("y", "2");
  Replica c(config_for("C", abc), ReplicaHardState{});
  Low low;
  const Effects campaign = c.campaign(0, low);
  const auto prepares = sent<Prepare>(campaign);
  REQUIRE(prepares.size() == 2);
  CHECK(prepares[0].second.ballot == b(3));  // C is replica 3 of 3: ballots 3, 6, 9…
  CHECK(prepares[0].second.from == s(1));

  // B's promise reports slot 1 with [1, x←1] (accepted from an earlier master A).
  const Effects elected =
      c.handle(1, "B", Promise{b(3), s(1), {{s(1), SlotProposal{b(1), x}}}}, low);
  REQUIRE(c.is_master());
  const auto became = events<event::BecameMaster>(elected);
  REQUIRE(became.size() == 1);
  CHECK(became[0].reproposed == 1);
  CHECK(became[0].filled == 0);
  CHECK(became[0].next == s(2));
  const auto reproposals = sent<Accept>(elected);
  REQUIRE(reproposals.size() == 2);
  for (const auto& [to, accept] : reproposals) {
    CHECK(accept.slot == s(1));
    CHECK(accept.command == x);
    CHECK(accept.ballot == b(3));
  }

  const Effects submitted = c.submit(2, y);
  const auto accepts = sent<Accept>(submitted);
  REQUIRE(accepts.size() == 2);
  CHECK(accepts[0].second.slot == s(2));
  CHECK(accepts[0].second.command == y);
  CHECK(c.hard_state().accepted.at(s(1)) == SlotProposal{b(3), x});
  CHECK(c.hard_state().accepted.at(s(2)) == SlotProposal{b(3), y});
}

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3): in the cluster, after a failover the value only B "
    "accepted keeps slot 1 and the new command goes to slot 2") {
  MultiPaxosOptions options = replicas({"A", "B", "C"});
  options.fixed_election_timeouts = {{"B", 10'000}, {"C", 10'000}};
  MultiPaxosCluster cluster(options);
  auto& world = cluster.world();
  const Command x = Command::put("x", "1");
  const Command y = Command::put("y", "2");
  elect_a(cluster);
  REQUIRE(cluster.submit("A", x));
  REQUIRE(world.deliver("A", "B", "accept"));  // B accepts [1, x←1] in slot 1
  REQUIRE(world.drop("A", "C", "accept"));
  world.crash("A");  // before it hears B's Accepted
  REQUIRE(cluster.state("A").chosen.empty());
  let_leases_run_out(cluster);

  cluster.timeout("C");
  world.deliver_all();
  REQUIRE(cluster.leader() == std::optional<NodeId>{"C"});
  REQUIRE(cluster.submit("C", y));
  world.deliver_all();
  for (const char* id : {"B", "C"}) {
    CAPTURE(id);
    CHECK(cluster.state(id).accepted.at(s(1)).command == x);
    CHECK(cluster.state(id).accepted.at(s(2)).command == y);
  }
  CHECK(cluster.state("C").chosen == std::map<Slot, Command>{{s(1), x}, {s(2), y}});
  CHECK(cluster.chosen() == std::map<Slot, Command>{{s(1), x}, {s(2), y}});
  CHECK(cluster.replica("C")->store().get("x") == "1");
  CHECK_FALSE(world.violation());
}

// ---- 3. Lamport's gap example -------------------------------------------------------

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §3): the new master knows 1-134, 138 and 139 chosen, "
    "re-proposes 135 and 140, fills 136 and 137 with noop and gives the next command 141") {
  const std::vector<NodeId> five{"A", "B", "C", "D", "E"};
  auto value = [](std::uint64_t slot) { return Command::put("k" + std::to_string(slot), "v"); };
  // A accepted and learned, under the old master B's ballot 2, slots 1–134, 138, 139.
  ReplicaHardState restored;
  restored.promised = b(2);
  for (std::uint64_t slot = 1; slot <= 139; ++slot) {
    if (slot >= 135 && slot <= 137) continue;
    restored.accepted[s(slot)] = SlotProposal{b(2), value(slot)};
    restored.chosen[s(slot)] = value(slot);
  }
  // A window wide enough for all of 135–141 to go out at once.
  Replica a(config_for("A", five, {.window = 16}), restored);
  REQUIRE(a.commit() == s(134));
  Low low;

  const Effects campaign = a.campaign(0, low);
  const auto prepares = sent<Prepare>(campaign);
  REQUIRE(prepares.size() == 4);
  for (const auto& [to, prepare] : prepares) {
    CHECK(prepare.from == s(135));  // the first slot A does not know chosen
    CHECK(prepare.ballot == b(6));  // A is replica 1 of 5, above ballot 2: 6
  }

  const Command x135 = Command::put("x", "135");
  const Command x140 = Command::put("x", "140");
  // B (the old master) accepted 135; C accepted an older value there, and 140.
  const Effects first = a.handle(1, "B",
                                 Promise{b(6),
                                         s(135),
                                         {{s(135), SlotProposal{b(2), x135}},
                                          {s(138), SlotProposal{b(2), value(138)}},
                                          {s(139), SlotProposal{b(2), value(139)}}}},
                                 low);
  CHECK_FALSE(a.is_master());  // 2 of 5: not yet a majority
  CHECK(sent<Accept>(first).empty());
  const Effects second = a.handle(2, "C",
                                  Promise{b(6),
                                          s(135),
                                          {{s(135), SlotProposal{b(1), Command::put("x", "old")}},
                                           {s(140), SlotProposal{b(2), x140}}}},
                                  low);
  REQUIRE(a.is_master());

  const auto became = events<event::BecameMaster>(second);
  REQUIRE(became.size() == 1);
  CHECK(became[0].from == s(135));
  CHECK(became[0].reproposed == 4);  // 135, 138, 139, 140
  CHECK(became[0].filled == 2);      // 136, 137
  CHECK(became[0].next == s(141));

  std::map<Slot, Command> to_b;
  for (const auto& [to, accept] : sent<Accept>(second)) {
    CHECK(accept.ballot == b(6));
    CHECK(accept.commit == s(134));
    if (to == "B") to_b[accept.slot] = accept.command;
  }
  CHECK(sent<Accept>(second).size() == 6 * 4);
  CHECK(to_b == std::map<Slot, Command>{{s(135), x135},
                                        {s(136), Command::noop()},
                                        {s(137), Command::noop()},
                                        {s(138), value(138)},
                                        {s(139), value(139)},
                                        {s(140), x140}});

  const Command next = Command::put("y", "1");
  const Effects submitted = a.submit(3, next);
  const auto accepts = sent<Accept>(submitted);
  REQUIRE(accepts.size() == 4);
  CHECK(accepts[0].second.slot == s(141));
  CHECK(accepts[0].second.command == next);
  CHECK(a.hard_state().accepted.at(s(141)) == SlotProposal{b(6), next});
  CHECK(a.hard_state().accepted.at(s(136)) == SlotProposal{b(6), Command::noop()});
}

// ---- 4. a Reject ends the skipping of phase 1 ---------------------------------------

TEST_CASE(
    "Multi-Paxos (notes, 优化 Basic Paxos 执行): a master that is rejected with a higher ballot "
    "steps down and the rejection does not count as an acceptance") {
  MultiPaxosCluster cluster(replicas({"A", "B", "C"}));
  auto& world = cluster.world();
  const Command x = Command::put("x", "1");
  elect_a(cluster);  // ballot 1

  // B's election timer fires: B promises itself ballot 2 (durably) and prepares.
  cluster.timeout("B");
  REQUIRE(cluster.state("B").promised == b(2));

  // A, in steady state, sends Accept [1, x←1] for slot 1 without a Prepare.
  REQUIRE(cluster.submit("A", x));
  REQUIRE(world.deliver("A", "B", "accept"));
  REQUIRE(world.drop("A", "C", "accept"));
  CHECK(world.stats().sent_of("reject") == 1);
  REQUIRE(world.deliver("B", "A", "reject"));  // Reject: B promised 2 > 1

  const Replica* a = cluster.replica("A");
  CHECK(a->role() == Role::follower);
  CHECK_FALSE(a->is_master());
  CHECK(cluster.leader() != std::optional<NodeId>{"A"});
  CHECK_FALSE(cluster.submit("A", Command::put("x", "2")));
  // A's own acceptance and B's rejection are not a majority: slot 1 is not chosen.
  CHECK(a->hard_state().accepted.at(s(1)).command == x);
  CHECK(a->hard_state().chosen.empty());
  CHECK(a->commit() == Slot{0});
  CHECK(cluster.chosen().empty());
  CHECK(noted<event::SteppedDown>(world).size() == 1);

  // B finishes its election with A's promise, which reports [1, x←1] in slot 1.
  world.deliver_all();
  CHECK(cluster.leader() == std::optional<NodeId>{"B"});
  CHECK(cluster.chosen() == std::map<Slot, Command>{{s(1), x}});
  CHECK_FALSE(world.violation());
}

// ---- 5. Chubby's lease ----------------------------------------------------------------

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): a replica ignores another candidate's Prepare "
    "while the lease it granted the master holds") {
  const std::vector<NodeId> abc{"A", "B", "C"};
  Replica c(config_for("C", abc), ReplicaHardState{});
  Low low;
  c.handle(0, "A", multipaxos::Heartbeat{b(1), Slot{0}, 0}, low);  // lease for A until 200

  const Effects ignored = c.handle(100, "B", Prepare{b(2), s(1)}, low);
  CHECK(ignored.send.empty());
  REQUIRE(events<event::PrepareIgnoredForLease>(ignored).size() == 1);
  CHECK(events<event::PrepareIgnoredForLease>(ignored)[0].master == "A");
  CHECK(events<event::PrepareIgnoredForLease>(ignored)[0].until == 200);
  CHECK(c.hard_state().promised == b(1));

  const Effects answered = c.handle(200, "B", Prepare{b(2), s(1)}, low);  // the lease is over
  REQUIRE(sent<Promise>(answered).size() == 1);
  CHECK(c.hard_state().promised == b(2));
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): a partitioned master stops reading locally before "
    "another replica can be elected") {
  MultiPaxosOptions options = replicas({"A", "B", "C"});
  options.fixed_election_timeouts = {{"B", 150}, {"C", 400}};
  MultiPaxosCluster cluster(options);
  auto& world = cluster.world();
  world.set_latency({5, 5});
  cluster.timeout("A");
  world.run(100);
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

  // B's first Prepare reached C while C's lease for A held: ignored, no Promise.
  const auto ignored = noted<event::PrepareIgnoredForLease>(world);
  REQUIRE_FALSE(ignored.empty());
  const auto& [at, by, what] = ignored.front();
  CHECK(by == "C");
  CHECK(what.master == "A");
  CHECK(at < what.until);
  CHECK(*other_elected > what.until);
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): with the lease rule off, the partitioned old master "
    "and the new one both read locally") {
  MultiPaxosOptions options = replicas({"A", "B", "C"}, {.lease = false});
  options.fixed_election_timeouts = {{"B", 150}, {"C", 400}};
  MultiPaxosCluster cluster(options);
  auto& world = cluster.world();
  world.set_latency({5, 5});
  cluster.timeout("A");
  world.run(100);
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
  MultiPaxosCluster cluster(replicas({"A", "B", "C"}));
  auto& world = cluster.world();
  world.set_latency({5, 5});
  const Command put7 = Command::put("x", "1", "client1", 7);
  const Command put8 = Command::put("x", "2", "client1", 8);
  cluster.timeout("A");
  world.run(50);
  REQUIRE(cluster.submit("A", put7));
  world.run(50);
  REQUIRE(cluster.submit("A", put8));
  world.run(100);
  REQUIRE(cluster.replica("A")->commit() == s(2));

  // A crashes; the client did not hear the answer to 7 and sends it again.
  world.crash("A");
  REQUIRE(world.run_until([&] { return cluster.leader().has_value(); }, 2000));
  const NodeId master = *cluster.leader();
  REQUIRE(cluster.submit(master, put7));
  world.run(200);

  const auto& log = cluster.state(master).chosen;
  const auto sevens = slots_holding(log, put7);
  REQUIRE(sevens.size() == 2);  // both slots hold it…
  CHECK(sevens[0] == s(1));
  CHECK(slots_holding(log, put8) == std::vector<Slot>{s(2)});
  CHECK(sevens[1] > s(2));
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
    world.set_latency({5, 5});
    cluster.timeout("A");
    world.run(100);
    REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
    world.reset_stats();
    for (int i = 1; i <= 20; ++i) {
      REQUIRE(cluster.submit("A", Command::put("x", std::to_string(i))));
      world.run(20);
    }
    world.run(100);
    CHECK(cluster.replica("A")->commit() == s(20));
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
  MultiPaxosCluster cluster(replicas({"A", "B", "C"}));
  auto& world = cluster.world();
  world.set_latency({5, 5});
  cluster.timeout("A");
  world.run(50);
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  world.run(100);
  const ReplicaHardState before = cluster.state("C");
  REQUIRE(before.chosen.count(s(1)) == 1);

  world.crash("C");
  CHECK(cluster.replica("C") == nullptr);
  CHECK(cluster.state("C") == before);  // the disk, while C is down
  REQUIRE(cluster.submit("A", Command::put("x", "2")));
  world.run(50);
  REQUIRE(cluster.submit("A", Command::put("y", "3")));
  world.run(50);
  REQUIRE(cluster.replica("A")->commit() == s(3));  // A and B are a majority
  CHECK(cluster.state("C") == before);

  world.reset_stats();
  world.restart("C");
  CHECK(cluster.replica("C")->hard_state() == before);
  CHECK(cluster.replica("C")->store().get("x") == "1");  // rebuilt from the chosen log
  world.run(200);
  CHECK(world.stats().sent_of("catch-up") >= 1);
  CHECK(world.stats().sent_of("chosen") >= 1);
  CHECK(cluster.state("C").chosen == cluster.state("A").chosen);
  CHECK(cluster.replica("C")->commit() == s(3));
  CHECK(cluster.replica("C")->store().data() == cluster.replica("A")->store().data());
  CHECK(cluster.replica("C")->store().get("x") == "2");
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby): with the persist rule off a restarted replica has an empty "
    "log") {
  MultiPaxosCluster cluster(replicas({"A", "B", "C"}, {.persist = false}));
  auto& world = cluster.world();
  elect_a(cluster);
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  world.deliver_all();
  REQUIRE(cluster.submit("A", Command::put("x", "2")));
  world.deliver_all();
  REQUIRE(cluster.state("C").chosen.count(s(1)) == 1);  // learned from the second Accept
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
  MultiPaxosOptions options = replicas({"A", "B", "C"});
  options.fixed_election_timeouts = {{"B", 10'000}, {"C", 10'000}};
  MultiPaxosCluster cluster(options);
  auto& world = cluster.world();
  elect_a(cluster);
  // Slot 1 is chosen by A and B; C never sees its Accept.
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  REQUIRE(world.deliver("A", "B", "accept"));
  REQUIRE(world.drop("A", "C", "accept"));
  world.deliver_all();
  REQUIRE(cluster.replica("A")->commit() == s(1));
  // Slot 2's Accept tells C that slot 1 is chosen: C asks A for it, and that CatchUp is lost.
  REQUIRE(cluster.submit("A", Command::put("x", "2")));
  REQUIRE(world.deliver("A", "C", "accept"));
  REQUIRE(world.drop("C", "A", "catch-up"));
  world.deliver_all();
  REQUIRE(cluster.replica("A")->commit() == s(2));
  // The network is healthy from now on; A's heartbeats carry commit 2.
  for (int round = 0; round < 6; ++round) {
    world.advance(50);
    world.deliver_all();
  }
  CHECK(world.stats().sent_of("heartbeat") >= 10);
  CHECK(world.stats().sent_of("catch-up") >= 2);
  CHECK(cluster.replica("C")->commit() == s(2));
  CHECK(cluster.state("C").chosen == cluster.state("A").chosen);
  CHECK(cluster.replica("C")->store().get("x") == "2");
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (Paxos Made Simple §2.4, progress): a slot whose Accepts were all lost is "
    "proposed again and chosen once the network is healthy") {
  MultiPaxosOptions options = replicas({"A", "B", "C"});
  options.fixed_election_timeouts = {{"B", 10'000}, {"C", 10'000}};
  MultiPaxosCluster cluster(options);
  auto& world = cluster.world();
  elect_a(cluster);
  REQUIRE(cluster.submit("A", Command::put("x", "1")));
  REQUIRE(world.drop("A", "B", "accept"));
  REQUIRE(world.drop("A", "C", "accept"));
  // The network is healthy from now on; commands keep coming.
  for (int round = 0; round < 6; ++round) {
    cluster.submit("A", Command::put("y", std::to_string(round)));
    world.advance(50);
    world.deliver_all();
  }
  CHECK(cluster.chosen().count(s(1)) == 1);
  CHECK(cluster.replica("A")->commit() >= s(7));
  CHECK(cluster.replica("A")->store().get("x") == "1");
  CHECK_FALSE(world.violation());
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): a replica that crashes and restarts does not help "
    "elect a new master while the lease it granted may still hold") {
  MultiPaxosOptions options = replicas({"A", "B", "C"});
  options.fixed_election_timeouts = {{"B", 150}, {"C", 400}};
  MultiPaxosCluster cluster(options);
  auto& world = cluster.world();
  world.set_latency({5, 5});
  cluster.timeout("A");  // master at 10; heartbeats at 10, 60, 110…
  world.run(71);         // the heartbeat of 60 is acknowledged at 70: A's lease until 240
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
