#include "net/line_reader.h"

#include <charconv>
#include <cstdint>
#include <map>

namespace consensus_lab::net {

namespace {

// What a reason calls a part of a line, in the notes' Chinese. A keyword of
// the wire format ("term", "entries") is quoted as it is, set off by spaces.
std::string in_chinese(std::string_view what) {
  static const std::map<std::string_view, std::string_view> names = {
      {"peer or client", "peer 或 client"},
      {"put or get", "put 或 get"},
      {"a reply", "回复"},
      {"the message type", "消息类型"},
      {"the protocol", "协议"},
      {"the node id", "节点 id"},
      {"the node", "节点"},
      {"the reason", "原因"},
      {"the client", "客户端"},
      {"the sequence number", "序号"},
      {"the key", "键"},
      {"the value", "值"},
      {"a command", "指令"},
      {"the replica", "副本"},
      {"the term", "任期编号"},
      {"an entry's term", "日志项的任期编号"},
      {"the leader", "领导者"},
      {"the candidate", "候选人"},
      {"the prev log index", "前一个日志项的索引值"},
      {"the prev log term", "前一个日志项的任期编号"},
      {"the leader commit", "领导者已提交的索引值"},
      {"the match index", "匹配的索引值"},
      {"the last log index", "最后一个日志项的索引值"},
      {"the heartbeat round", "心跳轮次"},
      {"the last log term", "最后一个日志项的任期编号"},
      {"the ballot", "提案编号"},
      {"a ballot", "提案编号"},
      {"the slot", "槽位"},
      {"a slot", "槽位"},
      {"the time sent", "发送时间"},
  };
  const auto name = names.find(what);
  return name != names.end() ? std::string(name->second) : " " + std::string(what) + " ";
}

// A reason whose Chinese starts or ends with a wire keyword: without the
// space that sets the keyword off at that end.
DecodeError bad_line(std::string en, std::string zh) {
  const auto first = zh.find_first_not_of(' '), last = zh.find_last_not_of(' ');
  return DecodeError({std::move(en), zh.substr(first, last - first + 1)});
}

}  // namespace

LineReader::LineReader(std::string_view line) : line_(line) {
  if (line.size() > kMaxLine) {
    const std::string limit = std::to_string(kMaxLine);
    throw DecodeError({"line longer than " + limit, "一行超过了 " + limit + " 字节"});
  }
  for (char ch : line) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      throw DecodeError({"control character in line", "这一行含有控制字符"});
    }
  }
}

std::string_view LineReader::next(std::string_view what) {
  if (pos_ >= line_.size()) {
    throw bad_line("line ends before " + std::string(what),
                   "这一行在" + in_chinese(what) + "之前就结束了");
  }
  if (pos_ > 0) {
    if (line_[pos_] != ' ') {
      throw DecodeError({"words must be separated by one space", "单词之间只能隔一个空格"});
    }
    ++pos_;
  }
  const auto end = line_.find(' ', pos_);
  const std::string_view w =
      line_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
  if (w.empty()) {
    throw bad_line("empty word (two spaces?) before " + std::string(what),
                   "在" + in_chinese(what) + "之前有一个空单词（连续两个空格？）");
  }
  pos_ += w.size();
  return w;
}

void LineReader::expect(std::string_view keyword) {
  const auto w = next(keyword);
  if (w != keyword) {
    const std::string expected = "'" + std::string(keyword) + "'", found = "'" + shown(w) + "'";
    throw DecodeError({"expected " + expected + ", found " + found,
                       "这里应当是 " + expected + "，却是 " + found});
  }
}

std::uint64_t LineReader::number(std::string_view what) {
  const auto w = next(what);
  std::uint64_t n = 0;
  const auto [end, error] = std::from_chars(w.data(), w.data() + w.size(), n);
  if (error != std::errc{} || end != w.data() + w.size() || (w.size() > 1 && w[0] == '0')) {
    throw bad_line(std::string(what) + " is not a number: '" + shown(w) + "'",
                   in_chinese(what) + "不是数字：'" + shown(w) + "'");
  }
  return n;
}

std::size_t LineReader::count(std::string_view what, std::size_t min_bytes) {
  const auto n = number(what);
  if (n > (line_.size() - pos_) / min_bytes) {
    const std::string count = std::string(what) + " " + std::to_string(n);
    throw DecodeError({count + " is more than the line holds", count + " 超出了这一行所能容纳的"});
  }
  return static_cast<std::size_t>(n);
}

Millis LineReader::millis(std::string_view what) {
  const auto n = number(what);
  if (n > static_cast<std::uint64_t>(INT64_MAX)) {
    throw bad_line(std::string(what) + " too large", in_chinese(what) + "太大");
  }
  return static_cast<Millis>(n);
}

bool LineReader::flag(std::string_view keyword) {
  expect(keyword);
  const auto w = next(keyword);
  if (w == "yes") return true;
  if (w == "no") return false;
  const std::string found = "'" + shown(w) + "'";
  throw DecodeError({std::string(keyword) + " must be yes or no, not " + found,
                     std::string(keyword) + " 只能是 yes 或 no，不能是 " + found});
}

std::string LineReader::text(std::string_view what) {
  return decode_string(next(what));
}

NodeId LineReader::node(std::string_view what) {
  const auto w = next(what);
  if (!is_node_id(w)) {
    throw bad_line(std::string(what) + " is not a node id: '" + shown(w) + "'",
                   in_chinese(what) + "不是合法的节点 id：'" + shown(w) + "'");
  }
  return NodeId(w);
}

Command LineReader::command() {
  const auto kind = next("a command");
  if (kind == "noop") return Command::noop();
  if (kind == "put") {
    auto key = text("the key");
    auto value = text("the value");
    auto client = text("the client");
    const auto sequence = number("the sequence number");
    return Command::put(std::move(key), std::move(value), std::move(client), sequence);
  }
  if (kind == "read") {
    auto key = text("the key");
    auto client = text("the client");
    const auto sequence = number("the sequence number");
    return Command::read(std::move(key), std::move(client), sequence);
  }
  if (kind == "add") return Command::add(node("the replica"));
  if (kind == "remove") return Command::remove(node("the replica"));
  if (kind == "learner") return Command::learner(node("the server"));
  const std::string found = "'" + shown(kind) + "'";
  throw DecodeError({"unknown command " + found, "未知的指令 " + found});
}

void LineReader::end() {
  if (pos_ != line_.size()) {
    throw DecodeError({"unexpected words at the end of the line", "行尾有多余的单词"});
  }
}

std::string LineReader::shown(std::string_view w) {
  return std::string(w.substr(0, 40)) + (w.size() > 40 ? "…" : "");
}

Command decode_command(std::string_view words) {
  LineReader r(words);
  return r.finish(r.command());
}

}  // namespace consensus_lab::net
