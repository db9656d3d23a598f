#include "narration/raft_elections.h"

#include "narration/raft_snapshots.h"  // position()

namespace consensus_lab::narration {

using raft::to_string;
namespace event = raft::event;

// ---- Messages ----

std::string RaftElectionWords::chinese(const raft::PreVote& m) {
  return "预投票请求（任期 " + to_string(m.term) + "，最后日志项 (" + to_string(m.last_log_index) +
         ", " + to_string(m.last_log_term) + ")）";
}

std::string RaftElectionWords::chinese(const raft::PreVoteReply& m) {
  return std::string(m.granted ? "同意预投票" : "拒绝预投票") + "（任期 " + to_string(m.term) +
         "）";
}

std::string RaftElectionWords::chinese(const raft::TimeoutNow& m) {
  return "`TimeoutNow`（任期 " + to_string(m.term) + "，立即发起选举）";
}

std::string RaftElectionWords::chinese(const raft::Removed& m) {
  return "移除通知（任期 " + to_string(m.term) + "，配置所在的索引 " +
         to_string(m.configuration_index) + "）";
}

// ---- Pre-vote (thesis §9.6) ----

Line RaftElectionWords::describe(const NodeId& node, const event::BecamePreCandidate& e,
                                 Lang lang) {
  const std::string t = to_string(e.term);
  return {lang == Lang::zh ? node + " 等待心跳超时：先发起预投票，问大家能否在任期 " + t +
                                 " 赢得选举（自己的任期不变）"
                           : node + " times out: a pre-vote first — could it win term " + t +
                                 "? (its own term stays)"};
}

Line RaftElectionWords::describe(const NodeId& node, const event::PreVoteGranted& e, Lang lang) {
  const std::string t = to_string(e.term);
  return {lang == Lang::zh ? node + " 同意 " + e.candidate + " 的预投票（任期 " + t +
                                 "；自己的任期和选票都不变）"
                           : node + " grants " + e.candidate + " a pre-vote for term " + t +
                                 " (its own term and vote stay)"};
}

// Two reasons to refuse (§5.2 first come, first served; §5.4.1 the vote
// restriction). The vote restriction names the two last entries it compared, and why
// one is less complete: an older last term, or the same term and a
// smaller index (notes: "最后一条日志项对应的任期编号值更大，索引号更大").
Line RaftElectionWords::describe(const NodeId& node, const event::VoteRefused& v, Lang lang) {
  const bool log = v.reason == event::VoteRefused::Reason::less_complete_log;
  const std::string voted_for = v.voted_for.value_or("?");
  const std::string theirs = position(v.candidate_last_index, v.candidate_last_term);
  const std::string own = position(v.own_last_index, v.own_last_term);
  const bool same_term = v.candidate_last_term == v.own_last_term;
  if (lang == Lang::zh) {
    return {
        node + " 拒绝投票给 " + v.candidate + "：" +
            (log ? v.candidate + " 的最后日志项 " + theirs + " 不如自己的 " + own + " 完整——" +
                       (same_term ? "任期编号相同，索引号更小" : "任期编号更小") + "（投票限制）"
                 : "任期 " + to_string(v.term) + " 已投票给 " + voted_for + "（先来先服务）"),
        Tone::warn};
  }
  return {
      node + " refuses its vote to " + v.candidate + ": " +
          (log ? v.candidate + "'s last entry " + theirs + " is less complete than its own " + own +
                     " — " + (same_term ? "the same term, a smaller index" : "an older term") +
                     " (the vote restriction)"
               : "it voted for " + voted_for + " in term " + to_string(v.term) +
                     " (first come, first served)"),
      Tone::warn};
}

Line RaftElectionWords::describe(const NodeId& node, const event::PreVoteRefused& e, Lang lang) {
  using Reason = event::PreVoteRefused::Reason;
  const std::string t = to_string(e.term);
  const bool zh = lang == Lang::zh;
  std::string why;
  if (e.reason == Reason::old_term) {
    why = zh ? "任期 " + t + " 不比自己的任期新" : "term " + t + " is not later than its own";
  } else if (e.reason == Reason::less_complete_log) {
    why = zh ? "它的日志比自己的完整性低（投票限制）"
             : e.candidate + "'s log is less complete (the vote restriction)";
  } else if (e.reason == Reason::leader_alive) {
    why = zh ? "刚刚收到过领导者的消息，领导者还在"
             : "it heard from a leader just now — the leader is alive";
  } else {
    why = zh ? "它自己就是领导者，而且仍能联系上大多数节点"
             : "it is the leader, and still hears from a majority";
  }
  return {zh ? node + " 拒绝 " + e.candidate + " 的预投票：" + why
             : node + " refuses " + e.candidate + " a pre-vote: " + why,
          Tone::warn};
}

// Thesis §4.2.3: a server that heard from its leader within the minimum
// election timeout neither raises its term nor votes.
Line RaftElectionWords::describe(const NodeId& node, const event::VoteIgnored& e, Lang lang) {
  const std::string t = to_string(e.term);
  if (e.no_voter) {  // raft/disruptive_servers.cpp
    return {lang == Lang::zh
                ? node + " 不理会 " + e.candidate + " 任期 " + t + " 的请求投票：" + e.candidate +
                      " 不是它的配置中的投票成员（例如已被移除），而领导者仍在"
                      "（最小选举超时时间内收到过它的消息，或者自己就是领导者），"
                      "所以不更新任期也不投票（博士论文 §4.2.3）"
                : node + " ignores " + e.candidate + "'s RequestVote of term " + t + ": " +
                      e.candidate +
                      " is no voter of its configuration (a removed server?), and a "
                      "leader is there (heard from within the minimum election "
                      "timeout, or itself), so it neither takes the term nor votes "
                      "(thesis §4.2.3)",
            Tone::warn};
  }
  return {lang == Lang::zh ? node + " 不理会 " + e.candidate + " 任期 " + t +
                                 " 的请求投票：它在最小选举超时时间内收到过领导者的消息，"
                                 "不更新任期也不投票（`check-quorum`）"
                           : node + " ignores " + e.candidate + "'s RequestVote of term " + t +
                                 ": it heard from its leader within the minimum election "
                                 "timeout, so it neither takes the term nor votes (check-quorum)",
          Tone::warn};
}

// Thesis §4.2.3 (raft/disruptive_servers.cpp): a removed server's term does
// not depose the leader.
Line RaftElectionWords::describe(const NodeId& node, const event::TermIgnored& e, Lang lang) {
  const std::string t = to_string(e.term);
  return {lang == Lang::zh
              ? "领导者 " + node + " 不理会 " + e.from + " 回复中的任期 " + t + "：" + e.from +
                    " 不是它的配置中的投票成员（已被移除，却参选过），" +
                    "它不因此退位（博士论文 §4.2.3）"
              : "leader " + node + " ignores term " + t + " in " + e.from + "'s answer: " + e.from +
                    " is no voter of its configuration (removed, yet it stood for "
                    "election), so it does not step down (thesis §4.2.3)",
          Tone::warn};
}

// raft/disruptive_servers.cpp: the leader tells a removed server it was
// removed, and it stops standing for election.
Line RaftElectionWords::describe(const NodeId& node, const event::RemovedTold& e, Lang lang) {
  const std::string i = to_string(e.index);
  return {lang == Lang::zh ? "领导者 " + node + " 告诉 " + e.server + "：索引 " + i +
                                 " 处的配置里它不是投票成员（已被移除），不要再发起选举（移除通知）"
                           : "leader " + node + " tells " + e.server +
                                 " it was removed: it is no voter of the configuration at " + i +
                                 ", so it should stand for no election"};
}

Line RaftElectionWords::describe(const NodeId& node, const event::RemovedLearnt& e, Lang lang) {
  const std::string i = to_string(e.index);
  return {lang == Lang::zh
              ? node + " 从领导者 " + e.from + " 得知索引 " + i +
                    " 处的配置已把它移除：在领导者再联系它之前，不再发起选举"
              : node + " learns from leader " + e.from + " that the configuration at " + i +
                    " removed it: it stands for no election until a leader "
                    "speaks to it",
          Tone::warn};
}

Line RaftElectionWords::describe(const NodeId& node, const event::StaysOut& e, Lang lang) {
  const std::string i = to_string(e.index);
  return {lang == Lang::zh ? node + " 等待心跳超时，但不发起选举：索引 " + i + " 处的配置已把它移除"
                           : node + " times out but stands for no election: the configuration at " +
                                 i + " removed it"};
}

// ---- Check-quorum (thesis §6.2) ----

Line RaftElectionWords::describe(const NodeId& node, const event::LostQuorum& e, Lang lang) {
  const std::string t = to_string(e.term), n = std::to_string(e.heard);
  return {lang == Lang::zh ? "领导者 " + node + " 在一个选举超时时间内只联系上 " + n +
                                 " 个节点（不是大多数）：退为跟随者，任期仍是 " + t
                           : "leader " + node + " heard from only " + n +
                                 " servers within an election timeout (no majority): it steps "
                                 "down, still in term " +
                                 t,
          Tone::warn};
}

// ---- Leadership transfer (thesis §3.10) ----

Line RaftElectionWords::describe(const NodeId& node, const event::TransferStarted& e, Lang lang) {
  return {lang == Lang::zh ? "领导者 " + node + " 开始把领导权转移给 " + e.target +
                                 "：暂停接收客户端请求，先把 " + e.target + " 的日志补齐"
                           : "leader " + node + " hands its leadership to " + e.target +
                                 ": no client command meanwhile; first " + e.target +
                                 "'s log is brought up to date"};
}

Line RaftElectionWords::describe(const NodeId& node, const event::TimeoutNowSent& e, Lang lang) {
  return {lang == Lang::zh ? node + " 看到 " + e.target +
                                 " 的日志已经和自己一样：发送 `TimeoutNow`，让它立即发起选举"
                           : node + " sees " + e.target + "'s log match its own: TimeoutNow — " +
                                 e.target + " starts an election at once"};
}

Line RaftElectionWords::describe(const NodeId& node, const event::TransferAborted& e, Lang lang) {
  return {lang == Lang::zh ? "领导权转移给 " + e.target + " 没有在一个选举超时时间内完成：" + node +
                                 " 放弃转移，重新接收客户端请求"
                           : "the transfer to " + e.target +
                                 " did not finish within an election "
                                 "timeout: " +
                                 node + " gives it up and takes commands again",
          Tone::warn};
}

Line RaftElectionWords::describe(const NodeId& node, const event::SubmitRefused& e, Lang lang) {
  return {lang == Lang::zh ? node + " 正在把领导权转移给 " + e.target + "：拒绝客户端请求"
                           : node + " is handing its leadership to " + e.target +
                                 ": it refuses the client's command",
          Tone::warn};
}

// ---- A diagram's notes ----

std::optional<std::string> RaftElectionWords::note(const event::BecamePreCandidate& e, Lang lang) {
  return (lang == Lang::zh ? "预投票，任期 " : "pre-vote, term ") + to_string(e.term);
}

std::optional<std::string> RaftElectionWords::note(const event::PreVoteRefused&, Lang lang) {
  return lang == Lang::zh ? "拒绝预投票" : "refuses pre-vote";
}

std::optional<std::string> RaftElectionWords::note(const event::LostQuorum&, Lang lang) {
  return lang == Lang::zh ? "失去大多数，退位" : "no majority: steps down";
}

std::optional<std::string> RaftElectionWords::note(const event::TimeoutNowSent& e, Lang lang) {
  return (lang == Lang::zh ? "`TimeoutNow` 给 " : "TimeoutNow to ") + e.target;
}

std::optional<std::string> RaftElectionWords::note(const event::RemovedLearnt&, Lang lang) {
  return lang == Lang::zh ? "已被移除，不再参选" : "removed: stands no more";
}

}  // namespace consensus_lab::narration
