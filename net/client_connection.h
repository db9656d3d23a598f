// The client's connection to one node: a request line out, a reply line
// back, each within a time limit (net/client.h).
#pragma once

#include <optional>
#include <string>

#include "common/types.h"
#include "net/client_wire.h"
#include "net/endpoint.h"
#include "net/stream.h"
#include "net/wire_words.h"

namespace consensus_lab::net {

class ClientConnection {
 public:
  // `tls`: the client's TLS context (null: plain text). Over TLS the node
  // must show the certificate of `node`.
  ClientConnection(NodeId node, const Endpoint& endpoint, ssl::context* tls)
      : node_(std::move(node)), endpoint_(endpoint), stream_(io_, tls) {}

  const NodeId& node() const { return node_; }

  // The reply, or none: no connection, no answer in time, or garbage.
  std::optional<Reply> exchange(const std::string& line, Millis timeout);
  // Why the last exchange got no reply, when TLS said why (a certificate
  // refused, a node that is not the one meant, plain text on one side).
  const std::optional<narration::Text>& failure() const { return failure_; }
  void close();

 private:
  bool connect(Millis timeout);
  bool handshake(Millis timeout);

  NodeId node_;
  Endpoint endpoint_;
  asio::io_context io_;
  Stream stream_;
  std::optional<narration::Text> failure_;
  asio::streambuf buffer_{kMaxLine + 1};
  std::string out_;
};

}  // namespace consensus_lab::net
