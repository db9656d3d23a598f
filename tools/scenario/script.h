// Scenario files, as text: lines of words, and the errors a line can raise.
// The language is specified in shared/SCENARIOS.md ("Scenario files —
// specification (version 1)"); docs/scenarios.md teaches it.
#pragma once

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
class ScenarioError : public std::runtime_error {
 public:
  enum class Kind { error, expect, invariant };
  ScenarioError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  // The same in English and in the notes' Chinese (an invariant's name).
  ScenarioError(Kind kind, const std::string& message, const std::string& chinese)
      : std::runtime_error(message), kind_(kind), chinese_(chinese) {}
  // An expectation that failed: what the file expected and what it found,
  // both in the scenario language's words; what() says "EXPECTED; actual: ACTUAL".
  ScenarioError(const std::string& expected, const std::string& actual)
      : std::runtime_error(expected + "; actual: " + actual),
        kind_(Kind::expect),
        expected_(expected),
        actual_(actual) {}
  Kind kind() const { return kind_; }
  int exit_status() const { return kind_ == Kind::error ? 2 : 1; }
  // The message in `lang`: in Chinese an expectation reads "EXPECTED；实际：ACTUAL".
  std::string message(narration::Lang lang) const {
    if (lang == narration::Lang::en) return what();
    if (kind_ == Kind::expect) return expected_ + "；实际：" + actual_;
    return chinese_.empty() ? what() : chinese_;
  }

 private:
  Kind kind_;
  std::string expected_, actual_;
  std::string chinese_;  // the message in Chinese, when it was given
};

[[noreturn]] void fail(const std::string& reason);  // kind error
[[noreturn]] void expect_failed(const std::string& expected, const std::string& actual);

// Parsing words; each fails with a reason that names the word.
std::uint64_t parse_number(const std::string& word, std::string_view what);
Millis parse_millis(const std::string& word, std::string_view what);
// "MS" or "MIN..MAX".
std::pair<Millis, Millis> parse_range(const std::string& word, std::string_view what);
// Node ids: letters, digits, '_' and '-', starting with a letter.
bool is_node_id(const std::string& word);

// Words count check: "deliver takes FROM TO [TYPE]".
void require_words(const Line& line, std::size_t min, std::size_t max, std::string_view usage);

}  // namespace consensus_lab::scenario
