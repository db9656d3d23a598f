// Demo 11 — Raft: electing a leader (选举领导者).
//
// notes, Raft › 1 选举领导者 (with the timeouts shared/notes/README.md fixes:
// A = 150 ms, B = 200 ms, C = 300 ms):
//   "（全部是跟随者）初始状态下，集群中所有的节点都是跟随者的状态。"
//   "节点 A 的等待超时时间最小，它会最先因为没有等到领导者的心跳信息，发生超时。A 就增加
//    自己的任期编号，并推举自己为候选人，先给自己投上一张选票，然后向其他节点发送请求投票
//    RPC 消息，请它们选举自己为领导者。"
//   "其他节点接收到候选人 A 的请求投票 RPC 消息，在编号为 1 的这届任期内，也还没有进行过
//    投票，那么它将把选票投给节点 A，并增加自己的任期编号"
//   "候选人在选举超时时间内赢得了大多数的选票，那么它就会成为本届任期内新的领导者。"
//   "节点 A 当选领导者后，他将周期性地发送心跳消息，通知其他服务器我是领导者，阻止跟随者
//    发起新的选举，篡权。"
//
// A's first AppendEntries carries its noop (the Raft paper, section 8: a new
// leader commits an entry of its own term at once), so by the notes'
// definition — "心跳消息（即不包含日志项的日志复制 RPC 消息）" — it is not a
// heartbeat. The heartbeats, with no entries, leave 50 ms later.
#include <variant>

#include "demos/support/demo.h"

using namespace consensus_lab;
using raft::Role;
using raft::Term;

namespace {

// How many heartbeats (AppendEntries with no entries) from `leader` are on
// their way.
int heartbeats_from(const cluster::RaftWorld& world, const NodeId& leader) {
  int heartbeats = 0;
  world.for_each_queued([&](const NodeId& from, const NodeId&, const raft::Message& m) {
    const auto* append = std::get_if<raft::AppendEntries>(&m);
    if (from == leader && append != nullptr && append->entries.empty()) ++heartbeats;
  });
  return heartbeats;
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "11", {.latency = {5, 5}, .show_time = true});

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kNotesElectionTimeouts});
  auto& world = cluster.world();

  bool all_followers = true;
  for (const char* id : {"A", "B", "C"}) {
    all_followers = all_followers && cluster.server(id)->role() == Role::follower &&
                    cluster.server(id)->current_term() == Term{0};
  }
  demo.check(all_followers, "at the start every server is a follower in term 0",
             "初始状态下，所有节点都是跟随者，任期 0");

  demo.step("A's timeout (150 ms) is the smallest: it fires first",
            "节点 A 的等待超时时间最小，最先超时", [&] { world.advance(150); });
  demo.check(
      cluster.server("A")->role() == Role::candidate &&
          cluster.server("A")->current_term() == Term{1} && cluster.server("A")->voted_for() == "A",
      "A is a candidate in term 1 and voted for itself", "A 是任期 1 的候选人，先给自己投了一票");

  demo.step("B and C receive A's RequestVote: no vote yet in term 1, so they vote for A",
            "B、C 收到 A 的请求投票 RPC：任期 1 内还没有投过票，于是投票给 A", [&] {
              for (const char* id : {"B", "C"}) world.deliver("A", id);
            });
  demo.check(cluster.server("B")->voted_for() == "A" && cluster.server("C")->voted_for() == "A" &&
                 cluster.server("B")->current_term() == Term{1},
             "B and C voted for A and moved to term 1", "B、C 投票给 A，任期增加到 1");

  demo.step("the votes reach A: a majority — A is leader of term 1",
            "选票到达 A：赢得大多数选票，A 成为任期 1 的领导者", [&] {
              for (const char* id : {"B", "C"}) world.deliver(id, "A");
            });
  demo.check(cluster.leader() == std::optional<NodeId>{"A"} &&
                 cluster.server("A")->current_term() == Term{1},
             "A is leader, term 1", "A 是领导者，任期 1");
  demo.say(
      "its first AppendEntries carries an entry, so it is not a heartbeat: a new leader appends "
      "an empty entry (noop) to commit an entry of its own term at once (Raft paper, section 8)",
      "它的第一条日志复制 RPC 消息包含日志项，所以不是心跳：新领导者先附加一条空日志项（noop），"
      "以便立即提交一条本任期的日志项（Raft 论文第 8 节）");

  demo.step("B and C store the noop and reply; A commits it (quiet)",
            "B、C 保存 noop 并回复；A 提交它（不显示过程）",
            [&] { demo.silently([&] { world.deliver_all(); }); });

  int heartbeats = 0;
  demo.step(
      "50 ms later A sends heartbeats (AppendEntries with no entries): B and C restart their "
      "election timers, and learn from \"commit 1\" that the noop is committed",
      "50 ms 后 A 发送心跳（不包含日志项的日志复制 RPC 消息）：B、C 重新开始等待超时，"
      "并从“已提交到 1”得知 noop 已提交",
      [&] {
        world.advance(50);
        heartbeats = heartbeats_from(world, "A");
        for (const char* id : {"B", "C"}) world.deliver("A", id);
        world.deliver_all();
      });
  demo.check(heartbeats == 2, "A sent B and C one heartbeat each (no entries)",
             "A 给 B、C 各发送了一条心跳（不包含日志项）");

  demo.step("heartbeats every 50 ms keep B and C from starting an election (1 second, quiet)",
            "每 50 ms 的心跳阻止 B、C 发起新的选举（运行 1 秒，不显示过程）", [&] {
              world.reset_stats();
              demo.silently([&] { world.run(1000); });
            });
  demo.check(world.stats().sent_of("request-vote") == 0 &&
                 cluster.leader() == std::optional<NodeId>{"A"} &&
                 cluster.server("C")->current_term() == Term{1},
             "no new election for a second: still A, term 1", "一秒内没有新的选举：仍是 A，任期 1");
  return demo.finish();
}
