// The docs' links, followed, and the two languages' chapters, paired.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <set>
#include <utility>

#include "doc_files.h"

namespace fs = std::filesystem;

namespace doc_files {

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

namespace {

// Whether a character outside ASCII is punctuation or a symbol, which
// GitHub's anchors drop (they keep letters, marks, digits, '_', '-' and
// spaces): Latin-1's signs, general punctuation to the symbol blocks (— … ←
// ≤ ✓), CJK punctuation (，。、「」 but not 々 or 〇), full-width ASCII signs.
bool punctuation_or_symbol(std::uint32_t c) {
  return (c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) ||
         (c >= 0x3000 && c <= 0x303F && c != 0x3005 && c != 0x3007) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF01 && c <= 0xFF0F) ||
         (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
         (c >= 0xFF5B && c <= 0xFF65);
}

// GitHub's anchor for a heading: lower case, spaces to '-', punctuation and
// symbols other than '-' and '_' dropped, letters (Chinese among them) kept.
std::string anchor(const std::string& heading) {
  std::string slug;
  for (std::size_t i = 0; i < heading.size();) {
    const auto u = static_cast<unsigned char>(heading[i]);
    if (u >= 0x80) {
      // One UTF-8 sequence: its length from the lead byte.
      const std::size_t length = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : 2;
      std::uint32_t c = u & (0x3F >> (length - 1));
      for (std::size_t k = 1; k < length && i + k < heading.size(); ++k)
        c = (c << 6) | (static_cast<unsigned char>(heading[i + k]) & 0x3F);
      if (!punctuation_or_symbol(c)) slug += heading.substr(i, length);
      i += length;
      continue;
    }
    if (std::isalnum(u) || u == '-' || u == '_') {
      slug += static_cast<char>(std::tolower(u));
    } else if (u == ' ') {
      slug += '-';
    }
    ++i;
  }
  return slug;
}

bool has_anchor(const fs::path& file, const std::string& wanted) {
  for (const auto& line : read_lines(file)) {
    const auto text = line.find_first_not_of('#');
    if (text == 0 || text == std::string::npos || line[text] != ' ') continue;
    if (anchor(line.substr(text + 1)) == wanted) return true;
  }
  return false;
}

// A relative link of a Markdown file: its line (from 1) and its target.
struct Link {
  std::size_t line;
  std::string target;
};

// Every relative link `](target)` outside fenced blocks.
std::vector<Link> relative_links(const std::vector<std::string>& lines) {
  std::vector<Link> links;
  std::string fence;  // the open fence: ``` or longer (a block that shows ``` inside)
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("```", 0) == 0) {
      const std::string ticks = lines[i].substr(0, lines[i].find_first_not_of('`'));
      if (fence.empty()) {
        fence = ticks;
      } else if (ticks == fence) {
        fence.clear();
      }
      continue;
    }
    if (!fence.empty()) continue;
    for (auto at = lines[i].find("]("); at != std::string::npos; at = lines[i].find("](", at + 2)) {
      const auto close = lines[i].find(')', at);
      if (close == std::string::npos) continue;
      std::string target = lines[i].substr(at + 2, close - at - 2);
      if (target.empty() || target.find("://") != std::string::npos ||
          target.rfind("mailto:", 0) == 0)
        continue;
      links.push_back(Link{i + 1, std::move(target)});
    }
  }
  return links;
}

// The repository paths of the code a chapter links: every linked file or
// folder that is not a Markdown chapter, without its anchor.
std::set<std::string> code_links(const fs::path& source, const fs::path& chapter) {
  std::set<std::string> code;
  for (const Link& link : relative_links(read_lines(chapter))) {
    const std::string target = link.target.substr(0, link.target.find('#'));
    if (target.empty()) continue;
    const fs::path file = (chapter.parent_path() / target).lexically_normal();
    if (file.extension() == ".md") continue;
    std::string path = file.lexically_relative(source.lexically_normal()).generic_string();
    while (!path.empty() && path.back() == '/') path.pop_back();
    code.insert(path);
  }
  return code;
}

// The pairs (English, Chinese) of chapters that exist in either language.
std::vector<std::pair<fs::path, fs::path>> twins(const fs::path& source) {
  std::vector<std::pair<fs::path, fs::path>> pairs{
      {source / "README.md", source / "README.zh-CN.md"}};
  std::set<std::string> names;
  for (const fs::path& folder : {source / "docs", source / "docs" / "zh"}) {
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.path().extension() == ".md") names.insert(entry.path().filename().string());
    }
  }
  for (const auto& name : names)
    pairs.emplace_back(source / "docs" / name, source / "docs" / "zh" / name);
  return pairs;
}

}  // namespace

bool check_links(const fs::path& path) {
  bool ok = true;
  for (const Link& link : relative_links(read_lines(path))) {
    const auto hash = link.target.find('#');
    const fs::path file = hash == 0 ? path : path.parent_path() / link.target.substr(0, hash);
    std::string problem;
    if (!fs::exists(file)) {
      problem = "no such file";
    } else if (hash != std::string::npos && !has_anchor(file, link.target.substr(hash + 1))) {
      problem = "no such heading";
    }
    if (problem.empty()) continue;
    std::cerr << path.string() << ":" << link.line << ": " << link.target << ": " << problem
              << '\n';
    ok = false;
  }
  return ok;
}

bool check_twins(const fs::path& source) {
  bool ok = true;
  for (const auto& [english, chinese] : twins(source)) {
    const bool has_english = fs::exists(english), has_chinese = fs::exists(chinese);
    if (!has_english || !has_chinese) {
      std::cerr << (has_english ? english : chinese).string() << ": no twin in "
                << (has_english ? "Chinese" : "English") << " ("
                << (has_english ? chinese : english).string() << ")\n";
      ok = false;
      continue;
    }
    const auto in_english = code_links(source, english), in_chinese = code_links(source, chinese);
    for (const auto& path : in_english) {
      if (in_chinese.count(path) == 0) {
        std::cerr << chinese.string() << ": does not link " << path << " as " << english.string()
                  << " does\n";
        ok = false;
      }
    }
    for (const auto& path : in_chinese) {
      if (in_english.count(path) == 0) {
        std::cerr << english.string() << ": does not link " << path << " as " << chinese.string()
                  << " does\n";
        ok = false;
      }
    }
  }
  return ok;
}

}  // namespace doc_files
