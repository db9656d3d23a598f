#include "tools/view/node_watcher.h"

#include <utility>

namespace consensus_lab::tools {

namespace {

constexpr std::size_t kLongestLine = 1 << 20;
constexpr std::chrono::milliseconds kRetry{100};  // loopback: cheap
constexpr std::chrono::milliseconds kCheck{250};

}  // namespace

NodeWatcher::NodeWatcher(net::asio::io_context& io, NodeId node, net::Endpoint where, LiveRun& run,
                         std::function<Millis()> now, std::function<void(const std::string&)> say,
                         narration::Lang lang, net::ssl::context* tls)
    : io_(io),
      node_(std::move(node)),
      where_(std::move(where)),
      run_(run),
      now_(std::move(now)),
      say_(std::move(say)),
      lang_(lang),
      stream_(io, tls),
      buffer_(kLongestLine),
      retry_(io),
      check_(io) {}

void NodeWatcher::connect() {
  boost::system::error_code error;
  const auto address =
      net::asio::ip::make_address(where_.host == "localhost" ? "127.0.0.1" : where_.host, error);
  if (error) return say_(node_ + ": " + where_.text() + "?");
  stream_.reopen();
  stream_.socket().async_connect(net::tcp::endpoint(address, where_.port),
                                 [this](const boost::system::error_code& e) {
                                   if (e) return again();
                                   handshake();
                                 });
}

// Over TLS, the node must show its own certificate (net/tls.h).
void NodeWatcher::handshake() {
  stream_.async_handshake(net::Stream::Side::client, [this](const boost::system::error_code& e) {
    if (e || (stream_.secure() &&
              stream_.certified() != net::Certified{net::Certified::Role::node, node_})) {
      // Told once: why this node cannot be watched over TLS.
      if (e.category() == net::asio::error::get_ssl_category() || !e) {
        const narration::Text why =
            e ? stream_.handshake_failure(e)
              : narration::Text{"its certificate is not node " + node_ + "'s",
                                "它的证书不是节点 " + node_ + " 的"};
        if (why.en != told_) say_(node_ + ": " + why.in(lang_));
        told_ = why.en;
      }
      return again();
    }
    connected_ = true;
    heard_ = Clock::now();
    static const std::string hello = "client\nwatch\n";
    net::asio::async_write(stream_, net::asio::buffer(hello), [](const auto&, std::size_t) {});
    read();
  });
}

void NodeWatcher::again() {
  stream_.close();
  retry_.expires_after(kRetry);
  retry_.async_wait([this](const auto& w) {
    if (!w) connect();
  });
}

void NodeWatcher::read() {
  net::asio::async_read_until(
      stream_, buffer_, '\n', [this](const boost::system::error_code& error, std::size_t size) {
        if (error) return lost();
        std::string line(
            net::asio::buffers_begin(buffer_.data()),
            net::asio::buffers_begin(buffer_.data()) + static_cast<std::ptrdiff_t>(size) - 1);
        buffer_.consume(size);
        on_line(line);
        if (connected_) read();
      });
}

void NodeWatcher::on_line(const std::string& line) {
  heard_ = Clock::now();
  narration::Text why;
  if (run_.heard(node_, line, now_(), why)) return;
  say_(lang_ == narration::Lang::zh
           ? node_ + " 发来的一行无法读懂：" + why.zh + "；断开连接"
           : "a line from " + node_ + " the view cannot read: " + why.en + "; connection closed");
  lost();
}

// The connection closed (the node stopped, or was killed): it stops
// reporting, and the view connects again until it is back.
void NodeWatcher::lost() {
  if (!connected_) return;
  connected_ = false;
  buffer_.consume(buffer_.size());
  run_.silent(node_, now_(), true);
  again();
}

void NodeWatcher::check() {
  if (connected_ && run_.reporting(node_) && Clock::now() - heard_ > kSilence) {
    run_.silent(node_, now_(), false);
  }
  check_.expires_after(kCheck);
  check_.async_wait([this](const auto& error) {
    if (!error) check();
  });
}

}  // namespace consensus_lab::tools
