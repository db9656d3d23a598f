#include "sim/narrator.h"

namespace consensus_lab::sim {

using narration::Lang;
using narration::Line;
using narration::Tone;

Line describe_delivery(const NodeId& from, const NodeId& to, const std::string& message,
                       Lang lang) {
  return {lang == Lang::zh ? to + " 收到 " + from + " 的" + message
                           : to + " receives " + message + " from " + from};
}

namespace {

// A message's words followed by Chinese ones: a space after a number or a
// bracket ("准备请求 1 被丢弃"), none after a Chinese mark ("…（已提交到 1）被丢弃").
std::string then(const std::string& message) {
  const bool ascii = !message.empty() && static_cast<unsigned char>(message.back()) < 0x80;
  return ascii ? message + " " : message;
}

}  // namespace

Line describe_drop(const NodeId& from, const NodeId& to, const std::string& message,
                   DropReason reason, Lang lang) {
  const bool zh = lang == Lang::zh;
  const std::string lost =
      zh ? from + " → " + to + " 的" + then(message) : message + " " + from + " → " + to;
  switch (reason) {
    case DropReason::by_hand:
      return {lost + (zh ? "被丢弃" : " is dropped"), Tone::bad};
    case DropReason::loss:
      return {lost + (zh ? "在网络中丢失" : " is lost in the network"), Tone::bad};
    case DropReason::partition:
      return {lost + (zh ? "因网络分区丢失" : " is lost: partition"), Tone::bad};
    case DropReason::receiver_down:
      return {lost + (zh ? "丢失：" + to + " 已宕机" : " is lost: " + to + " is down"), Tone::bad};
    case DropReason::sender_down:
      return {lost + (zh ? "丢失：" + from + " 已宕机" : " is lost: " + from + " is down"),
              Tone::bad};
  }
  return {lost, Tone::bad};
}

Line describe_duplicate(const NodeId& from, const NodeId& to, const std::string& message,
                        Lang lang) {
  return {lang == Lang::zh ? "网络复制了 " + from + " → " + to + " 的" + message
                           : "the network duplicates " + message + " on " + from + " → " + to,
          Tone::warn};
}

Line describe_hold(const NodeId& from, const NodeId& to, const std::string& message, Millis until,
                   Lang lang) {
  const std::string t = std::to_string(until);
  return {lang == Lang::zh
              ? "网络把 " + from + " → " + to + " 的" + then(message) + "扣留到 " + t + " ms"
              : "the network holds back " + message + " on " + from + " → " + to + " until " + t +
                    " ms",
          Tone::warn};
}

Line describe(const Crashed& crash, Lang lang) {
  return {lang == Lang::zh
              ? crash.node + " 崩溃：内存中的状态和在途消息全部丢失"
              : crash.node + " crashes: its volatile state and in-flight messages are lost",
          Tone::bad};
}

Line describe(const Restarted& restart, Lang lang) {
  return {lang == Lang::zh ? restart.node + " 重启，从持久化存储恢复状态"
                           : restart.node + " restarts from its durable state",
          Tone::good};
}

Line describe(const Partitioned& partition, Lang lang) {
  return {describe_partition(partition.groups, lang), Tone::warn};
}

Line describe(const Healed&, Lang lang) {
  return {lang == Lang::zh ? "网络分区恢复" : "the partition heals", Tone::good};
}

Line describe(const Violated& violation, Lang lang) {
  return {(lang == Lang::zh ? "违反不变式「" + violation.name(lang) + "」："
                            : "INVARIANT VIOLATED: " + violation.invariant + ": ") +
              violation.what(lang),
          Tone::bad};
}

std::string describe_partition(const std::vector<std::vector<NodeId>>& groups, Lang lang) {
  std::string out = lang == Lang::zh ? "网络分区：" : "network partition: ";
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) out += " | ";
    out += "{" + narration::join_names(groups[i], Lang::en) + "}";
  }
  return out;
}

}  // namespace consensus_lab::sim
