// The wire format of real mode (DESIGN.md §6): one line of text per message,
// in the words the trace prints, so that `nc` shows readable traffic:
//
//   RequestVote term 5 candidate A last-log 3 2
//   AppendEntries term 4 leader A prev 3 1 commit 2 entries 1 [ 4 put x 3 c7 12 ]
//   Accept ballot 5 slot 2 commit 1 [ put x 3 c7 12 ]
//
// Words are separated by one space. Strings (keys, values, client ids) are
// percent-encoded: bytes other than letters, digits and `_.~=+:/@,-` become
// %XX, and the empty string is a lone `%`. Numbers are plain decimal.
//
// The decoder is strict: a line longer than kMaxLine, an unknown word, a
// missing or extra word, a number out of range, a count that does not match
// what follows — each is a DecodeError naming what is wrong, never a crash
// and never a half-read message.
//
// A connection begins with one line that says who is talking:
//   peer PROTOCOL ID        a node of the cluster (raft or multipaxos)
//   client                  a client; then requests, one per line:
//     put CLIENT SEQ KEY VALUE      → ok | redirect ID | retry
//     get KEY                       → value V | none | redirect ID | retry
// (a request that does not decode closes the connection; the reply `error
// TEXT` is part of the format, for a node that refuses a well-formed one).
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/command.h"
#include "multipaxos/messages.h"
#include "raft/messages.h"

namespace consensus_lab::net {

// The longest line a node reads (a catch-up or a recovering master's
// Promise can carry many entries).
inline constexpr std::size_t kMaxLine = 8 * 1024 * 1024;

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string encode_string(std::string_view text);
std::string decode_string(std::string_view word);  // throws DecodeError

// A command alone ("put x 3 c7 12", "noop"): how the data directory stores one.
std::string encode(const Command& command);
Command decode_command(std::string_view words);  // throws DecodeError

std::string encode(const raft::Message& message);
std::string encode(const multipaxos::Message& message);
raft::Message decode_raft(std::string_view line);              // throws DecodeError
multipaxos::Message decode_multipaxos(std::string_view line);  // throws DecodeError

// The first line of a connection.
struct PeerHello {
  std::string protocol;
  NodeId id;
};
struct ClientHello {};
using Hello = std::variant<PeerHello, ClientHello>;
std::string encode(const Hello& hello);
Hello decode_hello(std::string_view line);  // throws DecodeError

// Client requests and replies.
struct PutRequest {
  std::string client;
  std::uint64_t sequence = 0;
  std::string key, value;
};
struct GetRequest {
  std::string key;
};
using Request = std::variant<PutRequest, GetRequest>;
std::string encode(const Request& request);
Request decode_request(std::string_view line);  // throws DecodeError

struct Reply {
  enum class Kind { ok, value, none, redirect, retry, error } kind = Kind::error;
  std::string text;  // value: the value; redirect: the node; error: the reason
};
std::string encode(const Reply& reply);
Reply decode_reply(std::string_view line);  // throws DecodeError

// Node ids as scenario files have them: letters, digits, '_' and '-',
// starting with a letter, at most 64 characters.
bool is_node_id(std::string_view word);

}  // namespace consensus_lab::net
