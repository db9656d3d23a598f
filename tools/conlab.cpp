// conlab — consensus-lab's command-line tool.
//
//   conlab run FILE…        run scenario files against the simulator
//   conlab check PROTOCOL   the randomized safety checker
//   conlab explore PROTOCOL every state of a small case, breadth first
//   conlab bench …          benchmarks
//   conlab node, put, get, cluster   real mode over TCP
//   conlab jepsen           a Jepsen-style test of a local real cluster
//
// Each subcommand takes --help, and --lang zh for the help in the notes' Chinese.
#include <algorithm>
#include <iostream>
#include <string>

#include "tools/commands.h"
#include "tools/options.h"

using namespace consensus_lab;

namespace {

const tools::Text kOverview{
    "conlab — consensus-lab's command-line tool\n"
    "\n"
    "Usage: conlab COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  run FILE…   run scenario files (docs/scenarios.md) against the simulator\n"
    "  check PROTOCOL\n"
    "              thousands of random faulty runs, every invariant checked after every\n"
    "              event; a failure is shrunk to a scenario file (docs/checker.md)\n"
    "  explore PROTOCOL [FILE]\n"
    "              every state a small case can reach, every invariant after every step:\n"
    "              a proof for the case, or its shortest counterexample (docs/explore.md;\n"
    "              paxos so far)\n"
    "  bench election\n"
    "              the Raft paper's election experiment (Figure 16), in simulated time\n"
    "  bench checker\n"
    "              how many seeds and simulated messages per second the checker runs\n"
    "  node        run one node of a real cluster over TCP (docs/real-cluster.md)\n"
    "  put KEY VALUE, get KEY\n"
    "              a client request to a real cluster\n"
    "  cluster start|stop\n"
    "              a local real cluster in the background, on free ports\n"
    "  view        the live view of a local cluster in a browser (docs/viewer.md)\n"
    "  certs       a cluster's CA and certificates, for nodes started by hand (TLS)\n"
    "  jepsen      a Jepsen-style test of a local real cluster: clients, faults, and a\n"
    "              linearizability check of the history (docs/real-cluster.md)\n"
    "  help        print this help\n"
    "\n"
    "`conlab COMMAND --help` describes a command (--lang zh: in the notes' Chinese).\n",
    "conlab — consensus-lab 的命令行工具\n"
    "\n"
    "用法：conlab 命令 [选项]\n"
    "\n"
    "命令：\n"
    "  run FILE…   用模拟器运行场景文件（docs/scenarios.md）\n"
    "  check PROTOCOL\n"
    "              成千上万次带故障的随机运行，每个事件之后检查每个不变式；\n"
    "              失败的运行被缩小成一个场景文件（docs/checker.md）\n"
    "  explore PROTOCOL [FILE]\n"
    "              穷举一个小规模情形能到达的每一个状态，每一步之后检查每个不变式：\n"
    "              对这个情形给出证明，或给出最短反例（docs/zh/explore.md；目前只有 paxos）\n"
    "  bench election\n"
    "              Raft 论文的选举实验（图 16），在模拟时间里进行\n"
    "  bench checker\n"
    "              检查器每秒运行多少个种子、送达多少条模拟消息\n"
    "  node        通过 TCP 运行真实集群的一个节点（docs/real-cluster.md）\n"
    "  put KEY VALUE, get KEY\n"
    "              向真实集群发一个客户端请求\n"
    "  cluster start|stop\n"
    "              在后台、空闲端口上运行一个本地的真实集群\n"
    "  view        在浏览器里实时查看本地集群（docs/viewer.md）\n"
    "  certs       为手动启动的节点生成集群的 CA 和证书（TLS）\n"
    "  jepsen      Jepsen 式测试本地真实集群：客户端、故障注入，再检查历史是否\n"
    "              可线性化（docs/real-cluster.md）\n"
    "  help        打印本帮助\n"
    "\n"
    "`conlab 命令 --help` 介绍一个命令；加上 --lang zh，用笔记的中文介绍。\n"};

bool asks_for_help(const std::string& word) {
  return word == "help" || word == "--help" || word == "-h";
}

}  // namespace

namespace consensus_lab::tools {

int usage_error(const std::string& message) {
  return usage_error(message, narration::Lang::en);
}

int usage_error(const narration::Text& message, narration::Lang lang) {
  print_error("conlab", message, lang);
  return 2;
}

}  // namespace consensus_lab::tools

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  // `conlab`, `conlab --help`, `conlab help --lang zh`, `conlab --lang zh -h`…
  if (command.empty() || asks_for_help(command) || command.rfind("--lang", 0) == 0) {
    const bool help =
        std::any_of(argv + 1, argv + argc, [](const char* w) { return asks_for_help(w); });
    (help ? std::cout : std::cerr) << kOverview.in(tools::help_language(argc, argv));
    return help ? 0 : 2;
  }
  if (command == "run") return tools::run_command(argc - 1, argv + 1);
  if (command == "check") return tools::check_command(argc - 1, argv + 1);
  if (command == "explore") return tools::explore_command(argc - 1, argv + 1);
  if (command == "bench") return tools::bench_command(argc - 1, argv + 1);
  if (command == "node") return tools::node_command(argc - 1, argv + 1);
  if (command == "put" || command == "get") return tools::client_command(argc - 1, argv + 1);
  if (command == "cluster") return tools::cluster_command(argc - 1, argv + 1);
  if (command == "view") return tools::view_command(argc - 1, argv + 1);
  if (command == "certs") return tools::certs_command(argc - 1, argv + 1);
  if (command == "jepsen") return tools::jepsen_command(argc - 1, argv + 1);
  return tools::usage_error({"unknown command '" + command + "' (conlab --help lists them)",
                             "未知的命令 '" + command + "'（conlab --help 列出了所有命令）"},
                            tools::help_language(argc, argv));
}
