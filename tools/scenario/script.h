// Scenario files, as text: lines of words, and the errors a line can raise.
// The language is specified in shared/SCENARIOS.md ("Scenario files —
// specification (version 1)"); docs/scenarios.md teaches it.
#pragma once

#include <concepts>
#include <cstdint>
#include <istream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/types.h"
#include "narration/line.h"

namespace consensus_lab::scenario {

// The longest `advance` or `run`: a typo of a few extra digits should not
// keep the simulator busy for days.
inline constexpr Millis kLongestStep = 3'600'000;

// One command: its words (comments and blanks removed) and its line number.
struct Line {
  int number = 0;
  std::vector<std::string> words;

  const std::string& command() const { return words.front(); }
  std::size_t size() const { return words.size(); }
  const std::string& operator[](std::size_t i) const { return words.at(i); }
  std::string text() const;  // the words joined by single spaces
};

// One line of text as a command (no words: a blank or a comment).
Line make_line(int number, std::string text);

// Split a scenario into its commands: one per line, words separated by spaces
// or tabs, '#' starts a comment.
std::vector<Line> read_script(std::istream& in);

// What stops a file, and how it is reported (SCENARIOS.md, "Exit status and
// messages"):
//   error      exit 2  FILE:LINE: error: <reason>
//   expect     exit 1  FILE:LINE: expect failed: <expected>; actual: <actual>
//   invariant  exit 1  FILE:LINE: invariant violated: <name>: <detail>
class ScenarioError : public narration::TextError {
 public:
  enum class Kind { error, expect, invariant };
  // The same in English and in the notes' Chinese.
  ScenarioError(Kind kind, narration::Text message)
      : narration::TextError(std::move(message)), kind_(kind) {}
  // An expectation that failed: what the file expected and what it found,
  // both in the scenario language's words: "EXPECTED; actual: ACTUAL",
  // in Chinese "EXPECTED；实际：ACTUAL".
  ScenarioError(const std::string& expected, const std::string& actual)
      : narration::TextError({expected + "; actual: " + actual, expected + "；实际：" + actual}),
        kind_(Kind::expect) {}
  Kind kind() const { return kind_; }
  int exit_status() const { return kind_ == Kind::error ? 2 : 1; }
  const std::string& message(narration::Lang lang) const { return reason().in(lang); }

 private:
  Kind kind_;
};

// Every reason is given in English and in the notes' Chinese. In Chinese the
// words of the scenario language (commands, rule names, message types) are
// quoted with backticks, as are words taken from the file with quotes in
// both languages; a usage line ("用法：deliver FROM TO [TYPE]") is the
// scenario language as it stands.
using narration::Text;
// A plain string is English only: passing one where a Text is asked for does
// not compile (the deleted overloads below), so no reason lacks its Chinese.
template <class T>
concept EnglishOnly = std::convertible_to<T, std::string>;

[[noreturn]] void fail(const Text& reason);  // kind error
template <EnglishOnly S>
void fail(const S& english_only) = delete;
[[noreturn]] void expect_failed(const std::string& expected, const std::string& actual);

// Parsing words; each fails with a reason that names the word, and `what`
// the word is ({"the seed", "种子"}).
std::uint64_t parse_number(const std::string& word, const Text& what);
Millis parse_millis(const std::string& word, const Text& what);
// "MS" or "MIN..MAX".
std::pair<Millis, Millis> parse_range(const std::string& word, const Text& what);
template <EnglishOnly S>
std::uint64_t parse_number(const std::string& word, const S& english_only) = delete;
template <EnglishOnly S>
Millis parse_millis(const std::string& word, const S& english_only) = delete;
template <EnglishOnly S>
std::pair<Millis, Millis> parse_range(const std::string& word, const S& english_only) = delete;
// Node ids: letters, digits, '_' and '-', starting with a letter.
bool is_node_id(const std::string& word);

// `usage` in the scenario language: "deliver FROM TO [TYPE]" fails with
// "usage: deliver FROM TO [TYPE]" (用法：deliver FROM TO [TYPE]).
[[noreturn]] void fail_usage(std::string_view usage);
// Words count check: fail_usage(usage) unless the line has min to max words.
void require_words(const Line& line, std::size_t min, std::size_t max, std::string_view usage);

}  // namespace consensus_lab::scenario
