// The client's connection to one node: a request line out, a reply line
// back, each within a time limit (net/client.h).
#pragma once

#include <optional>
#include <string>

#include "common/types.h"
#include "net/asio.h"
#include "net/client_wire.h"
#include "net/endpoint.h"
#include "net/wire_words.h"

namespace consensus_lab::net {

class ClientConnection {
 public:
  ClientConnection(NodeId node, const Endpoint& endpoint)
      : node_(std::move(node)), endpoint_(endpoint) {}

  const NodeId& node() const { return node_; }

  // The reply, or none: no connection, no answer in time, or garbage.
  std::optional<Reply> exchange(const std::string& line, Millis timeout);
  void close();

 private:
  bool connect(Millis timeout);

  NodeId node_;
  Endpoint endpoint_;
  asio::io_context io_;
  tcp::socket socket_{io_};
  asio::streambuf buffer_{kMaxLine + 1};
  std::string out_;
};

}  // namespace consensus_lab::net
