// `conlab view`: the live view of a local real cluster (docs/viewer.md §5) —
// the run viewer's page, served on 127.0.0.1, fed by the nodes' events as
// they happen, so that a class watches the election after `kill -9` of the
// leader.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "tools/cluster_access.h"
#include "tools/cluster_processes.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/view/http_server.h"
#include "tools/view/node_watcher.h"

namespace consensus_lab::tools {

namespace {

namespace fs = std::filesystem;

const Help kHelp{
    {"Usage: conlab view [--dir DIR] [--port N] [--protocol raft|multipaxos]\n\n"
     "Serves the live view of the local cluster in DIR (started by `conlab cluster\n"
     "start`) at http://127.0.0.1:N/: the run viewer's page, fed by the nodes' events\n"
     "as they happen — roles, terms, logs, messages, and a node that stops reporting\n"
     "(killed, or paused) marked as such. Runs until Ctrl-C. `conlab cluster start\n"
     "--viewer` starts it with the cluster.\n\n",
     "用法：conlab view [--dir DIR] [--port N] [--protocol raft|multipaxos]\n\n"
     "在 http://127.0.0.1:N/ 提供 DIR 中本地集群（由 `conlab cluster start` 启动）的实时视图：\n"
     "运行查看器的页面，随节点发生的事件实时更新——角色、任期、日志、消息；不再报告的节点\n"
     "（被杀掉或被暂停）会被标出。按 Ctrl-C 停止。`conlab cluster start --viewer` 会随集群\n"
     "一起启动它。\n\n"},
    {}};

// The protocol DIR's cluster runs: DIR/protocol, written by `cluster start`.
std::string protocol_in(const fs::path& folder) {
  std::ifstream file(folder / "protocol");
  std::string protocol;
  file >> protocol;
  return protocol;
}

}  // namespace

int view_command(int argc, char** argv) {
  std::string dir, protocol;
  unsigned short port = 0;
  CommandLine line("conlab", "conlab view --help");
  line.value("dir", dir, "DIR",
             {"the cluster's folder (default cluster-PROTOCOL)",
              "集群所在的目录（默认 cluster-PROTOCOL）"})
      .value("protocol", protocol, "raft|multipaxos",
             {"the cluster's protocol (default: as DIR/protocol says)",
              "集群运行的协议（默认：DIR/protocol 中写的）"})
      .value("port", port, "N",
             {"the port on 127.0.0.1 (default: a free one)",
              "127.0.0.1 上的端口（默认：一个空闲端口）"})
      .lang({"the page's first language, and this help, in English or in the notes' Chinese",
             "页面最初的语言和本帮助用英文或笔记的中文"});
  if (const auto status = line.parse(argc, argv, kHelp)) return *status;
  if (dir.empty()) dir = "cluster-" + (protocol.empty() ? std::string("raft") : protocol);
  const fs::path folder = fs::absolute(dir);
  if (protocol.empty()) protocol = protocol_in(folder);
  if (protocol != "raft" && protocol != "multipaxos") {
    return line.error(Text{"which protocol does " + folder.string() +
                               " run? (no DIR/protocol: say --protocol raft|multipaxos)",
                           folder.string() + " 运行哪个协议？（没有 DIR/protocol：请用 --protocol "
                                             "raft|multipaxos）"});
  }
  const auto cluster = read_cluster(folder);
  if (!cluster || cluster->empty()) {
    return line.error(Text{"no cluster in " + folder.string() + " (no readable cluster.txt)",
                           folder.string() + " 里没有集群（没有可读的 cluster.txt）"});
  }
  std::shared_ptr<net::Tls> tls;
  try {
    tls = folder_tls(folder);
  } catch (const net::TlsError& error) {
    return line.error(error.reason);
  }
  std::vector<NodeId> nodes;
  for (const auto& [id, where] : *cluster) nodes.push_back(id);
  const narration::Lang lang = line.language();
  const std::string name = protocol == "raft" ? "Raft" : "Multi-Paxos";
  LiveRun run(protocol, nodes,
              {"Live: the " + name + " cluster in " + folder.string(),
               "实时：" + folder.string() + " 中的 " + name + " 集群"},
              lang);
  net::asio::io_context io;
  const auto start = std::chrono::steady_clock::now();
  const auto now = [start] {
    return static_cast<Millis>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
  };
  const auto say = [](const std::string& text) { std::cout << text << '\n' << std::flush; };
  std::optional<HttpServer> server;
  try {
    server.emplace(io, net::tcp::endpoint(net::asio::ip::address_v4::loopback(), port), run);
  } catch (const boost::system::system_error& error) {
    return line.error(
        Text{"cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + error.code().message(),
             "无法在 127.0.0.1:" + std::to_string(port) + " 上监听：" + error.code().message()});
  }
  std::vector<std::unique_ptr<NodeWatcher>> watchers;
  for (const auto& [id, where] : *cluster) {
    watchers.push_back(std::make_unique<NodeWatcher>(io, id, where, run, now, say, lang,
                                                     tls ? &tls->client() : nullptr));
    watchers.back()->start();
  }
  server->start();
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + "/";
  say(lang == narration::Lang::zh ? "实时视图：" + url + "（按 Ctrl-C 停止）"
                                  : "live view: " + url + " (Ctrl-C stops it)");
  net::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const auto&, int) { io.stop(); });
  io.run();
  return 0;
}

}  // namespace consensus_lab::tools
