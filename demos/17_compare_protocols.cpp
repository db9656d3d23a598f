// Demo 17 — Basic Paxos per value, Multi-Paxos and Raft on the same workload.
//
// Messages and message delays per committed command, as a table.
// notes, Multi-Paxos: "2 轮 RPC 通讯（准备阶段和接受阶段）往返消息多、耗性能、延迟大"
// (two rounds per value: many messages, slow); "当领导者处于稳定状态时，省掉准备阶段"
// (skip the prepare phase while the leader is stable).
//
// Like is compared with like: the messages that choose a command (Basic
// Paxos: Prepare, Promise, Accept and Accepted between the proposer and the
// 3 acceptors, 12; a leader that is itself an acceptor: Accept or
// AppendEntries to the 2 others and their replies, 4) apart from those that
// tell the other nodes (Basic Paxos: an Accepted from each acceptor to each
// other learner, 6; a leader: its heartbeats and their replies, the commit
// index riding on them). Both are counted in the run (ChoosingMessages);
// with no faults and one proposer they come to 12 + 6, and 4 + the rest, as
// the demo checks. The notes' "降低了一半的消息延迟" is said of
// Raft's commit (demo 14), not of skipping Prepare.
//
// Ten commands, three nodes, no faults, every message 10 ms. Each command is
// submitted after the previous one committed; "committed" means the proposer
// (Basic Paxos) or the leader knows it. The leader-based protocols are
// measured after their election; heartbeats are counted too.
//
// With --html FILE, a page for each protocol next to FILE (FILE-paxos.html,
// FILE-multipaxos.html, FILE-raft.html), with the checks that concern it.
// Basic Paxos's page shows the first command: each command is a fresh
// instance, and with no faults the other nine run the same way.
#include <algorithm>
#include <functional>
#include <iomanip>
#include <optional>
#include <sstream>
#include <utility>
#include <variant>

#include "cluster/naive_log.h"
#include "demos/support/demo.h"
#include "narration/line.h"

using namespace consensus_lab;

namespace {

struct Row {
  std::string protocol;     // as the English table names it…
  std::string protocol_zh;  // …and the Chinese one
  double messages = 0;      // per command, measured
  double to_choose = 0;     // per command, of those: the ones that choose it
  double delays = 0;        // message delays from submit to commit at the leader
};

constexpr int kCommands = 10;
constexpr Millis kLatency = 10;

// The messages that propose a value: Basic Paxos's Prepare and Accept; a
// master's Accept; a Raft leader's AppendEntries with entries (without any,
// it is a heartbeat).
bool proposes(const paxos::Message& message) {
  return std::holds_alternative<paxos::Prepare>(message) ||
         std::holds_alternative<paxos::Accept>(message);
}
bool proposes(const multipaxos::Message& message) {
  return std::holds_alternative<multipaxos::Accept>(message);
}
bool proposes(const raft::Message& message) {
  const auto* append = std::get_if<raft::AppendEntries>(&message);
  return append != nullptr && !append->entries.empty();
}

// Counts, record by record, the messages of a run that choose its commands:
// each one that proposes a value, and each answer its receiver sends straight
// back to the sender while handling it (a Promise, an Accepted, an
// AppendEntries reply). Every other message tells the other nodes: an
// Accepted to another learner, a heartbeat and its answer.
class ChoosingMessages {
 public:
  template <class M, class E>
  void operator()(const sim::Record<M, E>& record) {
    if (const auto* sent = std::get_if<sim::Sent<M>>(&record.what)) {
      const bool answer = answering_ && *answering_ == std::pair{sent->from, sent->to};
      if (answer || proposes(sent->message)) ++count_;
    } else if (const auto* delivered = std::get_if<sim::Delivered<M>>(&record.what)) {
      answering_.reset();
      if (proposes(delivered->message)) answering_ = std::pair{delivered->to, delivered->from};
    } else if (!std::holds_alternative<sim::Noted<E>>(record.what)) {
      answering_.reset();  // a timer, a drop…: what follows answers nothing
    }
  }
  double per_command() const { return static_cast<double>(count_) / kCommands; }

 private:
  std::optional<std::pair<NodeId, NodeId>> answering_;  // (receiver, sender) of a proposal
  std::size_t count_ = 0;
};

// With --html, the next chapter of `page`.
void chapter(viewer::Page* page, const std::string& en, const std::string& zh) {
  if (page != nullptr) page->start_step({en, zh});
}

// With --html, the page of Basic Paxos: the instance of the first command.
void record_first_command(demos::Demo& demo, cluster::PaxosCluster& instance) {
  chapter(demo.add_page(instance, {"Basic Paxos per value, the first of ten commands",
                                   "每个值一次 Basic Paxos，十条命令中的第一条"}),
          "x=1: the client proposes it to A, B and C (each of the ten commands is a fresh "
          "instance like this one)",
          "x=1：客户端向 A、B、C 提出它（十条命令每条都是这样一个新的实例）");
}

// Ten commands x=1 … x=10, one Basic Paxos instance each, with one proposer
// and three acceptors. The first instance is the one on the page.
Row measure_basic_paxos(demos::Demo& demo) {
  std::vector<std::string> values;
  for (int i = 1; i <= kCommands; ++i) values.push_back("x=" + std::to_string(i));
  ChoosingMessages choosing;
  const auto slots =
      cluster::run_naive_log({.acceptors = {"A", "B", "C"},
                              .proposals = {{"client", values}},
                              .seed = demo.options().seed,
                              .latency_min = kLatency,
                              .latency_max = kLatency,
                              .on_start =
                                  [&](std::uint64_t slot, cluster::PaxosCluster& instance) {
                                    if (slot == 1) record_first_command(demo, instance);
                                  },
                              .on_slot =
                                  [&](std::uint64_t, const cluster::PaxosCluster& instance) {
                                    for (const auto& record : instance.world().trace())
                                      choosing(record);
                                  }});
  double messages = 0, delays = 0;
  for (const auto& slot : slots) {
    messages += static_cast<double>(slot.messages);
    delays += static_cast<double>(slot.known) / kLatency;
  }
  return {"Basic Paxos per value", "Basic Paxos（每个值一个实例）", messages / kCommands,
          choosing.per_command(), delays / kCommands};
}

// Three nodes, in the words of each leader-based protocol. A's election
// timer fires first; B's and C's would fire long after A is elected.
const std::map<NodeId, Millis> kATimesOutFirst{{"A", 150}, {"B", 1000}, {"C", 1000}};
const cluster::MultiPaxosOptions kMultiPaxos{.replicas = {"A", "B", "C"},
                                             .fixed_election_timeouts = kATimesOutFirst};
const cluster::RaftOptions kRaft{.servers = {"A", "B", "C"},
                                 .fixed_election_timeouts = kATimesOutFirst};

// Whether A has committed the first `count` commands: in Multi-Paxos the
// slots 1 … count; in Raft the indexes 2 … count + 1 (index 1 is the
// leader's noop).
bool a_committed(const cluster::MultiPaxosCluster& cluster, int count) {
  return cluster.replica("A")->commit().value == static_cast<std::uint64_t>(count);
}
bool a_committed(const cluster::RaftCluster& cluster, int count) {
  return cluster.server("A")->commit_index().value == static_cast<std::uint64_t>(count) + 1;
}

// Builds a `Cluster` (a MultiPaxosCluster or a RaftCluster) from `options`,
// elects A, then submits the commands to A, each once the one before is
// committed. With --html, the run is `name`'s page, a chapter per command.
template <class Cluster, class Options>
Row measure_after_election(demos::Demo& demo, const std::string& name, Options options) {
  options.seed = demo.options().seed;
  ChoosingMessages choosing;
  Cluster cluster(std::move(options));
  viewer::Page* page = demo.add_page(cluster, {name + ", ten commands", name + "，十条命令"});
  auto& world = cluster.world();
  world.set_latency({kLatency, kLatency});
  world.keep_trace(false);
  chapter(page, "A's election timer fires first: A is elected", "A 的选举计时器最先超时：A 当选");
  world.run(300);  // A is elected
  world.reset_stats();
  world.add_listener([&choosing](const auto& record) { choosing(record); });
  Millis total = 0;
  for (int i = 1; i <= kCommands; ++i) {
    const std::string n = std::to_string(i);
    chapter(page, "command " + n + ": x=" + n + ", submitted to A",
            "第 " + n + " 条命令：x=" + n + "，提交给 A");
    const Millis start = world.now();
    cluster.submit("A", Command::put("x", std::to_string(i)));
    world.run_until([&] { return a_committed(cluster, i); }, 1000);
    total += world.now() - start;
  }
  return {name, name, static_cast<double>(world.stats().sent) / kCommands, choosing.per_command(),
          static_cast<double>(total) / kLatency / kCommands};
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "17");
  std::vector<Row> rows;

  demo.step("ten commands, one Basic Paxos instance each (one proposer, three acceptors)",
            "十条命令，每条一次 Basic Paxos（一个提议者、三个接受者）",
            [&] { rows.push_back(measure_basic_paxos(demo)); });

  demo.step("the same through Multi-Paxos: elect A, then one Accept round per command",
            "同样的负载走 Multi-Paxos：选出 A，之后每条命令一轮接受阶段", [&] {
              rows.push_back(measure_after_election<cluster::MultiPaxosCluster>(demo, "Multi-Paxos",
                                                                                kMultiPaxos));
            });

  demo.step("the same through Raft: elect A, then one AppendEntries round per command",
            "同样的负载走 Raft：选出 A，之后每条命令一轮日志复制", [&] {
              rows.push_back(measure_after_election<cluster::RaftCluster>(demo, "Raft", kRaft));
            });

  // Columns padded by display width, so that the Chinese table lines up too
  // (a Chinese character takes two columns).
  const auto number = [](double value) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << value;
    return out.str();
  };
  std::size_t first = 24;  // the protocol column: as wide as its longest name
  for (const auto& row : rows) {
    first = std::max(first, narration::display_width(demo.zh() ? row.protocol_zh : row.protocol));
  }
  const auto line = [first](const std::string& protocol, const std::string& messages,
                            const std::string& to_choose, const std::string& to_tell,
                            const std::string& delays) {
    return narration::pad_right(protocol, first) + narration::pad_left(messages, 16) + "  " +
           narration::pad_left(to_choose, 9) + "  " + narration::pad_left(to_tell, 18) + "  " +
           narration::pad_left(delays, 24) + "\n";
  };
  std::string table = demo.zh() ? line("协议", "每条命令的消息数", "用于选定", "用于通知其他节点",
                                       "提交前的消息延迟")
                                : line("protocol", "messages/command", "to choose",
                                       "to tell the others", "message delays to commit");
  for (const auto& row : rows) {
    table += line(demo.zh() ? row.protocol_zh : row.protocol, number(row.messages),
                  number(row.to_choose), number(row.messages - row.to_choose), number(row.delays));
  }
  demo.say(table, table);
  demo.say(
      "to choose a command, skipping Prepare saves 6 of Basic Paxos's 12 messages and 2 of "
      "its 4 delays; a leader that is itself an acceptor saves 2 more messages. To tell the "
      "others, Basic Paxos sends an Accepted to every learner, the leaders put their commit "
      "index on the next message or heartbeat",
      "选定一条命令时，省掉准备阶段省下了 Basic Paxos 12 条消息中的 6 条、4 个消息延迟中的 2 "
      "个；领导者自己也是接受者，又省下 2 条消息。通知其他节点时，Basic Paxos "
      "给每个学习者发送通过通知，领导者则把已提交的位置放在下一条消息或心跳里");

  demo.check(rows.size() == 3, "three protocols measured", "测量了三种协议");
  // Each page lists the checks that concern its protocol.
  const std::vector<std::string> all{"paxos", "multipaxos", "raft"};
  const std::vector<std::string> leaders{"multipaxos", "raft"};
  demo.check(rows[0].delays >= 4 && rows[1].delays <= 2.5 && rows[2].delays <= 2.5,
             "Basic Paxos needs 4 message delays per value; a stable leader needs 2",
             "Basic Paxos 每个值需要 4 个消息延迟；稳定的领导者只需 2 个", all);
  demo.check(
      rows[0].to_choose == 12 && rows[1].to_choose == 4 && rows[2].to_choose == 4,
      "to choose a command: 12 messages in Basic Paxos (Prepare, Promise, Accept, Accepted "
      "with 3 acceptors), 4 with a stable leader (Accept or AppendEntries to 2, 2 answers)",
      "选定一条命令：Basic Paxos 12 条消息（与 3 个接受者之间的准备请求、准备响应、接受请求、"
      "通过通知），稳定的领导者 4 条（发给另外 2 个节点的接受请求或日志复制，以及 2 个回复）",
      all);
  demo.check(rows[1].messages < rows[0].to_choose && rows[2].messages < rows[0].to_choose,
             "a leader, heartbeats included, needs fewer messages per command than Basic Paxos "
             "needs only to choose a value",
             "有领导者时，即使算上心跳，每条命令的消息也比 Basic Paxos 仅用于选定一个值的消息少",
             leaders);
  return demo.finish();
}
