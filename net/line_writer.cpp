#include "net/line_writer.h"

#include "net/wire_words.h"

namespace consensus_lab::net {

LineWriter& LineWriter::word(std::string_view w) {
  line_ += ' ';
  line_ += w;
  return *this;
}

LineWriter& LineWriter::text(std::string_view s) {
  return word(encode_string(s));
}

LineWriter& LineWriter::command(const Command& c) {
  switch (c.kind) {
    case Command::Kind::noop:
      return word("noop");
    case Command::Kind::put:
      return word("put").text(c.key).text(c.value).text(c.client).number(c.sequence);
    case Command::Kind::read:
      return word("read").text(c.key).text(c.client).number(c.sequence);
    case Command::Kind::add_replica:
      return word("add").word(c.key);
    case Command::Kind::remove_replica:
      return word("remove").word(c.key);
    case Command::Kind::add_learner:
      return word("learner").word(c.key);
  }
  return *this;
}

std::string encode(const Command& command) {
  std::string line = LineWriter("").command(command).done();
  return line.substr(1);  // without the leading space
}

}  // namespace consensus_lab::net
