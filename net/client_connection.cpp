#include "net/client_connection.h"

#include <chrono>

namespace consensus_lab::net {

std::optional<Reply> ClientConnection::exchange(const std::string& line, Millis timeout) {
  if (!socket_.is_open() && !connect(timeout)) return std::nullopt;
  out_ = line;
  bool failed = false;
  std::optional<std::string> answer;
  asio::async_write(socket_, asio::buffer(out_),
                    [&](const boost::system::error_code& error, std::size_t) {
                      if (error) failed = true;
                    });
  asio::async_read_until(
      socket_, buffer_, '\n', [&](const boost::system::error_code& error, std::size_t n) {
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
  boost::system::error_code ignored;
  socket_.close(ignored);
  io_.restart();
  io_.poll();  // the cancelled handlers run now, while what they touch still exists
  buffer_.consume(buffer_.size());
}

bool ClientConnection::connect(Millis timeout) {
  bool connected = false;
  tcp::resolver resolver(io_);
  boost::system::error_code error;
  const auto results = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), error);
  if (error) return false;
  asio::async_connect(
      socket_, results,
      [&](const boost::system::error_code& e, const tcp::endpoint&) { connected = !e; });
  io_.restart();
  io_.run_for(std::chrono::milliseconds(timeout));
  if (!connected) {
    close();
    return false;
  }
  socket_.set_option(tcp::no_delay(true), error);
  const std::string hello = encode(Hello{ClientHello{}}) + "\n";
  asio::write(socket_, asio::buffer(hello), error);
  if (error) {
    close();
    return false;
  }
  return true;
}

}  // namespace consensus_lab::net
