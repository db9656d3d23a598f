// A Raft cluster's configuration (thesis §4): the servers that vote — whose
// majority elects a leader and commits an entry — and the learners, which
// receive the log but neither vote nor count (thesis §4.2.1: a new server
// catches up as a non-voting member before it joins). Membership changes
// (raft/membership.cpp) change it one server at a time; a snapshot
// (paper §7) keeps the one in effect at its last included index.
#pragma once

#include <vector>

#include "common/types.h"

namespace consensus_lab::raft {

struct Configuration {
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;
  friend bool operator==(const Configuration&, const Configuration&) = default;
};

}  // namespace consensus_lab::raft
