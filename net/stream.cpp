#include "net/stream.h"

namespace consensus_lab::net {

void Stream::reset(tcp::socket socket) {
  if (tls_ != nullptr) {
    plain_.reset();
    secure_ = std::make_unique<ssl::stream<tcp::socket>>(std::move(socket), *tls_);
  } else {
    plain_.emplace(std::move(socket));
  }
}

std::optional<Certified> Stream::certified() const {
  if (!secure_) return std::nullopt;
  return net::certified(secure_->native_handle());
}

narration::Text Stream::handshake_failure(const boost::system::error_code& error) const {
  if (!secure_) return {error.message(), error.message()};
  return net::handshake_failure(secure_->native_handle(), error);
}

void Stream::close() {
  boost::system::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

void Stream::reopen() {
  close();
  reset(tcp::socket(socket().get_executor()));
}

}  // namespace consensus_lab::net
