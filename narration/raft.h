// Raft in words: its RPCs, and the decisions of its servers — terms, leader
// election, log replication — in English and in the notes' Chinese (领导者,
// 跟随者, 候选人, 任期, 请求投票 RPC, 日志复制 RPC, 心跳, 日志项, 提交).
#pragma once

#include <optional>
#include <string>

#include "narration/describer.h"
#include "raft/server.h"

namespace consensus_lab::narration {

// One function per message and per decision (narration/describer.h).
struct RaftWords {
  // The messages, as the notes name them.
  static std::string chinese(const raft::RequestVote& m);
  static std::string chinese(const raft::Vote& m);
  static std::string chinese(const raft::AppendEntries& m);
  static std::string chinese(const raft::AppendReply& m);

  // Terms (§5.1).
  static Line describe(const NodeId& node, const raft::event::TermRaised& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::StaleRefused& e, Lang lang);
  // Leader election (§5.2, §5.4.1).
  static Line describe(const NodeId& node, const raft::event::BecameCandidate& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::VoteGranted& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::VoteRefused& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::BecameLeader& e, Lang lang);
  // Log replication (§5.3, §5.4.2).
  static Line describe(const NodeId& node, const raft::event::EntryAppended& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::AppendRefused& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::ConflictDeleted& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::EntriesStored& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::NextIndexBack& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::Committed& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::Applied& e, Lang lang);

  // A diagram's notes.
  static std::optional<std::string> note(const raft::event::BecameCandidate& e, Lang lang);
  static std::optional<std::string> note(const raft::event::BecameLeader& e, Lang lang);
  static std::optional<std::string> note(const raft::event::VoteRefused& e, Lang lang);
  static std::optional<std::string> note(const raft::event::AppendRefused& e, Lang lang);
  static std::optional<std::string> note(const raft::event::Committed& e, Lang lang);
  static std::optional<std::string> note(const auto&, Lang) { return std::nullopt; }
};

using RaftDescriber = Describer<raft::Message, raft::Event, RaftWords>;

}  // namespace consensus_lab::narration
