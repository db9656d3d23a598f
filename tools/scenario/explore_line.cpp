#include "tools/scenario/explore_line.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace consensus_lab::scenario {

namespace {

constexpr std::array<std::string_view, 8> kBounds{"depth",  "drops", "duplicates", "crashes",
                                                  "timers", "tick",  "timeouts",   "puts"};

bool is_bound(const std::string& word) {
  return std::find(kBounds.begin(), kBounds.end(), word) != kBounds.end();
}

}  // namespace

bool put_word(const std::string& put) {
  const auto equals = put.find('=');
  return equals != std::string::npos && equals > 0 && equals + 1 < put.size() &&
         put.find_first_of(" \t#=", equals + 1) == std::string::npos &&
         put.find_first_of(" \t#") == std::string::npos;
}

ExploreBounds parse_explore(const Line& line) {
  ExploreBounds bounds;
  const Text usage{
      "usage: explore [depth N] [drops N] [duplicates N] [crashes N] [timers N] [tick MS] "
      "[timeouts ID…] [puts KEY=VALUE…]",
      "用法：explore [depth N] [drops N] [duplicates N] [crashes N] [timers N] [tick MS] "
      "[timeouts ID…] [puts KEY=VALUE…]"};
  std::size_t i = 1;
  while (i < line.size()) {
    const std::string& name = line[i];
    if (!is_bound(name)) {
      fail({"'" + name +
                "' is not a bound of explore (depth, drops, duplicates, crashes, timers, "
                "tick, timeouts, puts)",
            "'" + name +
                "' 不是 `explore` 的上限（`depth`、`drops`、`duplicates`、`crashes`、`timers`、"
                "`tick`、`timeouts`、`puts`）"});
    }
    if (name == "timeouts" || name == "puts") {  // a list, up to the next bound
      auto& list = name == "timeouts" ? bounds.timeouts : bounds.puts;
      if (!list.empty()) fail({name + " is given twice", "`" + name + "` 写了两次"});
      for (++i; i < line.size() && !is_bound(line[i]); ++i) {
        if (name == "puts" && !put_word(line[i])) {
          fail({"puts takes KEY=VALUE, not '" + line[i] + "'",
                "`puts` 的写法是 `KEY=VALUE`，而不是 '" + line[i] + "'"});
        }
        list.push_back(line[i]);
      }
      if (list.empty()) fail(usage);
      continue;
    }
    if (i + 1 == line.size()) fail(usage);
    std::optional<std::uint64_t>* bound = name == "depth"        ? &bounds.depth
                                          : name == "drops"      ? &bounds.drops
                                          : name == "duplicates" ? &bounds.duplicates
                                          : name == "crashes"    ? &bounds.crashes
                                          : name == "tick"       ? &bounds.tick
                                                                 : &bounds.timers;
    if (*bound) fail({name + " is given twice", "`" + name + "` 写了两次"});
    *bound = parse_number(line[i + 1], {"the bound " + name, "上限 `" + name + "` "});
    i += 2;
  }
  return bounds;
}

}  // namespace consensus_lab::scenario
