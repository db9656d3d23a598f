// A line of narration: the reader's language, how the line should stand out,
// and the small helpers that print one. Shared by the simulator's narrator,
// its diagrams, the demos, the scenario runner and a real node's log.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/types.h"

namespace consensus_lab::narration {

// English, or the notes' Chinese.
enum class Lang { en, zh };

// How a line should stand out, when colour is on.
enum class Tone { plain, good, warn, bad, quiet };

struct Line {
  std::string text;
  Tone tone = Tone::plain;
};

// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
bool colour_wanted(std::FILE* stream);

// `text` wrapped in the ANSI colour for `tone` (unchanged when !colour).
std::string paint(std::string_view text, Tone tone, bool colour);
std::string bold(std::string_view text, bool colour);

// "A, B, C" (en) or "A、B、C" (zh).
std::string join_names(const std::vector<NodeId>& names, Lang lang);

}  // namespace consensus_lab::narration
