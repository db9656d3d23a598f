// Openings several demos share: a run that one demo tells step by step and
// the later ones replay, quietly or in one step, before their own story.
#pragma once

#include <vector>

#include "cluster/paxos_cluster.h"
#include "common/command.h"

namespace consensus_lab::demos {

// The notes' worked example of Basic Paxos (Basic Paxos › 共识协商是二阶段提交),
// as demos 02 and 03 replay it before going on: demo 01 tells it step by step.
//
// Client 1 proposes [1, 3] and client 2 proposes [5, 7] to acceptors A, B, C.
// "节点 A、B 先收到来自客户端 1 的准备请求，节点 C 先收到来自客户端 2 的准备请求"
// (A and B receive client 1's Prepare first, C receives client 2's first);
// then each receives the other one.
inline void prepare_phase_as_in_demo_01(cluster::PaxosCluster& cluster) {
  auto& world = cluster.world();
  cluster.propose("client1", paxos::ProposalNumber{1}, "3");
  cluster.propose("client2", paxos::ProposalNumber{5}, "7");
  for (const char* id : {"A", "B"}) world.deliver("client1", id);
  world.deliver("client2", "C");
  for (const char* id : {"A", "B"}) world.deliver("client2", id);
  world.deliver("client1", "C");
}

// A leader and a log to start from, as demos 09 (Multi-Paxos) and 16 (Raft)
// set them up: `leader`'s election timer fires and it wins (demos 07 and 11
// tell how), then each command is submitted to it and committed — every
// message delivered as soon as it is sent. `Cluster` is a MultiPaxosCluster
// or a RaftCluster.
template <class Cluster>
void elect_and_commit(Cluster& cluster, const NodeId& leader,
                      const std::vector<Command>& commands) {
  auto& world = cluster.world();
  cluster.timeout(leader);
  world.deliver_all();
  for (const Command& command : commands) {
    cluster.submit(leader, command);
    world.deliver_all();
  }
}

// One round trip: the next message from `from` to `to` is delivered, then
// the next one back (a request and its answer).
template <class World>
void round_trip(World& world, const NodeId& from, const NodeId& to) {
  world.deliver(from, to);
  world.deliver(to, from);
}

}  // namespace consensus_lab::demos
