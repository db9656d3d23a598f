#include "tools/scenario/script.h"

#include <cctype>
#include <limits>

namespace consensus_lab::scenario {

std::string Line::text() const {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

Line make_line(int number, std::string text) {
  if (const auto hash = text.find('#'); hash != std::string::npos) text.erase(hash);
  Line line{number, {}};
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!word.empty()) line.words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) line.words.push_back(std::move(word));
  return line;
}

std::vector<Line> read_script(std::istream& in) {
  std::vector<Line> lines;
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    Line line = make_line(++number, std::move(text));
    if (!line.words.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

void fail(const Text& reason) {
  throw ScenarioError(ScenarioError::Kind::error, reason);
}

void expect_failed(const std::string& expected, const std::string& actual) {
  throw ScenarioError(expected, actual);
}

std::uint64_t parse_number(const std::string& word, const Text& what) {
  const Text not_a_number{what.en + " must be a number, not '" + word + "'",
                          what.zh + "必须是数字，而不是 '" + word + "'"};
  if (word.empty() || word.size() > 18) fail(not_a_number);
  std::uint64_t value = 0;
  for (char c : word) {
    if (!std::isdigit(static_cast<unsigned char>(c))) fail(not_a_number);
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

Millis parse_millis(const std::string& word, const Text& what) {
  return static_cast<Millis>(parse_number(word, what));
}

std::pair<Millis, Millis> parse_range(const std::string& word, const Text& what) {
  const auto dots = word.find("..");
  if (dots == std::string::npos) {
    const Millis value = parse_millis(word, what);
    return {value, value};
  }
  const Millis low = parse_millis(word.substr(0, dots), what);
  const Millis high = parse_millis(word.substr(dots + 2), what);
  if (low > high) {
    fail({what.en + " " + word + ": the minimum is above the maximum",
          what.zh + " " + word + "：最小值大于最大值"});
  }
  return {low, high};
}

bool is_node_id(const std::string& word) {
  if (word.empty() || !std::isalpha(static_cast<unsigned char>(word[0]))) return false;
  for (char c : word) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

void fail_usage(std::string_view usage) {
  fail({"usage: " + std::string(usage), "用法：" + std::string(usage)});
}

void require_words(const Line& line, std::size_t min, std::size_t max, std::string_view usage) {
  if (line.size() < min || line.size() > max) fail_usage(usage);
}

}  // namespace consensus_lab::scenario
