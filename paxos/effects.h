// What a Basic Paxos role asks its driver to do after handling one message or
// one tick. The driver (the simulator, or a real node) carries it out in this
// order — durable before visible (DESIGN.md, principle 5):
//
//   1. persist   make this AcceptorState durable (write + fsync in real mode);
//   2. send      only then send these messages;
//   3. wake_at   call the role's tick() again at this time (replaces any
//                earlier wake-up);
//   4. events    what happened and why, for the trace, narration and tests.
//
// The learned value and the acceptor's decisions are events: a test or a demo
// asserts on them, and the narration renders them in the notes' words.
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "common/types.h"
#include "paxos/messages.h"

namespace consensus_lab::paxos {

// The persisted part of an acceptor (phxpaxos calls it AcceptorState too).
struct AcceptorState {
  std::optional<ProposalNumber> promised;  // highest Prepare answered (or implied by an Accept)
  std::optional<Proposal> accepted;        // the last proposal accepted (with promise 2 on,
                                           // also the highest-numbered one)
  friend bool operator==(const AcceptorState&, const AcceptorState&) = default;
};

struct Outgoing {
  NodeId to;
  Message message;
};

// Events: one per decision a role makes. Each names the rule behind it.
namespace event {

// Acceptor answered a Prepare with a Promise. `previous` is what it had
// promised before (none, or a lower number).
struct Promised {
  ProposalNumber number;
  std::optional<ProposalNumber> previous;
  std::optional<Proposal> reported;  // what the Promise carries (promise 3)
  bool withheld = false;  // promise 3 switched off: it had accepted one, and does not say
};
// Acceptor did not answer a Prepare: promise 1.
struct PrepareIgnored {
  ProposalNumber number;
  ProposalNumber promised;
};
// Acceptor accepted (通过) a proposal.
struct ProposalAccepted {
  Proposal proposal;
};
// Acceptor did not accept a proposal: promise 2.
struct AcceptRefused {
  Proposal proposal;
  ProposalNumber promised;
};
// Proposer started a round: Prepare n sent to every acceptor.
struct RoundStarted {
  ProposalNumber number;
  Value value;  // the proposer's own value (it may adopt another in phase 2)
};
// Proposer counted a Promise for its current round.
struct PromiseCounted {
  ProposalNumber number;
  std::size_t count;
  std::size_t needed;
};
// Proposer got a majority of promises and sent Accept [n, v] (phase 2): v is
// the value of the highest-numbered accepted proposal among the promises
// (`adopted_from`), or its own value when none carried one.
struct AcceptPhaseStarted {
  Proposal proposal;
  std::optional<Proposal> adopted_from;
};
// Proposer heard Accepted from a majority for its proposal: it is chosen.
struct ProposerSawChosen {
  Proposal proposal;
};
// Proposer's round ran out of time without a majority.
struct RoundTimedOut {
  ProposalNumber number;
  bool promises_phase;  // true: still collecting promises; false: accepts
};
// Proposer waits a random back-off before its next round.
struct BackingOff {
  Millis until;
};
// Proposer dropped a message from an older round of its own.
struct StaleReplyIgnored {
  ProposalNumber number;
  ProposalNumber current;
};
// Learner: a majority of acceptors accepted the same proposal (same number).
struct Learned {
  Proposal proposal;
};
// Learner counted an Accepted toward a proposal number.
struct AcceptanceCounted {
  Proposal proposal;
  std::size_t count;
  std::size_t needed;
};

}  // namespace event

using Event = std::variant<event::Promised, event::PrepareIgnored, event::ProposalAccepted,
                           event::AcceptRefused, event::RoundStarted, event::PromiseCounted,
                           event::AcceptPhaseStarted, event::ProposerSawChosen,
                           event::RoundTimedOut, event::BackingOff, event::StaleReplyIgnored,
                           event::Learned, event::AcceptanceCounted>;

struct Effects {
  std::optional<AcceptorState> persist;
  std::vector<Outgoing> send;
  std::optional<Millis> wake_at;
  std::vector<Event> events;
};

}  // namespace consensus_lab::paxos
