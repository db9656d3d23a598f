// The first line of a connection, and clients' requests and replies, on the
// wire (net/wire.h):
//
//   peer PROTOCOL ID        a node of the cluster (raft or multipaxos)
//   client                  a client; then requests, one per line:
//     put CLIENT SEQ KEY VALUE      → ok | redirect ID | retry
//     get KEY                       → value V | none | redirect ID | retry
//
// (A request that does not decode closes the connection; the reply `error
// TEXT` is part of the format, for a node that refuses a well-formed one.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/types.h"

namespace consensus_lab::net {

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

  // The answer to a read: `value V`, or `none` when the key holds nothing.
  static Reply to_read(const std::optional<std::string>& value) {
    return value ? Reply{Kind::value, *value} : Reply{Kind::none, {}};
  }
};
std::string encode(const Reply& reply);
Reply decode_reply(std::string_view line);  // throws DecodeError

}  // namespace consensus_lab::net
