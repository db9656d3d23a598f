// Demo 05 — Duelling proposers, and the randomized back-off that ends it.
//
// notes, Multi-Paxos: "如果多个提议者同时提交提案，可能出现因为提案冲突，在准备阶段没有
// 提议者接收到大多数准备响应，协商失败，需要重新协商。比如5个节点，3个提议者同时，没有
// 一个能够拿到3张选票。" (If several proposers propose at once, their proposals
// can conflict so that no proposer gets a majority of promises in the prepare
// phase; the round fails and must be retried. E.g. 5 nodes, 3 proposers at
// once: none gets 3 votes.)
//
// Acceptors A–E; proposers client1, client2, client3 own the numbers
// 1, 4, 7…, 2, 5, 8… and 3, 6, 9… Three rounds are scripted so that every
// acceptor first hears the highest number it will hear that round — A and B
// from client3, C and D from client2, E from client1 — answers it, and
// ignores the lower numbers after it (promise 1); the rest of the Prepares
// are lost. Votes split 2/2/1, no one has 3, all time out together, and the
// next round splits the same way: a livelock.
//
// Then each proposer waits a random back-off (0–150 ms, from the seed) before
// retrying; the network delivers on its own (5–15 ms per message). The first
// to retry finishes its round before the others return: a value is chosen.
#include "demos/support/demo.h"

using namespace consensus_lab;
using cluster::PaxosCluster;

namespace {

const std::vector<NodeId> kProposers{"client1", "client2", "client3"};

// One scripted round: who each acceptor hears first.
const std::vector<std::pair<NodeId, NodeId>> kFirstHeard{
    {"A", "client3"}, {"B", "client3"}, {"C", "client2"}, {"D", "client2"}, {"E", "client1"}};

void deliver_split_round(cluster::PaxosWorld& world) {
  for (const auto& [acceptor, proposer] : kFirstHeard) world.deliver(proposer, acceptor);
  // The lower numbers arrive next and are ignored (promise 1)…
  for (const auto& [acceptor, first] : kFirstHeard) {
    for (const NodeId& proposer : kProposers) {
      if (proposer < first) world.deliver(proposer, acceptor);
    }
  }
  // …and the higher ones are lost on the way.
  for (const auto& [acceptor, first] : kFirstHeard) {
    for (const NodeId& proposer : kProposers) {
      if (proposer > first) world.drop(proposer, acceptor);
    }
  }
  world.deliver_all();  // the promises reach their proposers
}

// No proposer got a majority of promises: each is still in its prepare phase.
bool all_still_preparing(const PaxosCluster& cluster) {
  for (const NodeId& proposer : kProposers) {
    if (cluster.proposer(proposer).phase() != paxos::Proposer::Phase::preparing) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "05", {.latency = {5, 15}, .show_time = true});

  const std::vector<NodeId> acceptors{"A", "B", "C", "D", "E"};
  auto& cluster =
      demo.paxos_cluster({.servers = acceptors, .proposers = kProposers, .round_timeout = 100});
  auto& world = cluster.world();

  std::size_t rounds_without_majority = 0;
  demo.part("three proposers at once, no back-off", "三个提议者同时提议，没有退避");
  demo.say(
      "the demo orders these rounds by hand: each acceptor first hears the highest number "
      "it will hear, and the Prepares with higher numbers that follow are dropped on "
      "purpose — an unlucky but possible network",
      "这几轮由演示手动安排：每个接受者先收到它本轮能收到的最大编号，之后更大编号的准备请求"
      "被故意丢弃——网络不走运，但有可能发生");
  demo.step("round 1: client1, client2, client3 propose x, y, z with numbers 1, 2, 3",
            "第 1 轮：client1、client2、client3 同时以编号 1、2、3 提议 x、y、z", [&] {
              cluster.propose("client1", "x");
              cluster.propose("client2", "y");
              cluster.propose("client3", "z");
              deliver_split_round(world);
            });
  for (int round = 2; round <= 3; ++round) {
    if (all_still_preparing(cluster)) ++rounds_without_majority;
    const std::string r = std::to_string(round);
    demo.step(
        "votes split 2/2/1: nobody has 3 promises; 100 ms later all time out and retry "
        "at once, ordered and dropped by hand again (round " +
            r + ")",
        "选票被瓜分：三个提议者分别只收到 2 个、2 个、1 个准备响应，没有一个拿到 3 张选票；100 ms "
        "后同时超时，立即重试，"
        "消息再次由演示手动安排和丢弃（第 " +
            r + " 轮）",
        [&] {
          world.advance(100);
          deliver_split_round(world);
        });
  }
  if (all_still_preparing(cluster)) ++rounds_without_majority;
  demo.check(rounds_without_majority == 3,
             "three rounds in a row, no proposer got a majority of promises (livelock)",
             "连续三轮，没有一个提议者拿到大多数准备响应（活锁）");
  demo.check(cluster.chosen().empty(), "nothing is chosen yet", "还没有值被选定");

  demo.part("randomized back-off", "随机退避");
  demo.step(
      "each proposer now waits a random 0-150 ms before retrying; run until a value is chosen",
      "每个提议者重试前随机等待 0-150 ms；运行到有值被选定", [&] {
        cluster.set_backoff(std::pair<Millis, Millis>{0, 150});
        world.run_until([&] { return !cluster.chosen().empty(); }, 5000);
        world.run(100);  // let the learners and proposers hear of it
      });
  demo.check(cluster.chosen_values().size() == 1, "exactly one value is chosen",
             "恰好有一个值被选定");
  const auto value = cluster.chosen().empty() ? std::string{"?"} : cluster.chosen().front().value;
  bool all_learned = true;
  for (const NodeId& id : acceptors) {
    all_learned = all_learned && cluster.learned(id) && cluster.learned(id)->value == value;
  }
  demo.check(all_learned, "every learner learned " + value, "所有学习者都学到值 " + value);
  return demo.finish();
}
