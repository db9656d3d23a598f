// Reading a line of the wire format (net/wire.h) word by word. The reader is
// strict: a line longer than kMaxLine, a control character, an unknown word,
// a missing or extra word, a number out of range, a count that does not
// match what follows — each is a DecodeError naming what is wrong, never a
// crash and never a half-read message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/command.h"
#include "common/types.h"
#include "net/wire_words.h"

namespace consensus_lab::net {

class LineReader {
 public:
  explicit LineReader(std::string_view line);  // throws DecodeError

  // The next word; `what` names it in the error when the line ends first.
  std::string_view next(std::string_view what);
  void expect(std::string_view keyword);
  std::uint64_t number(std::string_view what);
  // A named number: "term 5" (`keyword`, then a number called `what`).
  std::uint64_t field(std::string_view keyword, std::string_view what) {
    expect(keyword);
    return number(what);
  }
  Millis millis(std::string_view what);
  // A named yes or no: "granted yes".
  bool flag(std::string_view keyword);
  std::string text(std::string_view what);  // percent-encoded
  NodeId node(std::string_view what);
  Command command();

  // A count, then that many items between brackets: "entries 2 [ … ] [ … ]".
  // Each item is at least `min_bytes` long (" [ 1 noop ]"): a count the rest
  // of the line cannot hold is refused before anything is reserved.
  // read_one() reads what stands between the brackets.
  template <class ReadOne>
  auto list(std::string_view keyword, std::size_t min_bytes, ReadOne read_one) {
    expect(keyword);
    const std::size_t n = count(keyword, min_bytes);
    std::vector<std::invoke_result_t<ReadOne>> items;
    items.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      expect("[");
      items.push_back(read_one());
      expect("]");
    }
    return items;
  }

  // The line must end here; returns what was read from it.
  template <class T>
  T finish(T value) {
    end();
    return value;
  }
  void end();
  // Whether the line ends here (an optional last field follows otherwise).
  bool at_end() const { return pos_ >= line_.size(); }

 private:
  // A word as an error message shows it: at most 40 bytes.
  static std::string shown(std::string_view w);
  std::size_t count(std::string_view what, std::size_t min_bytes);

  std::string_view line_;
  std::size_t pos_ = 0;
};

// A whole line: its first word (called `what` in errors) says what follows;
// read_rest(reader, first) reads the rest, and the line must end there.
// The decoders build a message with designated initialisers, `Vote{.term =
// …, .vote_granted = …}`: a braced list is evaluated left to right, so the
// fields are read in the order they stand on the line.
template <class ReadRest>
auto decode_line(std::string_view line, std::string_view what, ReadRest read_rest) {
  LineReader r(line);
  const std::string_view first = r.next(what);
  return r.finish(read_rest(r, first));
}

// A command alone ("put x 3 c7 12", "noop"): how the data directory stores one.
Command decode_command(std::string_view words);  // throws DecodeError

}  // namespace consensus_lab::net
