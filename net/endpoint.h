// Where a node listens: a host and a port, as the command line gives them.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/types.h"

namespace consensus_lab::net {

struct Endpoint {
  std::string host;
  unsigned short port = 0;
  std::string text() const { return host + ":" + std::to_string(port); }
};

// "127.0.0.1:7001" (an IPv4 address or "localhost", and a port 1–65535).
std::optional<Endpoint> parse_endpoint(std::string_view text);

// "A=127.0.0.1:7001,B=127.0.0.1:7002"; none if any part is malformed.
std::optional<std::map<NodeId, Endpoint>> parse_cluster(const std::string& text);

// `count` different loopback ports that were free a moment ago, none of them
// in `taken` (the ports of nodes that are down now and will come back). All
// are held at once while they are picked: a port bound and let go one at a
// time can be handed out again at the next call, and two nodes given one port
// make a cluster of one node fewer whose missing member answers with another
// node's certificate.
std::vector<unsigned short> free_ports(std::size_t count,
                                       const std::set<unsigned short>& taken = {});

}  // namespace consensus_lab::net
