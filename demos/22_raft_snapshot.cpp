// Demo 22 — Raft log compaction: a snapshot installed on a follower that was
// down.
//
// The Raft paper, §7: "Each server takes snapshots independently, covering
// just the committed entries in its log", and "the leader must occasionally
// send snapshots to followers that lag behind" — when the entry a follower
// needs next has already been discarded. (notes: 快照.)
//
// A leads term 1; x←1 is on every server. C crashes. A commits y←2, z←3 and
// x←4 with B alone (A and B are a majority) and then takes a snapshot: its
// log up to index 5 is replaced by the state machine x=4, y=2, z=3. A commits
// w←5 after it. C comes back with a log that ends at index 2: A's next entry
// for it (index 5, after one step back) is inside the snapshot, so A sends
// the snapshot with InstallSnapshot, in chunks of 16 bytes, one after each
// reply; C resets its state machine from it, and A goes on with
// AppendEntries from index 6.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;
using raft::LogIndex;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "22");

  cluster::RaftOptions options{.servers = {"A", "B", "C"},
                               .fixed_election_timeouts = demos::kElectionsByHand};
  options.features.snapshot_chunk_bytes = 16;
  auto& cluster = demo.raft_cluster(options);
  auto& world = cluster.world();

  demo.step("A is elected; x←1 is on every server and committed (quiet)",
            "A 当选；x←1 已复制到所有服务器并已提交（不显示过程）", [&] {
              demo.silently([&] {
                demos::elect_and_commit(cluster, "A", {Command::put("x", "1")});
                world.advance(50);
                world.deliver_all();
              });
            });
  demo.step("C crashes", "C 宕机", [&] { world.crash("C"); });
  demo.step("A commits y←2, z←3 and x←4 with B: A and B are a majority (quiet)",
            "A 和 B 是大多数：A 凭 B 的副本提交了 y←2、z←3、x←4（不显示过程）", [&] {
              demo.silently([&] {
                for (const Command& command :
                     {Command::put("y", "2"), Command::put("z", "3"), Command::put("x", "4")}) {
                  cluster.submit("A", command);
                  world.deliver_all();
                }
              });
            });
  demo.step("A takes a snapshot at its last applied index: its log up to index 5 is discarded",
            "A 在最后应用的索引处生成快照：到索引 5 为止的日志被丢弃",
            [&] { cluster.snapshot("A"); });
  demo.check(cluster.server("A")->log().base_index() == LogIndex{5} &&
                 cluster.server("A")->log().entries().empty(),
             "A's log starts after the snapshot: last included entry (5, 1)",
             "A 的日志从快照之后开始：最后包含的日志项是 (5, 1)");
  demo.step("A commits w←5 with B (quiet)", "A 凭 B 的副本提交了 w←5（不显示过程）", [&] {
    demo.silently([&] {
      cluster.submit("A", Command::put("w", "5"));
      world.deliver_all();
    });
  });
  demo.step(
      "C restarts; A's heartbeat has prev (6, 1), which C lacks; A steps back to index 5, "
      "which is in its snapshot: A sends the snapshot in 16-byte chunks, one after each "
      "reply, then (6, 1, w←5) by AppendEntries",
      "C 重启；A 的心跳的前一项是 (6, 1)，C 没有；A 递减到索引 5，它在快照里：A 按 16 字节一块"
      "发送快照，每收到一个响应发下一块，然后用日志复制 RPC 发送 (6, 1, w←5)",
      [&] {
        world.restart("C");
        world.advance(50);
        world.deliver_all();
      });
  demo.check(cluster.server("C")->snapshot().last_included_index == LogIndex{5},
             "C installed A's snapshot up to index 5", "C 安装了 A 到索引 5 为止的快照");
  demo.check(cluster.server("C")->log() == cluster.server("A")->log(),
             "C's log equals A's: the snapshot's base (5, 1), then (6, 1, w←5)",
             "C 的日志与 A 的相同：快照的基点 (5, 1)，然后是 (6, 1, w←5)");
  demo.check(cluster.server("C")->store() == cluster.server("A")->store(),
             "C's state machine equals A's: x=4, y=2, z=3, w=5",
             "C 的状态机与 A 的相同：x=4、y=2、z=3、w=5");
  return demo.finish();
}
