#include "tools/jepsen/proxy.h"

#include <array>
#include <set>
#include <vector>

namespace consensus_lab::tools::jepsen {

namespace asio = net::asio;
using net::tcp;

namespace {

// One connection through the proxy: the socket the node opened to the
// listener, and the one the proxy opened to the node it is meant for.
class Pipe : public std::enable_shared_from_this<Pipe> {
 public:
  Pipe(tcp::socket from, asio::io_context& io, const Millis& delay)
      : from_(std::move(from)), to_(io), delay_(delay) {}

  void start(unsigned short port) {
    const tcp::endpoint target(asio::ip::address_v4::loopback(), port);
    to_.async_connect(target, [self = shared_from_this()](const boost::system::error_code& error) {
      if (error) return self->close();
      self->pump(self->from_, self->to_, 0);
      self->pump(self->to_, self->from_, 1);
    });
  }

  void close() {
    boost::system::error_code ignored;
    from_.close(ignored);
    to_.close(ignored);
  }

 private:
  // Read a chunk from `in`, hold it for the link's delay, write it to `out`,
  // and again — so a delayed link keeps its order.
  void pump(tcp::socket& in, tcp::socket& out, std::size_t way) {
    in.async_read_some(asio::buffer(buffers_[way]),
                       [self = shared_from_this(), &in, &out, way](
                           const boost::system::error_code& error, std::size_t size) {
                         if (error) return self->close();
                         self->hold(in, out, way, size);
                       });
  }

  void hold(tcp::socket& in, tcp::socket& out, std::size_t way, std::size_t size) {
    if (delay_ <= 0) return forward(in, out, way, size);
    auto timer = std::make_shared<asio::steady_timer>(to_.get_executor());
    timer->expires_after(std::chrono::milliseconds(delay_));
    timer->async_wait([self = shared_from_this(), timer, &in, &out, way, size](
                          const boost::system::error_code&) { self->forward(in, out, way, size); });
  }

  void forward(tcp::socket& in, tcp::socket& out, std::size_t way, std::size_t size) {
    asio::async_write(out, asio::buffer(buffers_[way].data(), size),
                      [self = shared_from_this(), &in, &out, way](
                          const boost::system::error_code& error, std::size_t) {
                        if (error) return self->close();
                        self->pump(in, out, way);
                      });
  }

  tcp::socket from_, to_;
  const Millis& delay_;  // the link's, read at each chunk
  std::array<std::array<char, 16384>, 2> buffers_{};
};

}  // namespace

struct Proxy::LinkState {
  LinkState(tcp::acceptor listening, unsigned short port)
      : acceptor(std::move(listening)), target(port) {}
  tcp::acceptor acceptor;
  unsigned short target;
  bool dropped = false;
  Millis delay = 0;
  std::vector<std::weak_ptr<Pipe>> pipes;
};

Proxy::Proxy(const std::map<NodeId, unsigned short>& nodes) {
  // Each link listens on a port of its own, held from the start, and none of
  // them a node's (the nodes may not listen yet): one that comes out on a
  // node's port is kept aside, bound, until every link has its port.
  std::set<unsigned short> nodes_ports;
  for (const auto& [id, port] : nodes) nodes_ports.insert(port);
  std::vector<tcp::acceptor> aside;
  auto listening = [&] {
    for (;;) {
      tcp::acceptor acceptor(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
      if (nodes_ports.count(acceptor.local_endpoint().port()) == 0) return acceptor;
      aside.push_back(std::move(acceptor));
    }
  };
  for (const auto& [from, from_port] : nodes) {
    for (const auto& [to, to_port] : nodes) {
      if (from == to) continue;
      auto& link = links_[{from, to}];
      link = std::make_unique<LinkState>(listening(), to_port);
      accept(*link);
    }
  }
  thread_ = std::thread([this] { io_.run(); });
}

Proxy::~Proxy() {
  io_.stop();
  thread_.join();
}

unsigned short Proxy::port(const NodeId& from, const NodeId& to) const {
  return links_.at({from, to})->acceptor.local_endpoint().port();
}

void Proxy::accept(LinkState& link) {
  link.acceptor.async_accept(
      [this, &link](const boost::system::error_code& error, tcp::socket socket) {
        if (error) return;
        if (link.dropped) {  // refused: the node sees its connection close
          boost::system::error_code ignored;
          socket.close(ignored);
        } else {
          auto pipe = std::make_shared<Pipe>(std::move(socket), io_, link.delay);
          std::erase_if(link.pipes, [](const std::weak_ptr<Pipe>& p) { return p.expired(); });
          link.pipes.push_back(pipe);
          pipe->start(link.target);
        }
        accept(link);
      });
}

void Proxy::drop(const std::set<Link>& links) {
  asio::post(io_, [this, links] {
    for (const Link& which : links) {
      LinkState& link = *links_.at(which);
      link.dropped = true;
      for (const auto& pipe : link.pipes) {
        if (auto open = pipe.lock()) open->close();
      }
      link.pipes.clear();
    }
  });
}

void Proxy::delay(const std::set<Link>& links, Millis ms) {
  asio::post(io_, [this, links, ms] {
    for (const Link& which : links) links_.at(which)->delay = ms;
  });
}

void Proxy::heal() {
  asio::post(io_, [this] {
    for (auto& [which, link] : links_) {
      link->dropped = false;
      link->delay = 0;
    }
  });
}

}  // namespace consensus_lab::tools::jepsen
