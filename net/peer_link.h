// This node's connection to one peer. It carries this node's messages there
// (the connection the peer opens to this node carries the peer's), and
// nothing comes back on it: a read that ends means the peer closed it (it
// stopped, or rejected us). When it breaks, it is opened again after a
// back-off. Over TLS the peer must show the certificate of the node it
// should be (net/tls.h).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/types.h"
#include "narration/text.h"
#include "net/endpoint.h"
#include "net/stream.h"

namespace consensus_lab::net {

class PeerLink {
 public:
  // `hello`: the line that opens the connection (`peer PROTOCOL ID\n`);
  // `tls`: the node's client context (null: plain text); `complain`: told
  // once why the peer cannot be trusted (a wrong certificate), until it can.
  using Complain = std::function<void(const narration::Text&)>;
  PeerLink(asio::io_context& io, NodeId peer, Endpoint endpoint, std::string hello,
           ssl::context* tls, Complain complain)
      : io_(io),
        peer_(std::move(peer)),
        endpoint_(std::move(endpoint)),
        hello_(std::move(hello)),
        stream_(io, tls),
        retry_(io),
        guard_(io),
        complain_(std::move(complain)) {}
  PeerLink(const PeerLink&) = delete;
  PeerLink& operator=(const PeerLink&) = delete;

  void connect();
  // Lines for the peer, each ending in '\n', kept until send_queued(). A
  // batch's messages to one peer leave in one write — for a small batch one
  // TCP segment, one TLS record (at most 16 KB each) — so the peer reads them
  // together and handles them in one batch, with one fsync. While the link
  // is down they are dropped: to the protocols, a lost message.
  void queue(const std::string& lines);
  void send_queued() { write(); }

 private:
  void handshake();
  void on_connected();
  void write();
  void watch();
  void drop(bool alert = false);
  void retry();
  void distrust(const narration::Text& why);

  asio::io_context& io_;
  NodeId peer_;
  Endpoint endpoint_;
  std::string hello_;
  Stream stream_;
  asio::steady_timer retry_, guard_;  // guard_: the handshake's time limit
  Complain complain_;
  std::string complained_;  // the last complaint (English), said once
  bool connected_ = false, writing_ = false;
  bool refused_ = false;  // the last link ended as soon as it was up
  std::chrono::steady_clock::time_point up_since_{};
  Millis backoff_ = 10;
  std::string queued_, in_flight_;
};

}  // namespace consensus_lab::net
