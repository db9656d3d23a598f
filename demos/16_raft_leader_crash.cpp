// Demo 16 — Raft: the leader is cut off; a log without every committed entry
// cannot win; the old leader's stale term is refused.
//
// notes, Raft › 与Multi-Paxos不同: "Raft不是所有的节点都可以是Leader，只有日志最完整的
// 节点才可以。" (Not every node can be leader in Raft: only one with the most
// complete log.) Precisely (Raft paper, 5.4.1): the winner's log is at least
// as up-to-date as the log of each voter of its majority, so it holds every
// committed entry — demo 13 shows a winner whose log is not the longest.
// And, Raft › 任期: "如果一个节点接收到一个包含较小的任期编号值的请求，那么它会直接拒绝
// 这个请求。" (A server refuses a request with a smaller term.)
//
// A leads term 1. x←1 and y←2 are on every server and committed. z←3 reaches B but not
// C — A and B are a majority, so A commits it — and then a partition cuts A
// off before anyone else hears of the commit. C times out first, but its log
// lacks z←3: B refuses (the vote restriction) and C cannot win. B times out
// and wins: z←3 survives, and B's noop commits it for everyone. The
// partition heals: A, still leader of term 1 in its own eyes, sends a
// heartbeat; B refuses it (term 1 < 3) and A steps down.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;
using raft::Role;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "16");

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();

  demo.step(
      "A is elected; x←1 and y←2 are on every server and committed (A knows; B and C learn it "
      "from A's next messages) (quiet)",
      "A 当选；x←1、y←2 已复制到所有服务器并已提交（A 知道，B、C 从 A 之后的消息得知）"
      "（不显示过程）",
      [&] {
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
  demo.step("a partition cuts A off; C times out first: term 2, but its last entry is behind B's",
            "网络分区把 A 隔开；C 先超时：任期 2，但它的最后日志项落后于 B", [&] {
              world.partition({{"A"}, {"B", "C"}});
              cluster.timeout("C");
              world.deliver_all();
            });
  demo.check(cluster.server("C")->role() != Role::leader,
             "B refuses its vote (the vote restriction): C cannot win",
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
  demo.check(committed_by_a == raft::LogIndex{4},
             "A had committed z←3 (index 4) before it was cut off",
             "A 在被隔开之前已提交 z←3（索引 4）");
  demo.check(cluster.server("B")->role() == Role::leader,
             "B leads: its log holds every committed entry; C's, without z←3, could not win",
             "B 成为领导者：它的日志包含所有已提交的日志项；缺少 z←3 的 C 无法当选");
  for (const char* id : {"B", "C"}) {
    demo.check(
        cluster.server(id)->store().get("z") == "3" && cluster.server(id)->store().get("x") == "1",
        std::string(id) + " applied x←1, y←2, z←3: nothing committed was lost",
        std::string(id) + " 执行了 x←1、y←2、z←3：已提交的日志项没有丢失");
  }
  demo.step(
      "the partition heals: A, still leader of term 1 in its own eyes, sends a heartbeat; "
      "B refuses it (term 1 is older than its 3), and A steps down",
      "网络分区恢复：A 仍以为自己是任期 1 的领导者，发送心跳；B 拒绝它（任期 1 小于 3），"
      "A 恢复成跟随者",
      [&] {
        world.heal();
        world.advance(50);
        world.deliver("A", "B");
        world.deliver("B", "A", "append-reply");
      });
  demo.check(cluster.server("A")->role() == Role::follower &&
                 cluster.server("A")->current_term() == raft::Term{3},
             "A is a follower in term 3", "A 是任期 3 的跟随者");
  demo.step("B brings A's log up to date (quiet)", "B 把 A 的日志补齐（不显示过程）",
            [&] { demo.silently([&] { world.run(100); }); });
  demo.check(cluster.server("A")->store().get("z") == "3", "A applied z←3 too", "A 也执行了 z←3");
  return demo.finish();
}
