#include "net/peer_link.h"

#include <algorithm>
#include <chrono>
#include <memory>

namespace consensus_lab::net {

void PeerLink::connect() {
  stream_.reopen();
  auto resolver = std::make_shared<tcp::resolver>(io_);
  resolver->async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                          [this, resolver](const boost::system::error_code& error,
                                           tcp::resolver::results_type results) {
                            if (error) return retry();
                            asio::async_connect(
                                stream_.socket(), results,
                                [this](const boost::system::error_code& e, const tcp::endpoint&) {
                                  if (e) {
                                    refused_ = false;  // down, not refusing: retry soon
                                    return retry();
                                  }
                                  handshake();
                                });
                          });
}

void PeerLink::handshake() {
  boost::system::error_code ignored;
  stream_.socket().set_option(tcp::no_delay(true), ignored);
  // A handshake that never ends (a peer that stopped answering, packets
  // lost without a reset) is given up after 3 s, and the link tried again.
  guard_.expires_after(std::chrono::seconds(3));
  guard_.async_wait([this](const boost::system::error_code& e) {
    if (!e) stream_.close();
  });
  stream_.async_handshake(Stream::Side::client, [this](const boost::system::error_code& e) {
    guard_.cancel();
    if (e) {
      // A TLS refusal is told; a connection that just ended (the peer
      // stopped, or a proxy between us has no peer yet) is retried quietly.
      if (e.category() == asio::error::get_ssl_category() && e != ssl::error::stream_truncated) {
        distrust(stream_.handshake_failure(e));
      }
      return retry();
    }
    if (stream_.secure() && stream_.certified() != Certified{Certified::Role::node, peer_}) {
      const auto shown = stream_.certified();
      const std::string who = shown ? shown->id : "?";
      distrust(
          {"the node at " + endpoint_.text() + " is not " + peer_ + " (its certificate names " +
               who + ")",
           "位于 " + endpoint_.text() + " 的节点不是 " + peer_ + "（它的证书写的是 " + who + "）"});
      return retry();
    }
    on_connected();
  });
}

// Said once, until the link works again.
void PeerLink::distrust(const narration::Text& why) {
  if (why.en == complained_) return;
  complained_ = why.en;
  complain_({"cannot reach " + peer_ + ": " + why.en, "无法连接 " + peer_ + "：" + why.zh});
}

void PeerLink::on_connected() {
  connected_ = true;
  up_since_ = std::chrono::steady_clock::now();
  queued_ = hello_ + queued_;
  write();
  watch();
}

void PeerLink::queue(const std::string& lines) {
  if (connected_) queued_ += lines;
}

void PeerLink::write() {
  if (writing_ || queued_.empty() || !connected_) return;
  writing_ = true;
  in_flight_.swap(queued_);
  asio::async_write(stream_, asio::buffer(in_flight_),
                    [this](const boost::system::error_code& error, std::size_t) {
                      writing_ = false;
                      in_flight_.clear();
                      if (error) return drop();
                      write();
                    });
}

void PeerLink::watch() {
  auto byte = std::make_shared<char>();
  stream_.async_read_some(
      asio::buffer(byte.get(), 1), [this, byte](const boost::system::error_code& e, std::size_t) {
        if (!e) return;
        // An alert: the peer refused this node's certificate
        // (TLS 1.3 tells the client after its handshake).
        const bool alert =
            e.category() == asio::error::get_ssl_category() && e != ssl::error::stream_truncated;
        if (alert) distrust(stream_.handshake_failure(e));
        drop(alert);
      });
}

void PeerLink::drop(bool alert) {
  if (!connected_) return;
  // A link that stayed up a second worked: the next failure is told again,
  // and retried soon. One the peer ended with an alert, or at once, refused
  // this node: it is retried slowly.
  const auto up = std::chrono::steady_clock::now() - up_since_;
  if (up > std::chrono::seconds(1)) {
    backoff_ = 10;
    refused_ = false;
    complained_.clear();
  } else if (alert || up < std::chrono::milliseconds(50)) {
    refused_ = true;
  }
  stream_.close();
  connected_ = false;
  writing_ = false;
  queued_.clear();
  in_flight_.clear();
  retry();
}

void PeerLink::retry() {
  stream_.close();
  retry_.expires_after(std::chrono::milliseconds(backoff_));
  // At most 100 ms: well under an election timeout, so that a node that
  // restarts hears its leader before it gives up on it. A peer that closed
  // the link right after the handshake refuses this node: at most every 5 s.
  backoff_ = std::min<Millis>(backoff_ * 2, refused_ ? 5000 : 100);
  retry_.async_wait([this](const boost::system::error_code& e) {
    if (!e) connect();
  });
}

}  // namespace consensus_lab::net
