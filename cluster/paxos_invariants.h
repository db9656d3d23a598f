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
std::optional<sim::Problem> promise_never_goes_down(const NodeId& acceptor,
                                                    const paxos::AcceptorState& before,
                                                    const paxos::AcceptorState& now,
                                                    const paxos::Rules& rules);
// "acceptor keeps its promises", half 2 (while promise2 is on).
std::optional<sim::Problem> nothing_accepted_below_the_promise(const NodeId& acceptor,
                                                               const paxos::AcceptorState& before,
                                                               const paxos::AcceptorState& now,
                                                               const paxos::Rules& rules);
// While promise1, promise2 and persist are on.
std::optional<sim::Problem> accepted_number_never_goes_down(const NodeId& acceptor,
                                                            const paxos::AcceptorState& before,
                                                            const paxos::AcceptorState& now,
                                                            const paxos::Rules& rules);

class PaxosInvariants {
 public:
  // Reads `cluster`, which must outlive it; takes every acceptor's first state.
  explicit PaxosInvariants(const PaxosCluster& cluster);
  PaxosInvariants(const PaxosInvariants&) = delete;
  PaxosInvariants& operator=(const PaxosInvariants&) = delete;

  // ---- what the driver reports ----
  // A proposer started a round for its own value.
  void proposed(const paxos::Value& value) { proposed_.insert(value); }
  // An acceptor accepted `proposal`.
  void accepted(const paxos::Proposal& proposal) { new_acceptances_.push_back(proposal); }

  // Every check below, by name, run by `world` after every event.
  void install(PaxosWorld& world);

  std::optional<sim::Problem> only_a_proposed_value_is_chosen() const;
  std::optional<sim::Problem> at_most_one_value_chosen() const;
  std::optional<sim::Problem> one_value_per_proposal_number();
  std::optional<sim::Problem> learned_values_were_chosen() const;

 private:
  const PaxosCluster& cluster_;
  std::set<paxos::Value> proposed_;  // every value a proposer started a round for
  // Acceptances since the last check, to compare with the first value
  // accepted under the same number.
  std::vector<paxos::Proposal> new_acceptances_;
  ServerChecks<paxos::AcceptorState, paxos::Rules> acceptors_;
};

}  // namespace consensus_lab::cluster
