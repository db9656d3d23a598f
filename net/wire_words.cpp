#include "net/wire_words.h"

#include <array>
#include <string>

namespace consensus_lab::net {

namespace {

// The bytes a string carries as they are; every other byte is written %XX.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (std::size_t c = 0; c < plain.size(); ++c) {
    plain[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("_.~=+:/@,-").find(static_cast<char>(c)) != std::string_view::npos;
  }
  return plain;
}();

bool plain(unsigned char c) {
  return kPlain[c];
}

// Where the run of plain bytes that starts at `from` ends.
std::size_t plain_run(std::string_view text, std::size_t from) {
  while (from < text.size() && plain(static_cast<unsigned char>(text[from]))) ++from;
  return from;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

DecodeError unknown_word(const narration::Text& what, std::string_view word,
                         const narration::Text& after) {
  const std::string quoted = "'" + std::string(word.substr(0, 40)) + "'";
  return DecodeError(
      {"unknown " + what.en + " " + quoted + after.en,
       "未知的" + what.in(narration::Lang::zh) + " " + quoted + after.in(narration::Lang::zh)});
}

bool is_node_id(std::string_view word) {
  if (word.empty() || word.size() > 64) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(word[0])) return false;
  for (char c : word) {
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') return false;
  }
  return true;
}

std::string encode_string(std::string_view text) {
  if (text.empty()) return "%";
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t end = plain_run(text, i);
    out.append(text.substr(i, end - i));  // a run of plain bytes at once
    if (end == text.size()) break;
    const auto c = static_cast<unsigned char>(text[end]);
    const char escaped[3] = {'%', kHex[c >> 4], kHex[c & 15]};
    out.append(escaped, 3);
    i = end + 1;
  }
  return out;
}

std::string decode_string(std::string_view word) {
  if (word == "%") return {};
  std::string out;
  out.reserve(word.size());
  for (std::size_t i = 0; i < word.size();) {
    const std::size_t end = plain_run(word, i);
    out.append(word.substr(i, end - i));
    if (end == word.size()) break;
    if (word[end] != '%') {
      const std::string code = std::to_string(static_cast<unsigned char>(word[end]));
      throw DecodeError({"character not allowed in a string: code " + code,
                         "字符串里不允许出现的字符：编码 " + code});
    }
    const int high = end + 2 < word.size() ? hex_value(word[end + 1]) : -1;
    const int low = end + 2 < word.size() ? hex_value(word[end + 2]) : -1;
    if (high < 0 || low < 0) {
      throw DecodeError({"a % must be followed by two hex digits", "% 后面必须跟两个十六进制数字"});
    }
    out += static_cast<char>(high * 16 + low);
    i = end + 3;
  }
  return out;
}

}  // namespace consensus_lab::net
