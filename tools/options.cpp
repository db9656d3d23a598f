#include "tools/options.h"

#include <algorithm>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;

namespace consensus_lab::tools {

namespace {

using narration::code_point;
using narration::is_wide;

// The 79 columns a help line may fill (one less than a terminal's 80).
constexpr std::size_t kLineWidth = 79;
// The description column of an option table: at least 24, at most 40.
constexpr std::size_t kNarrowestName = 23, kWidestName = 39;

// Marks a line must not start with, and marks it must not end with.
bool is_closing(char32_t c) {
  return std::u32string_view(U"，。、；：！？）」』】》”’").find(c) != std::u32string_view::npos;
}
bool is_opening(char32_t c) {
  return std::u32string_view(U"（「『【《“‘").find(c) != std::u32string_view::npos;
}

// A piece of text a line is never broken inside: an English word, or one
// Chinese character with the marks that cling to it.
struct Piece {
  std::string text;
  std::size_t width = 0;
  bool after_space = false;
};

std::vector<Piece> pieces(std::string_view text) {
  std::vector<Piece> out;
  bool space = true, last_wide = false, last_opening = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto [c, size] = code_point(text, i);
    const std::string_view bytes = text.substr(i, size);
    i += size;
    if (c == ' ') {
      space = true;
      continue;
    }
    const bool wide = is_wide(c);
    const bool joins =
        !space && !out.empty() && ((!wide && !last_wide) || is_closing(c) || last_opening);
    if (!joins) out.push_back({"", 0, space && !out.empty()});
    out.back().text += bytes;
    out.back().width += wide ? 2u : 1u;
    space = false;
    last_wide = wide;
    last_opening = is_opening(c);
  }
  return out;
}

}  // namespace

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::size_t used = 0;
  for (const Piece& piece : pieces(text)) {
    const std::size_t gap = piece.after_space ? 1 : 0;
    if (lines.empty() || used + gap + piece.width > width) {
      lines.push_back(piece.text);
      used = piece.width;
    } else {
      lines.back() += std::string(gap, ' ') + piece.text;
      used += gap + piece.width;
    }
  }
  return lines;
}

std::string two_columns(const std::vector<std::pair<std::string, std::string>>& rows,
                        std::size_t column) {
  const std::string indent(column, ' ');
  std::string out;
  for (const auto& [padded, second] : rows) {
    const std::string first = padded.substr(0, padded.find_last_not_of(' ') + 1);
    const std::size_t width = display_width(first);
    out += first;
    out += width >= column ? "\n" + indent : std::string(column - width, ' ');
    const auto lines = wrap(second, kLineWidth - column);
    for (std::size_t i = 0; i < lines.size(); ++i) out += (i > 0 ? "\n" + indent : "") + lines[i];
    out += '\n';
  }
  return out;
}

narration::Lang help_language(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--lang=zh" ||
        (word == "--lang" && i + 1 < argc && std::string(argv[i + 1]) == "zh"))
      return narration::Lang::zh;
  }
  return narration::Lang::en;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_range(const std::string& text,
                                                                   bool one_allowed) {
  auto number = [](const std::string& digits) -> std::optional<std::uint64_t> {
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return std::stoull(digits);
  };
  const auto dots = text.find("..");
  if (dots == std::string::npos && !one_allowed) return std::nullopt;
  const auto first = number(text.substr(0, dots));
  const auto last = dots == std::string::npos ? first : number(text.substr(dots + 2));
  if (!first || !last || *first > *last) return std::nullopt;
  return std::pair{*first, *last};
}

CommandLine::CommandLine(std::string program, std::string help_command, Text help_description)
    : program_(std::move(program)), help_command_(std::move(help_command)) {
  flag("help,h", help_, help_description);
}

CommandLine& CommandLine::lang(Text description) {
  return value("lang", lang_text_, "en|zh", description);
}

CommandLine& CommandLine::flag(const char* name, bool& given, Text description) {
  declare(name, nullptr, "", std::nullopt, description);
  const std::string_view full = name;
  flags_.emplace_back(std::string(full.substr(0, full.find(','))), &given);
  return *this;
}

CommandLine& CommandLine::positional(const char* name, std::string& target) {
  hidden_.add_options()(name, po::value<std::string>(&target));
  positional_.add(name, 1);
  return *this;
}

CommandLine& CommandLine::positional(const char* name, std::vector<std::string>& target) {
  hidden_.add_options()(name, po::value<std::vector<std::string>>(&target));
  positional_.add(name, -1);
  return *this;
}

CommandLine& CommandLine::config_file(const char* name, Text description) {
  config_name_ = name;
  declare(name, po::value<std::string>(), "FILE", std::nullopt, description);
  return *this;
}

CommandLine& CommandLine::either(const char* first, const char* second) {
  choices_.emplace_back(first, second);
  return *this;
}

void CommandLine::declare(const char* name, const po::value_semantic* semantic,
                          const char* value_name, const std::optional<std::string>& default_value,
                          Text description) {
  if (semantic != nullptr) {
    named_.add_options()(name, semantic, "");
  } else {
    named_.add_options()(name, "");
  }
  // "help,h" is shown as Boost shows it: "-h [ --help ]".
  const std::string_view full = name;
  const auto comma = full.find(',');
  const std::string long_name = "--" + std::string(full.substr(0, comma));
  Described row{comma == std::string_view::npos
                    ? long_name
                    : "-" + std::string(full.substr(comma + 1)) + " [ " + long_name + " ]",
                value_name, description};
  if (default_value) row.value += " (=" + *default_value + ")";
  described_.push_back(std::move(row));
}

std::optional<int> CommandLine::parse(int argc, char** argv, const Help& help) {
  po::options_description all;
  all.add(named_).add(hidden_);
  try {
    const auto parsed =
        po::command_line_parser(argc, argv).options(all).positional(positional_).run();
    for (const po::option& option : parsed.options) {
      if (unsigned_.count(option.string_key) == 0) continue;
      for (const std::string& value : option.value) {
        if (value.find('-') != std::string::npos) {
          return bad_option("--" + option.string_key + " takes a number of 0 or more, not '" +
                            value + "'");
        }
      }
    }
    po::store(parsed, values_);
    if (const auto status = read_config()) return status;
    po::notify(values_);
  } catch (const po::error& error) {
    return bad_option(error.what());
  }
  for (const auto& [name, given] : flags_) *given = values_.count(name) != 0;
  if (lang_text_ == "zh") lang_ = narration::Lang::zh;
  if (help_) {
    std::cout << help.before.in(lang_) << table(lang_) << help.after.in(lang_);
    return 0;
  }
  if (lang_text_ != "en" && lang_text_ != "zh") {
    return bad_option("--lang must be en or zh, not '" + lang_text_ + "'");
  }
  return std::nullopt;
}

std::optional<int> CommandLine::read_config() {
  if (config_name_.empty() || values_.count(config_name_) == 0) return std::nullopt;
  const std::string path = values_[config_name_].as<std::string>();
  std::ifstream file(path);
  if (!file) return error("cannot read the config file " + path);
  try {
    auto parsed = po::parse_config_file(file, named_);
    // values_ holds the command line's options only, so far.
    const auto overridden = [this](const std::string& name) {
      return std::any_of(choices_.begin(), choices_.end(), [&](const auto& choice) {
        return (name == choice.first || name == choice.second) &&
               (values_.count(choice.first) != 0 || values_.count(choice.second) != 0);
      });
    };
    std::erase_if(parsed.options,
                  [&](const po::option& option) { return overridden(option.string_key); });
    po::store(parsed, values_);
  } catch (const po::error& error) {
    return this->error(path + ": " + error.what());
  }
  return std::nullopt;
}

std::string CommandLine::table(narration::Lang lang) const {
  std::size_t widest = kNarrowestName;
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Described& option : described_) {
    rows.emplace_back("  " + option.name + " " + option.value, option.description.in(lang));
    widest = std::max(widest, display_width(rows.back().first));
  }
  return std::string(lang == narration::Lang::zh ? "选项：\n" : "Options:\n") +
         two_columns(rows, std::min(widest, kWidestName) + 1);
}

void print_error(std::string_view program, const Text& message, narration::Lang lang) {
  std::cerr << program << (lang == narration::Lang::zh ? ": 错误：" : ": error: ")
            << message.in(lang) << '\n';
}

int CommandLine::error(const std::string& message) const {
  print_error(program_, message, narration::Lang::en);
  return 2;
}

int CommandLine::error(const Text& message) const {
  print_error(program_, message, lang_);
  return 2;
}

int CommandLine::bad_option(const std::string& message) const {
  return error(message + " (see " + help_command_ + ")");
}

}  // namespace consensus_lab::tools
