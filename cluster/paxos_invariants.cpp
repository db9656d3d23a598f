#include "cluster/paxos_invariants.h"

#include <map>
#include <memory>
#include <utility>

#include "cluster/paxos_cluster.h"

namespace consensus_lab::cluster {

namespace {

std::uint64_t number_or_zero(const std::optional<paxos::ProposalNumber>& number) {
  return number ? number->value : 0;
}

}  // namespace

std::vector<NamedInvariant> paxos_invariants(const PaxosCluster& cluster) {
  std::vector<NamedInvariant> invariants;

  invariants.push_back({"at most one value chosen", [&cluster]() -> std::optional<std::string> {
                          const auto& chosen = cluster.chosen();
                          for (const auto& proposal : chosen) {
                            if (proposal.value != chosen.front().value) {
                              return "proposal " + paxos::to_string(chosen.front()) + " and " +
                                     paxos::to_string(proposal) +
                                     " were each accepted by a majority";
                            }
                          }
                          return std::nullopt;
                        }});

  invariants.push_back(
      {"one value per proposal number", [&cluster]() -> std::optional<std::string> {
         if (const auto& number = cluster.number_reused()) {
           return "two different values were accepted under proposal number " +
                  paxos::to_string(*number);
         }
         return std::nullopt;
       }});

  invariants.push_back({"learned values were chosen",
                        [&cluster, seen = ~0ULL]() mutable -> std::optional<std::string> {
                          // Nothing it reads has changed since it last held.
                          if (std::exchange(seen, cluster.changes()) == cluster.changes()) {
                            return std::nullopt;
                          }
                          for (const NodeId& id : cluster.options().servers) {
                            const auto learned = cluster.learned(id);
                            if (!learned) continue;
                            bool found = false;
                            for (const auto& proposal : cluster.chosen()) {
                              found = found || proposal == *learned;
                            }
                            if (!found) {
                              return "learner " + id + " learned " + paxos::to_string(*learned) +
                                     ", which no majority accepted";
                            }
                          }
                          return std::nullopt;
                        }});

  // The delta checks compare with the acceptors' states after the last event.
  auto previous = std::make_shared<std::map<NodeId, paxos::AcceptorState>>();
  for (const NodeId& id : cluster.options().servers) (*previous)[id] = cluster.acceptor_state(id);

  invariants.push_back(
      {"acceptor keeps its promises",
       [&cluster, previous, seen = ~0ULL]() mutable -> std::optional<std::string> {
         if (std::exchange(seen, cluster.changes()) == cluster.changes()) return std::nullopt;
         // Read the rules now: a scenario may switch one off or on mid-run.
         const paxos::Rules& rules = cluster.options().rules;
         const bool check_promises = rules.promise1 && rules.persist;
         const bool check_acceptance = rules.promise2;
         for (const NodeId& id : cluster.options().servers) {
           const paxos::AcceptorState now = cluster.acceptor_state(id);
           paxos::AcceptorState& before = (*previous)[id];
           if (check_promises && number_or_zero(now.promised) < number_or_zero(before.promised)) {
             return id + "'s promise went down from " +
                    std::to_string(number_or_zero(before.promised)) + " to " +
                    std::to_string(number_or_zero(now.promised));
           }
           if (check_acceptance && now.accepted && now.accepted != before.accepted &&
               now.accepted->number.value < number_or_zero(before.promised)) {
             return id + " accepted " + paxos::to_string(*now.accepted) + " after promising " +
                    std::to_string(number_or_zero(before.promised)) +
                    " (no acceptance below the promise)";
           }
           before = now;
         }
         return std::nullopt;
       }});
  return invariants;
}

}  // namespace consensus_lab::cluster
