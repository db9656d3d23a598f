// Several slots in one Accept (multipaxos::Timing::slots_per_accept): the
// master sends consecutive slots together, the acceptor accepts them under
// one ballot and answers with one Accepted, and the master learns each slot
// it names. The notes' examples send one slot per Accept (the default);
// real mode sends up to 256.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "narration/describers.h"
#include "net/multipaxos_wire.h"
#include "net/wire.h"
#include "tests/unit/multipaxos_test_support.h"

using namespace consensus_lab::multipaxos_testing;

namespace {

multipaxos::Timing batches_of(std::size_t slots) {
  multipaxos::Timing timing;
  timing.window = 8;
  timing.slots_per_accept = slots;
  return timing;
}

std::vector<Command> commands(int n) {
  std::vector<Command> out;
  for (int i = 1; i <= n; ++i) out.push_back(Command::put("x", std::to_string(i)));
  return out;
}

// A wins ballot 1 with B's Promise (C never answers).
Ballot make_a_master(Replica& a, LowestDraw& low) {
  const Effects asked = a.campaign(0, low);
  REQUIRE(sent<Prepare>(asked).size() == 2);
  const Ballot ballot = sent<Prepare>(asked)[0].second.ballot;
  a.handle(1, "B", Promise{ballot, Slot{1}, {}}, low);
  REQUIRE(a.is_master());
  return ballot;
}

}  // namespace

TEST_CASE(
    "Multi-Paxos: consecutive slots share one Accept, and one Accepted answers for all of "
    "them (slots per Accept)") {
  LowestDraw low;
  Replica a(config_for("A", abc, batches_of(3)), ReplicaHardState{});
  Replica b(config_for("B", abc, batches_of(3)), ReplicaHardState{});
  const Ballot ballot = make_a_master(a, low);

  // Five commands at once: slots 1-3 in one Accept, 4-5 in the next, to B and to C.
  const Effects proposed = a.submit_all(2, commands(5));
  const auto accepts = sent<Accept>(proposed);
  REQUIRE(accepts.size() == 4);
  CHECK(accepts[0].first == "B");
  CHECK(accepts[1].first == "C");
  CHECK(accepts[0].second.slot == Slot{1});
  CHECK(accepts[0].second.command == Command::put("x", "1"));
  CHECK(accepts[0].second.more ==
        std::vector<Command>{Command::put("x", "2"), Command::put("x", "3")});
  CHECK(accepts[2].second.slot == Slot{4});
  CHECK(accepts[2].second.last() == Slot{5});

  // B accepts slots 1-3 under ballot 1 and answers once.
  const Effects accepted = b.handle(3, "A", accepts[0].second, low);
  const auto answers = sent<Accepted>(accepted);
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].second.slot == Slot{1});
  CHECK(answers[0].second.last() == Slot{3});
  CHECK(events<event::SlotAccepted>(accepted).size() == 3);
  CHECK(b.hard_state().accepted.at(Slot{3}).command == Command::put("x", "3"));
  CHECK(b.hard_state().accepted.at(Slot{3}).ballot == ballot);

  // With its own acceptance, B's answer is a majority for each of the three slots.
  a.handle(4, "B", answers[0].second, low);
  CHECK(a.commit() == Slot{3});
  const Effects rest = b.handle(5, "A", accepts[2].second, low);
  a.handle(6, "B", sent<Accepted>(rest).at(0).second, low);
  CHECK(a.commit() == Slot{5});
  CHECK(chosen_prefix(a) == commands(5));
  CHECK(a.store().get("x") == std::optional<std::string>{"5"});
}

TEST_CASE("Multi-Paxos: one slot per Accept unless asked for more, as in the notes") {
  LowestDraw low;
  Replica a(config_for("A", abc, batches_of(1)), ReplicaHardState{});
  make_a_master(a, low);
  const auto accepts = sent<Accept>(a.submit_all(2, commands(3)));
  REQUIRE(accepts.size() == 6);
  for (const auto& [to, accept] : accepts) CHECK(accept.more.empty());
}

TEST_CASE(
    "Multi-Paxos: an acceptor that promised a higher ballot refuses a whole batch (promise 2: "
    "skipping Prepare stops on a Reject)") {
  LowestDraw low;
  ReplicaHardState promised_higher;
  promised_higher.promised = Ballot{5};
  Replica b(config_for("B", abc, batches_of(3)), promised_higher);
  const Accept batch{Ballot{1}, Slot{1}, Command::put("x", "1"), Slot{0}, {Command::put("x", "2")}};
  const Effects answer = b.handle(0, "A", batch, low);
  CHECK(sent<Accepted>(answer).empty());
  REQUIRE(sent<Reject>(answer).size() == 1);
  CHECK(sent<Reject>(answer)[0].second.promised == Ballot{5});
  CHECK(b.hard_state().accepted.empty());
  // The refusal names every slot of the batch, in both languages.
  const auto refused = events<event::AcceptRefused>(answer);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].slot == Slot{1});
  CHECK(refused[0].last == Slot{2});
  const multipaxos::Event what = refused[0];
  CHECK(narration::MultiPaxosDescriber::event("B", what, narration::Lang::en)->text ==
        "B refuses ballot " + to_string(Ballot{1}) + " for slots 1–2: it has promised " +
            to_string(Ballot{5}));
  CHECK(narration::MultiPaxosDescriber::event("B", what, narration::Lang::zh)->text ==
        "B 不通过槽位 1–2 的编号 " + to_string(Ballot{1}) + "：已承诺 " + to_string(Ballot{5}));
}

TEST_CASE("Multi-Paxos: a batch of slots on the wire, and the one-slot lines as before") {
  const Accept batch{Ballot{5},
                     Slot{2},
                     Command::put("x", "1"),
                     Slot{1},
                     {Command::noop(), Command::put("y", "2")}};
  const std::string line = net::encode(batch);
  CHECK(line == "Accept ballot 5 slot 2 commit 1 [ put x 1 % 0 ] [ noop ] [ put y 2 % 0 ]");
  const auto back = std::get<Accept>(net::decode_multipaxos(line));
  CHECK(back.slot == Slot{2});
  CHECK(back.command == batch.command);
  CHECK(back.more == batch.more);
  CHECK(back.last() == Slot{4});

  CHECK(net::encode(Accepted{Ballot{5}, Slot{2}, 2}) == "Accepted ballot 5 slot 2 through 4");
  CHECK(std::get<Accepted>(net::decode_multipaxos("Accepted ballot 5 slot 2 through 4")).more == 2);
  // One slot: the lines of the notes' examples, unchanged.
  CHECK(net::encode(Accepted{Ballot{5}, Slot{2}}) == "Accepted ballot 5 slot 2");
  CHECK(net::encode(Accept{Ballot{5}, Slot{2}, Command::noop(), Slot{1}}) ==
        "Accept ballot 5 slot 2 commit 1 [ noop ]");
  CHECK_THROWS_AS(net::decode_multipaxos("Accepted ballot 5 slot 4 through 3"), net::DecodeError);
  CHECK_THROWS_AS(net::decode_multipaxos("Accept ballot 5 slot 2 commit 1 [ noop ] ["),
                  net::DecodeError);
}

TEST_CASE(
    "Multi-Paxos: a batch no master could send is refused: beyond the window, too many slots, "
    "or an Accepted for slots never proposed") {
  LowestDraw low;
  Replica b(config_for("B", abc, batches_of(3)), ReplicaHardState{});
  // The window is 8: slots 7-9 with commit 0 reach beyond it.
  const Accept too_far{
      Ballot{1}, Slot{7}, Command::noop(), Slot{0}, {Command::noop(), Command::noop()}};
  CHECK(b.check(0, "A", too_far).has_value());
  CHECK_FALSE(
      b.check(0, "A", Accept{Ballot{1}, Slot{7}, Command::noop(), Slot{0}, {Command::noop()}})
          .has_value());
  CHECK(b.check(0, "A", Accepted{Ballot{1}, Slot{1}, multipaxos::kMaxSlotsPerMessage}).has_value());

  Replica a(config_for("A", abc, batches_of(3)), ReplicaHardState{});
  const Ballot ballot = make_a_master(a, low);
  a.submit_all(2, commands(2));  // slots 1 and 2
  CHECK_FALSE(a.check(3, "B", Accepted{ballot, Slot{1}, 1}).has_value());
  const auto never = a.check(3, "B", Accepted{ballot, Slot{1}, 2});  // slot 3: never proposed
  REQUIRE(never.has_value());
  CHECK(never->en == "Accepted for slot 3, never proposed (next is 3)");
  // Refused before it changes anything: the master learns nothing from it.
  const Effects refused = a.handle(3, "B", Accepted{ballot, Slot{1}, 2}, low);
  CHECK(refused.refused.has_value());
  CHECK(a.commit() == Slot{0});
}

TEST_CASE(
    "Multi-Paxos: only the master's Accept may leave before the write of its step is durable, "
    "an acceptor's answers wait for it") {
  CHECK(multipaxos::may_leave_before_write(Accept{Ballot{1}, Slot{1}, Command::noop(), Slot{0}}));
  CHECK_FALSE(multipaxos::may_leave_before_write(Accepted{Ballot{1}, Slot{1}}));
  CHECK_FALSE(multipaxos::may_leave_before_write(Promise{Ballot{1}, Slot{1}, {}}));
  CHECK_FALSE(multipaxos::may_leave_before_write(Prepare{Ballot{1}, Slot{1}}));
}

TEST_CASE("Multi-Paxos: a batch whose last slot reaches 2^62 is refused, and so is its Accepted") {
  LowestDraw low;
  Replica b(config_for("B", abc, batches_of(3)), ReplicaHardState{});
  const Slot near_top{multipaxos::kMaxNumber - 1};
  // Slot 2^62 - 1 is a possible slot; the next one is not.
  const Accept over{Ballot{1}, near_top, Command::noop(), near_top, {Command::noop()}};
  const auto refused = b.check(0, "A", over);
  REQUIRE(refused.has_value());
  CHECK(b.handle(0, "A", over, low).refused.has_value());
  CHECK(b.hard_state().accepted.empty());
  CHECK(b.check(0, "A", Accepted{Ballot{1}, near_top, 1}).has_value());
  // The decoder stops at 512 slots, before it holds more.
  std::string line = "Accept ballot 1 slot 1 commit 0";
  for (int i = 0; i < 513; ++i) line += " [ noop ]";
  CHECK_THROWS_AS(net::decode_multipaxos(line), net::DecodeError);
}

TEST_CASE(
    "Multi-Paxos: a replica's configurations, worked out once per change, are the ones "
    "members_at computes slot by slot from the chosen changes") {
  std::mt19937 random(7);
  const std::vector<NodeId> pool{"A", "B", "C", "D", "E"};
  for (int run = 0; run < 300; ++run) {
    const std::size_t window = 1 + random() % 5;
    multipaxos::Membership membership(abc, window);
    std::map<Slot, Command> changes;
    for (int step = 0; step < 12; ++step) {
      const Slot slot{1 + random() % 30};
      const NodeId& id = pool[random() % pool.size()];
      const Command command = random() % 3 == 0   ? Command::put("x", "1")
                              : random() % 2 == 0 ? Command::add(id)
                                                  : Command::remove(id);
      membership.chosen(slot, command);
      if (multipaxos::is_membership_change(command)) changes[slot] = command;
      for (std::uint64_t s = 0; s <= 40; ++s) {
        CHECK(membership.at(Slot{s}) == multipaxos::members_at(Slot{s}, abc, changes, window));
      }
      const Slot from{random() % 40}, to{random() % 45};
      std::vector<std::vector<NodeId>> between;
      for (const std::vector<NodeId>& members : membership.between(from, to)) {
        between.push_back(members);
      }
      std::vector<std::vector<NodeId>> slot_by_slot;  // each configuration once, in slot order
      for (std::uint64_t s = from.value; s <= to.value; ++s) {
        const auto members = multipaxos::members_at(Slot{s}, abc, changes, window);
        if (slot_by_slot.empty() || slot_by_slot.back() != members) slot_by_slot.push_back(members);
      }
      CHECK(between == slot_by_slot);
    }
  }
}
