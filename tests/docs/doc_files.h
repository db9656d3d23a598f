// What the docs' two checks share: reading a Markdown file, and the checks
// doc_links.cpp makes (its links, and its twin in the other language).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace doc_files {

std::vector<std::string> read_lines(const std::filesystem::path& path);

// Every relative link `](target)` of `path` names a file or folder that
// exists, and its `#anchor`, if any, a heading there.
bool check_links(const std::filesystem::path& path);

// Every chapter exists in both languages (README.md ↔ README.zh-CN.md,
// docs/X.md ↔ docs/zh/X.md), and the two link the same code: the same
// files and folders of the repository that are not chapters.
bool check_twins(const std::filesystem::path& source);

}  // namespace doc_files
