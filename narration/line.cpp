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

std::string join_names(const std::vector<NodeId>& names, Lang lang) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += lang == Lang::zh ? "、" : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace consensus_lab::narration
