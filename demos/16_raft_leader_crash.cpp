// Demo 16 — Raft: the leader crashes; the most complete log wins; nothing committed is lost.
//
// notes, Raft › 与Multi-Paxos不同: "Raft不是所有的节点都可以是Leader，只有日志最完整的
// 节点才可以。" (Not every node can be leader in Raft: only one with the most
// complete log.)
//
// A leads term 1. x←1 and y←2 are committed everywhere. z←3 reaches B but not
// C — A and B are a majority, so A commits it — and then A crashes before
// anyone else hears of the commit. C times out first, but its log lacks z←3:
// B refuses (the vote restriction) and C cannot win. B times out and wins:
// z←3 survives, and B's noop commits it for everyone.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "16");

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();

  demo.step(
      "A is elected; x←1 and y←2 are committed everywhere (quiet)",
      "A 当选；x←1、y←2 在所有服务器提交（不显示过程）", [&] {
        demo.silently([&] {
          demos::elect_and_commit(cluster, "A", {Command::put("x", "1"), Command::put("y", "2")});
        });
      });
  demo.step("z←3: B stores it, C's copy is lost; B's reply lets A commit it",
            "z←3：B 存下了，发给 C 的丢失；B 的回复让 A 提交了它", [&] {
              cluster.submit("A", Command::put("z", "3"));
              world.drop("A", "C");
              world.deliver("A", "B");
              world.deliver("B", "A");
            });
  const auto committed_by_a = cluster.server("A")->commit_index();
  demo.step("A crashes; C times out first: term 2, but its last entry is behind B's",
            "A 崩溃；C 先超时：任期 2，但它的最后日志项落后于 B", [&] {
              world.crash("A");
              cluster.timeout("C");
              world.deliver_all();
            });
  demo.check(!cluster.leader(), "B refuses its vote (the vote restriction): C cannot win",
             "B 拒绝投票（投票限制）：C 无法当选");
  demo.step(
      "B times out: term 3; C votes for it; B's noop commits z←3, and C learns of "
      "the commit from B's next heartbeat",
      "B 超时：任期 3；C 投票给它；B 的 noop 让 z←3 被提交，C 从 B 的下一次心跳得知", [&] {
        cluster.timeout("B");
        world.deliver_all();
        world.advance(50);
        world.deliver_all();
      });
  demo.check(committed_by_a == raft::LogIndex{4}, "A had committed z←3 (index 4) before it crashed",
             "A 崩溃前已提交 z←3（索引 4）");
  demo.check(cluster.leader() == std::optional<NodeId>{"B"}, "B, the most complete log, leads",
             "日志最完整的 B 成为领导者");
  for (const char* id : {"B", "C"}) {
    demo.check(
        cluster.server(id)->store().get("z") == "3" && cluster.server(id)->store().get("x") == "1",
        std::string(id) + " applied x←1, y←2, z←3: nothing committed was lost",
        std::string(id) + " 执行了 x←1、y←2、z←3：已提交的日志项没有丢失");
  }
  return demo.finish();
}
