#include "narration/line.h"

#include <unistd.h>
#include <cstdlib>

namespace consensus_lab::narration {

bool colour_wanted(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return ::isatty(::fileno(stream)) != 0;
}

namespace {

const char* ansi_code(Tone tone) {
  switch (tone) {
    case Tone::good:
      return "\x1b[32m";  // green
    case Tone::warn:
      return "\x1b[33m";  // yellow
    case Tone::bad:
      return "\x1b[31m";  // red
    case Tone::quiet:
      return "\x1b[2m";  // dim
    case Tone::plain:
      break;
  }
  return "";
}

}  // namespace

std::string paint(std::string_view text, Tone tone, bool colour) {
  if (!colour || text.empty() || tone == Tone::plain) return std::string(text);
  return ansi_code(tone) + std::string(text) + "\x1b[0m";
}

std::string bold(std::string_view text, bool colour) {
  if (!colour) return std::string(text);
  return "\x1b[1m" + std::string(text) + "\x1b[0m";
}

std::string received(std::size_t count, std::size_t needed) {
  return "已收到 " + std::to_string(count) + " 个，需要 " + std::to_string(needed) + " 个";
}

std::string command_text(const Command& command, Lang lang) {
  if (lang == Lang::en) return to_string(command);
  return spell(command, {.assign = "←",
                         .add = "增加成员",
                         .remove = "移除成员",
                         .read = "读",
                         .before_key = " ",
                         .learner = "增加学习者"});
}

std::string read_answer(const std::optional<std::string>& value, Lang lang) {
  return value.value_or(lang == Lang::zh ? "（无）" : "none");
}

std::pair<char32_t, std::size_t> code_point(std::string_view text, std::size_t i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  const std::size_t size = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
  if (size == 1 || i + size > text.size()) return {byte, 1};
  char32_t point = byte & (0x7F >> size);
  for (std::size_t k = 1; k < size; ++k) {
    point = (point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  return {point, size};
}

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6);
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto [c, size] = code_point(text, i);
    width += is_wide(c) ? 2u : 1u;
    i += size;
  }
  return width;
}

std::string pad_right(std::string_view text, std::size_t width) {
  const std::size_t used = display_width(text);
  return std::string(text) + std::string(used < width ? width - used : 0, ' ');
}

std::string pad_left(std::string_view text, std::size_t width) {
  const std::size_t used = display_width(text);
  return std::string(used < width ? width - used : 0, ' ') + std::string(text);
}

std::string join_names(const std::vector<NodeId>& names, Lang lang) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += lang == Lang::zh ? "、" : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace consensus_lab::narration
