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
// Says how many messages that takes beside `steady_messages`; returns it.
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
  demo.say("beside demo 06's way (one Basic Paxos per value, even without conflicts): " +
               std::to_string(naive_messages) + " messages and " + std::to_string(naive_prepares) +
               " Prepares for the same 10 values, against " + std::to_string(steady_messages) +
               " here",
           "对照演示 06 的做法（每个值一次 Basic Paxos，即使没有冲突）：同样 10 个值需要 " +
               std::to_string(naive_messages) + " 条消息、" + std::to_string(naive_prepares) +
               " 个准备请求，这里只需 " + std::to_string(steady_messages) + " 条");

  return naive_messages;
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
  const std::size_t naive_messages = compare_with_demo_06(demo, steady_messages);

  demo.check(prepares_for_election == 2, "electing A took one Prepare round (2 Prepares)",
             "选举 A 用了一轮准备阶段（2 个准备请求）");
  demo.check(first_accepts == 2 && first_accepted == 2,
             "x=1 cost one round trip: 2 Accept, 2 Accepted",
             "x=1 只用了一次往返：2 个接受请求、2 个通过通知");
  demo.check(steady_messages < naive_messages, "fewer messages than one Basic Paxos per value",
             "消息比每个值一次 Basic Paxos 少");
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
