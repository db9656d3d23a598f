#include "tools/scenario/explore_line.h"

namespace consensus_lab::scenario {

ExploreBounds parse_explore(const Line& line) {
  ExploreBounds bounds;
  const Text usage{
      "usage: explore [depth N] [drops N] [duplicates N] [crashes N] [timers N] "
      "[timeouts ID…]",
      "用法：explore [depth N] [drops N] [duplicates N] [crashes N] [timers N] "
      "[timeouts ID…]"};
  std::size_t end = line.size();
  for (std::size_t i = 1; i < line.size(); i += 2) {
    if (line[i] != "timeouts") continue;
    if (i + 1 == line.size()) fail(usage);
    bounds.timeouts.assign(line.words.begin() + static_cast<std::ptrdiff_t>(i + 1),
                           line.words.end());
    end = i;
    break;
  }
  if (end % 2 == 0) fail(usage);
  for (std::size_t i = 1; i + 1 < end; i += 2) {
    const std::string& name = line[i];
    std::optional<std::uint64_t>* bound = name == "depth"        ? &bounds.depth
                                          : name == "drops"      ? &bounds.drops
                                          : name == "duplicates" ? &bounds.duplicates
                                          : name == "crashes"    ? &bounds.crashes
                                          : name == "timers"     ? &bounds.timers
                                                                 : nullptr;
    if (!bound) {
      fail({"'" + name +
                "' is not a bound of explore (depth, drops, duplicates, crashes, timers, "
                "timeouts)",
            "'" + name +
                "' 不是 `explore` 的上限（`depth`、`drops`、`duplicates`、`crashes`、`timers`、"
                "`timeouts`）"});
    }
    if (*bound) fail({name + " is given twice", "`" + name + "` 写了两次"});
    *bound = parse_number(line[i + 1], {"the bound " + name, "上限 " + name});
  }
  return bounds;
}

}  // namespace consensus_lab::scenario
