// Command lines (tools/options.h): options declared once, parsed, and shown
// by --help in English or Chinese, wrapped by the width a terminal gives them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tools/options.h"

using namespace consensus_lab;
using tools::CommandLine;

namespace {

// Parse `words` (the first is the command's name) as `line` declares.
std::optional<int> parse(CommandLine& line, std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  return line.parse(static_cast<int>(argv.size()), argv.data(), {});
}

}  // namespace

TEST_CASE("options: a Chinese character takes two columns, an English letter or an ellipsis one") {
  CHECK(tools::display_width("seed") == 4);
  CHECK(tools::display_width("承诺 1：") == 8);
  CHECK(tools::display_width("A, B, …") == 7);
}

TEST_CASE("options: help text wraps at spaces, and between Chinese characters") {
  CHECK(tools::wrap("print every event as it happens", 12) ==
        std::vector<std::string>{"print every", "event as it", "happens"});
  // Never before a closing mark: "：" stays with "诺".
  CHECK(tools::wrap("承诺：不响应", 4) == std::vector<std::string>{"承", "诺：", "不响", "应"});
  for (const auto& line :
       tools::wrap("接受者的承诺和已通过的提案持久化，崩溃后仍在 (persist)", 15)) {
    CHECK(tools::display_width(line) <= 15);
  }
}

TEST_CASE("options: two columns, the second wrapped below its start") {
  CHECK(tools::two_columns({{"  a", "one two three"}, {"  long-name", "x"}}, 8) ==
        "  a     one two three\n  long-name\n        x\n");
}

TEST_CASE("options: a range is A..B with A <= B, or one number where that is allowed") {
  using Range = std::pair<std::uint64_t, std::uint64_t>;
  CHECK(tools::parse_range("1..100", false) == Range{1, 100});
  CHECK(tools::parse_range("7", true) == Range{7, 7});
  CHECK_FALSE(tools::parse_range("7", false));
  CHECK_FALSE(tools::parse_range("9..3", true));
  CHECK_FALSE(tools::parse_range("1..x", true));
  CHECK_FALSE(tools::parse_range("-1..3", true));
}

TEST_CASE("options: declared once, each option parses into its variable and shows in the help") {
  std::size_t nodes = 3;
  bool quiet = false;
  std::optional<std::string> out;
  std::vector<std::string> files;
  CommandLine line("prog", "prog --help");
  line.value("nodes", nodes, "N", {"servers", "服务器个数"})
      .flag("quiet", quiet, {"say less", "少说"})
      .value("out", out, "FILE", {"where to write", "写到哪里"})
      .lang({"the language", "语言"})
      .positional("file", files);
  CHECK(line.table(narration::Lang::en) ==
        "Options:\n"
        "  -h [ --help ]         print this help\n"
        "  --nodes N (=3)        servers\n"
        "  --quiet               say less\n"
        "  --out FILE            where to write\n"
        "  --lang en|zh (=en)    the language\n");
  CHECK(line.table(narration::Lang::zh).find("  --nodes N (=3)        服务器个数\n") !=
        std::string::npos);

  CHECK_FALSE(parse(line, {"prog", "a.txt", "--nodes", "5", "--quiet", "b.txt", "--lang", "zh"}));
  CHECK(nodes == 5);
  CHECK(quiet);
  CHECK_FALSE(out);
  CHECK(files == std::vector<std::string>{"a.txt", "b.txt"});
  CHECK(line.language() == narration::Lang::zh);
  CHECK(line.given("nodes"));
}

TEST_CASE("options: a bad option or a bad --lang is exit status 2") {
  std::size_t nodes = 3;
  CommandLine first("prog", "prog --help");
  first.value("nodes", nodes, "N", {"servers", "服务器个数"});
  CHECK(parse(first, {"prog", "--no-such-option"}) == 2);
  CommandLine second("prog", "prog --help");
  second.value("nodes", nodes, "N", {"servers", "服务器个数"});
  CHECK(parse(second, {"prog", "--nodes", "many"}) == 2);
  CommandLine third("prog", "prog --help");
  third.lang({"the language", "语言"});
  CHECK(parse(third, {"prog", "--lang", "fr"}) == 2);
}

TEST_CASE("options: the command line wins over the config file, for a choice made two ways too") {
  const auto path = std::filesystem::temp_directory_path() / "consensus_lab_options_test.conf";
  const auto parse_with = [&](const std::string& file_text, std::vector<std::string> words,
                              std::optional<std::string>& data_dir, bool& in_memory) {
    std::ofstream(path) << file_text;
    std::size_t nodes = 3;
    CommandLine line("prog", "prog --help");
    line.value("nodes", nodes, "N", {"servers", "服务器个数"})
        .value("data-dir", data_dir, "DIR", {"where", "在哪里"})
        .flag("in-memory", in_memory, {"nowhere", "不存"})
        .config_file("config", {"options from FILE", "从 FILE 读选项"})
        .either("data-dir", "in-memory");
    words.insert(words.begin(), {"prog", "--config", path.string()});
    const auto status = parse(line, words);
    CHECK_FALSE(status);
    return nodes;
  };
  std::optional<std::string> data_dir;
  bool in_memory = false;
  SUBCASE("a value given in both places is the command line's") {
    CHECK(parse_with("nodes=5\ndata-dir=/d\n", {"--nodes", "7"}, data_dir, in_memory) == 7);
    CHECK(data_dir == "/d");
  }
  SUBCASE("--in-memory on the command line overrides data-dir= in the file") {
    parse_with("data-dir=/d\n", {"--in-memory"}, data_dir, in_memory);
    CHECK(in_memory);
    CHECK_FALSE(data_dir);
  }
  SUBCASE("--data-dir on the command line overrides in-memory= in the file") {
    parse_with("in-memory=\n", {"--data-dir", "/e"}, data_dir, in_memory);
    CHECK_FALSE(in_memory);
    CHECK(data_dir == "/e");
  }
  SUBCASE("without either on the command line, the file's choice holds") {
    parse_with("data-dir=/d\n", {}, data_dir, in_memory);
    CHECK_FALSE(in_memory);
    CHECK(data_dir == "/d");
  }
  std::filesystem::remove(path);
}
