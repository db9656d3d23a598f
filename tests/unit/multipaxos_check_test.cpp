// Multi-Paxos: messages validated for meaning (multipaxos/check.cpp) — an
// impossible message is refused before it changes anything, and a message
// that is merely old, duplicated or late never is — and who the members are,
// slot by slot (multipaxos/membership.h).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/multipaxos_test_support.h"

using namespace consensus_lab::multipaxos_testing;
using multipaxos::Message;

namespace {

// A, master with ballot 1 since time 0, has slots 1 and 2 in flight.
Replica master_a() {
  Replica a(config_for("A", abc), ReplicaHardState{});
  LowestDraw low;
  a.campaign(0, low);
  a.handle(0, "B", Promise{Ballot{1}, Slot{1}, {}}, low);
  REQUIRE(a.is_master());
  a.submit_all(0, {Command::put("x", "1"), Command::put("x", "2")});
  return a;
}

std::string refusal(Replica& replica, const NodeId& from, const Message& message) {
  LowestDraw low;
  const ReplicaHardState before = replica.hard_state();
  const Effects effects = replica.handle(10, from, message, low);
  if (!effects.refused) return "";
  CHECK_FALSE(effects.persist);  // nothing written…
  CHECK(effects.send.empty());   // …nothing sent…
  CHECK(effects.events.empty());
  CHECK(replica.hard_state() == before);     // …nothing changed
  CHECK_FALSE(effects.refused->zh.empty());  // the reason in the notes' Chinese too
  return effects.refused->en;
}

}  // namespace

TEST_CASE(
    "Multi-Paxos check: an impossible message is refused, with the reason, and changes nothing") {
  const Slot huge{multipaxos::kMaxNumber};
  const Command x = Command::put("x", "1");
  struct Case {
    const char* name;
    NodeId from;
    Message message;
    const char* reason;  // a part of the reason given
  };
  const std::vector<Case> cases = {
      {"a message from itself", "A", Heartbeat{Ballot{2}, Slot{0}, 0}, "to itself"},
      {"ballot 0", "B", Prepare{Ballot{0}, Slot{1}}, "ballot 0"},
      {"a Prepare from slot 0", "B", Prepare{Ballot{5}, Slot{0}}, "slot 0"},
      {"a Prepare with A's own ballot", "B", Prepare{Ballot{1}, Slot{1}}, "own ballot"},
      {"an Accept for slot 0 (it could never be read back from disk)", "B",
       Accept{Ballot{5}, Slot{0}, x, Slot{0}}, "slot 0"},
      {"an Accept far beyond its commit index", "B", Accept{Ballot{5}, Slot{9}, x, Slot{1}},
       "within 4"},
      {"an Accept for a slot near 2^62", "B", Accept{Ballot{5}, huge, x, huge}, "too large"},
      {"a Heartbeat whose commit index is near 2^64", "B",
       Heartbeat{Ballot{5}, Slot{~std::uint64_t{0}}, 0}, "too large"},
      {"a Promise for this ballot from another first slot", "B", Promise{Ballot{1}, Slot{3}, {}},
       "asked from slot 1"},
      {"a Promise that reports a slot before its first one", "C",
       Promise{Ballot{1}, Slot{1}, {{Slot{0}, SlotProposal{Ballot{1}, x}}}}, "slot 0"},
      {"a Promise that reports a proposal above its own ballot", "C",
       Promise{Ballot{1}, Slot{1}, {{Slot{1}, SlotProposal{Ballot{7}, x}}}}, "ballot 7"},
      {"a Promise with slots out of order", "C",
       Promise{Ballot{1},
               Slot{1},
               {{Slot{2}, SlotProposal{Ballot{1}, x}}, {Slot{1}, SlotProposal{Ballot{1}, x}}}},
       "out of order"},
      {"a Reject whose promise is not higher", "B", Reject{Ballot{1}, Ballot{1}}, "not higher"},
      {"an Accepted for a slot A never proposed", "B", Accepted{Ballot{1}, Slot{3}},
       "never proposed"},
      {"a HeartbeatOk for a heartbeat from the future", "B", HeartbeatOk{Ballot{1}, 11},
       "after now"},
      {"a CatchUp from slot 0", "B", CatchUp{Slot{0}}, "slot 0"},
      {"a Chosen with a slot twice", "B", Chosen{{{Slot{1}, x}, {Slot{1}, x}}}, "out of order"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      Replica a = master_a();
      const std::string why = refusal(a, c.from, c.message);
      CAPTURE(why);
      CHECK(why.find(c.reason) != std::string::npos);
      CHECK(a.is_master());
    }
  }
}

TEST_CASE("Multi-Paxos check: a message that is only old, repeated or late is never refused") {
  const Command x = Command::put("x", "1");
  const std::vector<std::pair<NodeId, Message>> fine = {
      {"B", Promise{Ballot{1}, Slot{1}, {}}},  // a duplicate of the promise that elected A
      {"C", Promise{Ballot{4}, Slot{7}, {}}},  // for another candidate's ballot: late
      {"B", Accepted{Ballot{1}, Slot{2}}},     // for a slot in flight
      {"B", Accepted{Ballot{4}, Slot{90}}},    // for another ballot: late
      {"C", HeartbeatOk{Ballot{1}, 0}},        // for the heartbeat A sent when elected
      {"C", Reject{Ballot{1}, Ballot{6}}},     // someone promised a higher ballot
      {"B", Accept{Ballot{7}, Slot{5}, x, Slot{1}}},
      {"B", Heartbeat{Ballot{7}, Slot{40}, 9}},
      {"C", CatchUp{Slot{1'000}}},
      {"B", Chosen{{{Slot{1}, x}, {Slot{7}, x}}}},
  };
  for (const auto& [from, message] : fine) {
    CAPTURE(multipaxos::to_string(message));
    Replica a = master_a();
    LowestDraw low;
    CHECK_FALSE(a.handle(10, from, message, low).refused);
  }
}

TEST_CASE("Multi-Paxos membership: who the members are, slot by slot (α = window)") {
  const std::vector<NodeId> first{"A", "B", "C"};
  const std::map<Slot, Command> changes = {{Slot{1}, Command::add("D")},
                                           {Slot{2}, Command::remove("A")},
                                           {Slot{3}, Command::remove("Z")}};
  using V = std::vector<NodeId>;
  CHECK(multipaxos::members_at(Slot{4}, first, changes, 4) == V{"A", "B", "C"});
  CHECK(multipaxos::members_at(Slot{5}, first, changes, 4) == V{"A", "B", "C", "D"});
  CHECK(multipaxos::members_at(Slot{6}, first, changes, 4) == V{"B", "C", "D"});
  CHECK(multipaxos::members_at(Slot{7}, first, changes, 4) == V{"B", "C", "D"});  // Z: nothing
  // The configurations of a range of slots, each once, in order.
  multipaxos::Membership membership(first, 4);
  for (const auto& [slot, command] : changes) membership.chosen(slot, command);
  const auto between = [&](Slot from, Slot to) {
    std::vector<V> out;
    for (const V& members : membership.between(from, to)) out.push_back(members);
    return out;
  };
  CHECK(between(Slot{3}, Slot{9}) ==
        std::vector<V>{{"A", "B", "C"}, {"A", "B", "C", "D"}, {"B", "C", "D"}});
  CHECK(between(Slot{6}, Slot{multipaxos::kMaxNumber - 1}) == std::vector<V>{{"B", "C", "D"}});
  // The last member is never removed: a log nobody may choose in is dead.
  const std::map<Slot, Command> all_out = {{Slot{1}, Command::remove("A")},
                                           {Slot{2}, Command::remove("B")},
                                           {Slot{3}, Command::remove("C")}};
  CHECK(multipaxos::members_at(Slot{10}, first, all_out, 4) == V{"C"});
}
