#include "net/peer_link.h"

#include <algorithm>
#include <chrono>
#include <memory>

namespace consensus_lab::net {

void PeerLink::connect() {
  auto resolver = std::make_shared<tcp::resolver>(io_);
  resolver->async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                          [this, resolver](const boost::system::error_code& error,
                                           tcp::resolver::results_type results) {
                            if (error) return retry();
                            asio::async_connect(
                                socket_, results,
                                [this](const boost::system::error_code& e, const tcp::endpoint&) {
                                  if (e) return retry();
                                  on_connected();
                                });
                          });
}

void PeerLink::on_connected() {
  socket_.set_option(tcp::no_delay(true));
  connected_ = true;
  backoff_ = 10;
  queued_ = hello_ + queued_;
  write();
  watch();
}

void PeerLink::send(const std::string& lines) {
  if (!connected_) return;
  queued_ += lines;
  write();
}

void PeerLink::write() {
  if (writing_ || queued_.empty() || !connected_) return;
  writing_ = true;
  in_flight_.swap(queued_);
  asio::async_write(socket_, asio::buffer(in_flight_),
                    [this](const boost::system::error_code& error, std::size_t) {
                      writing_ = false;
                      in_flight_.clear();
                      if (error) return drop();
                      write();
                    });
}

void PeerLink::watch() {
  auto byte = std::make_shared<char>();
  socket_.async_read_some(asio::buffer(byte.get(), 1),
                          [this, byte](const boost::system::error_code& e, std::size_t) {
                            if (e) drop();
                          });
}

void PeerLink::drop() {
  if (!connected_) return;
  boost::system::error_code ignored;
  socket_.close(ignored);
  connected_ = false;
  writing_ = false;
  queued_.clear();
  in_flight_.clear();
  retry();
}

void PeerLink::retry() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  retry_.expires_after(std::chrono::milliseconds(backoff_));
  // At most 100 ms: well under an election timeout, so that a node that
  // restarts hears its leader before it gives up on it.
  backoff_ = std::min<Millis>(backoff_ * 2, 100);
  retry_.async_wait([this](const boost::system::error_code& e) {
    if (!e) connect();
  });
}

}  // namespace consensus_lab::net
