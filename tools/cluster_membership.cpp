// `conlab cluster add-node | remove-node ID | stop-node ID`: membership
// changes and a graceful stop on a running local Raft cluster
// (docs/real-cluster.md §3.1, §3.2).
//
// add-node starts the next node (D, E, …) on a free port, as a process that
// is not a member yet (`--members` names the cluster's first configuration,
// so that its data directory and its log start from the same one as the
// others'), tells every running node its address (`meet`, net/admin_wire.h),
// rewrites every node's restart script with it, and asks the leader for
// `learner D`; the leader promotes D once it has caught up (thesis §4.2.1,
// raft/membership.cpp). remove-node asks the leader for `remove ID`, then
// stops the node; a leader to be removed first hands its leadership over
// (SIGTERM, thesis §3.10), then is removed by the new leader — so the
// cluster never waits an election timeout for a leader. Both poll the
// leader's configuration (`members`) until the change is committed: a reply
// lost on the way changes nothing then.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/node_ids.h"
#include "net/admin_wire.h"
#include "net/certificates.h"
#include "net/client_connection.h"
#include "net/endpoint.h"
#include "net/wire_words.h"
#include "tools/cluster_access.h"
#include "tools/cluster_processes.h"

namespace consensus_lab::tools {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr auto kDeadline = std::chrono::seconds(15);

// The leader's configuration, from its `members` reply.
struct Members {
  NodeId leader;
  std::vector<NodeId> voters, learners;
  bool committed = false;
  bool has(const NodeId& id, bool voter) const {
    const auto& list = voter ? voters : learners;
    return std::find(list.begin(), list.end(), id) != list.end();
  }
};

// "A,B" → {A, B}; "-" (none) → {}.
std::vector<NodeId> split(const std::string& list) {
  return list == "-" ? std::vector<NodeId>{} : split_ids(list).value_or(std::vector<NodeId>{});
}

std::string cluster_text(const Cluster& cluster) {
  std::string text;
  for (const auto& [id, where] : cluster)
    text += (text.empty() ? "" : ",") + id + "=" + where.text();
  return text;
}

// DIR/cluster.txt replaced at once (written aside, then renamed): whoever
// reads it meanwhile — `conlab put --cluster $(cat …)` — sees the old or the new.
void write_cluster(const fs::path& folder, const Cluster& cluster) {
  const fs::path aside = folder / "cluster.txt.new";
  std::ofstream(aside) << cluster_text(cluster) << '\n';
  fs::rename(aside, folder / "cluster.txt");
}

// The first configuration (DIR/first-members.txt, kept from cluster.txt as
// `conlab cluster start` wrote it, before the first change).
std::vector<NodeId> first_members(const fs::path& folder, const Cluster& cluster) {
  const fs::path file = folder / "first-members.txt";
  if (!fs::exists(file)) {
    std::vector<NodeId> ids;
    for (const auto& [id, where] : cluster) ids.push_back(id);
    std::ofstream(file) << join_ids(ids) << '\n';
  }
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  return split(text);
}

struct Action {
  const fs::path& folder;
  const CommandLine& line;
  Cluster cluster;
  std::vector<NodeId> first;
  bool in_memory = false;
  std::shared_ptr<net::Tls> tls;  // the cluster's wire (tools/cluster_access.h)
  void say(const Text& text) const { std::cout << text.in(line.language()) << '\n'; }
  net::ssl::context* context() const { return tls ? &tls->client() : nullptr; }
};

// `line` to the leader (following redirects, retrying while there is none):
// the leader's reply, or none by the deadline.
std::optional<std::pair<NodeId, net::Reply>> ask_leader(const Action& a, const std::string& line,
                                                        Clock::time_point until) {
  const Cluster& cluster = a.cluster;
  auto next = cluster.begin();
  std::optional<NodeId> hint;
  while (Clock::now() < until) {
    const NodeId id = hint && cluster.count(*hint) ? *hint : next->first;
    if (!hint && ++next == cluster.end()) next = cluster.begin();
    hint.reset();
    net::ClientConnection connection(id, cluster.at(id), a.context());
    const auto reply = connection.exchange(line + '\n', 3'000);
    if (reply && reply->kind == net::Reply::Kind::redirect) {
      hint = reply->text;
    } else if (reply && reply->kind != net::Reply::Kind::retry) {
      return std::pair{id, *reply};
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return std::nullopt;
}

std::optional<Members> members(const Action& a, Clock::time_point until) {
  const auto answer = ask_leader(a, encode(net::AdminRequest{net::MembersRequest{}}), until);
  if (!answer || answer->second.kind != net::Reply::Kind::value) return std::nullopt;
  std::stringstream in(answer->second.text);
  std::string voters, learners, state;
  in >> voters >> learners >> state;
  return Members{answer->first, split(voters), split(learners), state == "committed"};
}

// Ask for `change` until the leader's configuration is `done` (committed);
// asked again only while the configuration is committed and not `under_way`.
template <class Done, class UnderWay>
std::optional<Members> change_until(const Action& a, const Command& change, Done done,
                                    UnderWay under_way) {
  const auto until = Clock::now() + kDeadline;
  const std::string line = encode(net::AdminRequest{net::ChangeRequest{change}});
  while (Clock::now() < until) {
    const auto now = members(a, until);
    if (now && now->committed && done(*now)) return now;
    if (now && now->committed && !under_way(*now)) ask_leader(a, line, until);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

// The pid of node `id` (from DIR/pids), if it runs.
std::optional<long> pid_of(const fs::path& folder, const net::Endpoint& where) {
  std::ifstream pids(folder / "pids");
  for (long pid; pids >> pid;) {
    if (runs_node(pid, where)) return pid;
  }
  return std::nullopt;
}

// SIGTERM to the node, and wait for it to exit: how long it took (ms);
// none when it was not running, or still runs after the deadline.
std::optional<long> stop_node(const fs::path& folder, const net::Endpoint& where) {
  const auto pid = pid_of(folder, where);
  if (!pid) return std::nullopt;
  const auto start = Clock::now();
  kill(static_cast<pid_t>(*pid), SIGTERM);
  while (runs_node(*pid, where)) {
    if (Clock::now() > start + kDeadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// The words of node `id`'s command (from its restart script) that all nodes
// share: the program, `node`, the protocol and the options — not its id,
// address, peers, first configuration or data directory.
std::vector<std::string> shared_args(const fs::path& folder, const NodeId& id) {
  std::ifstream script(folder / ("restart-" + id + ".sh"));
  std::vector<std::string> args;
  for (std::string line; std::getline(script, line);) {
    if (line.rfind("exec ", 0) != 0) continue;
    std::stringstream words(line.substr(5));
    for (std::string word; words >> word && word != ">>";) {
      if (word == "--id" || word == "--listen" || word == "--peer" || word == "--members" ||
          word == "--data-dir") {
        words >> word;
      } else {
        args.push_back(word);
      }
    }
  }
  return args;
}

// Node `id` of `cluster` (every other one its peer), as a process to run.
NodeProcess node_process(const fs::path& folder, const NodeId& id, const Cluster& cluster,
                         std::vector<std::string> args, const std::vector<NodeId>& first) {
  NodeProcess node{.id = id, .port = cluster.at(id).port, .args = std::move(args)};
  node.log = (folder / (id + ".log")).string();
  node.args.insert(node.args.end(), {"--id", id, "--listen", cluster.at(id).text()});
  for (const auto& [peer, where] : cluster) {
    if (peer != id) node.args.insert(node.args.end(), {"--peer", peer + "=" + where.text()});
  }
  node.args.insert(node.args.end(), {"--members", join_ids(first)});
  if (std::find(node.args.begin(), node.args.end(), "--in-memory") == node.args.end()) {
    node.args.insert(node.args.end(), {"--data-dir", (folder / id).string()});
  }
  for (const auto& a : node.args) node.command += (node.command.empty() ? "" : " ") + a;
  return node;
}

// The next id: the letter after every node's this folder ever had (a
// removed node's id is not given again: its data directory stays).
std::optional<NodeId> next_id(const fs::path& folder) {
  char last = 'A' - 1;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 12 && name.rfind("restart-", 0) == 0) last = std::max(last, name[8]);
  }
  if (last >= 'Z') return std::nullopt;
  return NodeId(1, static_cast<char>(last + 1));
}

std::string members_line(const Members& m) {
  return m.voters.empty()
             ? ""
             : join_ids(m.voters) + (m.learners.empty() ? "" : " + " + join_ids(m.learners));
}

int add_node(Action& a) {
  if (!members(a, Clock::now() + kDeadline)) {
    return a.line.error(Text{"no leader answers", "没有领导者回答"});
  }
  const auto id = next_id(a.folder);
  if (!id) return a.line.error(Text{"no node id left (A to Z)", "没有可用的节点 id 了（A 到 Z）"});
  try {  // its certificate first: a failure here changes nothing
    if (a.tls) net::make_missing(a.folder / "tls", {{net::Certified::Role::node, *id}});
  } catch (const net::TlsError& error) {
    return a.line.error(error.reason);
  }
  const auto args = shared_args(a.folder, a.cluster.begin()->first);
  const Cluster before = a.cluster;
  std::set<unsigned short> taken;  // a member that is down now keeps its port
  for (const auto& [member, where] : before) taken.insert(where.port);
  a.cluster[*id] = net::Endpoint{"127.0.0.1", net::free_ports(1, taken).front()};
  // Every node learns the address before the leader is asked (the log's
  // entry for D makes the leader replicate to D: it must know where D is).
  const std::string meet = encode(net::AdminRequest{net::MeetRequest{*id, a.cluster.at(*id)}});
  for (const auto& [peer, where] : before) {
    write_restart_script(node_process(a.folder, peer, a.cluster, args, a.first), a.folder,
                         a.in_memory);
    net::ClientConnection connection(peer, where, a.context());
    if (!connection.exchange(meet + '\n', 2'000)) {
      a.say({"  " + peer + " did not answer: it learns " + *id + "'s address when it restarts",
             "  " + peer + " 没有回答：它重启时会得知 " + *id + " 的地址"});
    }
  }
  NodeProcess node = node_process(a.folder, *id, a.cluster, args, a.first);
  write_restart_script(node, a.folder, a.in_memory);
  const pid_t pid = spawn(node);
  std::ofstream(a.folder / "pids", std::ios::app) << pid << '\n';
  write_cluster(a.folder, a.cluster);
  a.say({"started node " + *id + " (pid " + std::to_string(pid) + ", " + a.cluster.at(*id).text() +
             ", log " + node.log + "), not a member yet",
         "启动了节点 " + *id + "（pid " + std::to_string(pid) + "，" + a.cluster.at(*id).text() +
             "，日志 " + node.log + "），它还不是成员"});
  a.say({"asking the leader for `learner " + *id + "`; it promotes " + *id +
             " to a voter once it has caught up…",
         "请领导者追加 `learner " + *id + "`；" + *id + " 追上日志后领导者把它升为投票成员……"});
  const auto done = change_until(
      a, Command::learner(*id), [&](const Members& m) { return m.has(*id, true); },
      [&](const Members& m) { return m.has(*id, false); });
  if (!done) {
    return a.line.error(Text{"the change was not committed in time (see the logs)",
                             "成员变更没有及时提交（请看日志）"});
  }
  a.say({"committed: members " + members_line(*done) + " (leader " + done->leader + ")",
         "已提交：成员 " + members_line(*done) + "（领导者 " + done->leader + "）"});
  return 0;
}

int remove_node(Action& a, const NodeId& id) {
  const auto now = members(a, Clock::now() + kDeadline);
  if (!now) return a.line.error(Text{"no leader answers", "没有领导者回答"});
  if (now->voters.size() == 1 && now->has(id, true)) {
    return a.line.error(Text{id + " is the last voter: a cluster needs one",
                             id + " 是最后一个投票成员：集群至少需要一个"});
  }
  if (now->leader == id) {  // thesis §3.10: hand over first, then be removed
    a.say({id + " leads: it hands its leadership over and stops first",
           id + " 是领导者：它先转移领导权并停止"});
    stop_node(a.folder, a.cluster.at(id));
  }
  a.say({"asking the leader for `remove " + id + "`…", "请领导者追加 `remove " + id + "`……"});
  const auto member = [&](const Members& m) { return m.has(id, true) || m.has(id, false); };
  const auto done = change_until(
      a, Command::remove(id), [&](const Members& m) { return !member(m); },
      [&](const Members& m) { return !member(m); });
  if (!done) {
    return a.line.error(Text{"the change was not committed in time (see the logs)",
                             "成员变更没有及时提交（请看日志）"});
  }
  if (stop_node(a.folder, a.cluster.at(id))) {
    a.say({"stopped node " + id, "停止了节点 " + id});
  }
  a.cluster.erase(id);
  write_cluster(a.folder, a.cluster);
  a.say({"committed: members " + members_line(*done) + " (leader " + done->leader + ")",
         "已提交：成员 " + members_line(*done) + "（领导者 " + done->leader + "）"});
  return 0;
}

// One node stopped gracefully: a leader hands over first (net/node_membership.cpp).
int stop_one(Action& a, const NodeId& id) {
  const auto took = stop_node(a.folder, a.cluster.at(id));
  if (!took) {
    return a.line.error(Text{"node " + id + " is not running, or did not stop in time",
                             "节点 " + id + " 没有在运行，或者没有及时停止"});
  }
  a.say({"stopped node " + id + " in " + std::to_string(*took) + " ms",
         "节点 " + id + " 在 " + std::to_string(*took) + " 毫秒内停止"});
  return 0;
}

}  // namespace

bool is_membership_action(const std::string& action) {
  return action == "add-node" || action == "remove-node" || action == "stop-node";
}

std::string take_node_id(const std::string& action, int& argc, char** argv) {
  if ((action != "remove-node" && action != "stop-node") || argc < 3 || argv[2][0] == '-') {
    return {};
  }
  const std::string id = argv[2];
  for (int i = 2; i + 1 < argc; ++i) argv[i] = argv[i + 1];
  --argc;
  return id;
}

int membership_action(const std::string& action, const NodeId& node, const fs::path& folder,
                      const CommandLine& line) {
  const auto cluster = read_cluster(folder);
  if (!fs::exists(folder / "pids") || !cluster) {
    return line.error(
        Text{"no running cluster in " + folder.string(), folder.string() + " 里没有运行中的集群"});
  }
  Action a{.folder = folder, .line = line, .cluster = *cluster};
  const auto args = shared_args(folder, cluster->begin()->first);
  if (action != "stop-node" && std::find(args.begin(), args.end(), "multipaxos") != args.end()) {
    return line.error(Text{"membership changes in real mode are Raft's only",
                           "真实模式下只有 Raft 支持成员变更"});
  }
  a.in_memory = std::find(args.begin(), args.end(), "--in-memory") != args.end();
  try {
    a.tls = folder_tls(folder);
  } catch (const net::TlsError& error) {
    return line.error(error.reason);
  }
  a.first = first_members(folder, *cluster);
  if (action == "add-node") return add_node(a);
  if (!net::is_node_id(node) || cluster->count(node) == 0) {
    std::vector<NodeId> ids;
    for (const auto& [id, where] : *cluster) ids.push_back(id);
    return line.error(Text{
        action + " takes the id of a node of the cluster (" + join_ids(ids) + "), not '" + node +
            "'",
        action + " 后面要跟集群中某个节点的 id（" + join_ids(ids) + "），而不是 '" + node + "'"});
  }
  return action == "remove-node" ? remove_node(a, node) : stop_one(a, node);
}

}  // namespace consensus_lab::tools
