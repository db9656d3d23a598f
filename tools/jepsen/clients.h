// The clients of `conlab jepsen`: N threads doing random puts and gets on a
// few keys, each operation recorded with when it was called, when it
// returned, and what it returned (Jepsen's history).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/linearizability.h"
#include "net/client.h"
#include "tools/cluster_processes.h"
#include "tools/jepsen/verdict.h"

namespace consensus_lab::tools::jepsen {

using Clock = std::chrono::steady_clock;

// The one way this command connects a client to the cluster.
// `tls`: the CA and a client certificate (none: plain text).
std::unique_ptr<net::Client> connect_client(const Cluster& cluster,
                                            const std::shared_ptr<net::Tls>& tls,
                                            const std::string& id);

// The node that answered last: the leader, as far as the clients know.
class LeaderSeen {
 public:
  void saw(const NodeId& id);
  NodeId last() const;

 private:
  mutable std::mutex mutex_;
  NodeId last_;
};

struct ClientsOptions {
  Cluster cluster;
  std::shared_ptr<net::Tls> tls;  // none: plain text
  std::size_t clients = 10, keys = 3;
  std::uint64_t seed = 1;
  Clock::time_point start;  // time 0 of the run
};

// Runs the clients until `stop`, then returns every operation, ordered by
// call. Calls and returns take ticks of one counter: distinct, ret > call.
std::vector<Recorded> run_clients(const ClientsOptions& options, const std::atomic<bool>& stop,
                                  LeaderSeen& leader);

}  // namespace consensus_lab::tools::jepsen
