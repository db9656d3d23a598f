// The client of real mode: `conlab put` and `conlab get` (and the benchmark's
// clients) talk to a cluster through it.
//
// It finds the leader by following redirects; when a node does not answer
// in time, is down, or says `retry` (no leader yet, or it lost leadership),
// it tries again — the same node, the one it was redirected to, or the next
// one — until its deadline. A put keeps its client id and sequence number
// across retries, and the replicated state machine remembers the last
// sequence number it applied per client, so a retried put is applied once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/types.h"
#include "narration/text.h"
#include "net/endpoint.h"
#include "net/tls.h"
#include "net/wire.h"

namespace consensus_lab::net {

class ClientConnection;

struct ClientOptions {
  std::map<NodeId, Endpoint> cluster;
  std::string client_id;        // empty: a random one
  Millis deadline = 10'000;     // give up after this long
  Millis attempt = 1'000;       // wait this long for one answer
  std::optional<NodeId> first;  // ask this node first (else any, then the leader)
  std::shared_ptr<Tls> tls;     // the cluster's CA (and a client certificate); none: plain text
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();

  struct Result {
    bool done = false;  // ok / value / none received
    Reply reply;
    narration::Text error;  // when not done: no_answer() or refused(), below
    int attempts = 0;
    NodeId served_by;
  };
  Result put(const std::string& key, const std::string& value);
  Result get(const std::string& key);

  const std::string& client_id() const { return options_.client_id; }

 private:
  Result call(const Request& request);

  ClientOptions options_;
  std::uint64_t sequence_ = 0;
  std::optional<NodeId> leader_;
  std::unique_ptr<ClientConnection> connection_;
};

// Why a request was not done: no node answered before the deadline…
narration::Text no_answer(Millis deadline, int attempts);
// …or `node` answered `error REASON` (REASON as the node gave it).
narration::Text refused(const NodeId& node, const std::string& reason);

}  // namespace consensus_lab::net
