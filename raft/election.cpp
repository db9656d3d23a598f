// Electing a leader (the Raft paper, §5.2 and §5.4.1; notes, 选举领导者 and
// 选举的规则): a follower whose election timer fires becomes a candidate in
// the next term and asks for votes; a voter grants at most one vote per term,
// first come first served, and never to a candidate with a less complete
// log; a candidate with the votes of a majority becomes leader. The rest of
// the Server is in server.cpp (shared rules, the follower's side of
// replication, commit) and leader.cpp (the leader's side).
#include <cassert>

#include "common/quorum.h"
#include "raft/server.h"

namespace consensus_lab::raft {

// notes, 选举领导者: "A 就增加自己的任期编号，并推举自己为候选人，先给自己投上一张选票，
// 然后向其他节点发送请求投票 RPC 消息" (A increases its term, stands as candidate,
// votes for itself first, then sends RequestVote to the others). From a
// follower, or a candidate whose election failed; never from a leader.
void Server::become_candidate(Millis now, RandomSource& random, Effects& effects, bool transfer) {
  assert(role_ != Role::leader);
  const bool again = role_ == Role::candidate;
  reset_election_timer(now, random);  // a split vote: try again after a new random timeout
  // Thesis §4.2.1: a learner (and a server outside the configuration, such as
  // a new one that does not know it was added, or a removed one) never
  // starts an election: only voters campaign.
  if (!is_voter()) return;
  // No term past what a data directory stores: after 2^63 - 1 elections (only
  // a peer that lied about its term brings a server here) it stops trying.
  if (hard_.current_term.value >= kLargestNumber) return;
  role_ = Role::candidate;
  set_current_term(Term{hard_.current_term.value + 1});
  vote_for(config_.self);
  votes_ = {config_.self};
  pre_votes_.clear();
  leader_hint_.reset();
  heard_from_leader_at_.reset();
  effects.events.push_back(event::BecameCandidate{hard_.current_term, again, transfer});
  const RequestVote request{.term = hard_.current_term,
                            .candidate_id = config_.self,
                            .last_log_index = last_log_index(),
                            .last_log_term = last_log_term(),
                            .transfer = transfer};
  // To every server it knows, not only the voters of its configuration: a
  // server whose configuration is older or newer may need the vote, or the
  // term (thesis §4.1: servers answer without consulting their
  // configurations). Only voters' votes count (won_majority).
  for (const NodeId& peer : config_.servers) {
    if (peer != config_.self) effects.send.push_back({peer, request});
  }
  if (won_majority()) become_leader(now, effects);  // a cluster of one
}

bool Server::won_majority() const {
  // The voters of the configuration in effect (thesis §4.1): a learner's
  // vote does not count.
  return majority_of_voters(votes_);
}

// notes: "候选人在选举超时时间内赢得了大多数的选票，那么它就会成为本届任期内新的领导者。"
// — "a candidate that wins a majority of the votes within its election timeout
// becomes the leader of this term".
// Upon election (Figure 2): next_index = last + 1, match_index = 0; then a
// noop of its own term (paper §8) and AppendEntries to every follower at once.
// Only a candidate with the votes of a majority becomes leader.
void Server::become_leader(Millis now, Effects& effects) {
  assert(role_ == Role::candidate && won_majority());
  role_ = Role::leader;
  leader_hint_ = config_.self;
  effects.events.push_back(event::BecameLeader{hard_.current_term, voters_among(votes_)});
  for (const NodeId& peer : config_.servers) {
    next_index_[peer] = last_log_index().next();
    match_index_[peer] = LogIndex{};
  }
  probing_.clear();
  heard_from_.clear();  // check-quorum: a full election timeout before the first check
  quorum_check_at_ = now + config_.timing.election_timeout_min;
  if (config_.rules.leader_noop) append_as_leader(Command::noop(), effects);
  start_round(now);
  broadcast_append_entries(effects);
  next_heartbeat_ = now + config_.timing.heartbeat;
  advance_commit_index(effects);  // a cluster of one commits alone
}

// The vote restriction — notes, 选举的规则 (对先来先服务的补充): "当任期编号相同时，日志
// 完整性高的跟随者（也就是最后一条日志项对应的任期编号值更大，索引号更大），拒绝投票给日志
// 完整性低的候选人。" (A follower whose log is more complete — its last entry has a
// larger term, or the same term and a larger index — refuses to vote for a
// candidate with a less complete log.) Paper §5.4.1.
bool Server::candidate_log_ok(const RequestVote& m) const {
  // ---- Vote restriction ----------------------------------------------------
  if (m.last_log_term != last_log_term()) return m.last_log_term > last_log_term();
  return m.last_log_index >= last_log_index();
  // --------------------------------------------------------------------------
}

// notes, 选举的规则: "每一个服务器节点最多会对一个任期编号投出一张选票，'先来先服务'"
// (at most one vote per term, first come, first served).
void Server::on_request_vote(Millis now, const NodeId& from, const RequestVote& m, Effects& effects,
                             RandomSource& random) {
  assert(m.term == hard_.current_term);  // the shared rules came first
  using Reason = event::VoteRefused::Reason;
  std::optional<Reason> refusal;
  if (hard_.voted_for && *hard_.voted_for != m.candidate_id) {
    refusal = Reason::already_voted;
  } else if (config_.rules.vote_restriction && !candidate_log_ok(m)) {
    refusal = Reason::less_complete_log;
  }
  if (refusal) {
    effects.events.push_back(event::VoteRefused{m.candidate_id, hard_.current_term, *refusal,
                                                hard_.voted_for, m.last_log_index, m.last_log_term,
                                                last_log_index(), last_log_term()});
  } else {
    vote_for(m.candidate_id);
    reset_election_timer(now, random);
    effects.events.push_back(event::VoteGranted{m.candidate_id, hard_.current_term});
  }
  effects.send.push_back({from, Vote{.term = hard_.current_term, .vote_granted = !refusal}});
}

void Server::on_vote(Millis now, const NodeId& from, const Vote& m, Effects& effects) {
  assert(m.term == hard_.current_term);  // the shared rules came first
  if (role_ != Role::candidate || !m.vote_granted || !is_peer(from)) return;
  votes_.insert(from);
  if (won_majority()) become_leader(now, effects);
}

}  // namespace consensus_lab::raft
