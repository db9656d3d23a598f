#include "net/client.h"

#include <chrono>
#include <random>
#include <thread>

#include "net/asio.h"

namespace consensus_lab::net {

using Clock = std::chrono::steady_clock;

std::optional<std::map<NodeId, Endpoint>> parse_cluster(const std::string& text) {
  std::map<NodeId, Endpoint> cluster;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto equals = part.find('=');
    if (equals == std::string::npos) return std::nullopt;
    const std::string id = part.substr(0, equals);
    const auto endpoint = parse_endpoint(part.substr(equals + 1));
    if (!is_node_id(id) || !endpoint || cluster.count(id) != 0) return std::nullopt;
    cluster[id] = *endpoint;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (cluster.empty()) return std::nullopt;
  return cluster;
}

// One connection to one node: a request line out, a reply line back, each
// within a time limit.
class Client::Connection {
 public:
  Connection(NodeId node, const Endpoint& endpoint) : node_(std::move(node)), endpoint_(endpoint) {}

  const NodeId& node() const { return node_; }

  // The reply, or none: no connection, no answer in time, or garbage.
  std::optional<Reply> exchange(const std::string& line, Millis timeout) {
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
          std::string text(
              asio::buffers_begin(buffer_.data()),
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

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    io_.restart();
    io_.poll();  // the cancelled handlers run now, while what they touch still exists
    buffer_.consume(buffer_.size());
  }

 private:
  bool connect(Millis timeout) {
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

  NodeId node_;
  Endpoint endpoint_;
  asio::io_context io_;
  tcp::socket socket_{io_};
  asio::streambuf buffer_{kMaxLine + 1};
  std::string out_;
};

Client::Client(ClientOptions options) : options_(std::move(options)) {
  leader_ = options_.first;
  if (options_.client_id.empty()) {
    std::random_device device;
    const std::uint64_t n = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    char text[24];
    std::snprintf(text, sizeof text, "c%016llx", static_cast<unsigned long long>(n));
    options_.client_id = text;
  }
}

Client::~Client() = default;

Client::Result Client::put(const std::string& key, const std::string& value) {
  return call(PutRequest{options_.client_id, ++sequence_, key, value});
}

Client::Result Client::get(const std::string& key) {
  return call(GetRequest{key});
}

Client::Result Client::call(const Request& request) {
  const std::string line = encode(request) + "\n";
  const auto deadline = Clock::now() + std::chrono::milliseconds(options_.deadline);
  std::vector<NodeId> nodes;
  for (const auto& [id, endpoint] : options_.cluster) nodes.push_back(id);
  std::size_t next = 0;
  std::optional<NodeId> target = leader_;
  Result result;
  while (Clock::now() < deadline) {
    const NodeId node = target ? *target : nodes[next++ % nodes.size()];
    target.reset();
    if (!connection_ || connection_->node() != node) {
      connection_ = std::make_unique<Connection>(node, options_.cluster.at(node));
    }
    ++result.attempts;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const auto reply =
        connection_->exchange(line, std::max<Millis>(1, std::min<Millis>(options_.attempt, left)));
    if (!reply) {
      leader_.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    switch (reply->kind) {
      case Reply::Kind::ok:
      case Reply::Kind::value:
      case Reply::Kind::none:
        leader_ = node;
        result.done = true;
        result.reply = *reply;
        result.served_by = node;
        return result;
      case Reply::Kind::redirect:
        leader_.reset();
        if (options_.cluster.count(reply->text) != 0) {
          target = reply->text;
        } else {  // a node this client was not told of: ask the others, after a pause
          std::this_thread::sleep_for(std::chrono::milliseconds(30));
        }
        break;
      case Reply::Kind::retry:
        leader_.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        break;
      case Reply::Kind::error:
        result.error = "node " + node + " refused the request: " + reply->text;
        return result;
    }
  }
  result.error = "no answer from the cluster within " + std::to_string(options_.deadline) +
                 " ms (" + std::to_string(result.attempts) + " attempts)";
  return result;
}

}  // namespace consensus_lab::net
