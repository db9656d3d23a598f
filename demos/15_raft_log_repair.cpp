// Demo 15 — Raft: how a leader makes a follower's log consistent with its own.
//
// notes, Raft › 如何实现日志的一致 (logs from shared/notes/README.md):
//   "领导者发送当前最新日志项到跟随者（7,4)"  "跟随者在它的日志中，找不到(7,4) 的日志项，
//    跟随者返回失败信息。"  "领导者会递减日志项，并发送新的日志项（6,3）"  "跟随者在它的
//    日志中，找到了 （6,3），返回成功。"  "领导者通过日志复制 RPC，复制并更新覆盖跟随者。"
//
// Leader A's log has terms 1,1,1,2,3,3 (indexes 1-6) and follower B's
// 1,1,1,2,3,3,3 (its entry 7 from a leader of term 3 that reached no one
// else); C has A's log. A wins term 4 with C's vote (B, whose log is longer,
// refuses) and appends its noop (7, 4); the copy to B is lost. Then a client's
// x←3 becomes (8, 4): A's log is the notes' 1,1,1,2,3,3,4,4, and its
// AppendEntries to B carries prev (7, 4) — where the notes start. B's index 7
// holds term 3: refused. A steps back to prev (6, 3), which matches: B's
// (7, 3) is replaced and (8, 4) appended.
#include "demos/support/demo.h"

using namespace consensus_lab;
using raft::Term;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "15");

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();

  demo.step(
      "A's log: 1,1,1,2,3,3; B's: 1,1,1,2,3,3,3; C's: A's. A wins term 4 with C's vote, "
      "and its noop (7, 4) reaches C; the copy to B is lost (quiet)",
      "A 的日志：1,1,1,2,3,3；B 的：1,1,1,2,3,3,3；C 同 A。A 凭 C 的选票在任期 4 当选，"
      "它的 noop (7, 4) 到达 C，发给 B 的丢失（不显示过程）",
      [&] {
        demo.silently([&] {
          const std::vector<Term> first_six{Term{1}, Term{1}, Term{1}, Term{2}, Term{3}, Term{3}};
          cluster.set_log("A", first_six);
          cluster.set_log("C", first_six);
          cluster.set_log("B", {Term{1}, Term{1}, Term{1}, Term{2}, Term{3}, Term{3}, Term{3}});
          cluster.timeout("A");
          for (const char* id : {"B", "C"}) world.deliver("A", id);
          for (const char* id : {"B", "C"}) world.deliver(id, "A");
          world.drop("A", "B");
          world.deliver("A", "C");  // C's reply comes later: nothing is committed yet
        });
      });
  demo.step(
      "a client's x←3 becomes (8, 4); A sends B its newest entry with prev (7, 4). B's "
      "index 7 holds term 3: it cannot find (7, 4) and refuses",
      "客户端的 x←3 成为 (8, 4)；A 向 B 发送最新日志项，前一项 (7, 4)。B 的索引 7 是任期 3："
      "找不到 (7, 4)，返回失败",
      [&] {
        cluster.submit("A", Command::put("x", "3"));
        world.deliver("A", "B");
      });
  demo.check(cluster.state("B").log.last_index() == raft::LogIndex{7},
             "B refused: its log is unchanged", "B 返回失败：它的日志没有变化");
  demo.step("A steps back: prev (6, 3). B finds (6, 3): success — its (7, 3) is replaced",
            "A 递减日志项：前一项 (6, 3)。B 找到了 (6, 3)，返回成功——覆盖不一致的 (7, 3)", [&] {
              world.deliver("B", "A");
              world.deliver("A", "B");
            });
  demo.check(cluster.state("B").log == cluster.state("A").log,
             "B's log is identical to the leader's: 1,1,1,2,3,3,4,4",
             "B 的日志与领导者完全一致：1,1,1,2,3,3,4,4");
  demo.step(
      "the replies reach A, which commits x←3; the followers learn it from the next "
      "heartbeat (quiet)",
      "回复到达 A，A 提交 x←3；跟随者从下一次心跳得知（不显示过程）",
      [&] { demo.silently([&] { world.run(100); }); });
  demo.check(
      cluster.server("B")->store().get("x") == "3" && cluster.server("C")->store().get("x") == "3",
      "B and C applied x←3", "B、C 都执行了 x←3");
  return demo.finish();
}
