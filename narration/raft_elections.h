// Raft's words for what production Raft adds to elections (Ongaro's thesis):
// pre-vote (预投票, §9.6), check-quorum (§6.2, §4.2.3) and leadership transfer
// (领导权转移, §3.10), and a refused vote, told like a refused pre-vote.
// narration/raft.cpp's RaftWords takes them over.
#pragma once

#include <optional>
#include <string>

#include "narration/describer.h"
#include "raft/server.h"

namespace consensus_lab::narration {

struct RaftElectionWords {
  static std::string chinese(const raft::PreVote& m);
  static std::string chinese(const raft::PreVoteReply& m);
  static std::string chinese(const raft::TimeoutNow& m);
  static std::string chinese(const raft::Removed& m);

  static Line describe(const NodeId& node, const raft::event::VoteRefused& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::BecamePreCandidate& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::PreVoteGranted& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::PreVoteRefused& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::VoteIgnored& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::TermIgnored& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::RemovedTold& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::RemovedLearnt& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::StaysOut& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::LostQuorum& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::TransferStarted& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::TimeoutNowSent& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::TransferAborted& e, Lang lang);
  static Line describe(const NodeId& node, const raft::event::SubmitRefused& e, Lang lang);

  static std::optional<std::string> note(const raft::event::BecamePreCandidate& e, Lang lang);
  static std::optional<std::string> note(const raft::event::PreVoteRefused& e, Lang lang);
  static std::optional<std::string> note(const raft::event::LostQuorum& e, Lang lang);
  static std::optional<std::string> note(const raft::event::TimeoutNowSent& e, Lang lang);
  static std::optional<std::string> note(const raft::event::RemovedLearnt& e, Lang lang);
};

}  // namespace consensus_lab::narration
