// Multi-Paxos (Chubby style), one test per rule, named after the notes or the
// paper section it comes from.
#include <doctest/doctest.h>

#include "cluster/multipaxos_cluster.h"

using namespace consensus_lab;
using cluster::MultiPaxosCluster;
using multipaxos::Command;
using multipaxos::Slot;

TEST_CASE("Multi-Paxos (notes, 优化 Basic Paxos 执行): a stable master sends no Prepare") {
  MultiPaxosCluster cluster({.replicas = {"A", "B", "C"}});
  auto& world = cluster.world();
  cluster.timeout("A");
  world.deliver_all();
  REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
  world.reset_stats();
  for (int i = 1; i <= 10; ++i) {
    REQUIRE(cluster.submit("A", Command::put("x", std::to_string(i))));
    world.deliver_all();
  }
  CHECK(world.stats().sent_of("prepare") == 0);
  CHECK(world.stats().sent_of("accept") == 20);
  CHECK(cluster.replica("A")->commit() == Slot{10});
  CHECK(cluster.replica("A")->store().get("x") == "10");
  CHECK_FALSE(world.violation());
}
