// A Chubby-style Multi-Paxos cluster inside the simulator: replicas A, B, C…,
// each a multipaxos::Replica, wired to a sim::World. Like PaxosCluster it is
// the driver of DESIGN.md §8 (persist, then send) and keeps the history its
// invariants need: who accepted what in which slot under which ballot, and
// who became master under which ballot.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "multipaxos/replica.h"
#include "sim/world.h"

namespace consensus_lab::cluster {

using MultiPaxosWorld = sim::World<multipaxos::Message, multipaxos::Event>;

struct MultiPaxosOptions {
  std::vector<NodeId> replicas;
  multipaxos::Rules rules;
  multipaxos::Timing timing;
  std::uint64_t seed = 1;
  // Election timeouts fixed per replica (the rest draw from timing's range).
  std::map<NodeId, Millis> fixed_election_timeouts;
};

class MultiPaxosNode;

class MultiPaxosCluster {
 public:
  explicit MultiPaxosCluster(MultiPaxosOptions options);
  ~MultiPaxosCluster();
  MultiPaxosCluster(const MultiPaxosCluster&) = delete;
  MultiPaxosCluster& operator=(const MultiPaxosCluster&) = delete;

  MultiPaxosWorld& world() { return world_; }
  const MultiPaxosWorld& world() const { return world_; }
  const MultiPaxosOptions& options() const { return options_; }
  std::vector<NodeId> participants() const { return options_.replicas; }

  // `id`'s election timer fires now: it tries to become master.
  void timeout(const NodeId& id);
  // A client submits a command to `id`; false if `id` is down or does not
  // believe it is master (a client would be redirected).
  bool submit(const NodeId& id, const multipaxos::Command& command);

  // The live replica that believes it is master with the highest ballot.
  std::optional<NodeId> leader() const;
  // A live replica (nullptr when it is down).
  const multipaxos::Replica* replica(const NodeId& id) const;
  // What a replica knows chosen, per slot: its live state, or its durable
  // state while it is down.
  const multipaxos::ReplicaHardState& state(const NodeId& id) const;

  // Commands chosen per slot, judged from the acceptors' history (a majority
  // accepted one ballot's proposal for that slot).
  const std::map<multipaxos::Slot, multipaxos::Command>& chosen() const { return chosen_; }

  void set_rules(const multipaxos::Rules& rules);
  // Changing a timeout restarts the election timers with the new value.
  void set_timing(const multipaxos::Timing& timing);
  void set_fixed_election_timeout(const NodeId& id, Millis timeout);

 private:
  friend class MultiPaxosNode;
  void observe(const NodeId& replica, const multipaxos::Event& event);
  void install_invariants();
  MultiPaxosNode& node(const NodeId& id) const;

  MultiPaxosOptions options_;
  MultiPaxosWorld world_;
  std::map<NodeId, MultiPaxosNode*> nodes_;  // owned by world_
  // (slot, ballot) → command and the replicas that accepted it
  std::map<std::pair<multipaxos::Slot, multipaxos::Ballot>,
           std::pair<multipaxos::Command, std::set<NodeId>>>
      acceptances_;
  std::map<multipaxos::Slot, multipaxos::Command> chosen_;
  std::optional<std::string> chosen_conflict_;
  std::map<multipaxos::Ballot, NodeId> masters_;  // who became master under which ballot
  std::optional<std::string> master_conflict_;
};

}  // namespace consensus_lab::cluster
