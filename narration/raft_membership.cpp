#include "narration/raft_membership.h"

namespace consensus_lab::narration {

using raft::to_string;
namespace event = raft::event;

std::string configuration_text(const raft::Configuration& configuration, Lang lang) {
  std::string text =
      (lang == Lang::zh ? "投票成员 " : "voters ") + join_names(configuration.voters, lang);
  if (!configuration.learners.empty()) {
    text +=
        (lang == Lang::zh ? "；学习者 " : "; learners ") + join_names(configuration.learners, lang);
  }
  return text;
}

// Thesis §4.1: in effect as soon as it is in the log, committed or not.
Line describe_membership(const NodeId& node, const event::ConfigurationChanged& c, Lang lang) {
  const std::string now = configuration_text(c.configuration, lang);
  const std::string index = to_string(c.index);
  if (lang == Lang::zh) {
    if (c.reverted) {
      return {node + " 的成员变更日志项被删除，回到之前的配置（索引 " + index + "）：" + now,
              Tone::warn};
    }
    return {node + " 的配置立即生效（索引 " + index + "，未提交也生效）：" + now};
  }
  if (c.reverted) {
    return {
        node + "'s configuration entry is deleted: back to the one at index " + index + ": " + now,
        Tone::warn};
  }
  return {node + " uses the configuration at index " + index +
          " at once (committed or not): " + now};
}

Line describe_membership(const NodeId& node, const event::ConfigurationRefused& r, Lang lang) {
  using Reason = event::ConfigurationRefused::Reason;
  const std::string change = command_text(r.change, lang);
  std::string en, zh;
  switch (r.reason) {
    case Reason::uncommitted_change:
      en = "another membership change is not committed yet (one at a time)";
      zh = "上一个成员变更还没有提交（一次只变更一个）";
      break;
    case Reason::no_commit_in_term:
      en = "no entry of its term is committed yet";
      zh = "本任期还没有提交过日志项";
      break;
    case Reason::no_change:
      en = "it changes nothing";
      zh = "配置不会改变";
      break;
    case Reason::last_voter:
      en = "no voter would be left";
      zh = "将没有投票成员";
      break;
  }
  return {lang == Lang::zh
              ? "领导者 " + node + " 拒绝成员变更 " + change + "：" + zh
              : "leader " + node + " refuses the membership change " + change + ": " + en,
          Tone::warn};
}

// Thesis §4.2.2: a removed leader steps down once its removal is committed.
Line describe_membership(const NodeId& node, const event::RemovedLeaderStepsDown& s, Lang lang) {
  const std::string index = to_string(s.index), term = to_string(s.term);
  return {lang == Lang::zh
              ? "领导者 " + node + " 已被移除，索引 " + index + " 的成员变更已提交：它在任期 " +
                    term + " 退位，不再参加选举"
              : "leader " + node + " was removed and the change at index " + index +
                    " is committed: it steps down in term " + term + " and never stands again",
          Tone::warn};
}

}  // namespace consensus_lab::narration
