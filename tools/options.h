// Command lines: the options of every `conlab` command and of every demo,
// declared once each, parsed by Boost.Program_options, and explained by
// --help in English or, with --lang zh, in the notes' Chinese.
//
//   CommandLine line("conlab", "conlab run --help");
//   line.flag("trace", trace, {"print every event…", "打印每个事件…"})
//       .lang({"narrate in English or in the notes' Chinese", "…"})
//       .positional("file", files);
//   if (const auto status = line.parse(argc, argv, help)) return *status;
//
// parse() prints the help (exit 0) or one line naming a bad option (exit 2);
// otherwise the command goes on with its variables filled in.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "narration/line.h"

namespace consensus_lab::tools {

using narration::Text;

// One error line on stderr, in `lang`: "PROGRAM: error: MESSAGE", in Chinese
// "PROGRAM: 错误：MESSAGE".
void print_error(std::string_view program, const Text& message, narration::Lang lang);

// What --help prints around the table of options: the usage and what the
// command does, before it; exit status and examples, after it.
struct Help {
  Text before;
  Text after;
};

class CommandLine {
 public:
  // `program` starts every error line ("conlab: error: …"); `help_command`
  // is named after a bad option: "(see conlab check --help)". --help itself
  // is declared here, first.
  CommandLine(std::string program, std::string help_command,
              Text help_description = {"print this help", "打印本帮助"});

  // --lang en|zh: the language of the help, and of what `description` says.
  CommandLine& lang(Text description);
  // An option without a value; `given` says whether it was.
  CommandLine& flag(const char* name, bool& given, Text description);
  // An option with a value (`name` may be "long,l"), stored in `target`. The
  // help shows target's value as the default, unless it is an empty string
  // or `target` is a std::optional or a list (a repeatable option).
  template <class T>
  CommandLine& value(const char* name, T& target, const char* value_name, Text description) {
    declare(name, semantic(target), value_name, default_text(target), description);
    // A number that cannot be negative: "-1" is refused, not wrapped round
    // (Boost's conversion takes it for 2^64 - 1).
    if constexpr (std::is_unsigned_v<T> || std::is_unsigned_v<typename Unwrapped<T>::type>) {
      const std::string long_name(name);
      unsigned_.insert(long_name.substr(0, long_name.find(',')));
    }
    return *this;
  }
  // Words without an option name, in order: one word, or all the rest.
  CommandLine& positional(const char* name, std::string& target);
  CommandLine& positional(const char* name, std::vector<std::string>& target);
  // --NAME FILE: more options from FILE, one NAME=VALUE a line; the command
  // line wins.
  CommandLine& config_file(const char* name, Text description);
  // Two options that make one choice (--data-dir DIR or --in-memory): when
  // the command line gives either, the config file's value for both is
  // ignored, so that the command line wins here too.
  CommandLine& either(const char* first, const char* second);

  // Parse argv (argv[0] is the command's name). Returns the exit status when
  // the command is done: 0 once the help is printed, 2 once a bad option is
  // named on stderr; nothing when the command goes on.
  std::optional<int> parse(int argc, char** argv, const Help& help);

  narration::Lang language() const { return lang_; }
  bool given(const std::string& name) const { return values_.count(name) != 0; }
  // The table of options, as --help prints it.
  std::string table(narration::Lang lang) const;
  // "PROGRAM: error: MESSAGE" on stderr; returns 2.
  int error(const std::string& message) const;
  // The same in the language of --lang: "PROGRAM: 错误：MESSAGE" in Chinese.
  int error(const Text& message) const;

 private:
  template <class T>
  struct Unwrapped {  // T, or the T of a std::optional<T>
    using type = T;
  };
  template <class T>
  struct Unwrapped<std::optional<T>> {
    using type = T;
  };
  struct Described {
    std::string name;   // "-h [ --help ]", "--seeds"
    std::string value;  // "A..B (=1..100)", or empty
    Text description;
  };

  template <class T>
  static auto* semantic(T& target) {
    return boost::program_options::value<T>(&target);
  }
  template <class T>
  static auto* semantic(std::optional<T>& target) {
    return boost::program_options::value<T>()->notifier([&target](const T& v) { target = v; });
  }
  template <class T>
  static std::optional<std::string> default_text(const T& value) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (value.empty()) return std::nullopt;
      return value;
    } else if constexpr (std::is_arithmetic_v<T>) {
      std::ostringstream text;
      text << value;
      return text.str();
    } else {
      return std::nullopt;  // std::optional, std::vector: no default
    }
  }

  void declare(const char* name, const boost::program_options::value_semantic* semantic,
               const char* value_name, const std::optional<std::string>& default_value,
               Text description);
  std::optional<int> read_config();
  int bad_option(const std::string& message) const;

  std::string program_, help_command_;
  boost::program_options::options_description named_, hidden_;
  boost::program_options::positional_options_description positional_;
  boost::program_options::variables_map values_;
  std::vector<Described> described_;
  std::vector<std::pair<std::string, bool*>> flags_;
  std::set<std::string> unsigned_;  // options whose number cannot be negative
  bool help_ = false;
  std::string lang_text_ = "en";
  narration::Lang lang_ = narration::Lang::en;
  std::string config_name_;
  std::vector<std::pair<std::string, std::string>> choices_;  // from either()
};

// The language --help is asked for in, for the few helps printed before any
// options are parsed (`conlab --help --lang zh`): en unless argv has
// `--lang zh` or `--lang=zh`.
narration::Lang help_language(int argc, char** argv);

// "A..B", both included, A ≤ B; or, with `one_allowed`, "N" for N..N.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_range(const std::string& text,
                                                                   bool one_allowed);

// How wide `text` shows in a terminal: a Chinese character takes two columns.
using narration::display_width;
// `text` in lines at most `width` columns wide, broken at spaces and between
// Chinese characters (never before a closing mark such as "，" or "）").
std::vector<std::string> wrap(std::string_view text, std::size_t width);
// Rows of two columns, the second one starting at `column` and wrapped to
// the 79 columns of a line; a first column that reaches `column` puts the
// second on a line of its own. Every row ends with a newline.
std::string two_columns(const std::vector<std::pair<std::string, std::string>>& rows,
                        std::size_t column);

}  // namespace consensus_lab::tools
