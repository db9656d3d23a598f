// Demo 13 — Raft: the vote restriction.
//
// notes, Raft › 选举的规则 (对先来先服务的补充): "当任期编号相同时，日志完整性高的跟随者
// （也就是最后一条日志项对应的任期编号值更大，索引号更大），拒绝投票给日志完整性低的候选人。"
// (A follower whose log is more complete — a larger last term, or the same
// term and a larger index — refuses to vote for a candidate whose log is less
// complete.) And, Raft › 与Multi-Paxos不同: "只有日志最完整的节点才可以 [当领导者]".
//
// All three are in term 1. A's log has 2 entries, B's 3, C's only 1, all of
// term 1. C times out first: A and B both refuse — C's last entry (1, 1) is
// behind theirs — and C loses. Then B, the most complete, times out and wins.
#include "demos/support/demo.h"

using namespace consensus_lab;
using raft::Term;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "13", {.latency = {5, 5}});

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();

  demo.step("the logs: A has (1, 1) (2, 1); B has (1, 1) (2, 1) (3, 1); C has only (1, 1)",
            "日志：A 有 (1, 1) (2, 1)；B 有 (1, 1) (2, 1) (3, 1)；C 只有 (1, 1)", [&] {
              cluster.set_log("A", {Term{1}, Term{1}});
              cluster.set_log("B", {Term{1}, Term{1}, Term{1}});
              cluster.set_log("C", {Term{1}});
            });
  demo.step("C times out: term 2, RequestVote with its last entry (1, 1)",
            "C 超时：任期 2，请求投票，最后日志项 (1, 1)", [&] {
              cluster.timeout("C");
              world.deliver_all();
            });
  demo.check(cluster.state("A").voted_for == std::nullopt &&
                 cluster.state("B").voted_for == std::nullopt && !cluster.leader(),
             "A and B refuse: same last term, but C's index is lower — C loses",
             "A、B 拒绝投票：最后一项任期相同，但 C 的索引号更小——C 落选");

  demo.step("B times out: term 3; its log is the most complete, and both vote for it",
            "B 超时：任期 3；它的日志最完整，A、C 都投票给它", [&] {
              cluster.timeout("B");
              world.deliver_all();
            });
  demo.check(cluster.leader() == std::optional<NodeId>{"B"}, "B is leader", "B 是领导者");
  demo.check(cluster.state("C").log.last_index().value == 4 &&
                 cluster.state("A").log.last_index().value == 4,
             "A and C now hold B's 3 entries and its noop",
             "A、C 现在有 B 的 3 个日志项和它的 noop");
  return demo.finish();
}
