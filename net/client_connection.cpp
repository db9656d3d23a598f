#include "net/client_connection.h"

#include <chrono>

namespace consensus_lab::net {

std::optional<Reply> ClientConnection::exchange(const std::string& line, Millis timeout) {
  if (!stream_.is_open() && !connect(timeout)) return std::nullopt;
  out_ = line;
  bool failed = false;
  std::optional<std::string> answer;
  asio::async_write(stream_, asio::buffer(out_),
                    [&](const boost::system::error_code& error, std::size_t) {
                      if (error) failed = true;
                    });
  asio::async_read_until(
      stream_, buffer_, '\n', [&](const boost::system::error_code& error, std::size_t n) {
        if (error) {
          failed = true;
          return;
        }
        std::string text(asio::buffers_begin(buffer_.data()),
                         asio::buffers_begin(buffer_.data()) + static_cast<std::ptrdiff_t>(n - 1));
        buffer_.consume(n);
        answer = std::move(text);
      });
  io_.restart();
  io_.run_for(std::chrono::milliseconds(timeout));
  if (!answer || failed) {
    close();
    return std::nullopt;
  }
  try {
    return decode_reply(*answer);
  } catch (const DecodeError&) {
    close();
    return std::nullopt;
  }
}

void ClientConnection::close() {
  stream_.close();
  io_.restart();
  io_.poll();  // the cancelled handlers run now, while what they touch still exists
  buffer_.consume(buffer_.size());
}

bool ClientConnection::connect(Millis timeout) {
  stream_.reopen();
  bool connected = false;
  tcp::resolver resolver(io_);
  boost::system::error_code error;
  const auto results = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), error);
  if (error) return false;
  asio::async_connect(
      stream_.socket(), results,
      [&](const boost::system::error_code& e, const tcp::endpoint&) { connected = !e; });
  io_.restart();
  io_.run_for(std::chrono::milliseconds(timeout));
  if (!connected) {
    close();
    return false;
  }
  stream_.socket().set_option(tcp::no_delay(true), error);
  if (!handshake(timeout)) {
    close();
    return false;
  }
  out_ = encode(Hello{ClientHello{}}) + "\n";
  bool sent = false;
  asio::async_write(stream_, asio::buffer(out_),
                    [&](const boost::system::error_code& e, std::size_t) { sent = !e; });
  io_.restart();
  io_.run_for(std::chrono::milliseconds(timeout));
  if (!sent) {
    close();
    return false;
  }
  return true;
}

// Over TLS: the node's certificate must be the CA's and name `node_`.
bool ClientConnection::handshake(Millis timeout) {
  bool done = false;
  stream_.async_handshake(Stream::Side::client,
                          [&](const boost::system::error_code& e) { done = !e; });
  io_.restart();
  io_.run_for(std::chrono::milliseconds(timeout));
  if (!done) return false;
  return !stream_.secure() || stream_.certified() == Certified{Certified::Role::node, node_};
}

}  // namespace consensus_lab::net
