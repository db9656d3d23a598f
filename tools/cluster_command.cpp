// `conlab cluster start|stop`: a local real cluster in the background, one
// `conlab node` process per node, on free ports (docs/real-cluster.md).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "net/certificates.h"
#include "net/endpoint.h"
#include "tools/cluster_access.h"
#include "tools/cluster_processes.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/raft_features.h"
#include "tools/real_words.h"

namespace consensus_lab::tools {

namespace {

namespace fs = std::filesystem;

const Help kHelp{
    {"Usage: conlab cluster start [options]\n"
     "       conlab cluster stop [--dir DIR]\n"
     "       conlab cluster add-node [--dir DIR]\n"
     "       conlab cluster remove-node ID [--dir DIR]\n"
     "       conlab cluster stop-node ID [--dir DIR]\n\n"
     "start: runs a local cluster in the background on free 127.0.0.1 ports, one\n"
     "process per node (logs in DIR/ID.log), and prints how to use it, stop it,\n"
     "kill a node and restart it. stop: stops the node processes listed in DIR/pids.\n"
     "add-node (Raft): starts the next node (D, E, …) and has the leader add it,\n"
     "as a learner first, then as a voter. remove-node (Raft): has the leader remove\n"
     "node ID, then stops it (a leader hands its leadership over first). stop-node:\n"
     "stops one node; a Raft leader hands its leadership over first.\n\n",
     "用法：conlab cluster start [选项]\n"
     "      conlab cluster stop [--dir DIR]\n"
     "      conlab cluster add-node [--dir DIR]\n"
     "      conlab cluster remove-node ID [--dir DIR]\n"
     "      conlab cluster stop-node ID [--dir DIR]\n\n"
     "start：在后台用 127.0.0.1 上的空闲端口运行一个本地集群，每个节点一个进程\n"
     "（日志在 DIR/ID.log），并打印怎样使用它、停止它、杀掉一个节点再重启它。\n"
     "stop：停止 DIR/pids 中列出的节点进程。\n"
     "add-node（Raft）：启动下一个节点（D、E……），由领导者把它加入集群，先作为学习者，\n"
     "再作为投票成员。remove-node（Raft）：由领导者把节点 ID 移出集群，然后停止它\n"
     "（领导者会先转移领导权）。stop-node：停止一个节点；Raft 领导者会先转移领导权。\n\n"},
    {}};

struct ClusterOptions {
  std::string protocol = "raft", dir;
  std::size_t nodes = 3;
  bool in_memory = false, quiet = false;
  bool plaintext = false;          // no TLS: the nodes run --plaintext
  bool viewer = false;             // `conlab view` too (docs/viewer.md §5)
  unsigned short viewer_port = 0;  // 0: a free one
  RaftFeatureWords features;       // handed to every node as given
  narration::Lang lang = narration::Lang::en;
};

// The live view started with the cluster (DIR/viewer.pid), if it still runs.
void stop_viewer(const fs::path& folder) {
  long pid = 0;
  if (!(std::ifstream(folder / "viewer.pid") >> pid)) return;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  std::replace(args.begin(), args.end(), '\0', ' ');
  if (args.find(" view --dir " + folder.string() + " ") != std::string::npos) {
    kill(static_cast<pid_t>(pid), SIGINT);
  }
  fs::remove(folder / "viewer.pid");
}

// Stop the node processes listed in DIR/pids — only those that are still
// this cluster's nodes: the pid of a node that was killed may belong to
// another process by now.
int stop(const fs::path& folder, const CommandLine& line) {
  if (!fs::exists(folder / "pids")) {
    return line.error(Text{"no cluster in " + folder.string() + " (no pids file)",
                           folder.string() + " 里没有集群（没有 pids 文件）"});
  }
  int stopped = 0;
  // SIGINT: the whole cluster stops, so no leader hands over (SIGTERM, as
  // `conlab cluster stop-node` sends, would make it try first).
  for (const pid_t pid : running_nodes(folder)) stopped += kill(pid, SIGINT) == 0;
  fs::remove(folder / "pids");
  stop_viewer(folder);
  std::cout << stopped_text(stopped, line.language());
  return 0;
}

// The nodes A, B, C, … on free ports, each with the command that runs it.
std::vector<NodeProcess> plan(const ClusterOptions& options, const fs::path& folder,
                              const std::string& self) {
  std::vector<NodeProcess> nodes(options.nodes);
  std::set<unsigned short> taken;  // the viewer's port, if it was given
  if (options.viewer && options.viewer_port != 0) taken.insert(options.viewer_port);
  const auto ports = net::free_ports(nodes.size(), taken);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    nodes[i].id = std::string(1, static_cast<char>('A' + i));
    nodes[i].port = ports[i];
    nodes[i].log = (folder / (nodes[i].id + ".log")).string();
  }
  for (NodeProcess& node : nodes) {
    NodeLaunch launch{.conlab = self,
                      .protocol = options.protocol,
                      .id = node.id,
                      .port = node.port,
                      .quiet = options.quiet,
                      .features = options.features,
                      .lang = options.lang};
    for (const NodeProcess& peer : nodes) {
      if (peer.id != node.id) launch.peers.emplace_back(peer.id, peer.port);
    }
    if (!options.plaintext) launch.certs = (folder / "tls").string();
    if (!options.in_memory) launch.data_dir = (folder / node.id).string();
    set_command(node, launch);
  }
  return nodes;
}

}  // namespace

namespace {

// How to run this conlab again from here: its path from the current folder
// ("build/tools/conlab"), or its absolute path if it lives elsewhere.
std::string how_to_call(const fs::path& self) {
  const fs::path relative = self.lexically_relative(fs::current_path());
  if (relative.empty() || *relative.begin() == "..") return self.string();
  return relative.string();
}

void print_how_to_use(const ClusterOptions& options, const fs::path& folder,
                      const std::string& conlab) {
  std::cout << how_to_use_text({.protocol = options.protocol,
                                .nodes = options.nodes,
                                .conlab = conlab,
                                .logs = (folder / "*.log").string(),
                                .restart = (folder / "restart-A.sh").string(),
                                .dir = options.dir},
                               options.lang);
}

// `conlab view` in the background, its output in DIR/viewer.log: what to
// tell the user about it. It starts before the nodes listen: its port is
// none of theirs.
std::string start_viewer(const ClusterOptions& options, const fs::path& folder,
                         const std::string& self, const std::vector<NodeProcess>& nodes) {
  std::set<unsigned short> taken;
  for (const NodeProcess& node : nodes) taken.insert(node.port);
  const unsigned short port =
      options.viewer_port != 0 ? options.viewer_port : net::free_ports(1, taken).front();
  NodeProcess viewer{.id = "viewer", .port = port};
  viewer.args = {self, "view", "--dir", folder.string(), "--port", std::to_string(port)};
  if (options.lang == narration::Lang::zh) viewer.args.insert(viewer.args.end(), {"--lang", "zh"});
  viewer.log = (folder / "viewer.log").string();
  const pid_t pid = spawn(viewer);
  if (pid > 0) std::ofstream(folder / "viewer.pid") << pid << '\n';
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  return options.lang == narration::Lang::zh
             ? "\n实时视图：在浏览器中打开 " + url + "（日志在 " + viewer.log + "）\n"
             : "\nLive view: open " + url + " in a browser (its log: " + viewer.log + ")\n";
}

int start(const ClusterOptions& options, const fs::path& folder, const CommandLine& line) {
  if (options.nodes < 1 || options.nodes > 9) return line.error(kNodesRange);
  if (fs::exists(folder / "pids")) {
    const std::string stop_it = "conlab cluster stop --dir " + options.dir;
    return line.error(
        Text{"a cluster seems to run from " + folder.string() + " already (" + stop_it + ")",
             "似乎已有一个集群从 " + folder.string() + " 运行（" + stop_it + "）"});
  }
  fs::create_directories(folder);
  const fs::path self = fs::read_symlink("/proc/self/exe");
  auto nodes = plan(options, folder, self.string());
  std::string cluster;
  for (const NodeProcess& node : nodes) {
    cluster += (cluster.empty() ? "" : ",") + node.id + "=127.0.0.1:" + std::to_string(node.port);
  }
  std::ofstream(folder / "cluster.txt") << cluster << '\n';
  std::ofstream(folder / "protocol") << options.protocol << '\n';
  write_wire(folder, options.plaintext);
  if (!options.plaintext) {
    // A throwaway CA, a certificate for each node and one for clients (net/certificates.h).
    std::vector<net::Certified> members{{net::Certified::Role::client, "client"}};
    for (const NodeProcess& node : nodes) members.push_back({net::Certified::Role::node, node.id});
    try {
      net::make_missing(folder / "tls", members);
    } catch (const net::TlsError& error) {
      return line.error(error.reason);
    }
  }
  // The view first, so that it sees the first election.
  const std::string viewer =
      options.viewer ? start_viewer(options, folder, self.string(), nodes) : "";
  std::ofstream pids(folder / "pids");
  for (NodeProcess& node : nodes) {
    write_restart_script(node, folder, options.in_memory);
    const pid_t pid = spawn(node);
    if (pid < 0) {
      return line.error(Text{"cannot start a node process", "无法启动节点进程"});
    }
    pids << pid << '\n';
    std::cout << started_text(node.id, pid, node.port, node.log, options.lang);
  }
  pids.close();
  print_how_to_use(options, folder, how_to_call(self));
  std::cout << viewer;
  return 0;
}

}  // namespace

int cluster_command(int argc, char** argv) {
  const std::string action = argc > 1 ? argv[1] : "";
  const std::string node = take_node_id(action, argc, argv);  // remove-node ID, stop-node ID
  ClusterOptions options;
  CommandLine line("conlab", "conlab cluster --help");
  line.value("protocol", options.protocol, "raft|multipaxos", {"the protocol", "运行的协议"})
      .value("nodes", options.nodes, "N", {"how many nodes (A, B, C, …)", "节点个数（A、B、C……）"})
      .value("dir", options.dir, "DIR",
             {"where data directories, logs and cluster.txt go (default cluster-PROTOCOL)",
              "数据目录、日志和 cluster.txt 放在哪里（默认 cluster-PROTOCOL）"})
      .flag("in-memory", options.in_memory, {"nodes keep no durable state", "节点不持久化任何状态"})
      .flag("plaintext", options.plaintext,
            {"no TLS: the nodes speak the readable wire (for nc and tcpdump), and anyone who "
             "reaches their ports can speak as a member; by default DIR/tls holds a throwaway "
             "CA and the certificates",
             "不用 TLS：节点使用可读的明文线路（给 nc 和 tcpdump 用），任何能连到端口的人都能"
             "冒充成员；默认在 DIR/tls 里生成一次性的 CA 和各个证书"})
      .flag("viewer", options.viewer,
            {"serve the live view of the cluster too (conlab view; docs/viewer.md)",
             "同时提供集群的实时视图（conlab view；docs/viewer.md）"})
      .value("viewer-port", options.viewer_port, "N",
             {"the live view's port on 127.0.0.1 (default: a free one)",
              "实时视图在 127.0.0.1 上的端口（默认：一个空闲端口）"})
      .flag("quiet", options.quiet,
            {"nodes log only start and stop, elections and term changes, and rejected input "
             "(for benchmarks)",
             "节点只记录启动和停止、选举和任期变化，以及被拒绝的输入（用于基准测试）"})
      .lang({"the nodes' narration, and this help, in English or in the notes' Chinese",
             "节点的讲述和本帮助用英文或笔记的中文"});
  declare_raft_features(line, options.features);
  // `conlab cluster --help`, or `conlab cluster start|stop [options]`.
  const bool options_first = action.rfind('-', 0) == 0;
  if (const auto status =
          options_first ? line.parse(argc, argv, kHelp) : line.parse(argc - 1, argv + 1, kHelp)) {
    return *status;
  }
  options.lang = line.language();
  if (options.protocol != "raft" && options.protocol != "multipaxos") {
    return line.error(kProtocolChoice);
  }
  raft::Features features;  // checked here, so that no node fails to start for them
  if (auto error = parse_raft_features(options.features, options.protocol, features)) {
    return line.error(*error);
  }
  if (options.dir.empty()) options.dir = "cluster-" + options.protocol;
  const fs::path folder = fs::absolute(options.dir);
  if (action == "stop") return stop(folder, line);
  if (is_membership_action(action)) return membership_action(action, node, folder, line);
  if (action != "start") {
    return line.error(
        Text{"conlab cluster takes start, stop, add-node, remove-node or stop-node",
             "conlab cluster 后面要跟 start、stop、add-node、remove-node 或 stop-node"});
  }
  return start(options, folder, line);
}

}  // namespace consensus_lab::tools
