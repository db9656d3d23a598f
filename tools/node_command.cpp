// `conlab node`: one node of a real cluster, in the foreground
// (docs/real-cluster.md).
#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "net/node.h"
#include "net/wire.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/raft_features.h"

namespace consensus_lab::tools {

namespace {

const Help kHelp{{"Usage: conlab node --protocol raft|multipaxos --id A --listen 127.0.0.1:7001\n"
                  "                   --peer B=127.0.0.1:7002 --peer C=127.0.0.1:7003\n"
                  "                   (--data-dir DIR | --in-memory)\n"
                  "                   (--certs DIR | --plaintext) [options]\n"
                  "       conlab node --config A.conf [options]\n\n"
                  "Runs one node in the foreground, narrating what it does, until Ctrl-C.\n\n",
                  "用法：conlab node --protocol raft|multipaxos --id A --listen 127.0.0.1:7001\n"
                  "                  --peer B=127.0.0.1:7002 --peer C=127.0.0.1:7003\n"
                  "                  (--data-dir DIR | --in-memory)\n"
                  "                  (--certs DIR | --plaintext) [选项]\n"
                  "      conlab node --config A.conf [选项]\n\n"
                  "在前台运行一个节点，讲述它做的每件事，直到按下 Ctrl-C。\n\n"},
                 {"\nExample: docs/real-cluster.md\n", "\n例子：docs/real-cluster.md\n"}};

// The option words before they are checked.
struct Words {
  std::string listen, timeout = "150..300";
  std::vector<std::string> peers;
  std::string members;  // --members A,B,C
  bool in_memory = false;
  std::optional<std::string> certs;
  bool plaintext = false;
  RaftFeatureWords features;
};

void declare(CommandLine& line, net::NodeOptions& options, Words& words) {
  line.value("protocol", options.protocol, "raft|multipaxos",
             {"the protocol the cluster runs", "集群运行的协议"})
      .value("id", options.id, "ID", {"this node's id (A, B, …)", "本节点的 id（A、B……）"})
      .value("listen", words.listen, "HOST:PORT",
             {"where to listen (127.0.0.1 unless told otherwise)",
              "在哪个地址监听（除非另外指定，都用 127.0.0.1）"})
      .value(
          "peer", words.peers, "ID=HOST:PORT",
          {"another node of the cluster (repeat for each)", "集群中的另一个节点（每个节点写一次）"})
      .value("data-dir", options.data_dir, "DIR",
             {"where the durable state lives (created if missing)",
              "持久化状态存放的目录（不存在就创建）"})
      .flag("in-memory", words.in_memory,
            {"keep no durable state (a crash forgets everything)",
             "不持久化任何状态（崩溃后全部丢失）"})
      .value("certs", words.certs, "DIR",
             {"TLS: the cluster's CA (ca.crt) and this node's certificate and key (ID.crt, "
              "ID.key); conlab cluster start and conlab certs make them",
              "TLS：集群的 CA（ca.crt）和本节点的证书与私钥（ID.crt、ID.key）；"
              "conlab cluster start 和 conlab certs 会生成它们"})
      .flag("plaintext", words.plaintext,
            {"no TLS: the readable wire (for nc and tcpdump); anyone who reaches the port can "
             "speak as a member",
             "不用 TLS：可读的明文线路（给 nc 和 tcpdump 用）；任何能连到端口的人都能冒充成员"})
      .flag("writes-need-certificate", options.writes_need_certificate,
            {"TLS: serve puts and membership changes only to clients that show a certificate "
             "of the cluster's CA (reads to anyone)",
             "TLS：只为出示了集群 CA 所签证书的客户端执行写入和成员变更（读取对所有人开放）"})
      .lang({"narrate in English or in the notes' Chinese", "用英文或笔记的中文讲述"})
      .flag("quiet", options.quiet,
            {"log only start and stop, elections and term changes, and rejected input",
             "只记录启动和停止、选举和任期变化，以及被拒绝的输入"})
      .value("election-timeout", words.timeout, "MIN..MAX",
             {"randomized election timeout, ms", "随机选举超时（毫秒）"})
      .value("heartbeat", options.heartbeat, "MS",
             {"the leader's heartbeat interval, ms", "领导者的心跳间隔（毫秒）"})
      .value("members", words.members, "A,B,C",
             {"the cluster's first configuration, when this node joins it later (conlab "
              "cluster add-node); default: this node and its peers",
              "集群的第一个配置，用于以后才加入的节点（conlab cluster add-node）；"
              "默认：本节点和它的各个 peer"})
      .config_file("config",
                   {"read options from FILE, one NAME=VALUE a line (id=A, peer=B=127.0.0.1:7002, "
                    "…); options given here win",
                    "从 FILE 读取选项，每行一个 NAME=VALUE（id=A、peer=B=127.0.0.1:7002……）；"
                    "命令行上给出的优先"})
      .either("data-dir", "in-memory")
      .either("certs", "plaintext");
  declare_raft_features(line, words.features);
}

// `--peer ID=HOST:PORT`, each once; an error message otherwise.
std::optional<Text> add_peers(net::NodeOptions& options, const std::vector<std::string>& peers) {
  for (const std::string& peer : peers) {
    const auto equals = peer.find('=');
    const auto endpoint =
        equals == std::string::npos ? std::nullopt : net::parse_endpoint(peer.substr(equals + 1));
    const std::string id = peer.substr(0, equals);
    if (!endpoint || !net::is_node_id(id)) {
      return Text{"--peer takes ID=HOST:PORT, not '" + peer + "'",
                  "--peer 的格式是 ID=HOST:PORT，而不是 '" + peer + "'"};
    }
    if (id == options.id || options.peers.count(id) != 0) {
      return Text{"--peer " + id + " is given twice (or is this node)",
                  "--peer " + id + " 出现了两次（或者就是本节点）"};
    }
    options.peers[id] = *endpoint;
  }
  return std::nullopt;
}

// `--members A,B,C`: the first configuration (a node added later is not
// among them; one removed since may be no peer any more).
std::optional<Text> add_members(net::NodeOptions& options, const std::string& members) {
  if (members.empty()) return std::nullopt;
  std::set<NodeId> ids;
  bool fine = options.protocol == "raft";
  for (std::size_t at = 0; at <= members.size();) {
    const std::size_t comma = std::min(members.find(',', at), members.size());
    const NodeId id = members.substr(at, comma - at);
    fine = fine && net::is_node_id(id) && ids.insert(id).second;
    at = comma + 1;
  }
  if (!fine) {
    return Text{
        "--members takes A,B,C (Raft only), each this node or a --peer once, not '" + members + "'",
        "--members 的格式是 A,B,C（仅 Raft），每个是本节点或某个 --peer，各一次，而不是 '" +
            members + "'"};
  }
  options.members.assign(ids.begin(), ids.end());  // sorted, as the data directory keeps them
  return std::nullopt;
}

// --certs DIR (TLS, the default a cluster starts with) or --plaintext.
std::optional<Text> load_certificates(net::NodeOptions& options, const Words& words) {
  if (words.plaintext == words.certs.has_value()) {
    return Text{
        "give --certs DIR (TLS: conlab cluster start makes the folder, conlab certs makes "
        "one by hand), or --plaintext for the readable wire without TLS",
        "请给出 --certs DIR（TLS：conlab cluster start 会生成这个目录，也可以用 conlab "
        "certs 生成），或者用 --plaintext 表示不用 TLS 的明文线路"};
  }
  if (words.plaintext) {
    if (options.writes_need_certificate) {
      return Text{"--writes-need-certificate needs TLS (--certs DIR), not --plaintext",
                  "--writes-need-certificate 需要 TLS（--certs DIR），不能和 --plaintext 一起用"};
    }
    return std::nullopt;
  }
  try {
    options.tls = net::Tls::load(*words.certs, options.id);
    options.certificates = *words.certs;
  } catch (const net::TlsError& error) {
    return error.reason;
  }
  return std::nullopt;
}

// What is wrong with the options, if anything.
std::optional<Text> validate(net::NodeOptions& options, const Words& words) {
  if (options.protocol != "raft" && options.protocol != "multipaxos") {
    return kProtocolChoice;
  }
  if (!net::is_node_id(options.id)) {
    return Text{"--id must be a node id (A, B, node1…)", "--id 必须是节点 id（A、B、node1……）"};
  }
  const auto where = net::parse_endpoint(words.listen);
  if (!where) {
    return Text{"--listen takes HOST:PORT, e.g. 127.0.0.1:7001",
                "--listen 的格式是 HOST:PORT，例如 127.0.0.1:7001"};
  }
  options.listen = *where;
  if (auto error = add_peers(options, words.peers)) return error;
  if (auto error = add_members(options, words.members)) return error;
  if (words.in_memory == options.data_dir.has_value()) {
    return Text{"give --data-dir DIR, or --in-memory for no durable state",
                "请给出 --data-dir DIR，或者用 --in-memory 表示不持久化任何状态"};
  }
  const auto range = parse_range(words.timeout, /*one_allowed=*/false);
  if (!range || range->first < 1) {
    return Text{"--election-timeout takes MIN..MAX in ms, e.g. 150..300",
                "--election-timeout 的格式是 MIN..MAX（毫秒），例如 150..300"};
  }
  options.election_timeout_min = static_cast<Millis>(range->first);
  options.election_timeout_max = static_cast<Millis>(range->second);
  if (options.heartbeat < 1) {
    return Text{"--heartbeat must be at least 1 ms", "--heartbeat 至少是 1 毫秒"};
  }
  if (auto error = load_certificates(options, words)) return error;
  return parse_raft_features(words.features, options.protocol, options.raft_features);
}

}  // namespace

int node_command(int argc, char** argv) {
  net::NodeOptions options;
  Words words;
  CommandLine line("conlab", "conlab node --help");
  declare(line, options, words);
  if (const auto status = line.parse(argc, argv, kHelp)) return *status;
  if (const auto error = validate(options, words)) return line.error(*error);
  options.lang = line.language();
  options.colour = narration::colour_wanted(stderr);
  return net::run_node(options, std::cerr);
}

}  // namespace consensus_lab::tools
