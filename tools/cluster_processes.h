// The node processes of a local cluster (`conlab cluster`, `conlab jepsen`):
// what tools/cluster_command.cpp (start, stop), tools/cluster_membership.cpp
// (add-node, remove-node, stop-node) and tools/jepsen/ share
// (tools/cluster_processes.cpp).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "net/endpoint.h"
#include "tools/options.h"
#include "tools/raft_features.h"

namespace consensus_lab::tools {

// One node of the cluster to start: its id, its port, its command line.
struct NodeProcess {
  std::string id;
  unsigned short port = 0;
  std::vector<std::string> args;
  std::string command;  // args, joined
  std::string log;      // where its output goes
};

// What a node of a local cluster is started with: the one place its command
// line is written (node_args).
struct NodeLaunch {
  std::string conlab;  // this executable's path
  std::string protocol, id;
  unsigned short port = 0;  // it listens at 127.0.0.1:port
  // Where it reaches each other node (127.0.0.1:port): the node itself, or
  // a proxy in between (conlab jepsen).
  std::vector<std::pair<std::string, unsigned short>> peers;
  std::optional<std::string> data_dir;  // none: --in-memory
  std::optional<std::string> certs;     // TLS: the certificates' folder; none: --plaintext
  bool quiet = false;
  RaftFeatureWords features;
  narration::Lang lang = narration::Lang::en;
};
std::vector<std::string> node_args(const NodeLaunch& launch);
// node.args = node_args(launch), node.command = them joined.
void set_command(NodeProcess& node, const NodeLaunch& launch);

// The nodes and their addresses, from DIR/cluster.txt.
using Cluster = std::map<NodeId, net::Endpoint>;
std::optional<Cluster> read_cluster(const std::filesystem::path& folder);

// Is process `pid` a node listening at `where` (its command line says so)?
bool runs_node(long pid, const net::Endpoint& where);
// The pids in DIR/pids (every start and restart appends one) that still run
// one of the nodes of DIR/cluster.txt: the pid of a node that was killed may
// belong to another process by now.
std::vector<pid_t> running_nodes(const std::filesystem::path& folder);
// DIR/restart-ID.sh: runs the node's command again, its output to its log.
void write_restart_script(const NodeProcess& node, const std::filesystem::path& folder,
                          bool in_memory);
// Start the node's process in a session of its own, its output to its log.
pid_t spawn(NodeProcess& node);

// add-node, remove-node ID, stop-node ID (tools/cluster_membership.cpp).
bool is_membership_action(const std::string& action);
// remove-node ID, stop-node ID: the ID, taken out of the arguments (so that
// the options after it parse as usual).
std::string take_node_id(const std::string& action, int& argc, char** argv);
int membership_action(const std::string& action, const std::string& node,
                      const std::filesystem::path& folder, const CommandLine& line);

}  // namespace consensus_lab::tools
