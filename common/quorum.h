// Quorum arithmetic, once for every protocol — notes, Basic Paxos: "当学习者
// 发现大多数的接受者都通过了某个提案…" (when a learner sees that a majority of
// the acceptors have accepted a proposal…), and Raft: "候选人…赢得了大多数的
// 选票" (a candidate wins the votes of a majority). Any two majorities of the
// same servers share at least one server: that is what every rule built on
// 大多数 (a majority) rests on.
//
// Pure functions with table tests (tests/unit/quorum_test.cpp); etcd's
// quorum/majority.go does the same job.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <functional>
#include <vector>

namespace consensus_lab {

// The size of a majority of `n` voters: more than half (大多数).
constexpr std::size_t majority(std::size_t n) {
  return n / 2 + 1;
}

// The highest index a majority holds: given one index per server (each
// server's own, for a Raft leader its last index and the followers'
// match_index), the largest N such that a majority of them are ≥ N.
//
// The Raft paper, Figure 2, rules for leaders: "If there exists an N such that
// N > commitIndex, a majority of matchIndex[i] ≥ N, and log[N].term ==
// currentTerm: set commitIndex = N" — this is the first two conditions'
// largest N; the caller checks the rest. Sorted from the highest down, the
// majority-th index is held by that many servers and no higher one is.
// (etcd: quorum/majority.go, CommittedIndex.)
template <class Index>
Index highest_index_of_majority(std::vector<Index> indexes) {
  assert(!indexes.empty());  // a cluster has at least one server
  std::sort(indexes.begin(), indexes.end(), std::greater<>{});
  return indexes[majority(indexes.size()) - 1];
}

}  // namespace consensus_lab
