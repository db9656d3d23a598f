#include "net/wire_words.h"

namespace consensus_lab::net {

namespace {

bool plain(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '~' || c == '=' || c == '+' || c == ':' || c == '/' || c == '@' ||
         c == ',' || c == '-';
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
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (plain(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string decode_string(std::string_view word) {
  if (word == "%") return {};
  std::string out;
  out.reserve(word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (c == '%') {
      const int high = i + 2 < word.size() ? hex_value(word[i + 1]) : -1;
      const int low = i + 2 < word.size() ? hex_value(word[i + 2]) : -1;
      if (high < 0 || low < 0) {
        throw DecodeError(
            {"a % must be followed by two hex digits", "% 后面必须跟两个十六进制数字"});
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (plain(c)) {
      out += static_cast<char>(c);
    } else {
      const std::string code = std::to_string(c);
      throw DecodeError({"character not allowed in a string: code " + code,
                         "字符串里不允许出现的字符：编码 " + code});
    }
  }
  return out;
}

}  // namespace consensus_lab::net
