#include "sim/narration.h"

#include <unistd.h>
#include <cstdlib>

namespace consensus_lab::sim {

bool colour_wanted(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return ::isatty(::fileno(stream)) != 0;
}

std::string paint(std::string_view text, Tone tone, bool colour) {
  if (!colour || text.empty() || tone == Tone::plain) return std::string(text);
  const char* code = "";
  switch (tone) {
    case Tone::good:
      code = "\x1b[32m";
      break;  // green
    case Tone::warn:
      code = "\x1b[33m";
      break;  // yellow
    case Tone::bad:
      code = "\x1b[31m";
      break;  // red
    case Tone::quiet:
      code = "\x1b[2m";
      break;  // dim
    case Tone::plain:
      break;
  }
  return code + std::string(text) + "\x1b[0m";
}

std::string bold(std::string_view text, bool colour) {
  if (!colour) return std::string(text);
  return "\x1b[1m" + std::string(text) + "\x1b[0m";
}

std::string join_names(const std::vector<NodeId>& names, Lang lang) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += lang == Lang::zh ? "、" : ", ";
    out += names[i];
  }
  return out;
}

std::string describe_drop(const NodeId& from, const NodeId& to, const std::string& message,
                          DropReason reason, Lang lang) {
  if (lang == Lang::zh) {
    const char* why = "";
    switch (reason) {
      case DropReason::by_hand:
        why = "被丢弃";
        break;
      case DropReason::loss:
        why = "在网络中丢失";
        break;
      case DropReason::partition:
        why = "因网络分区丢失";
        break;
      case DropReason::receiver_down:
        why = "丢失：";
        break;
      case DropReason::sender_down:
        why = "丢失：";
        break;
    }
    std::string line = from + " → " + to + " 的" + message + why;
    if (reason == DropReason::receiver_down) line += to + " 已宕机";
    if (reason == DropReason::sender_down) line += from + " 已宕机";
    return line;
  }
  std::string line = message + " " + from + " → " + to;
  switch (reason) {
    case DropReason::by_hand:
      return line + " is dropped";
    case DropReason::loss:
      return line + " is lost in the network";
    case DropReason::partition:
      return line + " is lost: partition";
    case DropReason::receiver_down:
      return line + " is lost: " + to + " is down";
    case DropReason::sender_down:
      return line + " is lost: " + from + " is down";
  }
  return line;
}

std::string describe_partition(const std::vector<std::vector<NodeId>>& groups, Lang lang) {
  std::string out = lang == Lang::zh ? "网络分区：" : "network partition: ";
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) out += " | ";
    out += "{" + join_names(groups[i], Lang::en) + "}";
  }
  return out;
}

}  // namespace consensus_lab::sim
