#include "net/line_reader.h"

#include <charconv>
#include <cstdint>

namespace consensus_lab::net {

LineReader::LineReader(std::string_view line) : line_(line) {
  if (line.size() > kMaxLine) throw DecodeError("line longer than " + std::to_string(kMaxLine));
  for (char ch : line) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) throw DecodeError("control character in line");
  }
}

std::string_view LineReader::next(std::string_view what) {
  if (pos_ >= line_.size()) throw DecodeError("line ends before " + std::string(what));
  if (pos_ > 0) {
    if (line_[pos_] != ' ') throw DecodeError("words must be separated by one space");
    ++pos_;
  }
  const auto end = line_.find(' ', pos_);
  const std::string_view w =
      line_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
  if (w.empty()) throw DecodeError("empty word (two spaces?) before " + std::string(what));
  pos_ += w.size();
  return w;
}

void LineReader::expect(std::string_view keyword) {
  const auto w = next(keyword);
  if (w != keyword) {
    throw DecodeError("expected '" + std::string(keyword) + "', found '" + shown(w) + "'");
  }
}

std::uint64_t LineReader::number(std::string_view what) {
  const auto w = next(what);
  std::uint64_t n = 0;
  const auto [end, error] = std::from_chars(w.data(), w.data() + w.size(), n);
  if (error != std::errc{} || end != w.data() + w.size() || (w.size() > 1 && w[0] == '0')) {
    throw DecodeError(std::string(what) + " is not a number: '" + shown(w) + "'");
  }
  return n;
}

std::size_t LineReader::count(std::string_view what, std::size_t min_bytes) {
  const auto n = number(what);
  if (n > (line_.size() - pos_) / min_bytes) {
    throw DecodeError(std::string(what) + " " + std::to_string(n) + " is more than the line holds");
  }
  return static_cast<std::size_t>(n);
}

Millis LineReader::millis(std::string_view what) {
  const auto n = number(what);
  if (n > static_cast<std::uint64_t>(INT64_MAX)) {
    throw DecodeError(std::string(what) + " too large");
  }
  return static_cast<Millis>(n);
}

bool LineReader::flag(std::string_view keyword) {
  expect(keyword);
  const auto w = next(keyword);
  if (w == "yes") return true;
  if (w == "no") return false;
  throw DecodeError(std::string(keyword) + " must be yes or no, not '" + shown(w) + "'");
}

std::string LineReader::text(std::string_view what) {
  return decode_string(next(what));
}

NodeId LineReader::node(std::string_view what) {
  const auto w = next(what);
  if (!is_node_id(w)) {
    throw DecodeError(std::string(what) + " is not a node id: '" + shown(w) + "'");
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
  throw DecodeError("unknown command '" + shown(kind) + "'");
}

void LineReader::end() {
  if (pos_ != line_.size()) throw DecodeError("unexpected words at the end of the line");
}

std::string LineReader::shown(std::string_view w) {
  return std::string(w.substr(0, 40)) + (w.size() > 40 ? "…" : "");
}

Command decode_command(std::string_view words) {
  LineReader r(words);
  return r.finish(r.command());
}

}  // namespace consensus_lab::net
