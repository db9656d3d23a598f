// A text in English and in the notes' Chinese. Header-only and free of
// dependencies, so that protocol code can say why it refused a message in
// both languages (raft/validate.cpp, multipaxos/check.cpp) without doing any
// narration itself; narration/line.h prints it.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace consensus_lab::narration {

// English, or the notes' Chinese.
enum class Lang { en, zh };

// A text in English and in the notes' Chinese: a check's name, what broke
// it, an error, a line of help, a refused message's reason. A test's own
// text may give only the English, which then stands in for the Chinese.
struct Text {
  Text() = default;
  Text(const char* english) : en(english) {}             // NOLINT: implicit on purpose
  Text(std::string english) : en(std::move(english)) {}  // NOLINT: implicit on purpose
  Text(std::string english, std::string chinese) : en(std::move(english)), zh(std::move(chinese)) {}
  std::string en, zh;
  bool operator==(const Text&) const = default;

  const std::string& in(Lang lang) const { return lang == Lang::zh && !zh.empty() ? zh : en; }
};

// An error that says what went wrong in both languages: what() is the
// English, reason() both (net::DecodeError, net::StorageError).
class TextError : public std::runtime_error {
 public:
  explicit TextError(Text reason) : std::runtime_error(reason.en), reason_(std::move(reason)) {}
  const Text& reason() const { return reason_; }

 private:
  Text reason_;
};

}  // namespace consensus_lab::narration
