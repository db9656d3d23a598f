// The node processes of `conlab jepsen`: started through the proxy, killed,
// paused, resumed and restarted by the nemesis, stopped at the end.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "common/types.h"
#include "net/tls.h"
#include "tools/cluster_processes.h"
#include "tools/jepsen/proxy.h"

namespace consensus_lab::tools::jepsen {

struct NodesOptions {
  std::string protocol;
  std::size_t nodes = 3;
  bool in_memory = false;
  bool plaintext = false;  // no TLS (by default: FOLDER/tls, net/tls.h)
  RaftFeatureWords features;
  std::filesystem::path folder;  // data directories and logs
  narration::Lang lang = narration::Lang::en;
};

class Nodes {
 public:
  // Plans the nodes A, B, C… on free ports and the proxy between them,
  // and makes their certificates (FOLDER/tls) unless plain text; starts
  // nothing yet. Throws net::TlsError when the certificates cannot be made.
  explicit Nodes(const NodesOptions& options);
  ~Nodes();  // stops every node still running

  // The cluster as clients see it: each node's own address.
  const Cluster& cluster() const { return cluster_; }
  // The clients' TLS settings (the CA and a client certificate); none: plain text.
  const std::shared_ptr<net::Tls>& tls() const { return tls_; }
  Proxy& proxy() { return *proxy_; }

  bool start(const NodeId& id);  // false: it could not be started
  bool start_all();
  void kill(const NodeId& id);    // SIGKILL, and wait for it
  void pause(const NodeId& id);   // SIGSTOP
  void resume(const NodeId& id);  // SIGCONT
  void stop_all();                // SIGINT (SIGKILL after 3 s), and wait

 private:
  std::map<NodeId, NodeProcess> processes_;
  std::map<NodeId, pid_t> pids_;  // those running
  Cluster cluster_;
  std::shared_ptr<net::Tls> tls_;
  std::unique_ptr<Proxy> proxy_;
};

}  // namespace consensus_lab::tools::jepsen
