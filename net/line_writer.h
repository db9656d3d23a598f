// Writing a line of the wire format (net/wire.h) word by word.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/command.h"

namespace consensus_lab::net {

class LineWriter {
 public:
  // The line's first word: the message type, the request, the reply.
  explicit LineWriter(std::string_view first) : line_(first) {}

  LineWriter& word(std::string_view w);
  LineWriter& number(std::uint64_t n) { return word(std::to_string(n)); }
  LineWriter& text(std::string_view s);  // percent-encoded
  // A named number: "term 5".
  LineWriter& field(std::string_view keyword, std::uint64_t n) { return word(keyword).number(n); }
  // A named yes or no: "granted yes".
  LineWriter& flag(std::string_view keyword, bool yes) {
    return word(keyword).word(yes ? "yes" : "no");
  }
  // "put x 3 c7 12", "noop", …
  LineWriter& command(const Command& c);
  // A count, then each item between brackets: "entries 2 [ … ] [ … ]".
  // write_one(item) writes what goes between the brackets.
  template <class Items, class WriteOne>
  LineWriter& list(std::string_view keyword, const Items& items, WriteOne write_one) {
    field(keyword, items.size());
    for (const auto& item : items) {
      word("[");
      write_one(item);
      word("]");
    }
    return *this;
  }

  std::string done() { return std::move(line_); }

 private:
  std::string line_;
};

// A command alone ("put x 3 c7 12", "noop"): how the data directory stores one.
std::string encode(const Command& command);

}  // namespace consensus_lab::net
