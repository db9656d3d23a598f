// The leader's side of log replication (the Raft paper, Figure 2, "Rules for
// Servers › Leaders"; notes, 复制日志 and 如何实现日志的一致): client commands
// appended to its log, AppendEntries to each follower from its next_index,
// the replies that move match_index and next_index, and the commit index a
// majority of match_index allows. The rest of the Server is in server.cpp.
#include "raft/server.h"

#include <algorithm>
#include <cstdint>

namespace consensus_lab::raft {

void Server::on_append_reply(const NodeId& from, const AppendReply& m, Effects& effects) {
  const auto match = match_index_.find(from);
  const auto next = next_index_.find(from);
  if (role_ != Role::leader || match == match_index_.end() || next == next_index_.end()) return;
  if (m.success) {
    if (m.match_index <= match->second) return;    // an older or repeated reply
    if (m.match_index > last_log_index()) return;  // impossible: check() refuses it
    match->second = m.match_index;
    next->second = std::max(next->second, LogIndex{m.match_index.value + 1});
    advance_commit_index(effects);
    // A follower being caught up in batches (max_entries_per_append): the
    // next batch, at once.
    if (m.match_index.value + 1 == next->second.value && next->second <= last_log_index()) {
      send_append_entries(from, effects);
    }
    return;
  }
  // Refused at prev p. If the follower has already confirmed p or beyond, this
  // is an old refusal that arrived late: match_index only ever goes up
  // (Figure 2). Otherwise step back one entry — the notes' (7, 4) → (6, 3) —
  // or, with the faster back-off, straight to the follower's end when its log
  // ends before p (the entries in between are missing, not in conflict).
  // A refusal for the sender's term alone carries match 0: ignored here too.
  if (m.match_index <= match->second) return;
  std::uint64_t next_value = std::min(m.match_index.value, last_log_index().value + 1);
  if (config_.back_off_to_log_end) next_value = std::min(next_value, m.last_log_index.value + 1);
  next->second = LogIndex{std::max<std::uint64_t>(1, next_value)};
  effects.events.push_back(event::NextIndexBack{from, next->second});
  send_append_entries(from, effects);
}

Effects Server::submit(Millis now, const Command& command) {
  return submit_all(now, {command});
}

Effects Server::submit_all(Millis /*now*/, const std::vector<Command>& commands) {
  Effects effects;
  if (role_ != Role::leader || commands.empty()) return finish(std::move(effects));
  // notes, 复制日志: "领导者基于客户端请求中的指令，创建一个新日志项，并附加到本地日志中"
  const LogIndex first{last_log_index().value + 1};
  for (const Command& command : commands) {
    hard_.log.push_back(LogEntry{hard_.current_term, command});
    effects.events.push_back(event::EntryAppended{last_log_index(), hard_.log.back()});
  }
  persist(effects, first);
  broadcast_append_entries(effects);  // what the followers lack is sent as soon as it exists
  advance_commit_index(effects);
  return finish(std::move(effects));
}

// Everything from next_index on. Then next_index moves past what was sent
// (optimistically, as etcd's raft does in its "replicate" state): the next
// message carries only newer entries, and a lost one shows up as a refusal of
// the next message's (prev index, prev term), which steps next_index back.
void Server::send_append_entries(const NodeId& follower, Effects& effects) {
  const auto it = next_index_.find(follower);
  if (it == next_index_.end()) return;
  LogIndex& next = it->second;
  next = std::clamp(next, LogIndex{1}, LogIndex{last_log_index().value + 1});  // defensive
  const LogIndex prev{next.value - 1};
  AppendEntries message{hard_.current_term, config_.self, prev, term_at(prev), {}, commit_index_};
  auto end = hard_.log.end();
  const std::size_t limit = config_.max_entries_per_append;
  if (limit != 0 && hard_.log.size() - prev.value > limit) {
    end = hard_.log.begin() + static_cast<std::ptrdiff_t>(prev.value + limit);
  }
  message.entries.assign(hard_.log.begin() + static_cast<std::ptrdiff_t>(prev.value), end);
  next = LogIndex{prev.value + message.entries.size() + 1};
  effects.send.push_back({follower, std::move(message)});
}

void Server::broadcast_append_entries(Effects& effects) {
  for (const NodeId& peer : config_.servers) {
    if (peer != config_.self) send_append_entries(peer, effects);
  }
}

// Figure 2, rules for leaders: "If there exists an N such that N > commitIndex,
// a majority of matchIndex[i] >= N, and log[N].term == currentTerm: set
// commitIndex = N" — notes, 复制日志: "当领导者将日志项，成功复制到大多数的服务器上的
// 时候，领导者会将这条日志项提交到它的状态机中".
void Server::advance_commit_index(Effects& effects) {
  for (LogIndex n = last_log_index(); n > commit_index_; --n.value) {
    std::size_t stored = 1;  // the leader's own log
    for (const auto& [peer, match] : match_index_) {
      if (peer != config_.self && match >= n) ++stored;
    }
    if (stored < majority()) continue;
    // Paper §5.4.2 (Figure 8): an entry from an earlier term is never
    // committed by counting replicas; it is committed when an entry of the
    // current term after it is.
    if (config_.rules.commit_current_term_only && term_at(n) != hard_.current_term) return;
    commit_up_to(n, effects);
    return;
  }
}

}  // namespace consensus_lab::raft
