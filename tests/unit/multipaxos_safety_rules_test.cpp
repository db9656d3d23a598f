// Multi-Paxos: the rules that keep reads and membership changes safe — one
// test each, named after the rule (docs/multi-paxos.md, "Reads and
// membership changes"): read-after-recovery, members-only-count,
// lease-every-configuration, learn-only-chosen; and what goes with them: a
// replica under a lease takes no orders from another master, a removed master
// steps down, a replica outside the configuration catches up, a master that
// cannot complete phase 1 gives up, a Promise stays bounded, catching up
// costs what is missing.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/multipaxos_test_support.h"

using namespace consensus_lab::multipaxos_testing;

namespace {

// The test runs twice: in SUBCASE "on" with every rule on, in SUBCASE "off"
// with `rule` off (doctest runs a test case once for each of its subcases).
multipaxos::Rules on_and_off(bool multipaxos::Rules::*rule) {
  multipaxos::Rules rules;
  SUBCASE("on") {}
  SUBCASE("off") {
    rules.*rule = false;
  }
  return rules;
}

// Replica `self` of `members` with `rules`.
Replica::Config config_for(const NodeId& self, const std::vector<NodeId>& members,
                           const multipaxos::Rules& rules) {
  Replica::Config config = multipaxos_testing::config_for(self, members);
  config.rules = rules;
  return config;
}

// `replica` campaigns at `now` and gets promises (nothing accepted) from `from`.
void elect(Replica& replica, Millis now, const std::vector<NodeId>& from) {
  LowestDraw low;
  replica.campaign(now, low);
  for (const NodeId& id : from) {
    replica.handle(now, id, Promise{*replica.ballot(), Slot{1}, {}}, low);
  }
  REQUIRE(replica.is_master());
}

// The master chooses `command` in its next slot with the Accepted of `by`.
void choose(Replica& master, Millis now, const Command& command, const std::vector<NodeId>& by) {
  LowestDraw low;
  const Effects proposed = master.submit(now, command);
  const auto accepts = sent<Accept>(proposed);
  REQUIRE_FALSE(accepts.empty());
  const Slot slot = accepts.front().second.slot;
  for (const NodeId& id : by) master.handle(now, id, Accepted{*master.ballot(), slot}, low);
}

}  // namespace

TEST_CASE(
    "Multi-Paxos rule read-after-recovery (Raft §8, Chubby): a new master reads locally only "
    "once it has applied every slot it recovered") {
  const multipaxos::Rules rules = on_and_off(&multipaxos::Rules::read_after_recovery);
  Replica c(config_for("C", abc, rules), ReplicaHardState{});
  LowestDraw low;
  c.campaign(0, low);
  const Ballot ballot = *c.ballot();
  // B promises, reporting x←1 accepted in slot 1 under A's ballot 1.
  c.handle(1, "B",
           Promise{ballot, Slot{1}, {{Slot{1}, SlotProposal{Ballot{1}, Command::put("x", "1")}}}},
           low);
  REQUIRE(c.is_master());
  CHECK(c.recovered_until() == Slot{1});
  c.handle(2, "B", HeartbeatOk{ballot, 1}, low);
  REQUIRE(c.lease_until() > 2);  // C holds its lease…
  if (rules.read_after_recovery) {
    CHECK_FALSE(c.can_read_locally(2));  // …but slot 1 is not chosen again yet
  } else {
    CHECK(c.can_read_locally(2));  // it would answer "x: none"
    CHECK_FALSE(c.store().get("x"));
  }
  c.handle(3, "B", Accepted{ballot, Slot{1}}, low);
  CHECK(c.applied() == Slot{1});
  CHECK(c.can_read_locally(3));
  CHECK(c.store().get("x") == "1");
}

TEST_CASE(
    "Multi-Paxos rule members-only-count: a master removed from the configuration does not "
    "count its own acceptance, and steps down once the removal counts") {
  const multipaxos::Rules rules = on_and_off(&multipaxos::Rules::members_only_count);
  Replica a(config_for("A", {"A", "B", "C", "D"}, rules), ReplicaHardState{});
  elect(a, 0, {"B", "C"});
  choose(a, 0, Command::remove("A"), {"B", "C"});  // slot 1: from slot 5 on, B, C, D
  for (const char* value : {"1", "2", "3"}) choose(a, 0, Command::put("x", value), {"B", "C"});
  REQUIRE(a.commit() == Slot{4});
  CHECK(a.members_at(Slot{5}) == std::vector<NodeId>{"B", "C", "D"});
  LowestDraw low;
  a.submit(0, Command::put("x", "9"));  // slot 5
  CHECK(a.hard_state().accepted.count(Slot{5}) == (rules.members_only_count ? 0 : 1));
  a.handle(1, "B", Accepted{*a.ballot(), Slot{5}}, low);
  if (!rules.members_only_count) {
    CHECK(a.commit() == Slot{5});  // A and B: "a majority" of B, C, D — it is not
    return;
  }
  CHECK(a.commit() == Slot{4});  // B alone is one of three
  CHECK(a.is_master());
  const Effects chosen = a.handle(2, "C", Accepted{*a.ballot(), Slot{5}}, low);
  CHECK(a.commit() == Slot{5});
  REQUIRE(events<event::LeftConfiguration>(chosen).size() == 1);
  CHECK(events<event::LeftConfiguration>(chosen)[0].slot == Slot{5});
  CHECK_FALSE(a.is_master());
}

TEST_CASE(
    "Multi-Paxos rule lease-every-configuration: the lease needs a majority of every "
    "configuration that can still choose a slot") {
  const multipaxos::Rules rules = on_and_off(&multipaxos::Rules::lease_every_configuration);
  auto config = config_for("A", abcde, rules);
  config.members = abc;
  Replica a(config, ReplicaHardState{});
  elect(a, 0, {"B", "C"});
  choose(a, 0, Command::add("D"), {"B", "C"});  // slot 1: D counts from slot 5
  choose(a, 0, Command::add("E"), {"B", "C"});  // slot 2: E from slot 6
  LowestDraw low;
  // Four more commands, slots 3 to 6, not chosen yet: the next free slot, 7,
  // belongs to A…E, while slots 3 and 4 still belong to A, B, C.
  a.submit_all(0, {Command::put("x", "1"), Command::put("x", "2"), Command::put("x", "3"),
                   Command::put("x", "4")});
  a.handle(1, "D", Promise{*a.ballot(), Slot{1}, {}}, low);
  a.handle(1, "E", Promise{*a.ballot(), Slot{1}, {}}, low);
  const Effects beat = a.tick(50, low);
  REQUIRE_FALSE(sent<Heartbeat>(beat).empty());
  a.handle(51, "D", HeartbeatOk{*a.ballot(), 50}, low);
  a.handle(51, "E", HeartbeatOk{*a.ballot(), 50}, low);
  // A, D, E: a majority of A…E, but only one of A, B, C.
  CHECK(a.can_read_locally(52) == !rules.lease_every_configuration);
  a.handle(53, "B", HeartbeatOk{*a.ballot(), 50}, low);
  CHECK(a.can_read_locally(54));
}

TEST_CASE(
    "Multi-Paxos rule learn-only-chosen: a master ignores a Chosen, and its commit index grows only "
    "from a majority of Accepted for its own ballot") {
  const multipaxos::Rules rules = on_and_off(&multipaxos::Rules::learn_only_chosen);
  Replica b(config_for("B", abc, rules), ReplicaHardState{});
  elect(b, 0, {"C"});
  LowestDraw low;
  b.submit(0, Command::put("y", "2"));  // slot 1, accepted by B only so far
  const Effects late = b.handle(1, "A", Chosen{{{Slot{1}, Command::put("z", "3")}}}, low);
  if (rules.learn_only_chosen) {
    CHECK(events<event::ChosenIgnored>(late).size() == 1);
    CHECK(b.commit() == Slot{0});
    CHECK(b.hard_state().chosen.empty());
  } else {
    CHECK(b.commit() == Slot{1});  // its next heartbeat says slot 1 is chosen — with y←2 at C
  }
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, lease): under a lease a replica takes no Accept or "
    "Heartbeat from another master, and answers them once the lease ends") {
  Replica c(config_for("C", abc), ReplicaHardState{});
  LowestDraw low;
  c.start(0, low);
  c.handle(0, "A", Heartbeat{Ballot{1}, Slot{0}, 0}, low);  // C grants A a lease until 200
  const Effects ignored = c.handle(100, "B", Heartbeat{Ballot{2}, Slot{0}, 100}, low);
  CHECK(events<event::OrderIgnoredForLease>(ignored).size() == 1);
  CHECK(sent<HeartbeatOk>(ignored).empty());
  CHECK(c.hard_state().promised == Ballot{1});
  const Effects accept =
      c.handle(150, "B", Accept{Ballot{2}, Slot{1}, Command::put("x", "1"), Slot{0}}, low);
  CHECK(sent<Accepted>(accept).empty());
  CHECK(c.hard_state().accepted.empty());
  const Effects later = c.handle(201, "B", Heartbeat{Ballot{2}, Slot{0}, 201}, low);
  CHECK(sent<HeartbeatOk>(later).size() == 1);
  CHECK(c.hard_state().promised == Ballot{2});
}

TEST_CASE(
    "Multi-Paxos (notes, 落地 Chubby, 成员变更): a replica that is not a member of its next "
    "slot asks that slot's members what is chosen when its timer fires") {
  auto config = config_for("D", {"A", "B", "C", "D"});
  config.members = abc;
  Replica outsider(config, ReplicaHardState{});
  LowestDraw low;
  outsider.start(0, low);
  const Effects fired = outsider.tick(1'000, low);
  CHECK(outsider.role() == Role::follower);
  std::vector<NodeId> asked;
  for (const auto& [to, catch_up] : sent<CatchUp>(fired)) {
    asked.push_back(to);
    CHECK(catch_up.from == Slot{1});
  }
  CHECK(asked == abc);
}

TEST_CASE(
    "Multi-Paxos: a master that cannot get promises from a majority of an open configuration "
    "steps down after an election timeout") {
  auto config = config_for("A", abcde);
  config.members = abc;
  Replica a(config, ReplicaHardState{});
  elect(a, 0, {"B", "C"});
  choose(a, 0, Command::add("D"), {"B", "C"});
  choose(a, 0, Command::add("E"), {"B", "C"});
  choose(a, 0, Command::remove("B"), {"B", "C"});  // slot 7's configuration: A, C, D, E
  LowestDraw low;
  Millis now = 0;
  Effects last;
  while (a.is_master() && now < 2'000) {
    now += 50;
    last = a.tick(now, low);  // D and E never answer
  }
  CHECK_FALSE(a.is_master());
  CHECK(events<event::PhaseOneStalled>(last).size() == 1);
  CHECK(now >= config.timing.election_timeout_max);
}

TEST_CASE(
    "Multi-Paxos: a replica too far ahead of a candidate sends it the chosen slots instead of a "
    "Promise too long to send") {
  ReplicaHardState far_ahead;
  far_ahead.promised = Ballot{1};
  for (std::uint64_t slot = 1; slot <= 600; ++slot) {
    far_ahead.accepted[Slot{slot}] =
        SlotProposal{Ballot{1}, Command::put("x", std::to_string(slot))};
    far_ahead.chosen[Slot{slot}] = Command::put("x", std::to_string(slot));
  }
  Replica c(config_for("C", abc), far_ahead);
  LowestDraw low;
  const Effects answer = c.handle(1'000, "B", Prepare{Ballot{2}, Slot{1}}, low);
  CHECK(sent<Promise>(answer).empty());
  CHECK(events<event::PromiseWithheld>(answer).size() == 1);
  const auto chosen = sent<Chosen>(answer);
  REQUIRE(chosen.size() == 1);
  CHECK(chosen[0].second.slots.size() == multipaxos::kMaxSlotsPerMessage);
  CHECK(c.hard_state().promised == Ballot{1});  // nothing promised
  // A candidate that has caught up gets its Promise.
  const Effects promised = c.handle(1'001, "B", Prepare{Ballot{2}, Slot{200}}, low);
  REQUIRE(sent<Promise>(promised).size() == 1);
  CHECK(sent<Promise>(promised)[0].second.accepted.size() == 401);
}

TEST_CASE(
    "Multi-Paxos: a follower told a huge commit index asks once for what it lacks, at a cost "
    "that follows what it holds, not the size of the gap") {
  Replica c(config_for("C", abc), ReplicaHardState{});
  LowestDraw low;
  const Slot huge{multipaxos::kMaxNumber - 1};
  const Effects told = c.handle(0, "A", Heartbeat{Ballot{1}, huge, 0}, low);
  const auto asks = sent<CatchUp>(told);
  REQUIRE(asks.size() == 1);
  CHECK(asks[0].second.from == Slot{1});
  CHECK(c.commit() == Slot{0});
}

TEST_CASE("Multi-Paxos: a Prepare the master sends again leaves replicas pointing clients to it") {
  Replica c(config_for("C", abc), ReplicaHardState{});
  LowestDraw low;
  c.handle(0, "A", Heartbeat{Ballot{1}, Slot{0}, 0}, low);
  REQUIRE(c.master_hint() == NodeId{"A"});
  c.handle(10, "A", Prepare{Ballot{1}, Slot{1}}, low);  // A asks again (a later configuration)
  CHECK(c.master_hint() == NodeId{"A"});
}
