// The options that switch on what production Raft adds to the paper
// (raft::Features, raft/rules.h), for `conlab node` and `conlab cluster
// start`: declared once here, checked once here, and handed by the cluster
// to each node's command line as they were given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "narration/text.h"
#include "raft/rules.h"
#include "tools/options.h"

namespace consensus_lab::tools {

// The option words as given.
struct RaftFeatureWords {
  bool pre_vote = false, check_quorum = false;
  std::string read = "log";
  // Paper §7: a snapshot every N applied entries (0: never), sent to a
  // follower in chunks of this many bytes (a few round trips, not thousands:
  // larger than the simulator's 256).
  std::size_t snapshot_every = 0, snapshot_chunk = 65536;
};

// --pre-vote, --check-quorum, --read log|read-index|lease, --snapshot-every N,
// --snapshot-chunk BYTES.
void declare_raft_features(CommandLine& line, RaftFeatureWords& words);
// The features the words ask for, or why they cannot be had (a bad read
// mode, or a feature given to a protocol other than raft).
std::optional<narration::Text> parse_raft_features(const RaftFeatureWords& words,
                                                   const std::string& protocol,
                                                   raft::Features& features);
// The same options for a node's command line (only those given).
std::vector<std::string> raft_feature_args(const RaftFeatureWords& words);

}  // namespace consensus_lab::tools
