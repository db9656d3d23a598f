#include "viewer/json_check.h"

#include <cctype>

namespace consensus_lab::viewer {

namespace {

// A recursive-descent reader that only says whether the text parses.
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  bool object_only() {
    space();
    if (peek() != '{' || !value(0)) return false;
    space();
    return i_ == s_.size();
  }

 private:
  static constexpr int kDeepest = 32;

  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool eat(char c) {
    space();
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  bool value(int depth) {
    if (depth > kDeepest) return false;
    space();
    switch (peek()) {
      case '{':
        return members(depth);
      case '[':
        return elements(depth);
      case '"':
        return string();
      case 't':
        return word("true");
      case 'f':
        return word("false");
      case 'n':
        return word("null");
      default:
        return number();
    }
  }
  bool members(int depth) {
    ++i_;
    if (eat('}')) return true;
    do {
      space();
      if (!string() || !eat(':') || !value(depth + 1)) return false;
    } while (eat(','));
    return eat('}');
  }
  bool elements(int depth) {
    ++i_;
    if (eat(']')) return true;
    do {
      if (!value(depth + 1)) return false;
    } while (eat(','));
    return eat(']');
  }
  bool string() {
    if (peek() != '"') return false;
    for (++i_; i_ < s_.size(); ++i_) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') return ++i_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++i_ >= s_.size()) return false;
        const char e = s_[i_];
        if (e == 'u') {
          for (int k = 0; k < 4; ++k) {
            if (++i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_])))
              return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
      }
    }
    return false;
  }
  bool number() {
    const std::size_t start = i_;
    if (peek() == '-') ++i_;
    const std::size_t digits = i_;
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
    if (i_ == digits || (s_[digits] == '0' && i_ - digits > 1)) return false;
    if (peek() == '.') {
      const std::size_t after = ++i_;
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
      if (i_ == after) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      const std::size_t after = i_;
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
      if (i_ == after) return false;
    }
    return i_ > start;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

bool is_json_object(std::string_view text) {
  return !text.empty() && text.front() == '{' && text.back() == '}' &&
         text.find('<') == std::string_view::npos && Reader(text).object_only();
}

}  // namespace consensus_lab::viewer
