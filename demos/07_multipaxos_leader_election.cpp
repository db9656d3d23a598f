// Demo 07 — Chubby: the master is elected by running Basic Paxos.
//
// notes, Multi-Paxos › 落地：Chubby: "主节点是通过Basic Paxos算法来进行leader选举的"
// (the master is elected with Basic Paxos), and › 领导者: "引入领导者节点…领导者节点
// 作为唯一提议者" (a leader is introduced as the only proposer).
//
// Replicas A, B, C start with no master. A's election timer fires first: it
// runs phase 1 of Basic Paxos with ballot 1 — one Prepare that covers every
// slot of the log. B and C promise; a majority of promises makes A master,
// and its heartbeats keep everyone else from running for election.
#include "demos/support/demo.h"

using namespace consensus_lab;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "07", {.latency = {5, 5}, .show_time = true});

  auto& cluster = demo.multipaxos_cluster(
      {.replicas = {"A", "B", "C"}, .fixed_election_timeouts = demos::kNotesElectionTimeouts});
  auto& world = cluster.world();

  demo.step("no master yet; A's election timeout (150 ms) is the shortest: it fires first",
            "一开始没有主节点；A 的选举超时（150 ms）最短，最先超时", [&] { world.advance(150); });
  demo.check(world.queued("A", "B") == 1 && world.queued("A", "C") == 1,
             "A sent Prepare 1 (for every slot from 1) to B and C",
             "A 向 B、C 发送了准备请求 1（覆盖从第 1 个槽位起的所有槽位）");

  demo.step("B and C receive the Prepare: they have promised nothing, so they promise ballot 1",
            "B、C 收到准备请求：之前没有承诺过，于是承诺编号 1", [&] {
              for (const char* id : {"B", "C"}) world.deliver("A", id);
            });

  demo.step("the promises reach A: with its own, a majority — A is master",
            "准备响应到达 A：加上它自己的，达到大多数——A 成为主节点", [&] {
              for (const char* id : {"B", "C"}) world.deliver(id, "A");
            });
  demo.check(cluster.leader() == std::optional<NodeId>{"A"}, "A is master", "A 是主节点");
  demo.check(cluster.replica("A")->ballot() == multipaxos::Ballot{1}, "with ballot 1", "编号为 1");

  demo.step(
      "A sends heartbeats every 50 ms (the first 60 ms are shown); run one second: "
      "nobody else runs for election",
      "A 每 50 ms 发送心跳（只显示前 60 ms）；运行 1 秒：没有别的节点发起选举", [&] {
        world.reset_stats();
        world.run(60);
        demo.silently([&] { world.run(940); });
        const auto heartbeats = std::to_string(world.stats().sent_of("heartbeat"));
        demo.say("… " + heartbeats + " heartbeats in one second",
                 "…… 一秒内共 " + heartbeats + " 个心跳");
      });
  demo.check(world.stats().sent_of("prepare") == 0, "no Prepare in that second",
             "这一秒内没有准备请求");
  demo.check(cluster.leader() == std::optional<NodeId>{"A"} &&
                 cluster.replica("B")->master_hint() == std::optional<NodeId>{"A"} &&
                 cluster.replica("C")->master_hint() == std::optional<NodeId>{"A"},
             "one master, A, and B and C know it", "只有一个主节点 A，B、C 都知道");
  return demo.finish();
}
