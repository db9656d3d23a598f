// The node processes of a local cluster: their command lines, free ports,
// starting them (tools/cluster_processes.h).
#include "tools/cluster_processes.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "net/asio.h"

namespace consensus_lab::tools {

namespace fs = std::filesystem;

std::vector<std::string> node_args(const NodeLaunch& launch) {
  std::vector<std::string> args = {
      launch.conlab, "node",    "--protocol", launch.protocol,
      "--id",        launch.id, "--listen",   "127.0.0.1:" + std::to_string(launch.port)};
  for (const auto& [id, port] : launch.peers) {
    args.insert(args.end(), {"--peer", id + "=127.0.0.1:" + std::to_string(port)});
  }
  if (launch.quiet) args.push_back("--quiet");
  for (std::string& arg : raft_feature_args(launch.features)) args.push_back(std::move(arg));
  if (launch.lang == narration::Lang::zh) args.insert(args.end(), {"--lang", "zh"});
  if (launch.certs) {
    args.insert(args.end(), {"--certs", *launch.certs});
  } else {
    args.push_back("--plaintext");
  }
  if (launch.data_dir) {
    args.insert(args.end(), {"--data-dir", *launch.data_dir});
  } else {
    args.push_back("--in-memory");
  }
  return args;
}

void set_command(NodeProcess& node, const NodeLaunch& launch) {
  node.args = node_args(launch);
  node.command.clear();
  for (const auto& a : node.args) node.command += (node.command.empty() ? "" : " ") + a;
}

// Is process `pid` a node listening at one of `listens` (" --listen H:P ")?
// The pid of a node that was killed may belong to another process by now.
bool runs_node(long pid, const net::Endpoint& where) {
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  std::replace(args.begin(), args.end(), '\0', ' ');
  return args.find(" node ") != std::string::npos &&
         args.find(" --listen " + where.text() + " ") != std::string::npos;
}

std::vector<pid_t> running_nodes(const fs::path& folder) {
  const Cluster cluster = read_cluster(folder).value_or(Cluster{});
  std::vector<pid_t> running;
  std::ifstream pids(folder / "pids");
  for (long pid; pids >> pid;) {
    if (std::any_of(cluster.begin(), cluster.end(),
                    [&](const auto& node) { return runs_node(pid, node.second); })) {
      running.push_back(static_cast<pid_t>(pid));
    }
  }
  return running;
}

std::optional<Cluster> read_cluster(const fs::path& folder) {
  std::ifstream file(folder / "cluster.txt");
  std::string text;
  std::getline(file, text);
  return net::parse_cluster(text);
}

// To restart a node by hand after a kill: sh DIR/restart-ID.sh
void write_restart_script(const NodeProcess& node, const fs::path& folder, bool in_memory) {
  std::ofstream(folder / ("restart-" + node.id + ".sh"))
      << "#!/bin/sh\n# Restart node " << node.id
      << (in_memory ? " (in memory: it starts empty).\n" : " (it reads its data directory).\n")
      << "echo $$ >> '" << (folder / "pids").string() << "'\n"
      << "exec " << node.command << " >> '" << node.log << "' 2>&1\n";
}

// Start the node's process in a session of its own, its output to its log.
pid_t spawn(NodeProcess& node) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  setsid();
  std::FILE* out = std::fopen(node.log.c_str(), "a");
  if (out != nullptr) {
    dup2(fileno(out), STDOUT_FILENO);
    dup2(fileno(out), STDERR_FILENO);
  }
  std::vector<char*> raw;
  for (auto& a : node.args) raw.push_back(a.data());
  raw.push_back(nullptr);
  execv(raw.front(), raw.data());
  _exit(127);
}

}  // namespace consensus_lab::tools
