// `conlab jepsen`: a Jepsen-style test of a real local cluster — concurrent
// clients, a nemesis that kills, pauses and partitions nodes, and the
// linearizability check of the history (docs/real-cluster.md, "A Jepsen-style
// test"). The run itself is in tools/jepsen/.
#include <filesystem>
#include <random>
#include <string>

#include "tools/commands.h"
#include "tools/jepsen/run.h"
#include "tools/options.h"
#include "tools/raft_features.h"

namespace consensus_lab::tools {

namespace {

const Help kHelp{
    {"Usage: conlab jepsen --protocol raft|multipaxos --seconds S\n"
     "                     --nemesis kill,pause,partition [options]\n\n"
     "Starts a local cluster of 3 nodes (logs and data in DIR) whose messages to one\n"
     "another all cross a small proxy, runs concurrent clients doing puts and gets on a\n"
     "few keys while a nemesis kills (kill -9, then restart), pauses (SIGSTOP, then\n"
     "SIGCONT) or partitions nodes every 1-3 s, records every operation, and checks that\n"
     "the history is linearizable with the simulator's checker. A put with no answer\n"
     "stays pending: it may take effect at any later time.\n\n",
     "用法：conlab jepsen --protocol raft|multipaxos --seconds S\n"
     "                    --nemesis kill,pause,partition [选项]\n\n"
     "启动一个 3 节点的本地集群（日志和数据在 DIR），节点之间的消息都经过一个小代理；\n"
     "若干并发客户端对几个键随机地写和读，同时一个“捣乱者”（nemesis）每 1-3 秒杀掉\n"
     "（kill -9，再重启）、暂停（SIGSTOP，再 SIGCONT）或隔离一个节点；记录每个操作，\n"
     "再用模拟器的检查器检查历史是否可线性化。没有回答的写请求保持“待定”：\n"
     "它可能在之后任何时刻生效。\n\n"},
    {"\nExit status: 0 linearizable; 1 not linearizable (or the check could not decide);\n"
     "2 a bad option, or the cluster could not be set up.\n"
     "Example: conlab jepsen --protocol raft --seconds 30 --nemesis kill,pause,partition\n",
     "\n退出码：0 可线性化；1 不可线性化（或检查无法判定）；2 选项有误或集群无法启动。\n"
     "例子：conlab jepsen --protocol raft --seconds 30 --nemesis kill,pause,partition\n"}};

struct Words {
  std::string protocol = "raft", nemesis = "kill,pause,partition", dir;
  std::size_t clients = 10, keys = 3;
  Millis seconds = 30;
  std::optional<std::uint64_t> seed;
  bool in_memory = false, plaintext = false;
  RaftFeatureWords features;
};

void declare(CommandLine& line, Words& w) {
  line.value("protocol", w.protocol, "raft|multipaxos", {"the protocol", "运行的协议"})
      .value("seconds", w.seconds, "S", {"how long the clients run", "客户端运行多少秒"})
      .value("nemesis", w.nemesis, "kill,pause,partition",
             {"the faults to inject (any of them, or none)", "注入哪些故障（任选几个，或 none）"})
      .value("clients", w.clients, "N", {"concurrent clients (8 to 16)", "并发客户端数（8 到 16）"})
      .value("keys", w.keys, "K", {"keys the clients use (1 to 10)", "客户端使用的键数（1 到 10）"})
      .value("seed", w.seed, "N",
             {"the seed of the clients' and the nemesis' choices (default: a random one, "
              "printed)",
              "客户端和捣乱者的随机选择所用的种子（默认随机，会打印出来）"})
      .value("dir", w.dir, "DIR",
             {"where the nodes' data and logs go (default jepsen-PROTOCOL; emptied first)",
              "节点的数据和日志放在哪里（默认 jepsen-PROTOCOL；先清空）"})
      .flag("in-memory", w.in_memory,
            {"nodes keep no durable state (not with --nemesis kill: a killed node would "
             "restart empty)",
             "节点不持久化任何状态（不能与 --nemesis kill 同用：被杀的节点会空着重启）"})
      .flag("plaintext", w.plaintext,
            {"nodes and clients without TLS (by default DIR/tls holds a throwaway CA and the "
             "certificates, as conlab cluster start makes them)",
             "节点和客户端不用 TLS（默认在 DIR/tls 里生成一次性的 CA 和证书，和 conlab cluster "
             "start 一样）"})
      .lang({"this help and the report in English or in the notes' Chinese",
             "用英文或笔记的中文打印本帮助和报告"});
  declare_raft_features(line, w.features);
}

std::optional<Text> validate(const Words& w, jepsen::RunOptions& options) {
  if (w.protocol != "raft" && w.protocol != "multipaxos") return kProtocolChoice;
  if (w.seconds < 1 || w.seconds > 86'400) {
    return Text{"--seconds must be 1 to 86400", "--seconds 必须是 1 到 86400"};
  }
  if (w.clients < 8 || w.clients > 16) {
    return Text{"--clients must be 8 to 16", "--clients 必须是 8 到 16"};
  }
  if (w.keys < 1 || w.keys > 10) return Text{"--keys must be 1 to 10", "--keys 必须是 1 到 10"};
  const auto faults =
      w.nemesis == "none" ? std::set<jepsen::Fault>{} : jepsen::parse_faults(w.nemesis);
  if (!faults) {
    return Text{"--nemesis takes kill, pause and partition, comma-separated, or none, not '" +
                    w.nemesis + "'",
                "--nemesis 的取值是 kill、pause、partition（用逗号分隔）或 none，而不是 '" +
                    w.nemesis + "'"};
  }
  if (w.in_memory && faults->count(jepsen::Fault::kill) != 0) {
    return Text{
        "--nemesis kill needs durable nodes: leave out --in-memory (a node killed in "
        "memory restarts empty)",
        "--nemesis kill 需要持久化的节点：去掉 --in-memory（内存中的节点被杀后会空着重启）"};
  }
  raft::Features features;
  if (auto error = parse_raft_features(w.features, w.protocol, features)) return error;
  options.faults = *faults;
  return std::nullopt;
}

}  // namespace

int jepsen_command(int argc, char** argv) {
  Words w;
  CommandLine line("conlab", "conlab jepsen --help");
  declare(line, w);
  if (const auto status = line.parse(argc, argv, kHelp)) return *status;
  jepsen::RunOptions options;
  if (const auto error = validate(w, options)) return line.error(*error);
  const std::string dir = w.dir.empty() ? "jepsen-" + w.protocol : w.dir;
  options.nodes = {.protocol = w.protocol,
                   .in_memory = w.in_memory,
                   .plaintext = w.plaintext,
                   .features = w.features,
                   .folder = std::filesystem::absolute(dir),
                   .lang = line.language()};
  options.clients = w.clients;
  options.keys = w.keys;
  options.seconds = w.seconds;
  options.nemesis_words = w.nemesis;
  options.seed = w.seed ? *w.seed : std::random_device{}() % 1'000'000;
  return jepsen::run(options);
}

}  // namespace consensus_lab::tools
