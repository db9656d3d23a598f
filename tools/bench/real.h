// `conlab bench --cluster …`: closed-loop clients against a real cluster.
// Each client sends a put (or, with `reads`, a get), waits for the answer,
// sends the next; the benchmark counts the operations answered per second
// and their latency. Reads go to keys the benchmark wrote first, so each
// answer carries a value; how the leader serves them is the nodes' `--read`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "net/node.h"

namespace consensus_lab::bench {

struct RealOptions {
  std::map<NodeId, net::Endpoint> cluster;
  std::size_t clients = 1;
  double seconds = 5;
  std::size_t size = 256;   // bytes per value
  bool reads = false;       // gets instead of puts
  std::uint64_t count = 0;  // stop after this many operations in all (0: when `seconds` are up)
  std::shared_ptr<net::Tls> tls;  // the cluster's CA and a client certificate; none: plain text
};

struct RealResult {
  std::uint64_t operations = 0;  // puts acknowledged (gets answered)
  std::uint64_t failures = 0;    // answers other than ok (a leader change)
  double seconds = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0;
  narration::Text error;  // the cluster could not be used at all
};

RealResult run_real(const RealOptions& options);

}  // namespace consensus_lab::bench
