// Demo 12 — Raft: a split vote, and the randomized timeouts that end it.
//
// notes, Raft › 随机超时时间: "解决选举过程中，选票被平均瓜分，导致选举无效的情况发生。"
// (random timeouts stop the votes being split evenly, which voids an election)
// and "当没有候选人赢得过半票数，选举无效了，这时需要等待一个随机时间间隔" (when no
// candidate wins a majority, the election fails and each waits a random interval).
//
// Four servers. B and C time out at the same moment and both stand in term 1.
// A hears B first and D hears C first — first come, first served — so each
// candidate has 2 votes of 4: no majority. With random timeouts one of them
// times out first next time, and wins term 2 before the other wakes up.
#include "demos/support/demo.h"

using namespace consensus_lab;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "12", {.latency = {5, 5}, .show_time = true});

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C", "D"},
       .fixed_election_timeouts = {{"A", 1000}, {"B", 150}, {"C", 150}, {"D", 1000}}});
  auto& world = cluster.world();

  demo.step("B and C time out together (150 ms): both stand as candidates in term 1",
            "B、C 同时超时（150 ms）：都成为任期 1 的候选人", [&] { world.advance(150); });
  demo.step("A hears B first, D hears C first: first come, first served",
            "A 先收到 B 的请求，D 先收到 C 的请求：先来先服务", [&] {
              world.deliver("B", "A");
              world.deliver("C", "D");
              world.deliver("C", "A");
              world.deliver("B", "D");
              world.deliver("B", "C");
              world.deliver("C", "B");
              world.deliver_all();
            });
  demo.check(!cluster.leader() && cluster.server("B")->role() == raft::Role::candidate &&
                 cluster.server("C")->role() == raft::Role::candidate,
             "2 votes each of 4: no leader in term 1, the election failed",
             "各得 2 票（共 4 票）：任期 1 没有领导者，选举无效");

  demo.step("now every timeout is random, 150-300 ms: run until there is a leader",
            "现在每个超时都是随机的（150-300 ms）：运行到选出领导者", [&] {
              for (const char* id : {"A", "B", "C", "D"}) {
                cluster.set_fixed_election_timeout(id, std::nullopt);
              }
              world.run_until([&] { return cluster.leader().has_value(); }, 5000);
            });
  const auto leader = cluster.leader();
  demo.check(leader.has_value(), "one leader: " + leader.value_or("none"),
             "选出了一个领导者：" + leader.value_or("无"));
  demo.check(leader && cluster.server(*leader)->current_term().value >= 2,
             "in a later term than the failed election", "任期晚于失败的那次选举");
  return demo.finish();
}
