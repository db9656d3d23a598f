// Demo 14 — Raft: replicating a log entry, and counting the message delays.
//
// notes, Raft › 2 复制日志 › 如何复制日志的具体流程:
//   "接收到客户端请求后，领导者基于客户端请求中的指令，创建一个新日志项，并附加到本地日志中。"
//   "领导者通过日志复制 RPC，将新的日志项复制到其他的服务器。"
//   "当领导者将日志项，成功复制到大多数的服务器上的时候，领导者会将这条日志项提交到它的状态机中。"
//   "当跟随者接收到心跳信息，或者新的日志复制 RPC 消息后，如果跟随者发现领导者已经提交了某条
//    日志项，而它还没提交，那么跟随者就将这条日志项提交到本地的状态机中。"
// and why followers learn the commit index late: "降低了一半的消息延迟" (it halves
// the message delays).
//
// Every message takes 10 ms. A client's x←3 reaches leader A at 200 ms; it is
// committed at A at 220 ms: 2 message delays (AppendEntries out, replies
// back). B and C commit it with A's next heartbeat.
#include "demos/support/demo.h"

using namespace consensus_lab;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "14", {.latency = {10, 10}, .show_time = true});

  auto& cluster =
      demo.raft_cluster({.servers = {"A", "B", "C"},
                         .fixed_election_timeouts = {{"A", 150}, {"B", 300}, {"C", 300}}});
  auto& world = cluster.world();

  demo.step("A is elected and its noop committed (as in demo 11; quiet)",
            "A 当选，noop 被提交（同演示 11，不显示过程）",
            [&] { demo.silently([&] { world.run(200); }); });
  Millis submitted = 0, committed_at_leader = -1, committed_everywhere = -1;
  demo.step("at 200 ms a client sends x←3 to A", "200 ms 时客户端把 x←3 发给 A", [&] {
    submitted = world.now();
    cluster.submit("A", Command::put("x", "3"));
    for (int ms = 1; ms <= 100 && committed_everywhere < 0; ++ms) {
      world.run(1);
      if (committed_at_leader < 0 && cluster.server("A")->commit_index() == raft::LogIndex{2}) {
        committed_at_leader = world.now();
      }
      bool all = true;
      for (const char* id : {"A", "B", "C"}) {
        all = all && cluster.server(id)->commit_index() == raft::LogIndex{2};
      }
      if (all) committed_everywhere = world.now();
    }
  });
  const Millis delays = (committed_at_leader - submitted) / 10;
  demo.say("committed at the leader after " + std::to_string(committed_at_leader - submitted) +
               " ms = " + std::to_string(delays) + " message delays; at every server after " +
               std::to_string(committed_everywhere - submitted) + " ms",
           "领导者在 " + std::to_string(committed_at_leader - submitted) + " ms 后提交，即 " +
               std::to_string(delays) + " 个消息延迟；所有服务器在 " +
               std::to_string(committed_everywhere - submitted) + " ms 后提交");
  demo.check(delays == 2, "2 message delays to commit at the leader",
             "领导者提交只需 2 个消息延迟");
  demo.check(committed_everywhere > committed_at_leader,
             "the followers commit later, from the leader's next message",
             "跟随者稍后从领导者的下一条消息得知提交");
  for (const char* id : {"A", "B", "C"}) {
    demo.check(cluster.server(id)->store().get("x") == "3", std::string(id) + " applied x←3",
               std::string(id) + " 执行了 x←3");
  }
  return demo.finish();
}
