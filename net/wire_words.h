// The words of a wire line (net/wire.h): percent-encoded strings, node ids,
// and the error every decoder throws.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace consensus_lab::net {

// The longest line a node reads (a catch-up or a recovering master's
// Promise can carry many entries).
inline constexpr std::size_t kMaxLine = 8 * 1024 * 1024;

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "unknown WHAT 'WORD'" (the word cut at 40 bytes), then `after`.
DecodeError unknown_word(std::string_view what, std::string_view word, std::string_view after = "");

// Bytes other than letters, digits and `_.~=+:/@,-` become %XX; the empty
// string is a lone `%`.
std::string encode_string(std::string_view text);
std::string decode_string(std::string_view word);  // throws DecodeError

// Node ids as scenario files have them: letters, digits, '_' and '-',
// starting with a letter, at most 64 characters.
bool is_node_id(std::string_view word);

}  // namespace consensus_lab::net
