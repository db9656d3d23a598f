// The leader's side of log replication (the Raft paper, Figure 2, "Rules for
// Servers › Leaders"; notes, 复制日志 and 如何实现日志的一致): client commands
// appended to its log, AppendEntries to each follower from its next_index,
// the replies that move match_index and next_index, and the commit index a
// majority of match_index allows. The rest of the Server is in server.cpp.
#include <algorithm>
#include <cassert>
#include <vector>

#include "common/quorum.h"
#include "raft/server.h"

namespace consensus_lab::raft {

void Server::append_as_leader(const Command& command, Effects& effects) {
  assert(role_ == Role::leader);
  append_to_log(LogEntry{hard_.current_term, command});
  effects.events.push_back(
      event::EntryAppended{last_log_index(), hard_.log.entry(last_log_index())});
}

Effects Server::submit(Millis now, const Command& command) {
  return submit_all(now, {command});
}

Effects Server::submit_all(Millis /*now*/, const std::vector<Command>& commands) {
  Effects effects;
  if (role_ != Role::leader || commands.empty()) return finish(std::move(effects));
  if (transfer_) {  // thesis §3.10: no new command while the leadership is handed over
    effects.events.push_back(event::SubmitRefused{transfer_->target});
    return finish(std::move(effects));
  }
  // notes, 复制日志: "领导者基于客户端请求中的指令，创建一个新日志项，并附加到本地日志中"
  // — "from the command in the client's request, the leader makes a new log
  // entry and appends it to its own log".
  for (const Command& command : commands) {
    if (is_configuration_change(command)) {
      append_change(command, effects);  // raft/membership.cpp
    } else {
      append_as_leader(command, effects);
    }
  }
  broadcast_append_entries(effects);  // what the followers lack is sent as soon as it exists
  advance_commit_index(effects);
  return finish(std::move(effects));
}

void Server::on_append_reply(const NodeId& from, const AppendReply& m, Effects& effects) {
  assert(m.term == hard_.current_term && is_peer(from));  // check() and the shared rules came first
  if (role_ != Role::leader) return;
  // Any reply of this term, success or refusal, says `from` still follows
  // this leader: it acknowledges the round (thesis §6.4, raft/reads.cpp).
  if (m.round > acked_round_[from]) acked_round_[from] = m.round;
  if (!m.success) return on_refusal(from, m, effects);
  LogIndex& match = match_index_[from];
  LogIndex& next = next_index_[from];
  // An older or repeated reply — after which a learner may have caught up
  // all the same: the commit index may have reached its match since.
  if (m.match_index <= match) return promote_if_caught_up(from, effects);
  if (m.match_index > last_log_index()) return;  // impossible: check() refuses it
  match = m.match_index;
  next = std::max(next, match.next());
  probing_.erase(from);  // found: back to sending only what is new
  advance_commit_index(effects);
  if (transfer_ && transfer_->target == from) continue_transfer(effects);
  promote_if_caught_up(from, effects);  // a learner (raft/membership.cpp)
  // A follower being caught up in batches (max_entries_per_append): the
  // next batch, at once.
  if (match.next() == next && next <= last_log_index()) send_append_entries(from, effects);
}

// Refused at prev p. If the follower has already confirmed p or beyond, this
// is an old refusal that arrived late: match_index only ever goes up
// (Figure 2). Otherwise step back one entry — the notes' (7, 4) → (6, 3) —
// or, with the faster back-off, straight to the follower's end when its log
// ends before p (the entries in between are missing, not in conflict).
// A refusal for the sender's term alone names no prev: ignored here too.
//
// While probing, only the refusal of the probe itself (prev = next − 1) or of
// an earlier point moves next_index: a refusal of a higher prev answers a
// message sent before the last step back, and taking it would send next_index
// up again — with heartbeats crossing the refusals, the search would start
// over every heartbeat and never reach the follower's end (etcd's raft ignores
// such "stale rejections" the same way).
void Server::on_refusal(const NodeId& from, const AppendReply& m, Effects& effects) {
  if (!m.refused_prev_index || *m.refused_prev_index <= match_index_[from]) return;
  if (probing_.count(from) && *m.refused_prev_index >= next_index_[from]) return;
  LogIndex next = std::min(*m.refused_prev_index, last_log_index().next());
  if (config_.back_off_to_log_end) next = std::min(next, m.last_log_index.next());
  next = std::max(LogIndex{1}, next);
  next_index_[from] = next;
  probing_.insert(from);
  effects.events.push_back(event::NextIndexBack{from, next});
  send_append_entries(from, effects);
}

// Everything from next_index on. Then next_index moves past what was sent
// (optimistically, as etcd's raft does in its "replicate" state): the next
// message carries only newer entries, and a lost one shows up as a refusal of
// the next message's (prev index, prev term), which steps next_index back.
// While probing (after a refusal, until a success) next_index stays: every
// message, heartbeats included, repeats the probe from the same prev.
void Server::send_append_entries(const NodeId& follower, Effects& effects) {
  assert(role_ == Role::leader && is_peer(follower));
  LogIndex& next = next_index_[follower];
  // (A scenario's set-log can shorten a leader's log under next_index.)
  next = std::clamp(next, LogIndex{1}, last_log_index().next());
  // Paper §7: "the leader must occasionally send snapshots to followers that
  // lag behind" — when the entry it needs next is in the snapshot.
  if (next <= hard_.log.base_index()) return send_snapshot(follower, effects);
  const LogIndex prev = next.previous();
  AppendEntries message{.term = hard_.current_term,
                        .leader_id = config_.self,
                        .prev_log_index = prev,
                        .prev_log_term = hard_.log.term_at(prev),
                        .entries = hard_.log.entries_from(next, config_.max_entries_per_append),
                        .leader_commit = commit_index_,
                        .round = round_};
  if (!probing_.count(follower)) next = index_of_last_new_entry(message).next();
  effects.send.push_back({follower, std::move(message)});
}

void Server::broadcast_append_entries(Effects& effects) {
  // The voters and learners of the configuration in effect (thesis §4.1).
  for (const NodeId& peer : replication_targets()) send_append_entries(peer, effects);
}

// Figure 2, rules for leaders: "If there exists an N such that N > commitIndex,
// a majority of matchIndex[i] >= N, and log[N].term == currentTerm: set
// commitIndex = N" — notes, 复制日志: "当领导者将日志项，成功复制到大多数的服务器上的
// 时候，领导者会将这条日志项提交到它的状态机中" — "once the leader has replicated the
// entry to a majority of the servers, it commits the entry to its state machine".
void Server::advance_commit_index(Effects& effects) {
  assert(role_ == Role::leader);
  // One per voter of the configuration in effect (thesis §4.1): learners do
  // not count, nor does a leader that is being removed (§4.2.2).
  std::vector<LogIndex> matches;
  for (const NodeId& voter : configuration().voters) {
    // The leader's own log holds every entry it has.
    matches.push_back(voter == config_.self ? last_log_index() : match_index_[voter]);
  }
  if (matches.empty()) return;
  // (At most its last index: a scenario's set-log can shorten a leader's log.)
  const LogIndex n = std::min(highest_index_of_majority(matches), last_log_index());
  if (n <= commit_index_) return;
  // ---- Commit only the current term by counting ----------------------------
  // Paper §5.4.2 (Figure 8): an entry from an earlier term is never
  // committed by counting replicas; it is committed when an entry of the
  // current term after it is.
  if (config_.rules.commit_current_term_only && hard_.log.term_at(n) != hard_.current_term) return;
  // --------------------------------------------------------------------------
  commit_up_to(n, effects);
}

}  // namespace consensus_lab::raft
