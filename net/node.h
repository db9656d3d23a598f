// A real node (DESIGN.md §6): one process, one Boost.Asio io_context, that
// drives the same raft::Server or multipaxos::Replica the simulator drives.
//
//   peers     one outgoing TCP connection to each other node (reconnected
//             with a back-off when it breaks) carries this node's messages;
//             the connections others open to it carry theirs. Each message is
//             one line (net/wire.h).
//   clients   connect, say `client`, and send put/get lines; only the leader
//             (master) serves them, the others redirect.
//   disk      with a data directory, everything the protocol asks to persist
//             is written to SQLite (net/storage.h) and committed — fsynced —
//             once per batch of events, before any message or reply of that
//             batch leaves (group commit). Without one, state is in memory.
//   timers    one steady_timer, set to the protocol's next wake-up.
//
// Bad input never stops a node: a line that does not decode or comes from a
// node it does not know, and a message no node following the protocol could
// have sent (the role's check() refuses it before it changes anything: a
// node speaking for another, an index past the end of the leader's log, a
// number too large to store), gets one log line, and the connection is
// closed. Nothing of it reaches the data directory.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "common/types.h"
#include "sim/narration.h"

namespace consensus_lab::net {

struct Endpoint {
  std::string host;
  unsigned short port = 0;
  std::string text() const { return host + ":" + std::to_string(port); }
};
// "127.0.0.1:7001" (an IPv4 address or "localhost", and a port 1–65535).
std::optional<Endpoint> parse_endpoint(std::string_view text);

struct NodeOptions {
  std::string protocol;  // raft or multipaxos
  NodeId id;
  Endpoint listen;
  std::map<NodeId, Endpoint> peers;     // the other nodes of the cluster
  std::optional<std::string> data_dir;  // none: state in memory only
  sim::Lang lang = sim::Lang::en;
  bool quiet = false;  // log only starts, stops, role changes and rejections
  bool colour = false;
  Millis election_timeout_min = 150;
  Millis election_timeout_max = 300;
  Millis heartbeat = 50;
};

// Run a node until SIGINT or SIGTERM. Returns the exit status: 0 after a
// clean stop, 1 when it cannot start (a port in use, a bad data directory).
int run_node(const NodeOptions& options, std::ostream& log);

}  // namespace consensus_lab::net
