// Leadership transfer (Ongaro's thesis §3.10; notes: 领导权转移): "1. The prior
// leader stops accepting new client requests. 2. The prior leader fully
// updates the target server's log to match its own ... 3. The prior leader
// sends a TimeoutNow request to the target server. This request has the same
// effect as the target server's election timer firing: the target server
// starts a new election (incrementing its term and becoming a candidate)."
// And: "If the transfer does not complete within an election timeout, the
// prior leader aborts the transfer and resumes accepting client requests."
//
// Why it is safe: the target's election is an ordinary election (votes,
// the vote restriction); TimeoutNow only starts it early. Its RequestVote
// says `transfer`, so voters grant it within check-quorum's lease: the leader
// of that lease asked for it.
#include "raft/server.h"

namespace consensus_lab::raft {

Effects Server::transfer_leadership(Millis now, const NodeId& target) {
  Effects effects;
  if (role_ != Role::leader || !is_peer(target)) return finish(std::move(effects));
  transfer_ = Transfer{.target = target, .deadline = now + config_.timing.election_timeout_max};
  effects.events.push_back(event::TransferStarted{target, hard_.current_term});
  if (match_index_[target] < last_log_index()) send_append_entries(target, effects);
  continue_transfer(effects);
  return finish(std::move(effects));
}

std::optional<NodeId> Server::transferring_to() const {
  if (!transfer_) return std::nullopt;
  return transfer_->target;
}

// TimeoutNow goes once the target holds the leader's whole log: then it can
// win (the vote restriction lets every server with no more complete log vote
// for it), and no entry the leader appended is lost.
void Server::continue_transfer(Effects& effects) {
  if (!transfer_ || transfer_->sent_timeout_now) return;
  if (match_index_[transfer_->target] < last_log_index()) return;
  transfer_->sent_timeout_now = true;
  effects.events.push_back(event::TimeoutNowSent{transfer_->target});
  effects.send.push_back({transfer_->target, TimeoutNow{hard_.current_term}});
}

void Server::check_transfer_deadline(Millis now, Effects& effects) {
  if (!transfer_ || now < transfer_->deadline) return;
  effects.events.push_back(event::TransferAborted{transfer_->target});
  transfer_.reset();
}

// The target: from the leader of its term (check() refuses any other), an
// election at once — no pre-vote, since the leader asked for it.
void Server::on_timeout_now(Millis now, const NodeId& from, Effects& effects,
                            RandomSource& random) {
  if (role_ == Role::leader) return;  // check() refuses it: Election Safety
  leader_hint_ = from;
  become_candidate(now, random, effects, /*transfer=*/true);
}

}  // namespace consensus_lab::raft
