// Demo 15 — Raft: how a leader makes a follower's log consistent with its own.
//
// notes, Raft › 如何实现日志的一致 (logs from shared/notes/README.md):
//   "领导者发送当前最新日志项到跟随者（7,4)"  "跟随者在它的日志中，找不到(7,4) 的日志项，
//    跟随者返回失败信息。"  "领导者会递减日志项，并发送新的日志项（6,3）"  "跟随者在它的
//    日志中，找到了 （6,3），返回成功。"  "领导者通过日志复制 RPC，复制并更新覆盖跟随者。"
//
// Leader A's log has terms 1,1,1,2,3,3,4,4 (indexes 1-8); follower B's has
// 1,1,1,2,3,3,3. A wins term 5 and appends its noop (9, 5). Its first
// AppendEntries to B carries prev (8, 4): B has no index 8 and refuses. A
// steps back: prev (7, 4) — B's index 7 has term 3: refused, as in the notes.
// Back again: prev (6, 3) matches. B deletes its (7, 3) and takes 7, 8, 9.
#include "demos/support/demo.h"

using namespace consensus_lab;
using raft::Term;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "15");

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();

  const std::vector<Term> leader_log{Term{1}, Term{1}, Term{1}, Term{2},
                                     Term{3}, Term{3}, Term{4}, Term{4}};
  demo.step("A's log: 1,1,1,2,3,3,4,4; B's: 1,1,1,2,3,3,3 (C has A's). A is elected in term 5",
            "A 的日志：1,1,1,2,3,3,4,4；B 的：1,1,1,2,3,3,3（C 同 A）。A 在任期 5 当选", [&] {
              cluster.set_log("A", leader_log);
              cluster.set_log("C", leader_log);
              cluster.set_log("B", {Term{1}, Term{1}, Term{1}, Term{2}, Term{3}, Term{3}, Term{3}});
              cluster.timeout("A");
              world.deliver("A", "C");
              world.deliver("C", "A");
              world.drop("A", "B");
            });
  demo.step("A sends B AppendEntries with prev (8, 4): B's log is shorter, it refuses",
            "A 向 B 发送日志复制 RPC，前一项 (8, 4)：B 的日志更短，返回失败", [&] {
              world.deliver("A", "B", "append-entries");
              world.deliver("B", "A", "append-reply");
            });
  demo.step("A steps back: prev (7, 4). B's index 7 holds term 3 — it cannot find (7, 4)",
            "A 递减日志项：前一项 (7, 4)。B 的索引 7 是任期 3——找不到 (7, 4)", [&] {
              world.deliver("A", "B", "append-entries");
              world.deliver("B", "A", "append-reply");
            });
  demo.step("A steps back again: prev (6, 3). B finds (6, 3): success — its (7, 3) is replaced",
            "A 再递减：前一项 (6, 3)。B 找到了 (6, 3)，返回成功——覆盖不一致的 (7, 3)", [&] {
              world.deliver("A", "B", "append-entries");
              world.deliver_all();
            });
  demo.check(cluster.state("B").log == cluster.state("A").log,
             "B's log is identical to the leader's: 1,1,1,2,3,3,4,4,5",
             "B 的日志与领导者完全一致：1,1,1,2,3,3,4,4,5");
  demo.check(cluster.state("C").log == cluster.state("A").log, "so is C's", "C 的也一致");
  return demo.finish();
}
