// One connection's bytes: TLS by default, the readable plain text when the
// process was started with --plaintext (net/tls.h). Whoever reads and writes
// lines (a node's connections, a peer link, a client) uses it as it would a
// socket: asio::async_read_until and asio::async_write take it as they are.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "net/asio_ssl.h"
#include "net/tls.h"

namespace consensus_lab::net {

class Stream {
 public:
  using executor_type = tcp::socket::executor_type;
  using Side = ssl::stream_base::handshake_type;

  // A connection accepted (`tls` null: plain text)…
  Stream(tcp::socket socket, ssl::context* tls) : tls_(tls) { reset(std::move(socket)); }
  // …or one to open with socket().async_connect.
  Stream(asio::io_context& io, ssl::context* tls) : tls_(tls) { reset(tcp::socket(io)); }

  executor_type get_executor() { return socket().get_executor(); }
  tcp::socket& socket() { return secure_ ? secure_->next_layer() : *plain_; }
  const tcp::socket& socket() const { return secure_ ? secure_->next_layer() : *plain_; }
  bool is_open() const { return socket().is_open(); }
  bool secure() const { return secure_ != nullptr; }
  // TLS: what the other side's certificate says (net/tls.h); plain text: none.
  std::optional<Certified> certified() const;
  // Why the handshake failed (for one log line).
  narration::Text handshake_failure(const boost::system::error_code& error) const;

  // TLS: the handshake; plain text: done at once.
  template <class Handler>
  void async_handshake(Side side, Handler&& handler) {
    if (secure_) return secure_->async_handshake(side, std::forward<Handler>(handler));
    asio::post(get_executor(),
               [h = std::forward<Handler>(handler)]() mutable { h(boost::system::error_code{}); });
  }
  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (secure_) return secure_->async_read_some(buffers, std::forward<Handler>(handler));
    plain_->async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (secure_) return secure_->async_write_some(buffers, std::forward<Handler>(handler));
    plain_->async_write_some(buffers, std::forward<Handler>(handler));
  }

  // Close the socket (no TLS goodbye: the other side sees the connection end).
  void close();
  // Close, and start again with a fresh socket: a TLS session cannot be
  // used twice.
  void reopen();

 private:
  void reset(tcp::socket socket);

  ssl::context* tls_;
  std::unique_ptr<ssl::stream<tcp::socket>> secure_;
  std::optional<tcp::socket> plain_;
};

}  // namespace consensus_lab::net
