// Demo 13 — Raft: the vote restriction.
//
// notes, Raft › 选举的规则 (对先来先服务的补充): "当任期编号相同时，日志完整性高的跟随者
// （也就是最后一条日志项对应的任期编号值更大，索引号更大），拒绝投票给日志完整性低的候选人。"
// (A follower whose log is more complete — a larger last term, or the same
// term and a larger index — refuses to vote for a candidate whose log is less
// complete.) And, Raft › 与Multi-Paxos不同: "只有日志最完整的节点才可以 [当领导者]".
//
// The last sentence is stronger than the rule: the Raft paper (section 5.4.1)
// only requires the winner's log to be at least as up-to-date as the log of
// each voter of its majority. A's log has 2 entries, B's 4, C's only 1, all
// of term 1.
//  1. C times out first: A and B both refuse — C's last entry (1, 1) is
//     behind theirs — and C loses (the notes' rule).
//  2. A times out before B: C votes for it, B refuses, and A wins with 2 votes
//     of 3 although B's log is longer. B's entries 3 and 4 are on B alone, so
//     none of them was committed: losing them is safe.
//  3. A appends its noop (3, 3), crashes before sending it, restarts and times
//     out again: B's log is longer, but its last term 1 is older than A's 3,
//     so B votes for A — a newer last term beats a longer log.
#include "demos/support/demo.h"

using namespace consensus_lab;
using raft::Term;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "13", {.latency = {5, 5}});

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();

  demo.step("the logs: A has (1, 1) (2, 1); B has (1, 1) … (4, 1); C has only (1, 1)",
            "日志：A 有 (1, 1) (2, 1)；B 有 (1, 1) … (4, 1)；C 只有 (1, 1)", [&] {
              cluster.set_log("A", {Term{1}, Term{1}});
              cluster.set_log("B", {Term{1}, Term{1}, Term{1}, Term{1}});
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

  demo.step("A times out before B: term 3, last entry (2, 1); C votes for it, B refuses",
            "A 先于 B 超时：任期 3，最后日志项 (2, 1)；C 投票给它，B 拒绝", [&] {
              cluster.timeout("A");
              for (const char* id : {"B", "C"}) world.deliver("A", id);
              for (const char* id : {"B", "C"}) world.deliver(id, "A");
            });
  demo.check(cluster.leader() == std::optional<NodeId>{"A"} &&
                 cluster.state("C").voted_for == std::optional<NodeId>{"A"} &&
                 cluster.state("B").voted_for == std::nullopt,
             "A leads with its own vote and C's, although B's log is longer",
             "A 凭自己和 C 的两票当选，尽管 B 的日志更长");
  demo.say(
      "So the rule is not \"only the most complete log can lead\": the winner's log must be at "
      "least as up-to-date as the log of each voter of its majority (Raft paper, 5.4.1). B's "
      "entries 3 and 4 are on B alone, so they were never committed, and losing them is safe",
      "所以规则不是“只有日志最完整的节点才能当领导者”：当选者的日志只需不比投票给它的大多数中每个"
      "投票者的日志旧（Raft 论文 5.4.1 节）。"
      "B 的日志项 3、4 只在 B 上，从未提交，丢掉它们是安全的");

  demo.step("A crashes before its noop (3, 3) reaches anyone, and restarts with it in its log",
            "A 在 noop (3, 3) 到达任何节点之前崩溃，重启后日志里仍有它", [&] {
              world.crash("A");
              world.restart("A");
            });
  const raft::LogIndex a_last = cluster.state("A").log.last_index();
  demo.step(
      "A times out: term 4, last entry (3, 3) — B's log is longer, but its last term 1 is "
      "older, so B votes for A",
      "A 超时：任期 4，最后日志项 (3, 3)——B 的日志更长，但最后一项的任期 1 更小，"
      "所以 B 投票给 A",
      [&] {
        cluster.timeout("A");
        world.deliver("A", "B");
        world.deliver("B", "A");
      });
  demo.check(cluster.state("B").voted_for == std::optional<NodeId>{"A"} &&
                 cluster.state("B").log.last_index() > a_last &&
                 cluster.leader() == std::optional<NodeId>{"A"},
             "B, with 4 entries, voted for A with 3: a newer last term beats a longer log",
             "有 4 个日志项的 B 投票给只有 3 个的 A：最后一项的任期更大，胜过日志更长");
  return demo.finish();
}
