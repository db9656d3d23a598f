#include "net/client_connection.h"

#include <chrono>

namespace consensus_lab::net {

std::optional<Reply> ClientConnection::exchange(const std::string& line, Millis timeout) {
  failure_.reset();
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
  boost::system::error_code error = asio::error::timed_out;
  stream_.async_handshake(Stream::Side::client, [&](const boost::system::error_code& e) {
    error = e;
    done = true;
  });
  io_.restart();
  io_.run_for(std::chrono::milliseconds(timeout));
  if (!done) {
    close();  // the handshake's handler runs now, while `done` still exists
    return false;
  }
  if (error) {
    if (error.category() == asio::error::get_ssl_category()) {
      failure_ = stream_.handshake_failure(error);
    }
    return false;
  }
  const auto shown = stream_.certified();
  if (stream_.secure() && shown != Certified{Certified::Role::node, node_}) {
    const std::string who = shown ? shown->id : "?";
    failure_ = narration::Text{
        "the node at " + endpoint_.text() + " is not " + node_ + " (its certificate names " + who +
            ")",
        "位于 " + endpoint_.text() + " 的节点不是 " + node_ + "（它的证书写的是 " + who + "）"};
    return false;
  }
  return true;
}

}  // namespace consensus_lab::net
