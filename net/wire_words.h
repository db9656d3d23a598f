// The words of a wire line (net/wire.h): percent-encoded strings, node ids,
// and the error every decoder throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "narration/text.h"

namespace consensus_lab::net {

// The longest line a node reads (a catch-up or a recovering master's
// Promise can carry many entries).
inline constexpr std::size_t kMaxLine = 8 * 1024 * 1024;

// What is wrong with a line, in English (what()) and in the notes' Chinese
// (reason()), for the log of a node started with --lang zh.
class DecodeError : public narration::TextError {
 public:
  using TextError::TextError;
};

// "unknown WHAT 'WORD'" (the word cut at 40 bytes), then `after`.
DecodeError unknown_word(const narration::Text& what, std::string_view word,
                         const narration::Text& after = {});

// Bytes other than letters, digits and `_.~=+:/@,-` become %XX; the empty
// string is a lone `%`.
std::string encode_string(std::string_view text);
std::string decode_string(std::string_view word);  // throws DecodeError

// Node ids as scenario files have them: letters, digits, '_' and '-',
// starting with a letter, at most 64 characters.
bool is_node_id(std::string_view word);

}  // namespace consensus_lab::net
