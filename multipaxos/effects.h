// What a replica hands its driver after each step (DESIGN.md §8): the state
// to make durable first, then the messages to send, the time to wake it, and
// the events it noted — and what survives a crash. The simulator
// (cluster/multipaxos_cluster.cpp) and a real node (net/) are the drivers.
#pragma once

#include "common/effects.h"

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "multipaxos/messages.h"

namespace consensus_lab::multipaxos {

// What survives a crash.
struct ReplicaHardState {
  std::optional<Ballot> promised;         // one promise for every slot (see Prepare::from)
  std::map<Slot, SlotProposal> accepted;  // per slot: the last proposal accepted
  std::map<Slot, Command> chosen;         // per slot: what this replica knows chosen
  friend bool operator==(const ReplicaHardState&, const ReplicaHardState&) = default;
};

// What must be made durable before the step's messages leave: the promise,
// and only the slots that changed (not the whole log again).
struct Persist {
  std::optional<Ballot> promised;
  std::map<Slot, SlotProposal> accepted;  // slots accepted in this step
  std::map<Slot, Command> chosen;         // slots learned chosen in this step
  friend bool operator==(const Persist&, const Persist&) = default;
};

// Carry out a Persist on durable state (what a driver's disk does).
void write(const Persist& persist, ReplicaHardState& disk);

using Outgoing = consensus_lab::Outgoing<Message>;

namespace event {
struct CampaignStarted {  // Prepare sent: trying to become master
  Ballot ballot;
  Slot from;
};
struct PromiseGranted {
  Ballot ballot;
  NodeId candidate;
  std::size_t reported;  // accepted slots reported
};
struct PrepareRefused {  // ballot <= promised: Reject sent
  Ballot ballot;
  Ballot promised;
};
struct PrepareIgnoredForLease {  // a lease for another master still holds
  Ballot ballot;
  NodeId master;  // empty: granted before a restart, to a master it no longer knows
  Millis until;
};
struct BecameMaster {
  Ballot ballot;
  Slot from;
  std::size_t reproposed;  // open slots given the highest-numbered value reported
  std::size_t filled;      // gaps filled with noop
  Slot next;               // the slot the next command gets
};
struct SteppedDown {
  Ballot ballot;
  Ballot higher;
};
struct CommandProposed {  // a command given a slot by the master
  Slot slot;
  Command command;
  // What the master did with the slot in the same step. In the steady state
  // its Accept goes out at once: no Prepare, phase 2 only. Otherwise the slot
  // waits — for the window to open (Timing::window), or for phase 1 among
  // the slot's members: after a membership change the promises the master
  // holds need not be a majority of them, and it sends Prepares first.
  enum class Then { accept, window, prepare };
  Then then = Then::accept;
};
struct SlotAccepted {
  Slot slot;
  Ballot ballot;
  Command command;
};
struct AcceptRefused {
  Slot slot, last;  // the Accept's slots, from `slot` to `last`
  Ballot ballot;
  Ballot promised;
};
struct SlotChosen {
  Slot slot;
  Command command;
};
struct Applied {
  Slot slot;
  Command command;
  bool repeat;                       // a client's re-submitted command: skipped
  std::optional<std::string> value;  // a read's answer: the value when it applied
};
struct LeaseHeld {  // the master holds a lease until this time
  Millis until;
};
struct CatchingUp {
  Slot from;
};
struct CampaignDeferred {  // its own lease grant to a master still holds
  NodeId master;           // empty: granted before a restart
  Millis until;
};
struct OrderIgnoredForLease {  // an Accept or Heartbeat from another master, under a lease
  std::string what;            // "Accept", "Heartbeat"
  Ballot ballot;
  NodeId master;  // the lease holder; empty: granted before a restart; self: a master's own
  Millis until;
};
struct PromiseWithheld {  // the candidate is too far behind: caught up instead
  Ballot ballot;
  NodeId candidate;
  std::size_t accepted;  // accepted slots it would have had to report
};
struct ChosenIgnored {  // a master learns only from its own Accepted
  std::size_t slots;
};
struct LeftConfiguration {  // a master no longer among the members: steps down
  Ballot ballot;
  Slot slot;  // the first chosen slot of a configuration without it
};
struct PromisesRequested {  // phase 1 again, for a configuration not yet a majority promised
  Ballot ballot;
  std::vector<NodeId> asked;    // the members it has no promise from
  std::vector<NodeId> members;  // the configuration
};
struct PhaseOneStalled {  // a master without promises from a majority of a configuration
  Ballot ballot;
  Millis since;
};
}  // namespace event

using Event = std::variant<event::CampaignStarted, event::PromiseGranted, event::PrepareRefused,
                           event::PrepareIgnoredForLease, event::BecameMaster, event::SteppedDown,
                           event::CommandProposed, event::SlotAccepted, event::AcceptRefused,
                           event::SlotChosen, event::Applied, event::LeaseHeld, event::CatchingUp,
                           event::CampaignDeferred, event::OrderIgnoredForLease,
                           event::PromiseWithheld, event::ChosenIgnored, event::LeftConfiguration,
                           event::PromisesRequested, event::PhaseOneStalled>;

using Effects = RoleEffects<Message, Persist, Event>;

enum class Role { follower, candidate, master };

}  // namespace consensus_lab::multipaxos
