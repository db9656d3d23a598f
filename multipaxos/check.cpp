// Messages validated for meaning, not only syntax — part of
// multipaxos::Replica (replica.h). The wire decoder (net/wire.h) makes sure
// a line is a well-formed message; this decides whether a replica following
// the protocol could have sent it. handle() refuses an impossible message
// before it changes anything, and a real node closes the connection it came
// on: a garbled or hostile peer can neither crash a replica, nor hang it, nor
// write a slot to its disk that it cannot read back.
//
// Every rule below says why a correct replica never breaks it — so that a
// message that is merely old, duplicated or reordered is never refused.
#include <algorithm>

#include "multipaxos/replica.h"

namespace consensus_lab::multipaxos {

namespace {

using Problem = std::optional<std::string>;

std::string number(std::uint64_t n) {
  return std::to_string(n);
}

// Slots start at 1 (slot 0 is "nothing chosen yet"), and no slot, ballot or
// commit index reaches kMaxNumber (see its comment).
Problem slot_in_range(Slot slot, const char* what) {
  if (slot.value == 0) return std::string(what) + " is slot 0 (slots start at 1)";
  if (slot.value >= kMaxNumber)
    return std::string(what) + " " + number(slot.value) + " is too large";
  return std::nullopt;
}

Problem ballot_in_range(Ballot ballot, const char* what) {
  if (ballot.value == 0) return std::string(what) + " is ballot 0 (ballots start at 1)";
  if (ballot.value >= kMaxNumber) {
    return std::string(what) + " " + number(ballot.value) + " is too large";
  }
  return std::nullopt;
}

Problem commit_in_range(Slot commit) {
  if (commit.value >= kMaxNumber) return "commit index " + number(commit.value) + " is too large";
  return std::nullopt;
}

// Slot lists (a Promise's accepted slots, a Chosen's): each slot once, in
// order, as a replica's maps hold them; at most kMaxSlotsPerMessage, as
// correct replicas send them.
template <class Entries>
Problem slot_list(const Entries& entries, Slot from, const char* what) {
  if (entries.size() > kMaxSlotsPerMessage) {
    return std::string(what) + " carries " + number(entries.size()) + " slots (at most " +
           number(kMaxSlotsPerMessage) + ")";
  }
  std::optional<Slot> previous;
  for (const auto& entry : entries) {
    if (auto problem = slot_in_range(entry.first, what)) return problem;
    if (entry.first < from) {
      return std::string(what) + " reports slot " + number(entry.first.value) +
             ", before its first slot " + number(from.value);
    }
    if (previous && entry.first <= *previous) {
      return std::string(what) + " lists slot " + number(entry.first.value) + " out of order";
    }
    previous = entry.first;
  }
  return std::nullopt;
}

// What a message is checked against: this replica's own role, now.
struct Context {
  Millis now;
  std::optional<Ballot> mine;      // its ballot, as candidate or master
  std::optional<Slot> asked_from;  // the first slot its Prepare asked for
  std::optional<Slot> next_slot;   // as master: the slot the next command gets
  std::uint64_t window;            // Timing::window
};

Problem check_message(const Prepare& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, "Prepare")) return problem;
  // Ballots are owned: only this replica uses its own.
  if (c.mine && m.ballot == *c.mine) return "a Prepare with this replica's own ballot";
  return slot_in_range(m.from, "Prepare's first slot");
}

Problem check_message(const Promise& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, "Promise")) return problem;
  if (auto problem = slot_in_range(m.from, "Promise's first slot")) return problem;
  // A promise answers a Prepare this candidate sent with its ballot: from
  // its first slot, or from an earlier one (a candidate that caught up asks
  // again, from further on). A promise for another ballot is merely late.
  if (c.mine && m.ballot == *c.mine && m.from > *c.asked_from) {
    return "a Promise from slot " + number(m.from.value) + ", but the Prepare asked from slot " +
           number(c.asked_from->value);
  }
  if (auto problem = slot_list(m.accepted, m.from, "Promise")) return problem;
  // An acceptor accepts nothing above the ballot it promises next.
  for (const auto& [slot, proposal] : m.accepted) {
    if (auto problem = ballot_in_range(proposal.ballot, "accepted proposal")) return problem;
    if (proposal.ballot > m.ballot) {
      return "a Promise " + number(m.ballot.value) + " reporting a proposal of ballot " +
             number(proposal.ballot.value) + " in slot " + number(slot.value);
    }
  }
  return std::nullopt;
}

Problem check_message(const Reject& m, const Context&) {
  if (auto problem = ballot_in_range(m.ballot, "Reject")) return problem;
  if (auto problem = ballot_in_range(m.promised, "Reject's promise")) return problem;
  // A Reject is sent only because a higher ballot was promised.
  if (m.promised <= m.ballot) return "a Reject whose promise is not higher";
  return std::nullopt;
}

Problem check_message(const Accept& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, "Accept")) return problem;
  if (c.mine && m.ballot == *c.mine) return "an Accept with this replica's own ballot";
  if (auto problem = slot_in_range(m.slot, "Accept")) return problem;
  if (auto problem = commit_in_range(m.commit)) return problem;
  // A master sends a slot only within `window` of its commit index
  // (send_window), and its commit index only grows.
  if (m.slot.value > m.commit.value + c.window) {
    return "an Accept for slot " + number(m.slot.value) + " with commit index " +
           number(m.commit.value) + " (a master stays within " + number(c.window) + " slots of it)";
  }
  return std::nullopt;
}

Problem check_message(const Accepted& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, "Accepted")) return problem;
  if (auto problem = slot_in_range(m.slot, "Accepted")) return problem;
  // Accepted under this master's ballot answers an Accept it sent.
  if (c.next_slot && m.ballot == *c.mine && m.slot >= *c.next_slot) {
    return "Accepted for slot " + number(m.slot.value) + ", never proposed (next is " +
           number(c.next_slot->value) + ")";
  }
  return std::nullopt;
}

Problem check_message(const Heartbeat& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, "Heartbeat")) return problem;
  if (c.mine && m.ballot == *c.mine) return "a Heartbeat with this replica's own ballot";
  if (m.sent_at < 0) return "a Heartbeat sent at a negative time";
  return commit_in_range(m.commit);
}

Problem check_message(const HeartbeatOk& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, "HeartbeatOk")) return problem;
  // It echoes the time this master sent its heartbeat: not later than now.
  if (c.next_slot && m.ballot == *c.mine && m.sent_at > c.now) {
    return "a HeartbeatOk for a heartbeat sent at " + std::to_string(m.sent_at) +
           " ms, after now (" + std::to_string(c.now) + " ms)";
  }
  return std::nullopt;
}

Problem check_message(const CatchUp& m, const Context&) {
  return slot_in_range(m.from, "CatchUp");
}

Problem check_message(const Chosen& m, const Context&) {
  return slot_list(m.slots, Slot{1}, "Chosen");
}

}  // namespace

std::optional<std::string> Replica::check(Millis now, const NodeId& from,
                                          const Message& message) const {
  // A replica never sends a message to itself (the simulator and real mode
  // both deliver its own promise and acceptance directly).
  if (from == config_.self) return "a message from " + from + " to itself";
  const Context context{
      .now = now,
      .mine = ballot(),
      .asked_from = ballot() ? std::optional<Slot>(phase_one().from) : std::nullopt,
      .next_slot = master_ ? std::optional<Slot>(master_->next_slot) : std::nullopt,
      .window = config_.timing.window};
  return std::visit([&](const auto& m) { return check_message(m, context); }, message);
}

}  // namespace consensus_lab::multipaxos
