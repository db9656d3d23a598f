// The history the Basic Paxos invariants are judged from, as the explorer
// keeps it in each state (tools/explore/paxos_model.cpp): which acceptors
// ever accepted each proposal — what PaxosCluster keeps in the simulator —
// as a sorted row of numbered entries. A proposal is chosen once a majority
// has accepted it, and stays chosen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tools/explore/interner.h"
#include "tools/explore/paxos_node.h"

namespace consensus_lab::explore {

class History {
 public:
  explicit History(std::size_t needed) : needed_(needed) {}
  // The values proposers proposed (a chosen value must be one of them).
  void set_proposed(std::set<paxos::Value> proposed) { proposed_ = std::move(proposed); }

  Word entry(Accepted accepted) { return entries_.id(std::move(accepted)); }
  bool chosen(Word entry) const;

  // `history` with acceptor `self`'s acceptances added; `violation` is the
  // first check that breaks, in PaxosInvariants' order: a value chosen that
  // no one proposed, a second value chosen, a second value under one number.
  std::vector<Word> accept(Key history, Word self, const std::vector<paxos::Proposal>& accepted,
                           std::optional<Violation>& violation);
  // Learner `learner` learned `learned`: each must be chosen in `history`.
  std::optional<Violation> check_learned(Key history, const NodeId& learner,
                                         const std::vector<paxos::Proposal>& learned) const;

  std::size_t bytes() const { return entries_.bytes(sizeof(Accepted)); }

 private:
  std::size_t needed_;
  std::set<paxos::Value> proposed_;
  Interner<Accepted> entries_;
};

}  // namespace consensus_lab::explore
