// Why a node refuses a garbled line (net/wire.h): the decoder's reason in
// English as it always was, and in the notes' Chinese for a node started
// with --lang zh.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "net/wire.h"

using namespace consensus_lab;
using net::DecodeError;

namespace {

// The reason `decode` gives for `line`; empty when the line decodes.
narration::Text reason(const std::function<void(std::string_view)>& decode,
                       const std::string& line) {
  try {
    decode(line);
  } catch (const DecodeError& error) {
    CHECK(error.reason().en == error.what());
    return error.reason();
  }
  return {};
}

void raft_line(std::string_view line) {
  net::decode_raft(line);
}
void multipaxos_line(std::string_view line) {
  net::decode_multipaxos(line);
}
void hello_line(std::string_view line) {
  net::decode_hello(line);
}
void request_line(std::string_view line) {
  net::decode_request(line);
}
void reply_line(std::string_view line) {
  net::decode_reply(line);
}

}  // namespace

TEST_CASE("real mode: a garbled line's reason, in English and in the notes' Chinese") {
  CHECK(reason(request_line, "put x 3") ==
        narration::Text{"line ends before the key", "这一行在键之前就结束了"});
  CHECK(
      reason(raft_line, "AppendEntries term 1 leader A prev 0 0 commit 0 entries 2 [ 1 noop ]") ==
      narration::Text{"entries 2 is more than the line holds", "entries 2 超出了这一行所能容纳的"});
  CHECK(reason(raft_line, "Vote term 1 granted maybe") ==
        narration::Text{"granted must be yes or no, not 'maybe'",
                        "granted 只能是 yes 或 no，不能是 'maybe'"});
  CHECK(reason(raft_line, "Vote term") ==
        narration::Text{"line ends before the term", "这一行在任期编号之前就结束了"});
  CHECK(reason(raft_line, "Vote") ==
        narration::Text{"line ends before term", "这一行在 term 之前就结束了"});
}

TEST_CASE("real mode: every reason the wire decoder gives is in the notes' Chinese too") {
  const std::function<void(std::string_view)> decoders[] = {raft_line, multipaxos_line, hello_line,
                                                            request_line, reply_line};
  const std::string long_line(net::kMaxLine + 1, 'x');
  struct Garbled {
    int decoder;  // index into decoders
    std::string line;
  };
  const Garbled lines[] = {
      {3, long_line},
      {3, "get \x01"},
      {3, "get x "},
      {3, "get  x"},
      {3, "put x 3"},
      {3, "put % 1 x 1"},
      {3, "put bob 0 x 1"},
      {3, "put bob 01 x 1"},
      {3, "get x%2"},
      {3, "get x%zz"},
      {3, "get caf\xc3\xa9"},
      {3, "delete x"},
      {3, "get x y"},
      {2, "hello"},
      {2, "peer paxos A"},
      {2, "peer raft 9"},
      {4, "maybe"},
      {0, "Ping"},
      {0, "Vote term 1 granted maybe"},
      {0, "Vote turn 1 granted yes"},
      {0, "AppendEntries term 1 leader A prev 0 0 commit 0 entries 2 [ 1 noop ]"},
      {0, "AppendEntries term 1 leader A prev 0 0 commit 0 entries 1 [ 1 frob ]"},
      {1, "Ping"},
      {1, "Heartbeat ballot 1 commit 0 sent-at 99999999999999999999"},
      {1, "Heartbeat ballot 1 commit 0 sent-at 18446744073709551615"},
  };
  for (const auto& garbled : lines) {
    CAPTURE(garbled.line.substr(0, 80));
    const auto why = reason(decoders[garbled.decoder], garbled.line);
    CAPTURE(why.en);
    CHECK(!why.en.empty());
    CHECK(!why.zh.empty());
    CHECK(why.zh != why.en);
  }
}
