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
// Every message takes 10 ms. A client's x←3 reaches leader A at 240 ms
// (between two heartbeats, so that none is in flight). Counting the message
// delays until the client has its answer:
//   1. client → A (the client is not simulated: counted, not shown);
//   2. AppendEntries, A → B, C;
//   3. the replies, B, C → A: a majority stored x←3, A commits and applies it
//      at 260 ms — 2 delays after the request reached it;
//   4. A → client, the answer (counted, not shown).
// B and C learn the commit from A's next heartbeat (270 ms, arriving at 280):
// no message of its own. A round of its own (commit message,
// acknowledgement) before the answer would make the cluster's 2 delays 4 —
// the notes' "降低了一半的消息延迟".
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
            [&] { demo.silently([&] { world.run(240); }); });
  const Millis submitted = world.now();
  Millis committed_at_leader = -1, committed_everywhere = -1;
  // Run 10 ms (one message delay), noting when x←3 (index 2) is committed.
  const auto one_delay = [&] {
    for (int ms = 0; ms < 10; ++ms) {
      world.run(1);
      bool all = true;
      for (const char* id : {"A", "B", "C"}) {
        all = all && cluster.server(id)->commit_index() == raft::LogIndex{2};
      }
      if (committed_at_leader < 0 && cluster.server("A")->commit_index() == raft::LogIndex{2}) {
        committed_at_leader = world.now();
      }
      if (committed_everywhere < 0 && all) committed_everywhere = world.now();
    }
  };
  demo.step(
      "delay 1: at 240 ms the client's x←3 reaches A (the client is not simulated); A "
      "appends it and sends AppendEntries",
      "第 1 个延迟：240 ms 时客户端的 x←3 到达 A（客户端不在模拟中）；A 把它附加到日志，"
      "发送日志复制 RPC",
      [&] { cluster.submit("A", Command::put("x", "3")); });
  demo.step("delay 2: AppendEntries reaches B and C; they store x←3 and reply",
            "第 2 个延迟：日志复制 RPC 到达 B、C；它们存下 x←3 并回复", one_delay);
  demo.step(
      "delay 3: the replies reach A — a majority has x←3: A commits and applies it; delay "
      "4: A answers the client (not simulated)",
      "第 3 个延迟：回复到达 A——大多数节点已有 x←3：A 提交并执行它；"
      "第 4 个延迟：A 把结果返回给客户端（不在模拟中）",
      one_delay);
  demo.check(committed_at_leader - submitted == 20,
             "committed at the leader 2 message delays (20 ms) after the request reached it",
             "领导者在收到请求 2 个消息延迟（20 ms）后提交");
  demo.step(
      "B and C learn of the commit from A's next heartbeat (commit 2), not from a "
      "message of its own",
      "B、C 从 A 的下一次心跳（已提交到 2）得知提交，而不是从一条专门的消息", [&] {
        for (int delays = 0; delays < 3 && committed_everywhere < 0; ++delays) one_delay();
      });
  demo.say(
      "the client waited 4 message delays; a commit round of its own before the answer "
      "would make the cluster's 2 delays 4 — the notes' \"halves the message delays\"",
      "客户端等待了 4 个消息延迟；如果在返回结果前专门用一轮消息通知提交，集群内的 2 个延迟"
      "会变成 4 个——即笔记中的“降低了一半的消息延迟”");
  demo.check(committed_everywhere == 280,
             "B and C commit at 280 ms, from the heartbeat A sent at 270 ms",
             "B、C 在 280 ms 提交，来自 A 在 270 ms 发送的心跳");
  for (const char* id : {"A", "B", "C"}) {
    demo.check(cluster.server(id)->store().get("x") == "3", std::string(id) + " applied x←3",
               std::string(id) + " 执行了 x←3");
  }
  return demo.finish();
}
