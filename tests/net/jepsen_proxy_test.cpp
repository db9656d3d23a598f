// The proxy of `conlab jepsen` (tools/jepsen/proxy.h) between a client
// socket and a listening one, both plain blocking Asio sockets on 127.0.0.1:
// it passes bytes, closes and refuses a dropped link, passes again once
// healed, and holds a delayed link's bytes for the delay.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>

#include "net/asio.h"
#include "net/endpoint.h"
#include "tools/jepsen/proxy.h"

using namespace consensus_lab;
using consensus_lab::tools::jepsen::Proxy;
namespace asio = net::asio;
using net::tcp;

namespace {

const auto kLoopback = asio::ip::address_v4::loopback();

struct Ends {
  tcp::socket from, to;  // the node that connects, the node it reaches
};

// Node A connects through the proxy to node B, which accepts.
Ends connect(asio::io_context& io, tcp::acceptor& b, const Proxy& proxy) {
  tcp::socket from(io);
  from.connect({kLoopback, proxy.port("A", "B")});
  tcp::socket to = b.accept();
  return {std::move(from), std::move(to)};
}

std::string read_line(tcp::socket& socket) {
  asio::streambuf buffer;
  boost::system::error_code error;
  const std::size_t n = asio::read_until(socket, buffer, '\n', error);
  if (error) return "error: " + error.message();
  return std::string(asio::buffers_begin(buffer.data()),
                     asio::buffers_begin(buffer.data()) + static_cast<std::ptrdiff_t>(n));
}

}  // namespace

TEST_CASE("jepsen proxy: passes, drops, heals and delays a link") {
  asio::io_context io;
  tcp::acceptor a(io, {kLoopback, 0}), b(io, {kLoopback, 0});
  Proxy proxy({{"A", a.local_endpoint().port()}, {"B", b.local_endpoint().port()}});
  CHECK(proxy.port("A", "B") != proxy.port("B", "A"));

  Ends ends = connect(io, b, proxy);
  asio::write(ends.from, asio::buffer(std::string("hello\n")));
  CHECK(read_line(ends.to) == "hello\n");
  asio::write(ends.to, asio::buffer(std::string("back\n")));
  CHECK(read_line(ends.from) == "back\n");

  SUBCASE("dropped: the connection closes, a new one is refused; healed: it passes") {
    proxy.drop({{"A", "B"}});
    CHECK(read_line(ends.from).rfind("error", 0) == 0);
    tcp::socket again(io);
    again.connect({kLoopback, proxy.port("A", "B")});  // accepted by the proxy, then closed
    CHECK(read_line(again).rfind("error", 0) == 0);
    proxy.heal();
    Ends healed = connect(io, b, proxy);
    asio::write(healed.from, asio::buffer(std::string("again\n")));
    CHECK(read_line(healed.to) == "again\n");
  }
  SUBCASE("delayed: bytes arrive after the delay, in order") {
    proxy.delay({{"A", "B"}}, 200);
    Ends slow = connect(io, b, proxy);
    const auto sent = std::chrono::steady_clock::now();
    asio::write(slow.from, asio::buffer(std::string("one\n")));
    CHECK(read_line(slow.to) == "one\n");
    CHECK(std::chrono::steady_clock::now() - sent >= std::chrono::milliseconds(190));
  }
}

// Two nodes given one port make a cluster of one node fewer, whose missing
// member answers with another's certificate: every port that a cluster, its
// viewer or the proxy is given comes from net::free_ports.
TEST_CASE("free ports: all different, none of the taken ones, the proxy's none of the nodes'") {
  const auto first = net::free_ports(64);
  const std::set<unsigned short> distinct(first.begin(), first.end());
  CHECK(distinct.size() == 64);
  // Let go now, and ruled out: the next ones are none of them.
  for (const unsigned short port : net::free_ports(64, distinct)) {
    CAPTURE(port);
    CHECK(distinct.count(port) == 0);
  }
  // The proxy's links listen on none of the nodes' ports, which may not be
  // listened on yet.
  const auto nodes = net::free_ports(3);
  Proxy proxy({{"A", nodes[0]}, {"B", nodes[1]}, {"C", nodes[2]}});
  std::set<unsigned short> all(nodes.begin(), nodes.end());
  for (const char* from : {"A", "B", "C"}) {
    for (const char* to : {"A", "B", "C"}) {
      if (std::string(from) != to) all.insert(proxy.port(from, to));
    }
  }
  CHECK(all.size() == 3 + 6);
}
