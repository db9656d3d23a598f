// Where a node listens: a host and a port, as the command line gives them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace consensus_lab::net
