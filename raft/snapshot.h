// Log compaction (the Raft paper, §7, Figure 12; notes: 快照): a server
// replaces the committed prefix of its log by a snapshot of its state
// machine — "Raft also retains a small amount of metadata in the snapshot:
// the last included index is the index of the last entry in the log that the
// snapshot replaces (the last entry the state machine had applied), and the
// last included term is the term of this entry", and "the snapshot also
// includes the latest configuration as of last included index".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "raft/configuration.h"
#include "raft/messages.h"

namespace consensus_lab::raft {

struct Snapshot {
  LogIndex last_included_index;  // 0: no snapshot
  Term last_included_term;
  Configuration configuration;  // the one in effect at last_included_index
  std::string state;            // the key-value state machine (KeyValueStore::save)
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

// What InstallSnapshot sends in chunks: the configuration and the state
// machine as one text ("<count>;" then "<length>:<bytes>" strings, as
// KeyValueStore::save writes them); the index and term travel beside it.
std::string snapshot_data(const Snapshot& snapshot);
// The snapshot whose data is `data`, or nothing when `data` is not one.
std::optional<Snapshot> snapshot_from_data(LogIndex index, Term term, std::string_view data);

}  // namespace consensus_lab::raft
