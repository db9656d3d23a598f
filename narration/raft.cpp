// Raft in words: its RPCs, and the decisions of its servers — terms, leader
// election, log replication — in English and in the notes' Chinese (领导者,
// 跟随者, 候选人, 任期, 请求投票 RPC, 日志复制 RPC, 心跳, 日志项, 提交).

#include "narration/describers.h"
#include "narration/raft_elections.h"
#include "narration/raft_membership.h"
#include "narration/raft_snapshots.h"

namespace consensus_lab::narration {

using raft::to_string;
namespace event = raft::event;

namespace {

// A log entry in the notes' notation: "(index, term, command)".
// (A read in the log — read mode `log` — is 读 x in Chinese.)
// A membership change is worded in Chinese ("增加学习者 D"), as a log shows it.
std::string entry_text(raft::LogIndex index, const raft::LogEntry& entry, Lang lang = Lang::en) {
  return "(" + to_string(index) + ", " + to_string(entry.term) + ", " +
         command_text(entry.command, lang) + ")";
}

}  // namespace

// Raft's words: one function per message, per decision and per note
// on a diagram; RaftDescriber hands each message or event to its own
// (narration/describer.h).
struct RaftWords : RaftElectionWords {
  // Pre-vote, check-quorum and leadership transfer (narration/raft_elections.cpp).
  using RaftElectionWords::chinese;
  using RaftElectionWords::describe;
  using RaftElectionWords::note;

  // ---- Messages, as the notes name them ----

  static std::string chinese(const raft::RequestVote& m) {
    return "请求投票 RPC（任期 " + to_string(m.term) + "，最后日志项 " +
           position(m.last_log_index, m.last_log_term) + "）";
  }

  static std::string chinese(const raft::Vote& m) {
    return std::string(m.vote_granted ? "投票" : "拒绝投票") + "（任期 " + to_string(m.term) + "）";
  }

  static std::string chinese(const raft::AppendEntries& m) {
    std::string text = std::string(m.entries.empty() ? "心跳" : "日志复制 RPC") + "（任期 " +
                       to_string(m.term) + "，前一项 " +
                       position(m.prev_log_index, m.prev_log_term);
    // The entries in brackets after the previous entry, as in English:
    // "前一项 (6, 3) [(7, 4, noop) (8, 4, noop)]".
    if (!m.entries.empty()) {
      text += " [";
      raft::LogIndex index = m.prev_log_index;
      for (const auto& entry : m.entries) {
        ++index.value;
        text += (index.value > m.prev_log_index.value + 1 ? " " : "") +
                entry_text(index, entry, Lang::zh);
      }
      text += "]";
    }
    return text + "，已提交到 " + to_string(m.leader_commit) + "）";
  }

  static std::string chinese(const raft::AppendReply& m) {
    const std::string term = "（任期 " + to_string(m.term);
    if (m.success) return "复制成功" + term + "，一致到 " + to_string(m.match_index) + "）";
    if (!m.refused_prev_index) return "复制失败" + term + "，任期已过时）";
    return "复制失败" + term + "，一致性检查不通过：前一项索引 " +
           to_string(*m.refused_prev_index) + "）";
  }

  // ---- Terms (§5.1) ----

  static Line describe(const NodeId& node, const event::TermRaised& t, Lang lang) {
    return {lang == Lang::zh
                ? node + " 发现更大的任期 " + to_string(t.to) + "：更新任期，成为跟随者"
                : node + " sees the higher term " + to_string(t.to) +
                      ": it takes that term and is a follower",
            Tone::quiet};
  }

  static Line describe(const NodeId& node, const event::StaleRefused& s, Lang lang) {
    return {lang == Lang::zh ? node + " 拒绝任期 " + to_string(s.term) + " 的请求：自己的任期是 " +
                                   to_string(s.current)
                             : node + " refuses a term-" + to_string(s.term) +
                                   " message: its term is " + to_string(s.current),
            Tone::warn};
  }

  // ---- Leader election (§5.2, §5.4.1) ----

  static Line describe(const NodeId& node, const event::BecameCandidate& c, Lang lang) {
    const std::string t = to_string(c.term);
    if (c.transfer) {  // thesis §3.10: its leader asked (TimeoutNow)
      return {lang == Lang::zh ? node + " 收到领导者的 `TimeoutNow`：立即把任期增加到 " + t +
                                     "，推举自己为候选人（领导权转移）"
                               : node + " gets TimeoutNow from its leader: term " + t +
                                     " at once, it stands as candidate (leadership transfer)"};
    }
    if (lang == Lang::en) {
      return {node + " times out: term " + t + ", it stands as candidate and votes for itself"};
    }
    // notes: "等待领导者心跳信息超时" (a follower); "等待选举超时" (a candidate
    // whose election failed, a split vote).
    return {node +
            (c.again ? " 选举超时：任期增加到 " + t + "，再次推举自己为候选人"
                     : " 等待心跳超时：任期增加到 " + t + "，推举自己为候选人") +
            "，先给自己投一票"};
  }

  static Line describe(const NodeId& node, const event::VoteGranted& v, Lang lang) {
    return {lang == Lang::zh
                ? node + " 在任期 " + to_string(v.term) + " 投票给 " + v.candidate
                : node + " votes for " + v.candidate + " in term " + to_string(v.term)};
  }

  static Line describe(const NodeId& node, const event::BecameLeader& l, Lang lang) {
    const std::string t = to_string(l.term), n = std::to_string(l.votes);
    return {lang == Lang::zh ? node + " 赢得大多数选票（" + n + " 票），成为任期 " + t + " 的领导者"
                             : node + " wins a majority (" + n + " votes): leader of term " + t,
            Tone::good};
  }

  // ---- Log replication (§5.3, §5.4.2) ----

  static Line describe(const NodeId& node, const event::EntryAppended& a, Lang lang) {
    const std::string entry = entry_text(a.index, a.entry, lang);
    return {lang == Lang::zh ? "领导者 " + node + " 把日志项 " + entry + " 附加到本地日志"
                             : "leader " + node + " appends " + entry + " to its log"};
  }

  static Line describe(const NodeId& node, const event::AppendRefused& r, Lang lang) {
    const std::string p = position(r.prev_index, r.prev_term);
    return {lang == Lang::zh ? node + " 一致性检查不通过：在日志中找不到 " + p +
                                   (r.missing ? "（它的日志更短）" : "") + "，返回失败"
                             : node + " has no entry " + p + " in its log" +
                                   (r.missing ? " (its log is shorter)" : "") + ": it refuses",
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::ConflictDeleted& c, Lang lang) {
    const std::string n = std::to_string(c.count), from = to_string(c.from);
    return {lang == Lang::zh ? node + " 删除从索引 " + from + " 起不一致的 " + n + " 个日志项"
                             : node + " deletes " + n + " conflicting entr" +
                                   (c.count == 1 ? "y" : "ies") + " from index " + from,
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::EntriesStored& s, Lang lang) {
    const std::string n = std::to_string(s.count), from = to_string(s.from);
    return {lang == Lang::zh ? node + " 从索引 " + from + " 起存下 " + n + " 个日志项"
                             : node + " stores " + n + " entr" + (s.count == 1 ? "y" : "ies") +
                                   " from index " + from};
  }

  static Line describe(const NodeId& node, const event::NextIndexBack& n, Lang lang) {
    const std::string next = to_string(n.next_index);
    return {lang == Lang::zh
                ? "领导者 " + node + " 递减 " + n.follower + " 的日志项：下次从索引 " + next +
                      " 开始发送"
                : "leader " + node + " steps back for " + n.follower + ": next index " + next};
  }

  static Line describe(const NodeId& node, const event::Committed& c, Lang lang) {
    const std::string entry = entry_text(c.index, c.entry, lang);
    return {lang == Lang::zh ? node + " 提交日志项 " + entry : node + " commits " + entry,
            Tone::good};
  }

  static Line describe(const NodeId& node, const event::Applied& a, Lang lang) {
    std::string cmd = command_text(a.command, lang);
    if (a.repeat) {  // as Multi-Paxos says it (narration/multipaxos.cpp)
      const std::string index = to_string(a.index);
      return {lang == Lang::zh
                  ? node + " 跳过索引 " + index + " 的 " + cmd + "：同一客户端请求已执行过"
                  : node + " skips " + cmd + " at index " + index +
                        ": the client's request was applied already",
              Tone::quiet};
    }
    if (a.command.kind == Command::Kind::read) cmd += " → " + read_answer(a.value, lang);
    return {lang == Lang::zh ? node + " 在状态机执行 " + cmd : node + " applies " + cmd,
            Tone::quiet};
  }

  // ---- Set-up (a scenario's set-log / set-term, a demo's opening) ----

  static Line describe(const NodeId& node, const event::SetUp& s, Lang lang) {
    const std::string term = to_string(s.term);
    std::string terms;
    for (const raft::Term t : s.log.value_or(std::vector<raft::Term>{})) {
      terms += (terms.empty() ? "" : ",") + to_string(t);
    }
    if (lang == Lang::zh) {
      return {(s.log ? "准备日志：" + node + " 的日志项任期为 " +
                           (terms.empty() ? "（空）" : terms) + "，"
                     : "准备：" + node + " 的") +
                  "任期设为 " + term,
              Tone::quiet};
    }
    return {(s.log ? "set-up: " + node + "'s log has entries of terms " +
                         (terms.empty() ? "(none)" : terms) + "; its term"
                   : "set-up: " + node + "'s term") +
                " is " + term,
            Tone::quiet};
  }

  // ---- Reads without a log entry (thesis §6.4: 读索引 ReadIndex, 租约读) ----

  static std::string read_name(std::uint64_t id, const std::string& key) {
    return "r" + std::to_string(id) + " (" + key + ")";
  }

  static Line describe(const NodeId& node, const event::ReadStarted& r, Lang lang) {
    const std::string read = read_name(r.id, r.key), round = std::to_string(r.round);
    if (!r.read_index) {
      return {lang == Lang::zh ? node + " 收到读请求 " + read + "，先等待：本任期的日志项还没有提交"
                               : node + " takes read " + read +
                                     " and waits: no entry of its term is committed yet",
              Tone::warn};
    }
    const std::string index = to_string(*r.read_index);
    if (r.next_round) {  // raft/read_batching.cpp
      return {lang == Lang::zh ? node + " 收到读请求 " + read + "：读索引 " + index +
                                     "；为读请求发出的心跳轮次还没有得到确认（它在读请求到达之前"
                                     "就发出了），所以等下一个轮次，与其他读请求共用"
                               : node + " takes read " + read + ": read index " + index +
                                     "; a heartbeat round for reads, sent before it arrived, is "
                                     "not confirmed yet: it waits for the next round, shared "
                                     "with the other reads"};
    }
    if (r.round == 0) {
      return {lang == Lang::zh ? node + " 在领导者租约内收到读请求 " + read + "：读索引 " + index +
                                     "，不需要心跳轮次"
                               : node + " takes read " + read + " under its lease: read index " +
                                     index + ", no heartbeat round needed"};
    }
    return {lang == Lang::zh ? node + " 收到读请求 " + read + "：读索引 " + index +
                                   "，发出心跳轮次 " + round + "，确认自己仍是领导者"
                             : node + " takes read " + read + ": read index " + index +
                                   ", heartbeat round " + round + " to confirm it still leads"};
  }

  static Line describe(const NodeId& node, const event::ReadIndexSet& r, Lang lang) {
    const std::string id = "r" + std::to_string(r.id), index = to_string(r.read_index);
    return {lang == Lang::zh ? node + " 本任期的日志项已提交：读请求 " + id + " 的读索引为 " + index
                             : node + " has committed an entry of its term: read " + id +
                                   " gets read index " + index};
  }

  static Line describe(const NodeId& node, const event::RoundConfirmed& c, Lang lang) {
    const std::string round = std::to_string(c.round);
    std::string lease;
    if (c.lease_until) {
      lease = lang == Lang::zh
                  ? "；租约到 " + std::to_string(*c.lease_until) + " ms"
                  : "; its lease lasts until " + std::to_string(*c.lease_until) + " ms";
    }
    return {lang == Lang::zh ? "大多数服务器确认了 " + node + " 的心跳轮次 " + round + "：" + node +
                                   " 仍是领导者" + lease
                             : "a majority acknowledged " + node + "'s heartbeat round " + round +
                                   ": " + node + " still leads" + lease,
            Tone::good};
  }

  static Line describe(const NodeId& node, const event::ReadAnswered& a, Lang lang) {
    const bool lease = a.way == event::ReadWay::lease;
    const std::string id = "r" + std::to_string(a.id), index = to_string(a.read_index);
    const std::string answer = a.key + " → " + read_answer(a.value, lang);
    return {lang == Lang::zh ? node + " 回答读请求 " + id + "：" + answer + "（读索引 " + index +
                                   (lease ? "，租约读）" : "，读索引方式）")
                             : node + " answers read " + id + ": " + answer + " (read index " +
                                   index + (lease ? ", lease read)" : ", ReadIndex)"),
            Tone::good};
  }

  static Line describe(const NodeId& node, const event::ReadRefused& r, Lang lang) {
    using Reason = event::ReadRefused::Reason;
    const std::string read = read_name(r.id, r.key);
    const std::string hint = r.leader_hint ? *r.leader_hint : "?";
    if (lang == Lang::zh) {
      const std::string why = r.reason == Reason::not_leader
                                  ? "它不是领导者（领导者：" + hint + "）"
                              : r.reason == Reason::stepped_down ? "它已不再是领导者"
                                                                 : "读请求要经过日志";
      return {node + " 拒绝读请求 " + read + "：" + why, Tone::warn};
    }
    const std::string why = r.reason == Reason::not_leader ? "not the leader (leader: " + hint + ")"
                            : r.reason == Reason::stepped_down ? "it no longer leads"
                                                               : "reads go through the log";
    return {node + " refuses read " + read + ": " + why, Tone::warn};
  }

  // ---- Membership changes (narration/raft_membership.cpp) ----

  static Line describe(const NodeId& node, const event::ConfigurationChanged& c, Lang lang) {
    return describe_membership(node, c, lang);
  }
  static Line describe(const NodeId& node, const event::ConfigurationRefused& r, Lang lang) {
    return describe_membership(node, r, lang);
  }
  static Line describe(const NodeId& node, const event::RemovedLeaderStepsDown& s, Lang lang) {
    return describe_membership(node, s, lang);
  }
  static std::optional<std::string> note(const event::RemovedLeaderStepsDown&, Lang lang) {
    return lang == Lang::zh ? "被移除，退位" : "removed, steps down";
  }

  // ---- Log compaction: snapshots (paper §7; notes: 快照) ----

  static std::string chinese(const raft::InstallSnapshot& m) {
    return "安装快照 RPC（任期 " + to_string(m.term) + "，最后包含日志项 " +
           position(m.last_included_index, m.last_included_term) + "，偏移量 " +
           std::to_string(m.offset) + "，" + std::to_string(m.data.size()) + " 字节" +
           (m.done ? "，最后一块" : "") + "）";
  }

  static std::string chinese(const raft::SnapshotReply& m) {
    const std::string term =
        "（任期 " + to_string(m.term) + "，快照到 " + to_string(m.last_included_index);
    if (m.done) return "快照安装完成" + term + "）";
    return "快照响应" + term + "，期待偏移量 " + std::to_string(m.offset) + "）";
  }

  static Line describe(const NodeId& node, const event::SnapshotTaken& t, Lang lang) {
    return describe_snapshot(node, t, lang);
  }
  static Line describe(const NodeId& node, const event::SnapshotChunk& c, Lang lang) {
    return describe_snapshot(node, c, lang);
  }
  static Line describe(const NodeId& node, const event::SnapshotInstalled& i, Lang lang) {
    return describe_snapshot(node, i, lang);
  }

  static std::optional<std::string> note(const event::SnapshotTaken& t, Lang lang) {
    return (lang == Lang::zh ? "快照到 " : "snapshot to ") + to_string(t.index);
  }

  static std::optional<std::string> note(const event::SnapshotInstalled& i, Lang lang) {
    return (lang == Lang::zh ? "安装快照到 " : "installs snapshot to ") + to_string(i.index);
  }

  // ---- A diagram's notes ----

  static std::optional<std::string> note(const event::BecameCandidate& c, Lang lang) {
    return (lang == Lang::zh ? "候选人，任期 " : "candidate, term ") + to_string(c.term);
  }

  static std::optional<std::string> note(const event::BecameLeader& l, Lang lang) {
    return (lang == Lang::zh ? "领导者，任期 " : "leader, term ") + to_string(l.term);
  }

  static std::optional<std::string> note(const event::VoteRefused&, Lang lang) {
    return lang == Lang::zh ? "拒绝投票" : "refuses vote";
  }

  static std::optional<std::string> note(const event::AppendRefused& r, Lang lang) {
    return (lang == Lang::zh ? "找不到 " : "no ") + position(r.prev_index, r.prev_term);
  }

  static std::optional<std::string> note(const event::Committed& c, Lang lang) {
    return (lang == Lang::zh ? "提交 " : "commit ") + entry_text(c.index, c.entry, lang);
  }

  static std::optional<std::string> note(const event::ReadAnswered& a, Lang lang) {
    return (lang == Lang::zh ? "回答 " : "answers ") + a.key + " → " + read_answer(a.value, lang);
  }

  // The decisions that get no note on a diagram.
  static std::optional<std::string> note(const auto&, Lang) { return std::nullopt; }
};

template struct Describer<raft::Message, raft::Event, RaftWords>;

}  // namespace consensus_lab::narration
