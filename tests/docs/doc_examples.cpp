// The docs' examples, run and compared, and the docs' links, followed: so that
// what README.md and docs/*.md (and their Chinese twins, README.zh-CN.md and
// docs/zh/*.md) quote is what the program prints today.
//
//   doc_examples --source SRC --build BUILD FILE.md…          run the examples
//   doc_examples --source SRC --build BUILD --refresh FILE.md…  rewrite them
//   doc_examples --source SRC --links FILE.md…                 check the links
//   doc_examples --source SRC --twins            pair the English and Chinese chapters
//
// A fenced block is an example when an HTML comment right before it says so:
//
//   <!-- file: notes.txt -->   the block is a file: written as notes.txt in the
//                              folder the commands run in
//   <!-- run: COMMAND -->      the block is what COMMAND prints
//   <!-- run -->               the block is a terminal: each line "$ COMMAND"
//                              is followed by what COMMAND prints
//   <!-- run after: COMMAND -->  a terminal too, after COMMAND has run unseen
//                              (the reader's edit: sed -i '14s/7/3/' FILE)
//
// Commands run with sh, standard error merged into standard output, NO_COLOR
// set and their exit status ignored, in a fresh folder per Markdown file that
// holds `build` (the build folder), a copy of `tests/scenarios` and of
// `docs/exercises-answers`, and the files written so far. In an expected
// output a line that is only "…" stands for any number of lines, and "…" in a
// line for any text (a speed, a time).
//
// --refresh (REFRESH_DOCS=1 in the CTest test) writes what the commands print
// into the blocks that differ; a "…" there is lost, so cut the block again by
// hand if it was long.
#include <stdlib.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "doc_files.h"

namespace fs = std::filesystem;
using doc_files::read_lines;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// `text` between single quotes, for sh.
std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// What `command` prints (standard output and error), run with sh in `folder`.
std::string run(const std::string& command, const fs::path& folder) {
  const std::string line = "cd " + shell_quoted(folder.string()) + " && NO_COLOR=1 sh -c " +
                           shell_quoted(command) + " 2>&1";
  std::string output;
  if (std::FILE* pipe = ::popen(line.c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
      output.append(buffer, n);
    ::pclose(pipe);
  }
  return output;
}

// Whether one line matches an expected line, in which "…" stands for any text
// (a speed, a time: what differs from run to run).
bool line_matches(const std::string& expected, const std::string& actual) {
  const std::string ellipsis = "…";
  std::size_t from = 0, at = 0;
  bool first = true;
  while (true) {
    const auto next = expected.find(ellipsis, from);
    const std::string part = expected.substr(from, next == std::string::npos ? next : next - from);
    if (next == std::string::npos) {
      // The last part ends the line.
      if (first) return actual == part;
      return actual.size() >= at + part.size() &&
             actual.compare(actual.size() - part.size(), part.size(), part) == 0;
    }
    if (first) {
      if (actual.compare(0, part.size(), part) != 0) return false;
      at = part.size();
    } else {
      const auto found = actual.find(part, at);
      if (found == std::string::npos) return false;
      at = found + part.size();
    }
    first = false;
    from = next + ellipsis.size();
  }
}

// Whether `actual` matches `expected`, where an expected line "…" matches any
// number of lines.
bool matches(const std::vector<std::string>& expected, std::size_t e,
             const std::vector<std::string>& actual, std::size_t a) {
  if (e == expected.size()) return a == actual.size();
  if (expected[e] == "…") {
    for (std::size_t skip = a; skip <= actual.size(); ++skip) {
      if (matches(expected, e + 1, actual, skip)) return true;
    }
    return false;
  }
  return a < actual.size() && line_matches(expected[e], actual[a]) &&
         matches(expected, e + 1, actual, a + 1);
}

// A marked block: the marker's kind and command, and the block's lines
// (between the fences, indexes into the file's lines).
struct Block {
  std::string kind;     // "file", "run", "run after"
  std::string command;  // the file's name, or the command (unseen for "run after")
  std::size_t marker = 0, first = 0, end = 0;
};

std::optional<Block> marker(const std::string& line) {
  const std::string open = "<!-- ", close = " -->";
  if (line.rfind(open, 0) != 0 || line.size() < open.size() + close.size() ||
      line.compare(line.size() - close.size(), close.size(), close) != 0)
    return std::nullopt;
  const std::string inside = line.substr(open.size(), line.size() - open.size() - close.size());
  if (inside == "run") return Block{"run", "", 0, 0, 0};
  for (const std::string kind : {"run after", "run", "file"}) {
    if (inside.rfind(kind + ": ", 0) == 0) return Block{kind, inside.substr(kind.size() + 2)};
  }
  return std::nullopt;
}

// Every marked block of a Markdown file; a marker without a fenced block
// right after it is an error.
std::vector<Block> blocks(const std::vector<std::string>& lines, const fs::path& path, bool& ok) {
  std::vector<Block> found;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto block = marker(lines[i]);
    if (!block) continue;
    block->marker = i;
    if (i + 1 >= lines.size() || lines[i + 1].rfind("```", 0) != 0) {
      std::cerr << path.string() << ":" << i + 1 << ": a marker with no fenced block below it\n";
      ok = false;
      continue;
    }
    const std::string fence = lines[i + 1].substr(0, lines[i + 1].find_first_not_of('`'));
    std::size_t end = i + 2;
    while (end < lines.size() && lines[end] != fence) ++end;
    block->first = i + 2;
    block->end = end;
    found.push_back(*block);
    i = end;
  }
  return found;
}

// The folder a Markdown file's commands run in.
fs::path work_folder(const fs::path& source, const fs::path& build, const std::string& name) {
  std::string pattern = (fs::temp_directory_path() / ("consensus_lab_docs_" + name + "_XXXXXX"));
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make " + pattern);
  const fs::path folder = pattern;
  fs::create_directories(folder / "tests");
  fs::create_directories(folder / "docs");
  fs::create_directory_symlink(fs::absolute(build), folder / "build");
  const auto recursive = fs::copy_options::recursive;
  fs::copy(source / "tests" / "scenarios", folder / "tests" / "scenarios", recursive);
  fs::copy(source / "docs" / "exercises-answers", folder / "docs" / "exercises-answers", recursive);
  return folder;
}

// What a block should hold, given what its commands print now.
std::vector<std::string> actual_lines(const Block& block, const std::vector<std::string>& lines,
                                      const fs::path& folder) {
  if (block.kind == "run" && !block.command.empty()) {
    return split_lines(run(block.command, folder));
  }
  if (block.kind == "run after") run(block.command, folder);
  std::vector<std::string> actual;
  for (std::size_t i = block.first; i < block.end; ++i) {
    if (lines[i].rfind("$ ", 0) != 0) continue;
    actual.push_back(lines[i]);
    for (const auto& printed : split_lines(run(lines[i].substr(2), folder)))
      actual.push_back(printed);
  }
  return actual;
}

// Run every example of one Markdown file; with `refresh`, rewrite the blocks
// that differ. Returns whether all matched (or were refreshed).
bool check_examples(const fs::path& path, const fs::path& source, const fs::path& build,
                    bool refresh) {
  std::vector<std::string> lines = read_lines(path);
  const auto line_at = [&lines](std::size_t i) {
    return lines.begin() + static_cast<std::ptrdiff_t>(i);
  };
  bool ok = true;
  const auto found = blocks(lines, path, ok);
  std::string name = path.lexically_relative(source).replace_extension().generic_string();
  for (char& c : name) c = c == '/' ? '_' : c;
  const fs::path folder = work_folder(source, build, name);
  // Later blocks first, so that rewriting one keeps the earlier indexes.
  std::vector<std::pair<const Block*, std::vector<std::string>>> rewrites;
  for (const Block& block : found) {
    const std::vector<std::string> expected(line_at(block.first), line_at(block.end));
    if (block.kind == "file") {
      std::ofstream out(folder / block.command);
      for (const auto& line : expected) out << line << '\n';
      continue;
    }
    const auto actual = actual_lines(block, lines, folder);
    if (matches(expected, 0, actual, 0)) continue;
    if (refresh) {
      rewrites.emplace_back(&block, actual);
      continue;
    }
    ok = false;
    std::cerr << path.string() << ":" << block.marker + 1
              << ": the example differs\n--- expected\n";
    for (const auto& line : expected) std::cerr << line << '\n';
    std::cerr << "--- actual\n";
    for (const auto& line : actual) std::cerr << line << '\n';
  }
  for (auto it = rewrites.rbegin(); it != rewrites.rend(); ++it) {
    const Block& block = *it->first;
    lines.erase(line_at(block.first), line_at(block.end));
    lines.insert(line_at(block.first), it->second.begin(), it->second.end());
    std::cout << "refreshed " << path.string() << ":" << block.marker + 1 << '\n';
  }
  if (!rewrites.empty()) {
    std::ofstream out(path);
    for (const auto& line : lines) out << line << '\n';
  }
  fs::remove_all(folder);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path source = ".", build = "build";
  bool refresh =
      std::getenv("REFRESH_DOCS") != nullptr && std::string(std::getenv("REFRESH_DOCS")) == "1";
  bool links = false, twins = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--source" && i + 1 < argc) {
      source = argv[++i];
    } else if (word == "--build" && i + 1 < argc) {
      build = argv[++i];
    } else if (word == "--refresh") {
      refresh = true;
    } else if (word == "--links") {
      links = true;
    } else if (word == "--twins") {
      twins = true;
    } else if (word.rfind("--", 0) == 0) {
      std::cerr << "doc_examples: error: unknown option " << word << '\n';
      return 2;
    } else {
      files.emplace_back(word);
    }
  }
  bool ok = !twins || doc_files::check_twins(source);
  for (const fs::path& file : files) {
    const fs::path path = file.is_absolute() ? file : source / file;
    ok =
        (links ? doc_files::check_links(path) : check_examples(path, source, build, refresh)) && ok;
  }
  if (!ok && !links && !twins) {
    std::cerr
        << "If the new output is right: REFRESH_DOCS=1 ctest --test-dir build -R docs.examples\n";
  }
  return ok ? 0 : 1;
}
