// The safety invariants of Basic Paxos, checked by the simulator after every
// event. What consensus must guarantee (Lamport, "Paxos Made Simple" §2.1),
// and what an acceptor promises (notes, 小结: 三个承诺):
//
//   only a proposed value is chosen
//   at most one value chosen
//   one value per proposal number         (proposal numbers are unique)
//   learned values were chosen
//   acceptor keeps its promises           each acceptor against itself after
//   an acceptor's accepted proposal       the previous event (server_checks.h)
//     number never goes down
//
// The checks of an acceptor against itself restate rules; each is off while
// one of its rules is switched off, so that a run with a rule off goes on to
// show what the rule prevents (two values chosen) instead of stopping at the
// broken rule itself.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/server_checks.h"
#include "paxos/effects.h"
#include "paxos/rules.h"
#include "sim/world.h"

namespace consensus_lab::cluster {

class PaxosCluster;
using PaxosWorld = sim::World<paxos::Message, paxos::Event>;

// ---- An acceptor against itself: pure functions of two AcceptorStates -------
// `before` after the previous event, `now` after this one — live, or what a
// crashed acceptor will come back with.

// "acceptor keeps its promises", half 1 (while promise1 and persist are on).
std::optional<narration::Text> promise_never_goes_down(const NodeId& acceptor,
                                                       const paxos::AcceptorState& before,
                                                       const paxos::AcceptorState& now,
                                                       const paxos::Rules& rules);
// "acceptor keeps its promises", half 2 (while promise2 is on).
std::optional<narration::Text> nothing_accepted_below_the_promise(
    const NodeId& acceptor, const paxos::AcceptorState& before, const paxos::AcceptorState& now,
    const paxos::Rules& rules);
// While promise1, promise2 and persist are on.
std::optional<narration::Text> accepted_number_never_goes_down(const NodeId& acceptor,
                                                               const paxos::AcceptorState& before,
                                                               const paxos::AcceptorState& now,
                                                               const paxos::Rules& rules);

// ---- The whole cluster: each check as a pure function of what it compares ---
// (PaxosInvariants below runs them after every simulated event; the explorer,
// tools/explore, after every transition it makes.)

// Their names, as reports print them.
inline const narration::Text kOnlyAProposedValueIsChosen{"only a proposed value is chosen",
                                                         "只有被提出的值才可能被选定"};
inline const narration::Text kAtMostOneValueChosen{"at most one value chosen",
                                                   "最多只有一个值被选定"};
inline const narration::Text kOneValuePerProposalNumber{"one value per proposal number",
                                                        "每个提案编号只对应一个值"};
inline const narration::Text kLearnedValuesWereChosen{"learned values were chosen",
                                                      "学习者学到的值都已被选定"};

// `chosen` (a majority accepted it) carries a value no proposer proposed.
std::optional<narration::Text> chosen_but_never_proposed(const paxos::Proposal& chosen,
                                                         const std::set<paxos::Value>& proposed);
// `chosen` carries another value than `first`, the first proposal chosen.
std::optional<narration::Text> second_value_chosen(const paxos::Proposal& first,
                                                   const paxos::Proposal& chosen);
// `accepted` carries another value than the one first accepted under its
// number (none: it is the first).
std::optional<narration::Text> second_value_under_one_number(
    const paxos::Proposal& accepted, const std::optional<paxos::Value>& first_value);
// `learner` learned `learned`, which is not among the proposals chosen.
std::optional<narration::Text> learned_but_not_chosen(const NodeId& learner,
                                                      const paxos::Proposal& learned,
                                                      const std::vector<paxos::Proposal>& chosen);

// The checks of an acceptor against itself, in the order they run.
const std::vector<ServerCheck<paxos::AcceptorState, paxos::Rules>>& acceptor_checks();

class PaxosInvariants {
 public:
  // Reads `cluster`, which must outlive it; takes every acceptor's first state.
  explicit PaxosInvariants(const PaxosCluster& cluster);
  PaxosInvariants(const PaxosInvariants&) = delete;
  PaxosInvariants& operator=(const PaxosInvariants&) = delete;

  // ---- what the driver reports ----
  // A proposer started a round for its own value.
  void proposed(const paxos::Value& value) { proposed_.insert(value); }
  // Every value a proposer started a round for, so far.
  const std::set<paxos::Value>& proposed() const { return proposed_; }
  // An acceptor accepted `proposal`.
  void accepted(const paxos::Proposal& proposal) { new_acceptances_.push_back(proposal); }
  // Learner `learner` learned `proposal`.
  void learned(const NodeId& learner, const paxos::Proposal& proposal) {
    new_learnings_.push_back({learner, proposal});
  }

  // Every check below, run by `world` after every event.
  void install(PaxosWorld& world);
  // Every check below, in order, after an event that happened to node
  // `event_node` of the world (none: to no node in particular): the first
  // that fails, by name.
  std::optional<sim::Violated> first_violated(std::optional<std::size_t> event_node);

  std::optional<narration::Text> only_a_proposed_value_is_chosen();
  std::optional<narration::Text> at_most_one_value_chosen();
  std::optional<narration::Text> one_value_per_proposal_number();
  std::optional<narration::Text> learned_values_were_chosen();

 private:
  struct Learning {
    NodeId learner;
    paxos::Proposal proposal;
  };

  const PaxosCluster& cluster_;
  std::set<paxos::Value> proposed_;  // every value a proposer started a round for
  // Facts since the checks last looked; each check compares them with what
  // came before and forgets them. A proposal once chosen stays chosen, so
  // each check that reads the cluster's chosen() looks only at the proposals
  // past the ones it has seen.
  std::vector<paxos::Proposal> new_acceptances_;
  std::vector<Learning> new_learnings_;
  std::size_t chosen_seen_as_proposed_ = 0;
  std::size_t chosen_seen_as_one_value_ = 0;
  ServerChecks<paxos::AcceptorState, paxos::Rules> acceptors_;
};

}  // namespace consensus_lab::cluster
