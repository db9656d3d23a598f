#include "net/incoming_connection.h"

#include <algorithm>
#include <variant>

#include "net/node.h"
#include "net/wire.h"

namespace consensus_lab::net {

IncomingConnection::IncomingConnection(Node& node, tcp::socket socket, ssl::context* tls)
    : node_(node), stream_(std::move(socket), tls), buffer_(kMaxLine + 1) {}

void IncomingConnection::start() {
  auto self = shared_from_this();
  stream_.async_handshake(Stream::Side::server, [this, self](const boost::system::error_code& e) {
    if (e) return node_.turn_away(*this, stream_.handshake_failure(e));
    certified_ = stream_.certified();
    read();
  });
}

narration::Text IncomingConnection::who() const {
  if (!peer_.empty()) return {peer_, peer_};
  boost::system::error_code error;
  const auto remote = stream_.socket().remote_endpoint(error);
  if (error) return {"a connection", "一个连接"};
  const std::string address = remote.address().to_string() + ":" + std::to_string(remote.port());
  return {"a connection from " + address, address};
}

void IncomingConnection::read() {
  auto self = shared_from_this();
  asio::async_read_until(
      stream_, buffer_, '\n', [this, self](const boost::system::error_code& error, std::size_t) {
        if (error) {
          if (error == asio::error::not_found) {
            const std::string most = std::to_string(kMaxLine);
            node_.reject(*this,
                         {"a line longer than " + most + " bytes", "一行超过了 " + most + " 字节"});
          }
          if (error == asio::error::eof && kind_ == Kind::client) {
            input_done_ = true;  // answer what it asked, then close
            return close_when_answered();
          }
          return close();
        }
        take_lines();
        if (stream_.is_open()) read();
      });
}

// Every whole line already here, before the next read: lines that arrived
// together are handled in one batch (and one fsync).
void IncomingConnection::take_lines() {
  for (;;) {
    const auto begin = asio::buffers_begin(buffer_.data());
    const auto end = asio::buffers_end(buffer_.data());
    const auto newline = std::find(begin, end, '\n');
    if (newline == end || !stream_.is_open()) return;
    std::string line(begin, newline);
    buffer_.consume(line.size() + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    on_line(std::move(line));
  }
}

void IncomingConnection::on_line(std::string line) {
  switch (kind_) {
    case Kind::unknown:
      return on_hello(line);
    case Kind::peer:
      return node_.peer_line(*this, peer_, line);
    case Kind::client:
      return node_.client_line(shared_from_this(), line);
  }
}

void IncomingConnection::on_hello(const std::string& line) {
  Hello hello;
  try {
    hello = decode_hello(line);
  } catch (const DecodeError& error) {
    return node_.reject(*this, error.reason());
  }
  const auto* peer = std::get_if<PeerHello>(&hello);
  if (peer == nullptr) {
    kind_ = Kind::client;
    return;
  }
  if (peer->protocol != node_.protocol()) {
    return node_.reject(
        *this, {"a " + peer->protocol + " node in a " + node_.protocol() + " cluster",
                "运行 " + node_.protocol() + " 的集群里来了一个 " + peer->protocol + " 节点"});
  }
  if (!node_.knows_peer(peer->id)) {
    return node_.reject(*this, {"node " + peer->id + " is not a member of this cluster",
                                "节点 " + peer->id + " 不是本集群的成员"});
  }
  if (const auto why = not_a_member(peer->id)) return node_.turn_away(*this, *why);
  kind_ = Kind::peer;
  peer_ = peer->id;
}

// "Only members speak as members": over TLS, `peer raft A` is believed only
// from a connection whose certificate — signed by the cluster's CA, within
// its dates (the handshake checked both) — names node A (net/tls.h).
std::optional<narration::Text> IncomingConnection::not_a_member(const NodeId& claimed) const {
  if (!stream_.secure()) return std::nullopt;  // --plaintext: anyone is believed
  if (!certified_) {
    return narration::Text{"it says it is node " + claimed + " but shows no certificate",
                           "它自称节点 " + claimed + "，却没有出示证书"};
  }
  if (certified_->role != Certified::Role::node || certified_->id != claimed) {
    const std::string holder =
        (certified_->role == Certified::Role::node ? "node " : "client ") + certified_->id;
    const std::string holder_zh =
        (certified_->role == Certified::Role::node ? "节点 " : "客户端 ") + certified_->id;
    return narration::Text{
        "it says it is node " + claimed + " but its certificate is " + holder + "'s",
        "它自称节点 " + claimed + "，但它的证书属于" + holder_zh};
  }
  return std::nullopt;
}

void IncomingConnection::reply(std::string line) {
  if (awaiting_ > 0) --awaiting_;
  if (!stream_.is_open()) return;
  out_ += line;
  write();
}

void IncomingConnection::push(const std::string& line) {
  if (!stream_.is_open()) return;
  if (out_.size() > (1u << 20)) return close();
  out_ += line;
  out_ += '\n';
  write();
}

void IncomingConnection::write() {
  if (!writing_.empty() || out_.empty()) return;
  writing_.swap(out_);
  auto self = shared_from_this();
  asio::async_write(stream_, asio::buffer(writing_),
                    [this, self](const boost::system::error_code& error, std::size_t) {
                      writing_.clear();
                      if (error) return close();
                      write();
                      close_when_answered();
                    });
}

void IncomingConnection::close_when_answered() {
  if (input_done_ && awaiting_ == 0 && out_.empty() && writing_.empty()) close();
}

void IncomingConnection::close() {
  stream_.close();
}

}  // namespace consensus_lab::net
