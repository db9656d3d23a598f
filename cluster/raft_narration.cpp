#include "cluster/raft_narration.h"

#include "common/overloaded.h"

namespace consensus_lab::cluster {

using raft::to_string;
using sim::Lang;
using sim::Line;
using sim::Tone;
namespace event = raft::event;

namespace {

std::string position(raft::LogIndex index, raft::Term term) {
  return "(" + to_string(index) + ", " + to_string(term) + ")";
}

std::string entry_text(raft::LogIndex index, const raft::LogEntry& entry) {
  return "(" + to_string(index) + ", " + to_string(entry.term) + ", " +
         consensus_lab::to_string(entry.command) + ")";
}

}  // namespace

std::string RaftDescriber::message(const raft::Message& message, Lang lang) {
  if (lang == Lang::en) return raft::to_string(message);
  return std::visit(Overloaded{
                        [](const raft::RequestVote& m) {
                          return "请求投票 RPC（任期 " + to_string(m.term) + "，最后日志项 " +
                                 position(m.last_log_index, m.last_log_term) + "）";
                        },
                        [](const raft::Vote& m) {
                          return std::string(m.vote_granted ? "投票" : "拒绝投票") + "（任期 " +
                                 to_string(m.term) + "）";
                        },
                        [](const raft::AppendEntries& m) {
                          std::string text =
                              std::string(m.entries.empty() ? "心跳" : "日志复制 RPC") + "（任期 " +
                              to_string(m.term) + "，前一项 " +
                              position(m.prev_log_index, m.prev_log_term);
                          raft::LogIndex index = m.prev_log_index;
                          for (const auto& entry : m.entries) {
                            ++index.value;
                            text += " " + entry_text(index, entry);
                          }
                          return text + "，已提交到 " + to_string(m.leader_commit) + "）";
                        },
                        [](const raft::AppendReply& m) {
                          return m.success ? "复制成功（任期 " + to_string(m.term) + "，一致到 " +
                                                 to_string(m.match_index) + "）"
                                 : !m.refused_prev_index
                                     ? "复制失败（任期 " + to_string(m.term) + "，任期已过时）"
                                     : "复制失败（任期 " + to_string(m.term) + "，在 " +
                                           to_string(*m.refused_prev_index) + " 处不一致）";
                        },
                    },
                    message);
}

std::optional<Line> RaftDescriber::event(const NodeId& node, const raft::Event& e, Lang lang) {
  const bool zh = lang == Lang::zh;
  return std::visit(
      Overloaded{
          [&](const event::TermRaised& t) -> std::optional<Line> {
            return Line{zh ? node + " 发现更大的任期 " + to_string(t.to) + "：更新任期，成为跟随者"
                           : node + " sees the higher term " + to_string(t.to) +
                                 ": it takes that term and is a follower",
                        Tone::quiet};
          },
          [&](const event::StaleRefused& s) -> std::optional<Line> {
            return Line{zh ? node + " 拒绝任期 " + to_string(s.term) + " 的请求：自己的任期是 " +
                                 to_string(s.current)
                           : node + " refuses a term-" + to_string(s.term) +
                                 " message: its term is " + to_string(s.current),
                        Tone::warn};
          },
          [&](const event::BecameCandidate& c) -> std::optional<Line> {
            const std::string t = to_string(c.term);
            return Line{zh ? node + " 等待心跳超时：任期增加到 " + t +
                                 "，推举自己为候选人，先给自己投一票"
                           : node + " times out: term " + t +
                                 ", it stands as candidate and votes for itself"};
          },
          [&](const event::VoteGranted& v) -> std::optional<Line> {
            return Line{zh ? node + " 在任期 " + to_string(v.term) + " 投票给 " + v.candidate
                           : node + " votes for " + v.candidate + " in term " + to_string(v.term)};
          },
          [&](const event::VoteRefused& v) -> std::optional<Line> {
            const bool log = v.reason == event::VoteRefused::Reason::less_complete_log;
            if (zh) {
              return Line{node + " 拒绝投票给 " + v.candidate + "：" +
                              (log ? std::string("它的日志比自己的完整性低（投票限制）")
                                   : "任期 " + to_string(v.term) + " 已投票给 " +
                                         v.voted_for.value_or("?") + "（先来先服务）"),
                          Tone::warn};
            }
            return Line{node + " refuses its vote to " + v.candidate + ": " +
                            (log ? v.candidate + "'s log is less complete (the vote restriction)"
                                 : "it voted for " + v.voted_for.value_or("?") + " in term " +
                                       to_string(v.term) + " (first come, first served)"),
                        Tone::warn};
          },
          [&](const event::BecameLeader& l) -> std::optional<Line> {
            const std::string t = to_string(l.term), n = std::to_string(l.votes);
            return Line{zh ? node + " 赢得大多数选票（" + n + " 票），成为任期 " + t + " 的领导者"
                           : node + " wins a majority (" + n + " votes): leader of term " + t,
                        Tone::good};
          },
          [&](const event::EntryAppended& a) -> std::optional<Line> {
            return Line{zh ? "领导者 " + node + " 把日志项 " + entry_text(a.index, a.entry) +
                                 " 附加到本地日志"
                           : "leader " + node + " appends " + entry_text(a.index, a.entry) +
                                 " to its log"};
          },
          [&](const event::AppendRefused& r) -> std::optional<Line> {
            const std::string p = position(r.prev_index, r.prev_term);
            return Line{zh ? node + " 在日志中找不到 " + p + "，返回失败"
                           : node + " has no entry " + p + " in its log" +
                                 (r.missing ? " (its log is shorter)" : "") + ": it refuses",
                        Tone::warn};
          },
          [&](const event::ConflictDeleted& c) -> std::optional<Line> {
            return Line{zh ? node + " 删除从索引 " + to_string(c.from) + " 起不一致的 " +
                                 std::to_string(c.count) + " 个日志项"
                           : node + " deletes " + std::to_string(c.count) + " conflicting entr" +
                                 (c.count == 1 ? "y" : "ies") + " from index " + to_string(c.from),
                        Tone::warn};
          },
          [&](const event::EntriesStored& s) -> std::optional<Line> {
            return Line{zh ? node + " 从索引 " + to_string(s.from) + " 起存下 " +
                                 std::to_string(s.count) + " 个日志项"
                           : node + " stores " + std::to_string(s.count) + " entr" +
                                 (s.count == 1 ? "y" : "ies") + " from index " + to_string(s.from)};
          },
          [&](const event::NextIndexBack& n) -> std::optional<Line> {
            return Line{zh ? "领导者 " + node + " 递减 " + n.follower + " 的日志项：下次从索引 " +
                                 to_string(n.next_index) + " 开始发送"
                           : "leader " + node + " steps back for " + n.follower + ": next index " +
                                 to_string(n.next_index)};
          },
          [&](const event::Committed& c) -> std::optional<Line> {
            return Line{zh ? node + " 提交日志项 " + entry_text(c.index, c.entry)
                           : node + " commits " + entry_text(c.index, c.entry),
                        Tone::good};
          },
          [&](const event::Applied& a) -> std::optional<Line> {
            std::string cmd = consensus_lab::to_string(a.command);
            if (a.command.kind == Command::Kind::read) cmd += " → " + a.value.value_or("none");
            return Line{zh ? node + " 在状态机执行 " + cmd : node + " applies " + cmd, Tone::quiet};
          },
      },
      e);
}

std::optional<std::string> RaftDescriber::brief(const NodeId&, const raft::Event& e, Lang lang) {
  const bool zh = lang == Lang::zh;
  return std::visit(Overloaded{
                        [&](const event::BecameCandidate& c) -> std::optional<std::string> {
                          return (zh ? "候选人，任期 " : "candidate, term ") + to_string(c.term);
                        },
                        [&](const event::BecameLeader& l) -> std::optional<std::string> {
                          return (zh ? "领导者，任期 " : "leader, term ") + to_string(l.term);
                        },
                        [&](const event::VoteRefused&) -> std::optional<std::string> {
                          return zh ? "拒绝投票" : "refuses vote";
                        },
                        [&](const event::AppendRefused& r) -> std::optional<std::string> {
                          return (zh ? "找不到 " : "no ") + position(r.prev_index, r.prev_term);
                        },
                        [&](const event::Committed& c) -> std::optional<std::string> {
                          return (zh ? "提交 " : "commit ") + entry_text(c.index, c.entry);
                        },
                        [&](const auto&) -> std::optional<std::string> { return std::nullopt; },
                    },
                    e);
}

}  // namespace consensus_lab::cluster
