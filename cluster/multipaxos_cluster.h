// A Chubby-style Multi-Paxos cluster inside the simulator: replicas A, B, C…,
// each a multipaxos::Replica, wired to a sim::World. Like PaxosCluster it is
// the driver of DESIGN.md §8 (persist, then send); it keeps who accepted what
// in which slot under which ballot — what is chosen — and what the clients
// saw, and tells the invariants (multipaxos_invariants.h) what the replicas
// did and wrote.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/client_history.h"
#include "cluster/log_reads.h"
#include "cluster/multipaxos_invariants.h"
#include "cluster/node_table.h"
#include "multipaxos/replica.h"
#include "sim/world.h"

namespace consensus_lab::cluster {

struct MultiPaxosOptions {
  std::vector<NodeId> replicas;  // every replica process
  // The first configuration (empty: all replicas). The others wait, idle,
  // until a membership command adds them (notes, Chubby: 成员变更).
  std::vector<NodeId> members;
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

  // A client reads `key` at `id` (notes, Chubby: 读写请求都是有主节点执行).
  struct Read {
    enum class Outcome { value, redirect, through_log } outcome;
    std::optional<std::string> value;   // outcome value: what the master's state machine holds
    std::optional<NodeId> master_hint;  // outcome redirect: whom the replica believes is master
  };
  // A master serves the read from its own state machine while its lease
  // holds; without the lease it must order the read through the log; any
  // other replica redirects the client.
  Read read(const NodeId& id, const std::string& key) const;

  // A client's put of KEY=VALUE at `id`, recorded in the history; false (and
  // nothing recorded) if `id` is down or not master.
  bool client_put(const NodeId& id, const std::string& key, const std::string& value);
  // A client's read of `key` at `id`, recorded in the history: answered at
  // once by a master that may read locally, put into the log by one that may
  // not (answered when applied), redirected by any other replica.
  Read client_read(const NodeId& id, const std::string& key);
  const ClientHistory& history() const { return history_; }

  // Who the members are for `slot`, by the commands chosen so far.
  std::vector<NodeId> members_at(multipaxos::Slot slot) const;

  // A read ordered through the log: `id`, if it leads, puts a read of `key`
  // into the log; the answer is the state machine's value when the read is
  // applied. Returns the request's number (none: `id` does not lead).
  std::optional<std::uint64_t> read_through_log(const NodeId& id, const std::string& key);
  // The answer to read request `request`, once a server applied it (the
  // outer optional); the value, or none if the key was not set.
  std::optional<std::optional<std::string>> read_answer(std::uint64_t request) const;

  // The live replica that believes it is master with the highest ballot.
  std::optional<NodeId> leader() const;
  // A live replica (nullptr when it is down).
  const multipaxos::Replica* replica(const NodeId& id) const;
  // What a replica knows chosen, per slot: its live state, or its durable
  // state while it is down.
  const multipaxos::ReplicaHardState& state(const NodeId& id) const;
  // The same two by position in options().replicas (= the world's node
  // order): no name lookup.
  const multipaxos::Replica* replica_at(std::size_t i) const;
  const multipaxos::ReplicaHardState& state_at(std::size_t i) const;

  // Commands chosen per slot, judged from the acceptors' history (a majority
  // accepted one ballot's proposal for that slot).
  const std::map<multipaxos::Slot, multipaxos::Command>& chosen() const { return chosen_; }
  // What replicas accepted in one slot under one ballot.
  struct Acceptance {
    multipaxos::Command command;
    std::set<NodeId> by;  // those among the slot's members
  };
  // Nullptr: nobody accepted anything in `slot` under `ballot`.
  const Acceptance* accepted_under(multipaxos::Slot slot, multipaxos::Ballot ballot) const;
  // Every acceptance so far, by (slot, ballot).
  const std::map<std::pair<multipaxos::Slot, multipaxos::Ballot>, Acceptance>& acceptances() const {
    return acceptances_;
  }
  const MultiPaxosInvariants& invariants() const { return *invariants_; }

  void set_rules(const multipaxos::Rules& rules);
  // Changing a timeout restarts the election timers with the new value.
  void set_timing(const multipaxos::Timing& timing);
  void set_fixed_election_timeout(const NodeId& id, Millis timeout);

 private:
  friend class MultiPaxosNode;
  void observe(const NodeId& replica, const multipaxos::Event& event);
  void observe_acceptance(const NodeId& replica, const multipaxos::event::SlotAccepted& accepted);

  MultiPaxosOptions options_;
  MultiPaxosWorld world_;
  NodeTable<MultiPaxosNode> nodes_{"replica"};  // in options_.replicas order
  LogReads log_reads_;
  std::map<std::pair<multipaxos::Slot, multipaxos::Ballot>, Acceptance> acceptances_;
  std::map<multipaxos::Slot, multipaxos::Command> chosen_;
  std::map<multipaxos::Slot, multipaxos::Command> membership_;  // those in chosen_ that change it
  ClientHistory history_;
  std::unique_ptr<MultiPaxosInvariants> invariants_;  // made once the nodes are
};

}  // namespace consensus_lab::cluster
