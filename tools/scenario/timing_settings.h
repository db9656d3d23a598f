// The settings multipaxos and raft share: `set election-timeout MIN..MAX`,
// `set election-timeout ID=MS…` and `set heartbeat MS`. Cluster is
// MultiPaxosCluster or RaftCluster: both have options().timing with
// election_timeout_min/max and heartbeat, set_timing() and
// set_fixed_election_timeout().
#pragma once

#include <functional>
#include <string>

#include "tools/scenario/script.h"

namespace consensus_lab::scenario {

// Handles line if it is one of those settings; false otherwise. `node`
// checks a node id and returns it (or fails).
template <class Cluster>
bool set_timing(const Line& line, Cluster& cluster,
                const std::function<NodeId(const std::string&)>& node) {
  const std::string& what = line[1];
  if (what == "election-timeout") {
    if (line.size() < 3) fail("usage: set election-timeout MIN..MAX | set election-timeout ID=MS…");
    if (line[2].find('=') == std::string::npos) {
      require_words(line, 3, 3, "set election-timeout MIN..MAX");
      const auto [low, high] = parse_range(line[2], "the election timeout");
      if (low == 0) fail("the election timeout must be at least 1 ms");
      auto timing = cluster.options().timing;
      timing.election_timeout_min = low;
      timing.election_timeout_max = high;
      cluster.set_timing(timing);
      return true;
    }
    for (std::size_t i = 2; i < line.size(); ++i) {
      const auto equals = line[i].find('=');
      if (equals == std::string::npos) fail("usage: set election-timeout ID=MS…");
      const NodeId id = node(line[i].substr(0, equals));
      const Millis timeout = parse_millis(line[i].substr(equals + 1), "the election timeout");
      if (timeout == 0) fail("the election timeout must be at least 1 ms");
      cluster.set_fixed_election_timeout(id, timeout);
    }
    return true;
  }
  if (what == "heartbeat") {
    require_words(line, 3, 3, "set heartbeat MS");
    const Millis interval = parse_millis(line[2], "the heartbeat interval");
    if (interval == 0) fail("the heartbeat interval must be at least 1 ms");
    auto timing = cluster.options().timing;
    timing.heartbeat = interval;
    cluster.set_timing(timing);
    return true;
  }
  return false;
}

}  // namespace consensus_lab::scenario
