// Disruptive servers (Ongaro's thesis §4.2.3; notes: 成员变更). "Removed
// servers (those not in Cnew) can disrupt the cluster. These servers will not
// receive heartbeats, so they will time out and start new elections. They
// will then send RequestVote RPCs with new term numbers, and this will cause
// the current leader to revert to follower state." The thesis' fix: "if a
// server receives a RequestVote request within the minimum election timeout
// of hearing from a current leader, it does not update its term or grant its
// vote."
//
// With check-quorum (raft/check_quorum.cpp) every server keeps that rule for
// every candidate. Without it — the paper's Raft, where a member cut off and
// back deposes the leader on purpose (demo 18) — the rule still holds for a
// candidate that is no voter in this server's configuration: a server removed
// while it was down or cut off, which never learnt it (the leader sends a
// removed server AppendEntries until it holds its removal — but a leader that
// got its configuration from a snapshot, or restarted, no longer knows whom
// earlier entries removed). Found by `conlab check raft --nodes 5 --steps 200
// --requests 5 --membership 50 --feature snapshot-every=3`: 30 of 2,000 seeds
// ended with no leader, the removed server deposing every new one.
//
// Why it is safe: refusing a vote, and not taking a term, never makes two
// leaders; Election Safety and the vote restriction are untouched. Why it is
// live: the refusal lasts only while a leader is heard from (or, on the
// leader, while it leads); once none is, the RequestVote is handled as
// always. A new voter that this server does not know as one yet (its log lacks
// the `add` entry) is refused only while a leader exists, which it does not
// need then. A RequestVote from a transfer (TimeoutNow, §3.10) is never
// refused: the leader asked for it.
#include "raft/server.h"

namespace consensus_lab::raft {

bool Server::disregards_request_vote(Millis now, const RequestVote& m) const {
  if (m.term <= hard_.current_term || m.transfer || !in_lease(now)) return false;
  return config_.features.check_quorum || !raft::is_voter(configuration(), m.candidate_id);
}

// The other way a removed server's term reaches the leader: the leader sends
// it AppendEntries (or a snapshot) until it holds its removal
// (replication_targets), and a removed server that stood for election
// answers with its higher term. The leader does not step down for it: a
// server outside its configuration can neither elect a leader nor refuse a
// commit. Why it is safe: the shared rule "a higher term makes a leader a
// follower" is not what keeps two leaders from committing — every commit
// needs a majority of voters, and a voter of a later term refuses the
// leader's AppendEntries and tells it its term, which deposes it as before.
// A learner's higher term does depose the leader, as the paper says: the
// next leader's term is then past it, and it can bring the learner's log up
// to date (a learner added back after its removal may hold an old term).
// (LogCabin's leader never hears from removed servers: it sends them
// nothing; etcd tells a removed member it was removed, and the member shuts
// down — as Removed below does.)
bool Server::disregards_answer_term(const NodeId& from, const Message& message) const {
  const bool answer = std::holds_alternative<AppendReply>(message) ||
                      std::holds_alternative<SnapshotReply>(message);
  const Term term = std::visit([](const auto& m) { return m.term; }, message);
  return role_ == Role::leader && answer && term > hard_.current_term &&
         !raft::is_member(configuration(), from);
}

// Neither rule above stops a removed server from taking the term of a voter
// whose log does not hold its removal yet: to that voter it is a voter. A
// server removed while it was down (and perhaps added back as a learner)
// comes back with its old log, and stands again and again; a voter being
// repaired one entry per round trip takes its term each time, refuses the
// leader's next AppendEntries with it and deposes every leader before its
// repair ends. Found by `conlab check raft --nodes 5 --steps 200 --requests
// 5 --membership 50 --feature snapshot-every=3 --feature snapshot-chunk=16`:
// 4 of 10,000 seeds ended with no leader. etcd's answer, here: the leader
// tells a server that stands for election, and is no voter of the leader's
// configuration, that it was removed (Removed) — and a server outside that
// configuration whose answer carries a higher term.
void Server::tell_if_removed(const NodeId& from, const Message& message, Effects& effects) const {
  if (role_ != Role::leader || raft::is_voter(configuration(), from)) return;
  const Term term = std::visit([](const auto& m) { return m.term; }, message);
  const bool stands =
      std::holds_alternative<RequestVote>(message) || std::holds_alternative<PreVote>(message);
  const bool answers_later = term > hard_.current_term && !raft::is_member(configuration(), from) &&
                             (std::holds_alternative<AppendReply>(message) ||
                              std::holds_alternative<SnapshotReply>(message));
  if (!stands && !answers_later) return;
  effects.events.push_back(event::RemovedTold{from, configuration_index()});
  effects.send.push_back({from, Removed{hard_.current_term, configuration_index()}});
}

// The told server stops standing (start_election) until a leader speaks to
// it — AppendEntries or InstallSnapshot of its term, accepted — or it
// restarts. Why it is safe: standing for no election never makes two
// leaders. Why it is live: a notice about an older configuration than its
// own is ignored (it may have been added back since); and a server told in
// error (the leader's configuration entry was not committed, and a later
// leader's log lacks it) is a voter of that later leader's configuration,
// which speaks to it — or, refused for its older term, steps down, and the
// leader after it has a later term. Nobody takes the notice's term: it is
// the leader's, usually older than the told server's own.
void Server::on_removed(const NodeId& from, const Removed& m, Effects& effects) {
  if (role_ == Role::leader || configuration_index() > m.configuration_index) return;
  if (!removed_at_) effects.events.push_back(event::RemovedLearnt{from, m.configuration_index});
  removed_at_ = m.configuration_index;
  if (role_ != Role::follower) become_follower(hard_.current_term, effects);
}

}  // namespace consensus_lab::raft
