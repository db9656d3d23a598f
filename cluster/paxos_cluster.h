// A Basic Paxos cluster inside the simulator: the notes' acceptors A, B, C
// (each hosting an acceptor and a learner) and proposer clients ("客户端 1",
// "客户端 2"), wired to a sim::World.
//
// The cluster is the driver of DESIGN.md §8: it hands each message to the
// role it is for and carries out the Effects in order — persist, then send.
// It also keeps the history `expect chosen` and the invariants
// (paxos_invariants.h) read: which acceptors ever accepted which proposal. A value is *chosen* once
// a majority of acceptors has accepted one proposal (one number) carrying it, and stays chosen even
// if some of them later accept something else.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/node_table.h"
#include "cluster/paxos_invariants.h"
#include "paxos/acceptor.h"
#include "paxos/learner.h"
#include "paxos/proposer.h"
#include "sim/world.h"

namespace consensus_lab::cluster {

struct PaxosOptions {
  std::vector<NodeId> servers;    // each hosts an acceptor, and a learner unless…
  std::vector<NodeId> proposers;  // proposer clients (may also be servers)
  // …`learners` names the servers that host one (none given: every server).
  // Acceptors tell the proposer and every learner what they accept.
  std::optional<std::vector<NodeId>> learners;
  paxos::Rules rules;
  std::uint64_t seed = 1;
  Millis round_timeout = 100;
  std::optional<std::pair<Millis, Millis>> backoff;  // random pause before a retry
  // Proposer k of these owns the numbers k, k + stride, k + 2·stride, …
  // (paxos::next_owned_number). 0 means the number of proposers. The notes'
  // literal numbers fit stride 3: client1 owns 1, 4, 7…; client2 owns 2, 5, 8….
  std::uint64_t number_stride = 0;
};

class PaxosNode;

class PaxosCluster {
 public:
  explicit PaxosCluster(PaxosOptions options);
  ~PaxosCluster();
  PaxosCluster(const PaxosCluster&) = delete;
  PaxosCluster& operator=(const PaxosCluster&) = delete;

  PaxosWorld& world() { return world_; }
  const PaxosWorld& world() const { return world_; }
  const PaxosOptions& options() const { return options_; }
  // Servers first, then proposers that are not servers: the diagram's columns.
  std::vector<NodeId> participants() const;

  // Proposer `id` starts a round (with the given number, or its next own one).
  // A given number must not have been used before, by any proposer: two
  // values under one number would break Paxos (the other proposers are told
  // to skip it in their retries). A reused number is a sim::UsageError.
  void propose(const NodeId& id, paxos::ProposalNumber number, const paxos::Value& value);
  void propose(const NodeId& id, const paxos::Value& value);
  // Proposer `id`'s timer fires now, as if its deadline had come (scenarios:
  // `timeout P`; the explorer fires timers this way). A proposer that waits
  // for nothing is a sim::UsageError.
  void fire_timer(const NodeId& id);
  // Switch rules on or off for every acceptor (and for persistence).
  void set_rules(const paxos::Rules& rules);
  // How long each proposer's rounds wait for a majority, from its next round.
  void set_round_timeout(Millis timeout);
  // Give every proposer a random back-off before its retries (or none).
  void set_backoff(std::optional<std::pair<Millis, Millis>> backoff);

  // The servers that host a learner.
  const std::vector<NodeId>& learners() const {
    return options_.learners ? *options_.learners : options_.servers;
  }

  // State as a test or an `expect` sees it. A crashed server shows the state
  // it will come back with (its durable state; nothing if persist is off);
  // a server that hosts no learner has learned nothing.
  paxos::AcceptorState acceptor_state(const NodeId& id) const;
  std::optional<paxos::Proposal> learned(const NodeId& id) const;
  // The same two by position in options().servers: no name lookup.
  paxos::AcceptorState acceptor_state_at(std::size_t i) const;
  std::optional<paxos::Proposal> learned_at(std::size_t i) const;
  const paxos::Proposer& proposer(const NodeId& id) const;

  // Chosen values, judged from the acceptors' history, in the order chosen.
  const std::vector<paxos::Proposal>& chosen() const { return chosen_; }
  // The distinct values among chosen().
  std::set<paxos::Value> chosen_values() const;
  // Every value a proposer started a round for, so far.
  const std::set<paxos::Value>& proposed_values() const { return invariants_->proposed(); }
  // The highest proposal number any round has used so far (0: none yet).
  std::uint64_t highest_number_used() const {
    return numbers_used_.empty() ? 0 : numbers_used_.rbegin()->first.value;
  }
  // The value first accepted under `number` (none: nobody accepted one).
  std::optional<paxos::Value> value_first_accepted(paxos::ProposalNumber number) const;
  // proposal number → (its value, the acceptors that ever accepted it).
  using AcceptedHistory =
      std::map<paxos::ProposalNumber, std::pair<paxos::Value, std::set<NodeId>>>;
  const AcceptedHistory& accepted_history() const { return accepted_history_; }

  // A node's roles as they are now (nullptr: it has none, or it is down), and
  // what its disk holds: where the explorer (tools/explore) starts from.
  struct NodeRoles {
    bool up = true;
    const paxos::Acceptor* acceptor = nullptr;
    const paxos::Learner* learner = nullptr;
    const paxos::Proposer* proposer = nullptr;
    paxos::AcceptorState disk;
    std::optional<paxos::Proposal> disk_learned;
  };
  NodeRoles roles(const NodeId& id) const;

 private:
  friend class PaxosNode;
  void observe_acceptance(const NodeId& acceptor, const paxos::Proposal& proposal);
  void observe_round(const NodeId& proposer, const paxos::event::RoundStarted& round);
  paxos::AcceptorState acceptor_state_of(const PaxosNode& server) const;
  std::optional<paxos::Proposal> learned_by(const PaxosNode& server) const;

  PaxosOptions options_;
  PaxosWorld world_;
  NodeTable<PaxosNode> nodes_{"node"};
  std::vector<PaxosNode*> servers_;  // the servers among them, in options_.servers order
  AcceptedHistory accepted_history_;
  std::vector<paxos::Proposal> chosen_;
  std::map<paxos::ProposalNumber, NodeId> numbers_used_;  // by every round started
  std::unique_ptr<PaxosInvariants> invariants_;           // made once the nodes are
};

}  // namespace consensus_lab::cluster
