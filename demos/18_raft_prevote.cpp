// Demo 18 — Raft: pre-vote and check-quorum (Ongaro's thesis §9.6, §6.2,
// §4.2.3). A server cut off from the others times out again and again.
//
// Without pre-vote (the paper's Raft), each timeout raises its term. When
// the network heals, its answer to the leader's heartbeat carries that term:
// the leader, which never lost its majority, steps down, and everyone's term
// jumps. Thesis §9.6: "a server that has been partitioned from the cluster
// ... will increment its term ... When the partition heals, it will
// disrupt the cluster."
//
// With pre-vote (预投票) it first asks whether it could win, and keeps its
// term: nobody can vote for it while cut off, so it never stands for
// election. With check-quorum, servers that heard from their leader within
// the minimum election timeout refuse it a pre-vote even once it is back:
// the leader stays, and no term changes.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;
using raft::Role;
using raft::Term;

namespace {

bool all_in_term(const cluster::RaftCluster& cluster, Term term) {
  for (const char* id : {"A", "B", "C"}) {
    if (cluster.server(id)->current_term() != term) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "18");

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();

  demo.part("Without pre-vote (the paper's Raft)", "没有预投票（论文中的 Raft）");
  demo.step(
      "A is elected in term 1; x←1 is on every server and committed (quiet)",
      "A 在任期 1 当选；x←1 已复制到所有服务器并已提交（不显示过程）", [&] {
        demo.silently([&] { demos::elect_and_commit(cluster, "A", {Command::put("x", "1")}); });
      });
  demo.step(
      "a partition cuts C off; its timer fires three times: each time it raises its term and "
      "asks for votes that never arrive",
      "网络分区把 C 隔开；它的计时器超时三次：每次都增加任期并请求投票，但请求到不了其他节点", [&] {
        world.partition({{"A", "B"}, {"C"}});
        for (int i = 0; i < 3; ++i) cluster.timeout("C");
      });
  demo.check(
      cluster.server("C")->current_term() == Term{4} && cluster.server("A")->role() == Role::leader,
      "C is in term 4; A still leads term 1 with B: a majority",
      "C 的任期是 4；A 仍和 B 一起（大多数）领导任期 1");
  demo.step(
      "the partition heals: A's heartbeat reaches C; C refuses it (term 1 is older than its 4), "
      "and its answer carries term 4: A steps down",
      "网络分区恢复：A 的心跳到达 C；C 拒绝它（任期 1 小于 4），回复中带着任期 4：A 恢复成跟随者",
      [&] {
        world.heal();
        world.advance(50);
        world.deliver("A", "C");
        world.deliver("C", "A", "append-reply");
      });
  demo.check(cluster.server("A")->role() == Role::follower,
             "A, which never lost its majority, is deposed", "从未失去大多数的 A 被推翻了");
  demo.step("C times out: term 5; A and B vote for it (its log is as complete as theirs)",
            "C 超时：任期 5；A 和 B 投票给它（它的日志和它们的一样完整）", [&] {
              cluster.timeout("C");
              world.deliver_all();
            });
  demo.check(cluster.leader() == std::optional<NodeId>("C") && all_in_term(cluster, Term{5}),
             "C leads term 5: everyone's term jumped from 1 to 5 because one server was cut off",
             "C 成为任期 5 的领导者：只因一个节点被隔开过，所有节点的任期从 1 跳到了 5");

  demo.part("With pre-vote and check-quorum", "有预投票和 `check-quorum`");
  demo.step(
      "pre-vote and check-quorum are switched on; a partition cuts A off; its timer fires "
      "three times: each time it only asks for pre-votes, and its term stays 5",
      "打开预投票和 `check-quorum`；网络分区把 A 隔开；它的计时器超时三次：每次只请求预投票，"
      "任期仍是 5",
      [&] {
        raft::Features features;
        features.pre_vote = true;
        features.check_quorum = true;
        cluster.set_features(features);
        world.partition({{"A"}, {"B", "C"}});
        for (int i = 0; i < 3; ++i) cluster.timeout("A");
      });
  demo.check(cluster.server("A")->role() == Role::pre_candidate && all_in_term(cluster, Term{5}),
             "A is a pre-candidate, still in term 5: nobody's term changed",
             "A 是预候选人，任期仍是 5：没有任何节点的任期变化");
  demo.step("the partition heals: C's heartbeat reaches A, which follows C again (quiet)",
            "网络分区恢复：C 的心跳到达 A，A 重新跟随 C（不显示过程）", [&] {
              world.heal();
              demo.silently([&] { world.run(60); });
            });
  demo.step(
      "A's timer fires once more: B and C heard from their leader just now, so they refuse "
      "its pre-vote",
      "A 的计时器又超时一次：B 和 C 刚刚收到过领导者的消息，所以拒绝它的预投票", [&] {
        cluster.timeout("A");
        world.deliver_all();
      });
  demo.check(cluster.leader() == std::optional<NodeId>("C") && all_in_term(cluster, Term{5}),
             "C still leads term 5: the server that was cut off disrupted nobody",
             "C 仍是任期 5 的领导者：被隔开过的节点没有干扰任何节点");
  return demo.finish();
}
