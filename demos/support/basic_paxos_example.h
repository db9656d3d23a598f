// The notes' worked example of Basic Paxos (Basic Paxos › 共识协商是二阶段提交),
// as demos 02 and 03 replay it before going on: demo 01 tells it step by step.
//
// Client 1 proposes [1, 3] and client 2 proposes [5, 7] to acceptors A, B, C.
// "节点 A、B 先收到来自客户端 1 的准备请求，节点 C 先收到来自客户端 2 的准备请求"
// (A and B receive client 1's Prepare first, C receives client 2's first);
// then each receives the other one.
#pragma once

#include "cluster/paxos_cluster.h"

namespace consensus_lab::demos {

inline void prepare_phase_as_in_demo_01(cluster::PaxosCluster& cluster) {
  auto& world = cluster.world();
  cluster.propose("client1", paxos::ProposalNumber{1}, "3");
  cluster.propose("client2", paxos::ProposalNumber{5}, "7");
  for (const char* id : {"A", "B"}) world.deliver("client1", id);
  world.deliver("client2", "C");
  for (const char* id : {"A", "B"}) world.deliver("client2", id);
  world.deliver("client1", "C");
}

}  // namespace consensus_lab::demos
