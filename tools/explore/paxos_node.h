// One Basic Paxos node as the explorer runs it (tools/explore/paxos_model.cpp):
// the roles it hosts and its disk, as a value that can be compared and
// hashed, and what it does with one message — exactly what the simulator's
// driver does (cluster/paxos_cluster.cpp, PaxosNode): the message goes to the
// role it is for; persist, then send; an acceptor's Accepted to its own
// node's learner is handled at once, after the others.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "paxos/acceptor.h"
#include "paxos/learner.h"
#include "paxos/proposer.h"
#include "tools/explore/interner.h"
#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

// One node: the roles it hosts (none while it is down) and its disk.
struct Node {
  bool up = true;
  std::optional<paxos::Acceptor> acceptor;
  std::optional<paxos::Learner> learner;
  std::optional<paxos::Proposer> proposer;
  paxos::AcceptorState disk;
  std::optional<paxos::Proposal> disk_learned;
  friend bool operator==(const Node&, const Node&) = default;
};

using PaxosSent = Sent<paxos::Message>;  // a message in flight (tools/explore/interner.h)

// The history "at most one value chosen" is judged from: the acceptors that
// ever accepted each proposal (cluster/paxos_cluster.h keeps the same).
struct Accepted {
  paxos::ProposalNumber number;
  paxos::Value value;
  std::uint32_t acceptors;  // one bit per server
  friend bool operator==(const Accepted&, const Accepted&) = default;
};

// Equal values hash alike (tools/explore/interner.h).
std::uint64_t hash_of(const Node& node);
std::uint64_t hash_of(const Accepted& accepted);

// What one delivery made a node do, besides changing it.
struct NodeStep {
  std::vector<std::pair<Word, paxos::Message>> sent;  // to other nodes, by position
  std::vector<paxos::Proposal> accepted;              // what its acceptor accepted
  std::vector<paxos::Proposal> learned;               // what its learner learned
};

// Node `self`'s proposer's timer fires, as if its deadline had come
// (PaxosCluster::fire_timer). The proposer must have one due, and no
// back-off: the explorer cannot try every random pause.
void fire_timer(Node& node, Word self, const std::vector<NodeId>& ids, NodeStep& step);

// Node `self` (its position in `ids`) handles `message` from `from`.
void deliver_to(Node& node, Word self, const std::vector<NodeId>& ids, const NodeId& from,
                const paxos::Message& message, NodeStep& step);

}  // namespace consensus_lab::explore
