// Demo 08 — Multi-Paxos: a stable master skips the prepare phase, one round trip per value.
//
// notes, Multi-Paxos › 优化 Basic Paxos 执行: "当领导者处于稳定状态时，省掉准备阶段，
// 直接进入接受阶段" (while the leader is stable, skip the prepare phase and go
// straight to the accept phase) — "因为领导者节点上，序列中的命令是最新的" (the
// leader's sequence of commands is the latest).
//
// A is elected once (one Prepare round). Then ten client commands x=1 … x=10
// each cost one Accept round: Accept to B and C, Accepted back — no Prepare.
// The chosen slots reach B and C with the next message (the commit index rides
// on the next Accept or heartbeat), not in a round of their own.
#include "cluster/naive_log.h"
#include "demos/support/demo.h"

using namespace consensus_lab;

namespace {

// The same ten values, one Basic Paxos instance each (demo 06's way), with
// one proposer and three acceptors: no conflict at all, still two rounds.
// Says how many messages that takes beside `steady_messages`, and which;
// returns how many there are without the prepare phase.
std::size_t compare_with_demo_06(demos::Demo& demo, std::size_t steady_messages) {
  std::vector<std::string> values;
  for (int i = 1; i <= 10; ++i) values.push_back("x=" + std::to_string(i));
  const auto naive = cluster::run_naive_log({.acceptors = {"A", "B", "C"},
                                             .proposals = {{"client", values}},
                                             .seed = demo.options().seed});
  std::size_t naive_messages = 0, naive_prepares = 0;
  for (const auto& slot : naive) {
    naive_messages += slot.messages;
    naive_prepares += slot.prepares;
  }
  // With one proposer and no faults every Prepare is answered and every round
  // succeeds: per value, Prepare + Promise and Accept + Accepted to the
  // proposer are one per acceptor each; the rest are Accepted to the other
  // learners.
  const std::size_t prepare_phase = 2 * naive_prepares, to_proposer = 2 * naive_prepares;
  const std::size_t to_learners = naive_messages - prepare_phase - to_proposer;
  const std::string n = std::to_string(naive_messages), p = std::to_string(prepare_phase),
                    a = std::to_string(to_proposer), l = std::to_string(to_learners),
                    here = std::to_string(steady_messages);
  demo.say(
      "the same 10 values, one Basic Paxos each (demo 06's way, one proposer, no "
      "conflict): " +
          n + " messages = " + p + " Prepare/Promise + " + a +
          " Accept/Accepted with the proposer + " + l + " Accepted to the other learners. Here " +
          here + " Accept/Accepted: skipping Prepare saves the " + p +
          "; the rest of the gap is that the master is an acceptor itself and that B and C "
          "learn the chosen slots from the commit index on the next message",
      "同样 10 个值，每个值一次 Basic Paxos（演示 06 的做法，一个提议者，没有冲突）：" + n +
          " 条消息 = 准备请求/响应 " + p + " + 与提议者之间的接受请求/通过通知 " + a +
          " + 发给其他学习者的通过通知 " + l + "。这里只有接受请求/通过通知 " + here +
          " 条：省掉准备阶段省下了那 " + p +
          " 条；其余的差别在于主节点自己也是接受者，以及 B、C 从下一条消息携带的已提交位置"
          "得知选定的槽位");
  return naive_messages - prepare_phase;
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "08", {.latency = {5, 5}, .show_time = true});

  auto& cluster = demo.multipaxos_cluster(
      {.replicas = {"A", "B", "C"}, .fixed_election_timeouts = demos::kNotesElectionTimeouts});
  auto& world = cluster.world();

  demo.step("A is elected master, as in demo 07 (one Prepare round)",
            "A 当选主节点（同演示 07，一轮准备阶段）", [&] {
              demo.silently([&] { world.run(170); });
              demo.say("A is master: " + std::string(cluster.leader() == "A" ? "yes" : "no"),
                       std::string("A 是主节点：") + (cluster.leader() == "A" ? "是" : "否"));
            });
  const auto prepares_for_election = world.stats().sent_of("prepare");

  demo.step("a client sends x=1 to A: Accept straight away, no Prepare",
            "客户端把 x=1 发给 A：直接发送接受请求，没有准备请求", [&] {
              world.reset_stats();
              cluster.submit("A", Command::put("x", "1"));
              world.run(10);
            });
  const auto first_accepts = world.stats().sent_of("accept");
  const auto first_accepted = world.stats().sent_of("accepted");

  demo.step("nine more commands, x=2 … x=10, one after the other (narration off)",
            "再依次提交 9 条命令 x=2 … x=10（不显示过程）", [&] {
              demo.silently([&] {
                for (int i = 2; i <= 10; ++i) {
                  cluster.submit("A", Command::put("x", std::to_string(i)));
                  world.run(10);
                }
                world.run(100);  // heartbeats carry the last commit index to B and C
              });
            });
  const auto& stats = world.stats();
  demo.say("messages for 10 commands: " + std::to_string(stats.sent_of("accept")) + " Accept, " +
               std::to_string(stats.sent_of("accepted")) + " Accepted, " +
               std::to_string(stats.sent_of("prepare")) + " Prepare (and " +
               std::to_string(stats.sent_of("heartbeat")) + " heartbeats)",
           "10 条命令的消息：接受请求 " + std::to_string(stats.sent_of("accept")) + "，通过通知 " +
               std::to_string(stats.sent_of("accepted")) + "，准备请求 " +
               std::to_string(stats.sent_of("prepare")) + "（另有心跳 " +
               std::to_string(stats.sent_of("heartbeat")) + "）");

  const auto steady_messages = stats.sent_of("accept") + stats.sent_of("accepted");
  const std::size_t naive_without_prepare = compare_with_demo_06(demo, steady_messages);

  demo.check(prepares_for_election == 2, "electing A took one Prepare round (2 Prepares)",
             "选举 A 用了一轮准备阶段（2 个准备请求）");
  demo.check(first_accepts == 2 && first_accepted == 2,
             "x=1 cost one round trip: 2 Accept, 2 Accepted",
             "x=1 只用了一次往返：2 个接受请求、2 个通过通知");
  demo.check(steady_messages < naive_without_prepare,
             "fewer messages than one Basic Paxos per value, even leaving out its Prepare phase",
             "即使不算准备阶段，消息也比每个值一次 Basic Paxos 少");
  demo.check(stats.sent_of("prepare") == 0, "zero Prepare after the election",
             "选举之后没有准备请求");
  demo.check(stats.sent_of("accept") == 20 && stats.sent_of("accepted") == 20,
             "10 commands, 10 round trips: 20 Accept and 20 Accepted",
             "10 条命令，10 次往返：20 个接受请求和 20 个通过通知");
  for (const char* id : {"A", "B", "C"}) {
    const auto* replica = cluster.replica(id);
    demo.check(replica->commit() == multipaxos::Slot{10} && replica->store().get("x") == "10",
               std::string(id) + " has slots 1-10 chosen and applied: x=10",
               std::string(id) + " 的槽位 1-10 均已选定并执行：x=10");
  }
  return demo.finish();
}
