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
};
struct Promise {
  Ballot ballot;
  Slot from;
  std::vector<std::pair<Slot, SlotProposal>> accepted;  // slots >= from
};
struct Reject {
  Ballot ballot;    // the ballot that was refused
  Ballot promised;  // the higher one the acceptor has promised
};
struct Accept {
  Ballot ballot;
  Slot slot;
  Command command;
  Slot commit;  // every slot <= commit is chosen (with this master's values)
};
struct Accepted {
  Ballot ballot;
  Slot slot;
};
struct Heartbeat {
  Ballot ballot;
  Slot commit;
  Millis sent_at;
};
struct HeartbeatOk {
  Ballot ballot;
  Millis sent_at;
};
struct CatchUp {
  Slot from;
};
struct Chosen {
  std::vector<std::pair<Slot, Command>> slots;
};

using Message = std::variant<Prepare, Promise, Reject, Accept, Accepted, Heartbeat, HeartbeatOk,
                             CatchUp, Chosen>;

// "prepare", "promise", "reject", "accept", "accepted", "heartbeat",
// "heartbeat-ok", "catch-up", "chosen".
std::string_view message_type(const Message& message);
// One line in the notes' notation: "Accept [5, x←3] for slot 2 (commit 1)".
std::string to_string(const Message& message);

}  // namespace consensus_lab::multipaxos
