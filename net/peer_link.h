// This node's connection to one peer. It carries this node's messages there
// (the connection the peer opens to this node carries the peer's), and
// nothing comes back on it: a read that ends means the peer closed it (it
// stopped, or rejected us). When it breaks, it is opened again after a
// back-off.
#pragma once

#include <string>

#include "common/types.h"
#include "net/asio.h"
#include "net/endpoint.h"

namespace consensus_lab::net {

class PeerLink {
 public:
  // `hello`: the line that opens the connection (`peer PROTOCOL ID\n`).
  PeerLink(asio::io_context& io, Endpoint endpoint, std::string hello)
      : io_(io),
        endpoint_(std::move(endpoint)),
        hello_(std::move(hello)),
        socket_(io),
        retry_(io) {}
  PeerLink(const PeerLink&) = delete;
  PeerLink& operator=(const PeerLink&) = delete;

  void connect();
  // Lines for the peer, each ending in '\n'. While the link is down they are
  // dropped: to the protocols, a lost message.
  void send(const std::string& lines);

 private:
  void on_connected();
  void write();
  void watch();
  void drop();
  void retry();

  asio::io_context& io_;
  Endpoint endpoint_;
  std::string hello_;
  tcp::socket socket_;
  asio::steady_timer retry_;
  bool connected_ = false, writing_ = false;
  Millis backoff_ = 10;
  std::string queued_, in_flight_;
};

}  // namespace consensus_lab::net
