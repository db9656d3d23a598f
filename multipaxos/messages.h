// The messages of Chubby-style Multi-Paxos (docs/multi-paxos.md).
//
//   election     Prepare(ballot, from slot)  one Prepare covers every slot from
//                                            the first one not known chosen
//                Promise(ballot, accepted…)  what the acceptor accepted there
//                Reject(promised)            "someone promised a higher number"
//   each command Accept(ballot, slot, command, commit)
//                Accepted(ballot, slot)
//   master       Heartbeat(ballot, commit, sent at)   lease and commit index
//                HeartbeatOk(ballot, sent at)         the lease is granted
//   catching up  CatchUp(from slot) → Chosen(slots…)  chosen commands a
//                                                     replica does not have
//
// A ballot is a Basic Paxos proposal number (paxos::ProposalNumber): the
// election IS Basic Paxos (notes: 主节点是通过Basic Paxos算法来进行leader选举的).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/command.h"
#include "paxos/proposal_number.h"

namespace consensus_lab::multipaxos {

using Ballot = paxos::ProposalNumber;
using consensus_lab::Command;
using consensus_lab::KeyValueStore;
using consensus_lab::to_scenario_word;
using consensus_lab::to_string;

// A position in the replicated log, from 1.
struct Slot {
  std::uint64_t value = 0;
  friend auto operator<=>(const Slot&, const Slot&) = default;
  Slot next() const { return Slot{value + 1}; }
};
std::string to_string(Slot slot);

// A value accepted in a slot under a ballot.
struct SlotProposal {
  Ballot ballot;
  Command command;
  friend bool operator==(const SlotProposal&, const SlotProposal&) = default;
};

struct Prepare {
  Ballot ballot;
  Slot from;  // the promise covers this slot and every later one
  friend bool operator==(const Prepare&, const Prepare&) = default;
};
struct Promise {
  Ballot ballot;
  Slot from;
  std::vector<std::pair<Slot, SlotProposal>> accepted;  // slots >= from
  friend bool operator==(const Promise&, const Promise&) = default;
};
struct Reject {
  Ballot ballot;    // the ballot that was refused
  Ballot promised;  // the higher one the acceptor has promised
  friend bool operator==(const Reject&, const Reject&) = default;
};
// About how many bytes a command takes in a message (bounds a message's size).
inline std::size_t bytes_of(const Command& command) {
  return command.key.size() + command.value.size() + command.client.size() + 32;
}

// Phase 2 for `slot` — and, when the master sends several slots at once
// (Timing::slots_per_accept), for the slots right after it: `more[i]` is the
// command for slot + 1 + i. One ballot, one promise check, one write and one
// Accepted for all of them, as one Raft AppendEntries carries many entries.
// The notes' examples send one slot per Accept (`more` empty).
struct Accept {
  Ballot ballot;
  Slot slot;
  Command command;
  Slot commit;  // every slot <= commit is chosen (with this master's values)
  std::vector<Command> more = {};
  Slot last() const { return Slot{slot.value + more.size()}; }
  friend bool operator==(const Accept&, const Accept&) = default;
};
// The acceptor accepted every slot from `slot` to last() under `ballot`.
struct Accepted {
  Ballot ballot;
  Slot slot;
  std::uint64_t more = 0;  // how many slots after `slot` (an Accept's more.size())
  Slot last() const { return Slot{slot.value + more}; }
  friend bool operator==(const Accepted&, const Accepted&) = default;
};
struct Heartbeat {
  Ballot ballot;
  Slot commit;
  Millis sent_at;
  friend bool operator==(const Heartbeat&, const Heartbeat&) = default;
};
struct HeartbeatOk {
  Ballot ballot;
  Millis sent_at;
  friend bool operator==(const HeartbeatOk&, const HeartbeatOk&) = default;
};
struct CatchUp {
  Slot from;
  friend bool operator==(const CatchUp&, const CatchUp&) = default;
};
struct Chosen {
  std::vector<std::pair<Slot, Command>> slots;
  friend bool operator==(const Chosen&, const Chosen&) = default;
};

using Message = std::variant<Prepare, Promise, Reject, Accept, Accepted, Heartbeat, HeartbeatOk,
                             CatchUp, Chosen>;

// "prepare", "promise", "reject", "accept", "accepted", "heartbeat",
// "heartbeat-ok", "catch-up", "chosen".
std::string_view message_type(const Message& message);
// What tells a message from another of its type on one link, as the words
// after TYPE in `deliver FROM TO TYPE WORDS…` (docs/scenarios.md §8):
// "ballot 5 slot 2 commit 1 more 0" for an Accept, "ballot 5 slot 2" for its
// Accepted. A master's command for a slot is fixed under its ballot, so the
// commands themselves are left out.
std::vector<std::string> message_words(const Message& message);
// One line in the notes' notation: "Accept [5, x←3] for slot 2 (commit 1)".
std::string to_string(const Message& message);

// Whether `message` may leave before the write of the step that sent it is
// durable (a real node; the simulator's disk writes at once). Only the
// master's Accept, for the reason a Raft leader's AppendEntries may (thesis
// §10.2.1; raft/messages.h): its own acceptance counts toward a majority
// only when it handles the Accepteds, which a real node does only after the
// batch's sync (net/node.cpp, Node::flush). Promises and Accepteds — an
// acceptor's answers — leave after the write they report (durable before
// visible: "persist what it promised/accepted before any reply").
bool may_leave_before_write(const Message& message);

}  // namespace consensus_lab::multipaxos
