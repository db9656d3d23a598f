// Server::check — could any server following the protocol have sent this?
//
// Peers are not authenticated: anyone who reaches a node's port can say
// `peer raft A` and send any well-formed line (docs/real-cluster.md §5.4). A
// message the protocol could never produce must not crash a server, corrupt
// its log, or put a number in it that its data directory cannot store. So
// handle() asks check() first, and a message check() answers for changes
// nothing: a real node logs the reason and closes the connection.
//
// Refusing a message a correct peer CAN send would close a healthy
// connection, so every rule below says why no correct server ever sends what
// it refuses. Messages arrive late, twice, out of order and from old terms,
// and a follower's log may be longer than its leader's: all of that is
// possible, and handled by the protocol as usual (an old term by the
// stale-term rule, which answers it).
//
// Some rules rest on a safety property of the paper's Figure 3 — Election
// Safety, Log Matching, Leader Completeness — which holds only while the rules
// that give it are on. With one switched off (`set rule … off`, `conlab check
// --rule …=off`) the impossible does happen (that is what the checker shows),
// so the rules resting on it are off too and such a message is handled as
// usual. The Server is defensive besides: even a message check() would have
// refused cannot make it index past its log.
#include <cstdint>
#include <optional>
#include <string>

#include "common/overloaded.h"
#include "raft/server.h"

namespace consensus_lab::raft {

namespace {

using narration::Text;
using Reason = std::optional<Text>;

std::string position(LogIndex index, Term term) {
  return "(" + to_string(index) + ", " + to_string(term) + ")";
}

// ---- what each safety property needs ----------------------------------------

// Election Safety: "at most one leader can be elected in a given term" (§5.2).
// It needs votes that survive a crash: with persist off, a restarted server
// votes a second time in the same term. Through membership changes it needs
// majorities that overlap: one change at a time, and none before an entry of
// the leader's term is committed (raft/membership.cpp).
bool election_safety(const Rules& rules) {
  return rules.persist && rules.one_change_at_a_time && rules.config_after_own_term_commit;
}
// Log Matching: logs that agree on an entry agree on everything before it
// (§5.3), so every log is a leader's log as it once was. The consistency
// check on (prev index, prev term) gives it.
bool log_matching(const Rules& rules) {
  return rules.log_consistency_check;
}
// Leader Completeness: "if a log entry is committed in a given term, then that
// entry will be present in the logs of the leaders for all higher-numbered
// terms" (§5.4). It needs the vote restriction (§5.4.1), counting replicas
// only for entries of the current term (§5.4.2), durable state, and Log
// Matching.
bool leader_completeness(const Rules& rules) {
  return rules.vote_restriction && rules.commit_current_term_only && election_safety(rules) &&
         log_matching(rules);
}

// ---- rules for every message ------------------------------------------------

// A number a server can hold: a term or index past kLargestNumber cannot be
// stored (SQLite integers are signed 64-bit), and no server counts that far
// (become_candidate stops there; a log that long does not fit in memory).
Reason too_large(const Text& what, std::uint64_t value) {
  if (value <= kLargestNumber) return std::nullopt;
  const std::string number = std::to_string(value), largest = std::to_string(kLargestNumber);
  return Text{
      what.en + " " + number + " is larger than a server can store (at most " + largest + ")",
      what.zh + " " + number + " 超出了服务器能存储的范围（最大 " + largest + "）"};
}

// A log position is (0, 0) — before the first entry, as in an empty log — or
// an index and a term that are both at least 1: an entry has the term of the
// leader that created it, and a leader's term is at least 1 (a candidate
// counts its term up from 0 first).
Reason not_a_position(const Text& what, LogIndex index, Term term) {
  if ((index.value == 0) == (term.value == 0)) return std::nullopt;
  return Text{what.en + " " + position(index, term) + " is not a log position (0 only together)",
              what.zh + " " + position(index, term) + " 不是日志中的位置（索引和任期只能同为 0）"};
}

// What a reason names, in both languages.
const Text kTerm{"the term", "任期"}, kLastLogIndex{"the last log index", "最后日志项的索引"},
    kRound{"the heartbeat round", "心跳轮次"};

// ---- per message ---------------------------------------------------------------

Reason check_request_vote(const NodeId& from, const RequestVote& m) {
  if (auto r = too_large(kTerm, m.term.value)) return r;
  if (auto r = too_large(kLastLogIndex, m.last_log_index.value)) return r;
  // A candidate asks for votes for itself (Figure 2: candidateId).
  if (m.candidate_id != from) {
    return Text{"RequestVote for candidate " + m.candidate_id + " sent by " + from,
                from + " 替候选人 " + m.candidate_id + " 发出请求投票 RPC"};
  }
  return not_a_position({"the candidate's last entry", "候选人的最后日志项"}, m.last_log_index,
                        m.last_log_term);
}

Reason check_vote(const Vote& m) {
  return too_large(kTerm, m.term.value);
}

// The first entry m would delete that this server knows is committed.
std::optional<LogIndex> overwrites_committed(const Server& server, const AppendEntries& m) {
  LogIndex index = m.prev_log_index;
  for (const LogEntry& entry : m.entries) {
    index = index.next();
    if (index <= server.log().base_index()) continue;  // in its snapshot: checked by the terms
    if (index > server.commit_index() || index > server.last_log_index()) break;
    if (server.log().term_at(index) != entry.term) return index;
  }
  return std::nullopt;
}

// With Log Matching every log is a leader's log as it once was, and terms
// never go down along a log: each leader extended a log of earlier terms with
// entries of its own. So m's entries never go down, nor below `previous`: its
// prev entry's term when they would follow that entry here (else 0).
Reason check_entry_terms(const Rules& rules, const AppendEntries& m, Term previous) {
  for (const LogEntry& entry : m.entries) {
    if (entry.term.value == 0) {
      return Text{"an entry has term 0 (terms start at 1)", "有日志项的任期是 0（任期从 1 开始）"};
    }
    // No log holds an entry of a term later than its server's current term: a
    // leader appends entries of its own term, and a follower takes entries
    // only from a leader whose term it has adopted first (shared rule 1).
    if (entry.term > m.term) {
      const std::string term = to_string(entry.term), leader = to_string(m.term);
      return Text{"an entry has term " + term + ", later than the leader's term " + leader,
                  "有日志项的任期是 " + term + "，比领导者的任期 " + leader + " 还新"};
    }
    if (log_matching(rules) && entry.term < previous) {
      const std::string before = to_string(previous), then = to_string(entry.term);
      return Text{"the entries' terms go down (" + before + ", then " + then + ")",
                  "日志项的任期变小了（先是 " + before + "，后是 " + then + "）"};
    }
    previous = entry.term;
  }
  return std::nullopt;
}

Reason check_append_entries(const Server& server, const NodeId& from, const AppendEntries& m) {
  if (auto r = too_large(kTerm, m.term.value)) return r;
  if (auto r =
          too_large({"the leader's commit index", "领导者的已提交索引"}, m.leader_commit.value)) {
    return r;
  }
  if (auto r = too_large(kRound, m.round)) return r;
  if (m.prev_log_index.value > kLargestNumber - m.entries.size()) {
    const std::string prev = to_string(m.prev_log_index), largest = std::to_string(kLargestNumber);
    return Text{"the entries after prev index " + prev + " end past " + largest,
                "前一项索引 " + prev + " 之后的日志项超出了 " + largest};
  }
  // A leader sends AppendEntries in its own name (Figure 2: leaderId).
  if (m.leader_id != from) {
    return Text{"AppendEntries from leader " + m.leader_id + " sent by " + from,
                from + " 替领导者 " + m.leader_id + " 发出日志复制 RPC"};
  }
  if (auto r = not_a_position({"the prev entry", "前一项"}, m.prev_log_index, m.prev_log_term)) {
    return r;
  }
  const Rules& rules = server.config().rules;
  // Does this server's log hold m's prev entry? Only then are m's entries
  // stored; otherwise the consistency check refuses m and nothing changes.
  // (A prev entry in its snapshot is committed, so the leader's too.)
  const bool stored = m.prev_log_index < server.log().base_index() ||
                      server.log().matches(m.prev_log_index, m.prev_log_term);
  if (auto r = check_entry_terms(rules, m, stored ? m.prev_log_term : Term{})) return r;
  // Election Safety: this server leads m.term, so nobody else does. (A leader
  // of a later term is possible: shared rule 1 makes this one a follower.)
  if (election_safety(rules) && server.role() == Role::leader && m.term == server.current_term()) {
    const std::string term = to_string(m.term);
    return Text{
        "AppendEntries from leader " + from + " of term " + term + ", which this server leads",
        "日志复制 RPC 来自任期 " + term + " 的领导者 " + from + "，而本服务器就是这个任期的领导者"};
  }
  // Leader Completeness: a leader of this server's term or a later one holds
  // every entry committed so far, so it never asks to delete one. (A message
  // from an older term may: it goes to the stale-term rule, which deletes
  // nothing.)
  if (leader_completeness(rules) && m.term >= server.current_term() && stored) {
    if (const auto index = overwrites_committed(server, m)) {
      return Text{"AppendEntries would replace entry " + to_string(*index) + ", which is committed",
                  "日志复制 RPC 会替换已提交的日志项（索引 " + to_string(*index) + "）"};
    }
  }
  return std::nullopt;
}

// A reply echoes the round of the AppendEntries it answers (thesis §6.4). In
// this leader's own term only this leader sent AppendEntries (Election
// Safety), each with a round it had started: none past its latest.
Reason check_reply_round(const Server& server, const AppendReply& m) {
  if (auto r = too_large(kRound, m.round)) return r;
  if (!election_safety(server.config().rules) || server.role() != Role::leader ||
      m.term != server.current_term() || m.round <= server.round()) {
    return std::nullopt;
  }
  const std::string round = std::to_string(m.round), latest = std::to_string(server.round());
  return Text{
      "AppendReply acknowledges heartbeat round " + round + ", past the leader's latest " + latest,
      "日志复制 RPC 的响应确认了心跳轮次 " + round + "，超出了领导者最新的轮次 " + latest};
}

Reason check_append_reply(const Server& server, const AppendReply& m) {
  if (auto r = too_large(kTerm, m.term.value)) return r;
  // The match index or the refused prev index: both travel as the wire's
  // `match` number, so both are "the match index" in the reason a node logs.
  const LogIndex named = named_index(m);
  if (auto r = too_large({"the match index", "一致索引"}, named.value)) return r;
  if (auto r = too_large(kLastLogIndex, m.last_log_index.value)) return r;
  if (auto r = check_reply_round(server, m)) return r;
  // A reply in this leader's own term answers an AppendEntries of that term,
  // which only this leader sent (Election Safety) — or it is a refusal for an
  // old term alone, which names no index. Everything an AppendEntries of this
  // term held, its prev index and its entries, was in this leader's log,
  // which only grows while it leads (Leader Append-Only): a success matches,
  // and a refusal names a prev index, within the log. Replies of other terms
  // are not compared with the log: a stale one is ignored, and may well name
  // an index past it — the leader's log was longer in an earlier term, before
  // a later leader cut it back.
  if (election_safety(server.config().rules) && server.role() == Role::leader &&
      m.term == server.current_term() && named > server.last_log_index()) {
    const std::string at = to_string(named), last = to_string(server.last_log_index());
    return Text{
        std::string("AppendReply ") + (m.success ? "claims a match" : "refuses prev index") +
            " at " + at + ", past the leader's last index " + last,
        std::string("日志复制 RPC 的响应") + (m.success ? "声称一致到索引 " : "拒绝前一项索引 ") +
            at + "，超出了领导者的最后索引 " + last};
  }
  return std::nullopt;
}

// ---- pre-vote and leadership transfer -----------------------------------------

// A PreVote asks for the term after the pre-candidate's own, so at least 1,
// in its own name, with its last entry — RequestVote's checks, and the term.
Reason check_pre_vote(const NodeId& from, const PreVote& m) {
  if (m.term.value == 0) {
    return Text{"PreVote for term 0 (a pre-candidate asks for its term + 1)",
                "预投票请求的任期是 0（预候选人请求的是自己的任期加 1）"};
  }
  return check_request_vote(from, RequestVote{.term = m.term,
                                              .candidate_id = m.candidate_id,
                                              .last_log_index = m.last_log_index,
                                              .last_log_term = m.last_log_term});
}

// A grant carries the term it was asked for, at least 1.
Reason check_pre_vote_reply(const PreVoteReply& m) {
  if (m.granted && m.term.value == 0) {
    return Text{"a pre-vote granted for term 0", "为任期 0 授予的预投票"};
  }
  return too_large(kTerm, m.term.value);
}

// Only a leader sends TimeoutNow, in its term (at least 1). Election Safety:
// in this server's term that is the leader it knows — or itself, when it
// leads, which no other server does.
Reason check_timeout_now(const Server& server, const NodeId& from, const TimeoutNow& m,
                         const std::optional<NodeId>& leader) {
  if (auto r = too_large(kTerm, m.term.value)) return r;
  if (m.term.value == 0) return Text{"TimeoutNow of term 0", "任期为 0 的 `TimeoutNow`"};
  if (!election_safety(server.config().rules) || m.term != server.current_term()) {
    return std::nullopt;
  }
  const std::string term = to_string(m.term);
  if (server.role() == Role::leader) {
    return Text{"TimeoutNow from " + from + " in term " + term + ", which this server leads",
                "`TimeoutNow` 来自 " + from + "，任期 " + term + " 的领导者却是本服务器"};
  }
  if (leader && *leader != from) {
    return Text{"TimeoutNow from " + from + ", not the leader " + *leader + " of term " + term,
                "`TimeoutNow` 来自 " + from + "，而任期 " + term + " 的领导者是 " + *leader};
  }
  return std::nullopt;
}

// Only a leader sends Removed, in its term (at least 1), about a
// configuration entry that exists: at most the largest index.
Reason check_removed(const Removed& m) {
  if (auto r = too_large(kTerm, m.term.value)) return r;
  if (m.term.value == 0) return Text{"Removed of term 0", "任期为 0 的 `Removed`"};
  return too_large({"the configuration's index", "配置的索引"}, m.configuration_index.value);
}

// ---- log compaction (paper §7, Figure 13) ----------------------------------------

Reason check_install_snapshot(const Server& server, const NodeId& from, const InstallSnapshot& m) {
  if (auto r = too_large(kTerm, m.term.value)) return r;
  if (auto r = too_large({"the snapshot's last included index", "快照的最后包含索引"},
                         m.last_included_index.value)) {
    return r;
  }
  if (m.offset > kLargestNumber - m.data.size()) {
    return Text{"the chunk at offset " + std::to_string(m.offset) + " ends past " +
                    std::to_string(kLargestNumber),
                "偏移量 " + std::to_string(m.offset) + " 处的数据块超出了 " +
                    std::to_string(kLargestNumber)};
  }
  if (m.leader_id != from) {
    return Text{"InstallSnapshot from leader " + m.leader_id + " sent by " + from,
                from + " 替领导者 " + m.leader_id + " 发出安装快照 RPC"};
  }
  // A snapshot covers at least one applied entry: (0, 0) is no snapshot.
  if (m.last_included_index.value == 0 || m.last_included_term.value == 0) {
    return Text{"a snapshot whose last included entry " +
                    position(m.last_included_index, m.last_included_term) + " is no entry",
                "快照的最后包含日志项 " + position(m.last_included_index, m.last_included_term) +
                    " 不是日志项"};
  }
  // Its last entry was appended by a leader of that term or an earlier one.
  if (m.last_included_term > m.term) {
    const std::string term = to_string(m.last_included_term), leader = to_string(m.term);
    return Text{
        "the snapshot's last entry has term " + term + ", later than the leader's " + leader,
        "快照的最后日志项的任期是 " + term + "，比领导者的任期 " + leader + " 还新"};
  }
  if (election_safety(server.config().rules) && server.role() == Role::leader &&
      m.term == server.current_term()) {
    const std::string term = to_string(m.term);
    return Text{
        "InstallSnapshot from leader " + from + " of term " + term + ", which this server leads",
        "安装快照 RPC 来自任期 " + term + " 的领导者 " + from + "，而本服务器就是这个任期的领导者"};
  }
  return std::nullopt;
}

Reason check_snapshot_reply(const Server& server, const SnapshotReply& m) {
  if (auto r = too_large(kTerm, m.term.value)) return r;
  if (auto r = too_large({"the snapshot's last included index", "快照的最后包含索引"},
                         m.last_included_index.value)) {
    return r;
  }
  if (auto r = too_large({"the offset", "偏移量"}, m.offset)) return r;
  if (m.done && m.offset != 0) {
    return Text{"a SnapshotReply both done and expecting offset " + std::to_string(m.offset),
                "快照响应既说已完成，又说期待偏移量 " + std::to_string(m.offset)};
  }
  // In this leader's term, it answers a snapshot this leader sent: one it
  // took, of entries in its log (Election Safety, as for AppendReply).
  if (election_safety(server.config().rules) && server.role() == Role::leader &&
      m.term == server.current_term() && m.last_included_index > server.last_log_index()) {
    const std::string at = to_string(m.last_included_index),
                      last = to_string(server.last_log_index());
    return Text{
        "SnapshotReply for a snapshot up to " + at + ", past the leader's last index " + last,
        "快照响应针对到索引 " + at + " 的快照，超出了领导者的最后索引 " + last};
  }
  return std::nullopt;
}

}  // namespace

std::optional<narration::Text> Server::check(const NodeId& from, const Message& message) const {
  // Messages come from the other servers of the cluster (a real node also
  // closes a connection from a node it does not know before any message).
  if (from == config_.self) return Text{"a message from itself", "来自自己的消息"};
  if (!is_peer(from))
    return Text{from + " is not a server of this cluster", from + " 不是本集群的服务器"};
  return std::visit(
      Overloaded{
          [&](const RequestVote& m) { return check_request_vote(from, m); },
          [&](const Vote& m) { return check_vote(m); },
          [&](const AppendEntries& m) { return check_append_entries(*this, from, m); },
          [&](const AppendReply& m) { return check_append_reply(*this, m); },
          [&](const PreVote& m) { return check_pre_vote(from, m); },
          [&](const PreVoteReply& m) { return check_pre_vote_reply(m); },
          [&](const TimeoutNow& m) { return check_timeout_now(*this, from, m, leader_hint_); },
          [&](const InstallSnapshot& m) { return check_install_snapshot(*this, from, m); },
          [&](const SnapshotReply& m) { return check_snapshot_reply(*this, m); },
          [&](const Removed& m) { return check_removed(m); },
      },
      message);
}

}  // namespace consensus_lab::raft
