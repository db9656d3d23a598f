// Demo 04 — Fault tolerance: consensus works while fewer than half of the nodes fail.
//
// notes, Basic Paxos › 优缺点: "当少于一半的节点出现故障的时候，共识协商仍然在正常工作"
// (while fewer than half of the nodes fail, consensus still works).
//
// Timed mode: messages take 5–15 ms, a proposer retries 100 ms after a round
// that heard no majority.
//   1. C is down. Client 1 proposes 3: A and B are a majority — 3 is chosen.
//   2. B goes down too; only A is up. Client 2 proposes 7: its first round
//      is shown, and for the rest of half a second the same round repeats
//      quietly; no majority answers, nothing new is chosen and nothing unsafe
//      happens.
//   3. C comes back (it had accepted nothing). A and C are a majority again:
//      client 2 completes — and A's Promise reports [1, 3], so client 2
//      proposes 3, not 7. The chosen value never changes.
#include "demos/support/demo.h"

using namespace consensus_lab;
using paxos::Proposer;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "04", {.latency = {5, 15}, .show_time = true});

  auto& cluster = demo.paxos_cluster(
      {.servers = {"A", "B", "C"}, .proposers = {"client1", "client2"}, .round_timeout = 100});
  auto& world = cluster.world();

  demo.part("one of three acceptors down", "三个接受者中一个故障");
  demo.step("C crashes", "C 宕机", [&] { world.crash("C"); });
  demo.step("client 1 proposes 3; run 100 ms", "客户端 1 提议 3；运行 100 ms", [&] {
    cluster.propose("client1", "3");
    world.run(100);
  });
  demo.check(cluster.chosen_values() == std::set<paxos::Value>{"3"},
             "with C down, A and B (a majority) choose 3", "C 宕机时，A、B（大多数）选定了 3");
  demo.check(cluster.proposer("client1").phase() == Proposer::Phase::done,
             "client 1 knows 3 is chosen", "客户端 1 知道 3 已被选定");

  demo.part("two of three acceptors down", "三个接受者中两个故障");
  const auto sent_before = world.stats().sent;
  demo.step("B crashes too: only A is up. Client 2 proposes 7: only A answers its Prepare",
            "B 也宕机，只剩 A。客户端 2 提议 7：只有 A 响应它的准备请求", [&] {
              world.crash("B");
              cluster.propose("client2", "7");
              world.run(99);
            });
  demo.step(
      "every 100 ms the round times out with 1 promise of the 2 needed, and client 2 "
      "retries with a higher number (400 ms more, quiet)",
      "每 100 ms 这一轮都因只有 1 个准备响应（需要 2 个）而超时，客户端 2 用更大的编号重试"
      "（再运行 400 ms，不显示过程）",
      [&] { demo.silently([&] { world.run(401); }); });
  const auto rounds_without_majority = cluster.proposer("client2").rounds();
  demo.check(
      rounds_without_majority >= 4 && cluster.proposer("client2").phase() != Proposer::Phase::done,
      "client 2 tried " + std::to_string(rounds_without_majority) +
          " proposal numbers and none reached a majority",
      "客户端 2 尝试了 " + std::to_string(rounds_without_majority) +
          " 个提案编号，都没有得到大多数响应");
  demo.check(cluster.chosen_values() == std::set<paxos::Value>{"3"},
             "no progress, and nothing unsafe: 3 is still the only chosen value",
             "没有进展，也没有不安全的结果：选定的值仍只有 3");
  demo.say("messages sent while only A was up: " + std::to_string(world.stats().sent - sent_before),
           "只有 A 在线期间发送的消息数：" + std::to_string(world.stats().sent - sent_before));

  demo.part("one acceptor back", "一个接受者恢复");
  demo.step("C restarts; run until client 2's proposal completes (at most 1 second)",
            "C 重启；运行到客户端 2 的提案完成（最多 1 秒）", [&] {
              world.restart("C");
              world.run_until(
                  [&] { return cluster.proposer("client2").phase() == Proposer::Phase::done; },
                  1000);
            });
  const auto& client2 = cluster.proposer("client2");
  demo.check(client2.phase() == Proposer::Phase::done,
             "with A and C up, client 2's proposal completes", "A、C 在线时客户端 2 的提案完成");
  demo.check(
      client2.chosen() && client2.chosen()->value == "3",
      "client 2 ends with 3, not its own 7: A's Promise reported its accepted [1, 3] "
      "(promise 3)",
      "客户端 2 最终提议的是 3，而不是自己的 7：A 的准备响应带上了已通过的提案（第三个承诺）");
  demo.check(cluster.chosen_values() == std::set<paxos::Value>{"3"},
             "3 is the only value ever chosen", "始终只有一个值被选定：3");
  return demo.finish();
}
