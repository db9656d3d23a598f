#include "net/endpoint.h"

#include <algorithm>

#include "net/asio.h"
#include "net/wire_words.h"

namespace consensus_lab::net {

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string host(text.substr(0, colon));
  const std::string port(text.substr(colon + 1));
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const unsigned long number = std::stoul(port);
  if (number == 0 || number > 65535) return std::nullopt;
  if (host != "localhost") {
    boost::system::error_code error;
    asio::ip::make_address_v4(host, error);
    if (error) return std::nullopt;
  }
  return Endpoint{host, static_cast<unsigned short>(number)};
}

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

std::vector<unsigned short> free_ports(std::size_t count, const std::set<unsigned short>& taken) {
  asio::io_context io;
  std::vector<tcp::acceptor> held;
  std::vector<unsigned short> ports;
  // The kernel hands out each bound port once while it is held; `taken` can
  // only refuse a few of them, so the loop ends.
  while (ports.size() < count) {
    held.emplace_back(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    const unsigned short port = held.back().local_endpoint().port();
    if (taken.count(port) == 0) ports.push_back(port);
  }
  return ports;
}

}  // namespace consensus_lab::net
