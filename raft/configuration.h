// A Raft cluster's configuration (thesis §4): the servers that vote — whose
// majority elects a leader and commits an entry — and the learners, which
// receive the log but neither vote nor count (thesis §4.2.1: a new server
// catches up as a non-voting member before it joins). Membership changes
// (raft/membership.cpp) change it one server at a time; a snapshot
// (paper §7) keeps the one in effect at its last included index.
//
// Thesis §4.1: "The new configuration takes effect on each server as soon as
// it is added to that server's log" — committed or not; 成员变更 (membership
// change) entries are log entries whose command is `learner ID` (join as a
// 学习者, learner), `add ID` (vote: a learner promoted, or a new voter) or
// `remove ID`.
#pragma once

#include <vector>

#include "common/types.h"
#include "raft/log.h"

namespace consensus_lab::raft {

struct Configuration {
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;
  friend bool operator==(const Configuration&, const Configuration&) = default;
};

bool is_voter(const Configuration& configuration, const NodeId& id);
bool is_learner(const Configuration& configuration, const NodeId& id);
// A voter or a learner: a server the leader replicates to.
bool is_member(const Configuration& configuration, const NodeId& id);
// Does this command change the configuration (learner, add, remove)?
bool is_configuration_change(const Command& command);
// The configuration after `change` (a configuration change) is applied to
// `configuration`: a learner joins the learners; `add` makes a server a voter
// (a learner leaves the learners); `remove` takes it out of both. A change
// that changes nothing leaves it as it is.
Configuration apply_change(Configuration configuration, const Command& change);

// The configuration a log puts in effect, and the index of the entry that
// put it there (the base index when no entry of the log did).
struct LogConfiguration {
  Configuration configuration;
  LogIndex index;
  // The servers an entry of the log removed (and none added back since): a
  // leader keeps sending them AppendEntries until they hold the entry that
  // removed them, so that they know it and never start an election.
  std::vector<NodeId> removed;
  friend bool operator==(const LogConfiguration&, const LogConfiguration&) = default;
};
// `log_configuration` after the configuration entry `change` at `index`.
LogConfiguration with_change(LogConfiguration log_configuration, LogIndex index,
                             const Command& change);
// THE configuration of a log: the base configuration (the first one, or
// after a snapshot the one at its last included index, `base_index`), then
// every configuration entry of the log after the base index, in order —
// committed or not (thesis §4.1). A server whose log loses a configuration
// entry to a conflict goes back to what this says of the shorter log.
LogConfiguration configuration_of(const Configuration& base, LogIndex base_index, const Log& log);

}  // namespace consensus_lab::raft
