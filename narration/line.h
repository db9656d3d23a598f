// A line of narration: the reader's language, how the line should stand out,
// and the small helpers that print one. Shared by the simulator's narrator,
// its diagrams, the demos, the scenario runner and a real node's log.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/command.h"
#include "common/types.h"
#include "narration/text.h"

namespace consensus_lab::narration {

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

// A count towards a majority, in Chinese: "已收到 1 个，需要 2 个".
std::string received(std::size_t count, std::size_t needed);

// A command as a log shows it: "x←3", "noop"; in Chinese a membership change
// or a read is worded ("增加成员 D", "读 x"), in English it is to_string's.
std::string command_text(const Command& command, Lang lang);

// What a read answered: the value, or "none" (en) / "（无）" (zh).
std::string read_answer(const std::optional<std::string>& value, Lang lang);

// The code point starting at text[i], and how many bytes it takes (UTF-8).
std::pair<char32_t, std::size_t> code_point(std::string_view text, std::size_t i);
// East Asian wide characters: CJK ideographs and punctuation, fullwidth forms.
bool is_wide(char32_t c);
// How wide `text` shows in a terminal: a Chinese character (or a full-width
// mark) takes two columns, everything else one. For padding text into
// columns: std::setw counts bytes, and a Chinese character is three.
std::size_t display_width(std::string_view text);
// `text` followed by spaces up to `width` columns (unchanged when wider).
std::string pad_right(std::string_view text, std::size_t width);
// Spaces up to `width` columns, then `text`.
std::string pad_left(std::string_view text, std::size_t width);

}  // namespace consensus_lab::narration
