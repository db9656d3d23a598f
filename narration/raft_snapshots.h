// Raft's log compaction in words (快照; the paper's §7): the steps of
// raft/snapshot.cpp, for RaftWords (narration/raft.cpp).
#pragma once

#include <string>

#include "narration/line.h"
#include "raft/effects.h"

namespace consensus_lab::narration {

// "(7, 4)": a log position (index, term), as the notes write it.
std::string position(raft::LogIndex index, raft::Term term);

Line describe_snapshot(const NodeId& node, const raft::event::SnapshotTaken& t, Lang lang);
Line describe_snapshot(const NodeId& node, const raft::event::SnapshotChunk& c, Lang lang);
Line describe_snapshot(const NodeId& node, const raft::event::SnapshotInstalled& i, Lang lang);

}  // namespace consensus_lab::narration
