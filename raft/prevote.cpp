// Pre-vote (Ongaro's thesis §9.6; notes: 预投票) and the votes check-quorum
// refuses (§4.2.3). Thesis §9.6: "a candidate would first ask other servers
// whether its log was up-to-date enough to get their vote. Only if the
// candidate believed it could get votes from a majority of the cluster would
// it increment its term and start a normal election." So a server cut off
// from the others, whose timer fires again and again, keeps its term: when it
// comes back it disrupts nobody. etcd-io/raft's MsgPreVote works the same way.
//
// Why it is safe: a PreVote changes nobody's term, vote or log (no
// persistence; shared rule 1 never sees it), so everything the paper proves
// about terms and votes is untouched — a pre-vote only delays an election.
#include <cassert>

#include "common/overloaded.h"
#include "common/quorum.h"
#include "raft/server.h"

namespace consensus_lab::raft {

void Server::start_election(Millis now, RandomSource& random, Effects& effects) {
  if (removed_at_) {  // told it was removed (raft/disruptive_servers.cpp)
    effects.events.push_back(event::StaysOut{*removed_at_});
    reset_election_timer(now, random);
  } else if (config_.features.pre_vote) {
    become_pre_candidate(now, random, effects);
  } else {
    become_candidate(now, random, effects);
  }
}

// Thesis §9.6: the pre-candidate asks in the term it would stand in (its own
// + 1), with its last log entry, and counts itself; its term and vote stay.
void Server::become_pre_candidate(Millis now, RandomSource& random, Effects& effects) {
  assert(role_ != Role::leader);
  reset_election_timer(now, random);  // no majority in time: a new pre-vote
  if (!is_voter()) return;            // only voters campaign (as become_candidate)
  if (hard_.current_term.value >= kLargestNumber) return;  // as become_candidate
  role_ = Role::pre_candidate;
  pre_votes_ = {config_.self};
  votes_.clear();
  leader_hint_.reset();
  heard_from_leader_at_.reset();
  const Term term{hard_.current_term.value + 1};
  effects.events.push_back(event::BecamePreCandidate{term});
  const PreVote request{.term = term,
                        .candidate_id = config_.self,
                        .last_log_index = last_log_index(),
                        .last_log_term = last_log_term()};
  for (const NodeId& peer : config_.servers) {
    if (peer != config_.self) effects.send.push_back({peer, request});
  }
  if (majority_of_voters(pre_votes_)) {
    become_candidate(now, random, effects);  // a cluster of one
  }
}

// Before shared rule 1 (a higher term makes any role a follower): the
// messages that carry a term which must NOT be adopted.
bool Server::handle_before_shared_rules(Millis now, const NodeId& from, const Message& message,
                                        Effects& effects, RandomSource& random) {
  const Term term = std::visit([](const auto& m) { return m.term; }, message);
  // Check-quorum: a leader notes whom it heard from in its term.
  if (role_ == Role::leader && term == hard_.current_term) heard_from_[from] = now;
  tell_if_removed(from, message, effects);  // raft/disruptive_servers.cpp
  if (const auto* m = std::get_if<Removed>(&message)) {
    on_removed(from, *m, effects);
    return true;
  }
  if (const auto* m = std::get_if<PreVote>(&message)) {
    on_pre_vote(now, from, *m, effects);
    return true;
  }
  if (const auto* m = std::get_if<PreVoteReply>(&message)) {
    // A refusal in a higher term is a term like any other (shared rule 1);
    // a grant carries the term the pre-candidate asked for, not one anybody
    // is in.
    if (!m->granted) return false;
    on_pre_vote_reply(now, from, *m, effects, random);
    return true;
  }
  // Thesis §4.2.3: "if a server receives a RequestVote request within the
  // minimum election timeout of hearing from a current leader, it does not
  // update its term or grant its vote" — unless the leader asked for the
  // election (TimeoutNow, §3.10). With check-quorum, from any candidate;
  // without, from one that is no voter here (raft/disruptive_servers.cpp).
  const auto* vote = std::get_if<RequestVote>(&message);
  if (vote && disregards_request_vote(now, *vote)) {
    effects.events.push_back(event::VoteIgnored{.candidate = vote->candidate_id,
                                                .term = vote->term,
                                                .no_voter = !config_.features.check_quorum});
    return true;
  }
  if (disregards_answer_term(from, message)) {
    effects.events.push_back(event::TermIgnored{.from = from, .term = term});
    return true;
  }
  return false;
}

// Granted iff the request's term is later than this server's, the
// candidate's log is at least as up to date (the vote restriction, the same
// test as a vote), and — with check-quorum — no leader was heard from within
// the minimum election timeout. Nothing is persisted: no term, no vote.
void Server::on_pre_vote(Millis now, const NodeId& from, const PreVote& m, Effects& effects) {
  using Reason = event::PreVoteRefused::Reason;
  std::optional<Reason> refusal;
  const RequestVote as_vote{.term = m.term,
                            .candidate_id = m.candidate_id,
                            .last_log_index = m.last_log_index,
                            .last_log_term = m.last_log_term};
  if (m.term <= hard_.current_term) {
    refusal = Reason::old_term;
  } else if (config_.rules.vote_restriction && !candidate_log_ok(as_vote)) {
    refusal = Reason::less_complete_log;
  } else if (config_.features.check_quorum && in_lease(now)) {
    refusal = role_ == Role::leader ? Reason::leads : Reason::leader_alive;
  }
  if (refusal) {
    effects.events.push_back(event::PreVoteRefused{m.candidate_id, m.term, *refusal});
    effects.send.push_back({from, PreVoteReply{.term = hard_.current_term, .granted = false}});
    return;
  }
  effects.events.push_back(event::PreVoteGranted{m.candidate_id, m.term});
  effects.send.push_back({from, PreVoteReply{.term = m.term, .granted = true}});
}

// A grant counts only for the pre-vote under way: the one for the term after
// this server's. A majority: now a real election (term + 1, RequestVote).
void Server::on_pre_vote_reply(Millis now, const NodeId& from, const PreVoteReply& m,
                               Effects& effects, RandomSource& random) {
  if (role_ != Role::pre_candidate || m.term.value != hard_.current_term.value + 1) return;
  pre_votes_.insert(from);
  if (majority_of_voters(pre_votes_)) {
    become_candidate(now, random, effects);
  }
}

}  // namespace consensus_lab::raft
