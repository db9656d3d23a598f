// The invariants of log compaction (the Raft paper, §7): a snapshot never
// covers an entry that is not committed — its state is the state machine
// after the committed entries up to its last included index — and two state
// machines that have applied up to the same index are equal (whether they
// got there entry by entry or from a snapshot).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "narration/text.h"
#include "raft/effects.h"

namespace consensus_lab::cluster {

class RaftCluster;

class RaftSnapshotInvariants {
 public:
  explicit RaftSnapshotInvariants(const RaftCluster& cluster) : cluster_(cluster) {}
  // Which servers took or installed a snapshot, or applied entries.
  void observe(std::size_t server, const raft::Event& event);

  std::optional<narration::Text> snapshot_covers_committed();
  std::optional<narration::Text> equal_state_at_equal_index();

 private:
  const RaftCluster& cluster_;
  std::vector<std::size_t> new_snapshots_;  // servers with a snapshot since the last check
  std::vector<std::size_t> applied_;        // servers whose state machine changed since then
  std::map<raft::LogIndex, std::string> state_at_;  // the first state seen at each applied index
};

}  // namespace consensus_lab::cluster
