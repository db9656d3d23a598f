// A connection someone opened to this node: a peer's messages or a client's
// requests, one per line. Its first line says which (net/client_wire.h); the
// node gets every later line.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/types.h"
#include "narration/text.h"
#include "net/stream.h"

namespace consensus_lab::net {

class Node;

class IncomingConnection : public std::enable_shared_from_this<IncomingConnection> {
 public:
  // `tls`: the node's TLS context (net/tls.h); null with --plaintext.
  IncomingConnection(Node& node, tcp::socket socket, ssl::context* tls);

  // The TLS handshake (a connection whose certificate the CA did not sign,
  // or that has expired, is turned away), then the lines.
  void start();
  // A client's request that will be answered (now or once it is applied):
  // the connection stays open for the answer even if the client has already
  // closed its sending side (`nc -N`, a script that writes and waits).
  void expect_answer() { ++awaiting_; }
  void reply(std::string line);
  // A line for a watcher (the live view): not an answer. A watcher that
  // falls more than a megabyte behind is dropped (it reconnects).
  void push(const std::string& line);
  bool is_open() const { return stream_.is_open(); }
  // May this connection write (put, change the membership)? With
  // --writes-need-certificate only a connection that showed a certificate
  // of the cluster's CA may.
  bool certified() const { return certified_.has_value(); }
  void close();
  // The peer's id, or "a connection from 127.0.0.1:51234" ("127.0.0.1:51234" in
  // Chinese): for the log.
  narration::Text who() const;

 private:
  void read();
  void take_lines();
  void on_line(std::string line);
  void on_hello(const std::string& line);
  std::optional<narration::Text> not_a_member(const NodeId& claimed) const;
  void write();
  void close_when_answered();

  Node& node_;
  Stream stream_;
  std::optional<Certified> certified_;  // what its certificate says (TLS)
  asio::streambuf buffer_;
  enum class Kind { unknown, peer, client } kind_ = Kind::unknown;
  NodeId peer_;
  std::string out_, writing_;
  int awaiting_ = 0;         // requests not answered yet
  bool input_done_ = false;  // the client sent all it will send
};

}  // namespace consensus_lab::net
