// 学习者 (Learner) — notes, Basic Paxos: "被告知投票的结果，接受达成共识的值，存储
// 保存，不参与投票的过程" (is told the result of the vote, takes the agreed
// value and stores it; takes no part in voting), and 接受阶段: "当学习者发现大多数
// 的接受者都通过了某个提案，那么它也通过该提案，接受该提案的值" (when a learner sees
// that a majority of acceptors have accepted one proposal, it accepts that
// proposal too, and takes its value).
//
// "One proposal" means one proposal NUMBER: Accepted [1, 7] from A and
// Accepted [5, 7] from B are two different proposals and do not add up,
// even though their values are equal. Counting by value would let a learner
// announce a value that no majority ever accepted under one number.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>

#include "paxos/effects.h"

namespace consensus_lab::paxos {

class Learner {
 public:
  // `restored`: the value learned before a restart (a learner stores what it
  // learns — notes: "存储保存"); the counts themselves are volatile.
  explicit Learner(std::size_t acceptor_count, std::optional<Proposal> restored = {});

  Effects handle(const NodeId& from, const Accepted& accepted);

  // The value learned, as the proposal a majority accepted; none yet.
  const std::optional<Proposal>& learned() const { return learned_; }
  // The acceptors counted so far, per proposal number.
  const std::map<ProposalNumber, std::set<NodeId>>& counted() const { return accepted_by_; }

  friend bool operator==(const Learner&, const Learner&) = default;

 private:
  std::size_t needed_;
  std::map<ProposalNumber, std::set<NodeId>> accepted_by_;  // per proposal number
  std::optional<Proposal> learned_;
};

}  // namespace consensus_lab::paxos
