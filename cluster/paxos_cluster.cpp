#include "cluster/paxos_cluster.h"

#include <algorithm>
#include <stdexcept>

#include "common/overloaded.h"
#include "common/quorum.h"

namespace consensus_lab::cluster {

using paxos::Effects;
using paxos::Message;
using Context = sim::Context<paxos::Message, paxos::Event>;

// One simulated machine: an acceptor and a learner if it is a server, a
// proposer if it is a proposer — or both. Messages addressed to itself (an
// acceptor's Accepted to its own learner) never touch the network.
class PaxosNode final : public sim::Process<paxos::Message, paxos::Event> {
 public:
  PaxosNode(PaxosCluster& cluster, NodeId self, bool server, bool proposer,
            std::uint64_t proposer_index)
      : cluster_(cluster),
        self_(std::move(self)),
        server_(server),
        proposer_index_(proposer_index) {
    if (proposer) proposer_config_ = make_proposer_config();
    start_roles();
  }

  // ---- sim::Process ---------------------------------------------------------

  void on_message(Context& context, const NodeId& from, const Message& message) override {
    carry_out(context, handle(context, from, message));
  }

  void on_timer(Context& context) override {
    if (proposer_) carry_out(context, proposer_->tick(context.now(), context.random()));
  }

  void on_crash() override {
    acceptor_.reset();
    learner_.reset();
    proposer_.reset();
    if (!cluster_.options_.rules.persist) disk_ = {};  // rule `persist` off: nothing survives
  }

  void on_restart(Context&) override { start_roles(); }

  // ---- used by the cluster ---------------------------------------------------

  void propose(Context& context, std::optional<paxos::ProposalNumber> number,
               const paxos::Value& value) {
    if (!proposer_) throw sim::UsageError(self_ + " is not a proposer");
    carry_out(context, number ? proposer_->propose(context.now(), *number, value)
                              : proposer_->propose(context.now(), value));
  }

  void set_rules(const paxos::Rules& rules) {
    if (acceptor_) acceptor_->set_rules(rules);
  }

  void fire_timer(Context& context) {
    const auto due = proposer_ ? proposer_->deadline() : std::nullopt;
    if (!due) {
      throw sim::UsageError(self_ + " waits for nothing: no timer to fire",
                            self_ + " 没有在等待：没有计时器可以触发");
    }
    carry_out(context, proposer_->tick(std::max(*due, context.now()), context.random()));
  }

  // Proposers keep the numbers to avoid across a crash (the cluster's record).
  void avoid(paxos::ProposalNumber number) {
    avoided_.push_back(number);
    if (proposer_) proposer_->avoid(number);
  }

  void set_round_timeout(Millis timeout) {
    if (proposer_config_) proposer_config_->round_timeout = timeout;
    if (proposer_) proposer_->set_round_timeout(timeout);
  }

  void set_backoff(std::optional<std::pair<Millis, Millis>> backoff) {
    if (proposer_config_) proposer_config_->backoff = backoff;
    if (proposer_) proposer_->set_backoff(backoff);
  }

  const paxos::Acceptor* acceptor() const { return acceptor_ ? &*acceptor_ : nullptr; }
  const paxos::Learner* learner() const { return learner_ ? &*learner_ : nullptr; }
  const paxos::Proposer* proposer() const { return proposer_ ? &*proposer_ : nullptr; }
  bool is_server() const { return server_; }
  bool is_proposer() const { return proposer_config_.has_value(); }
  // What survives a crash.
  const paxos::AcceptorState& durable_acceptor_state() const { return disk_.acceptor; }
  const std::optional<paxos::Proposal>& durable_learned() const { return disk_.learned; }

 private:
  struct Disk {  // the simulated durable storage of this node
    paxos::AcceptorState acceptor;
    std::optional<paxos::Proposal> learned;
  };

  paxos::Proposer::Config make_proposer_config() const {
    const auto& options = cluster_.options_;
    paxos::Proposer::Config config;
    config.self = self_;
    config.acceptors = options.servers;
    config.index = proposer_index_;
    config.count = options.number_stride != 0 ? options.number_stride : options.proposers.size();
    config.round_timeout = options.round_timeout;
    config.backoff = options.backoff;
    return config;
  }

  void start_roles() {
    const auto& options = cluster_.options_;
    if (server_) {
      const auto& learners = cluster_.learners();
      acceptor_.emplace(self_, learners, options.rules, disk_.acceptor);
      if (std::find(learners.begin(), learners.end(), self_) != learners.end())
        learner_.emplace(options.servers.size(), disk_.learned);
    }
    if (proposer_config_) {
      proposer_.emplace(*proposer_config_);
      for (const auto number : avoided_) proposer_->avoid(number);
    }
  }

  Effects handle(Context& context, const NodeId& from, const Message& message) {
    return std::visit(Overloaded{
                          [&](const paxos::Prepare& m) {
                            return acceptor_ ? acceptor_->handle(from, m) : Effects{};
                          },
                          [&](const paxos::Accept& m) {
                            return acceptor_ ? acceptor_->handle(from, m) : Effects{};
                          },
                          [&](const paxos::Promise& m) {
                            return proposer_ ? proposer_->handle(context.now(), from, m)
                                             : Effects{};
                          },
                          [&](const paxos::Accepted& m) {
                            // An Accepted may be for this node's proposer, its learner, or both.
                            Effects effects;
                            if (proposer_) effects = proposer_->handle(context.now(), from, m);
                            if (learner_) {
                              Effects learned = learner_->handle(from, m);
                              effects.events.insert(effects.events.end(), learned.events.begin(),
                                                    learned.events.end());
                            }
                            return effects;
                          },
                      },
                      message);
  }

  // Carry out a role's Effects in the order DESIGN.md §8 fixes.
  void carry_out(Context& context, Effects effects) {
    // 1. Durable before visible: store first…
    if (effects.persist) disk_.acceptor = *effects.persist;
    for (const auto& event : effects.events) {
      if (const auto* learned = std::get_if<paxos::event::Learned>(&event)) {
        disk_.learned = learned->proposal;
        cluster_.invariants_->learned(self_, learned->proposal);
      }
      if (const auto* accepted = std::get_if<paxos::event::ProposalAccepted>(&event)) {
        cluster_.observe_acceptance(self_, accepted->proposal);
      }
      if (const auto* round = std::get_if<paxos::event::RoundStarted>(&event)) {
        cluster_.observe_round(self_, *round);
      }
    }
    // …report what was decided…
    for (auto& event : effects.events) context.note(std::move(event));
    // 2. …then send. A message to oneself is handled here, after the others.
    std::vector<Message> to_self;
    for (auto& outgoing : effects.send) {
      if (outgoing.to == self_) {
        to_self.push_back(std::move(outgoing.message));
      } else {
        context.send(outgoing.to, std::move(outgoing.message));
      }
    }
    // 3. Wake-up for the proposer's timeout or back-off.
    if (effects.wake_at) context.wake_at(*effects.wake_at);
    for (const Message& message : to_self) carry_out(context, handle(context, self_, message));
  }

  PaxosCluster& cluster_;
  NodeId self_;
  bool server_;
  std::uint64_t proposer_index_;
  std::optional<paxos::Proposer::Config> proposer_config_;
  Disk disk_;
  std::optional<paxos::Acceptor> acceptor_;
  std::optional<paxos::Learner> learner_;
  std::optional<paxos::Proposer> proposer_;
  std::vector<paxos::ProposalNumber> avoided_;
};

PaxosCluster::PaxosCluster(PaxosOptions options)
    : options_(std::move(options)), world_(options_.seed) {
  if (options_.servers.empty()) throw sim::UsageError("a Paxos cluster needs at least one server");
  if (options_.number_stride != 0 && options_.number_stride < options_.proposers.size()) {
    throw sim::UsageError("number_stride must be at least the number of proposers");
  }
  for (const NodeId& id : learners()) {
    if (std::find(options_.servers.begin(), options_.servers.end(), id) == options_.servers.end())
      throw sim::UsageError("learner " + id + " is not a server", "学习者 " + id + " 不是服务器");
  }
  std::vector<NodeId> all = options_.servers;
  for (const NodeId& id : options_.proposers) {
    if (std::find(all.begin(), all.end(), id) == all.end()) all.push_back(id);
  }
  for (const NodeId& id : all) {
    const bool server =
        std::find(options_.servers.begin(), options_.servers.end(), id) != options_.servers.end();
    const auto position = std::find(options_.proposers.begin(), options_.proposers.end(), id);
    const bool proposer = position != options_.proposers.end();
    const auto index = static_cast<std::uint64_t>(position - options_.proposers.begin()) + 1;
    PaxosNode& node =
        nodes_.add(world_, id, std::make_unique<PaxosNode>(*this, id, server, proposer, index));
    if (server) servers_.push_back(&node);
  }
  invariants_ = std::make_unique<PaxosInvariants>(*this);
  invariants_->install(world_);
}

PaxosCluster::~PaxosCluster() = default;

std::vector<NodeId> PaxosCluster::participants() const {
  std::vector<NodeId> ids = world_.node_ids();
  // Proposers first when they are clients, as in the notes' figures.
  std::stable_partition(ids.begin(), ids.end(),
                        [&](const NodeId& id) { return !nodes_[id].is_server(); });
  return ids;
}

void PaxosCluster::propose(const NodeId& id, paxos::ProposalNumber number,
                           const paxos::Value& value) {
  PaxosNode& target = nodes_[id];  // an unknown proposer: a UsageError, before anything changes
  if (const auto used = numbers_used_.find(number); used != numbers_used_.end()) {
    const std::string n = paxos::to_string(number);
    throw sim::UsageError(
        "proposal number " + n + " was used already (by " + used->second +
            "): each proposal needs a number of its own",
        "提案编号 " + n + " 已被 " + used->second + " 用过：每个提案都要有自己的编号");
  }
  for (auto& [other, other_node] : nodes_.by_name()) {
    if (other != id) other_node->avoid(number);
  }
  world_.act(id, [&](Context& context) { target.propose(context, number, value); });
}

void PaxosCluster::fire_timer(const NodeId& id) {
  PaxosNode& target = nodes_[id];
  if (!target.is_proposer()) throw sim::UsageError(id + " is not a proposer", id + " 不是提议者");
  world_.act(id, [&](Context& context) { target.fire_timer(context); });
}

void PaxosCluster::propose(const NodeId& id, const paxos::Value& value) {
  nodes_.act(world_, id, &PaxosNode::propose, std::nullopt, value);
}

void PaxosCluster::set_rules(const paxos::Rules& rules) {
  options_.rules = rules;
  for (auto& [id, node] : nodes_.by_name()) node->set_rules(rules);
}

void PaxosCluster::set_round_timeout(Millis timeout) {
  options_.round_timeout = timeout;
  for (auto& [id, node] : nodes_.by_name()) node->set_round_timeout(timeout);
}

void PaxosCluster::set_backoff(std::optional<std::pair<Millis, Millis>> backoff) {
  options_.backoff = backoff;
  for (auto& [id, node] : nodes_.by_name()) node->set_backoff(backoff);
}

paxos::AcceptorState PaxosCluster::acceptor_state(const NodeId& id) const {
  if (!nodes_[id].is_server()) throw sim::UsageError(id + " is not an acceptor");
  return acceptor_state_of(nodes_[id]);
}

std::optional<paxos::Proposal> PaxosCluster::learned(const NodeId& id) const {
  if (!nodes_[id].is_server()) throw sim::UsageError(id + " is not a learner");
  return learned_by(nodes_[id]);
}

paxos::AcceptorState PaxosCluster::acceptor_state_at(std::size_t i) const {
  return acceptor_state_of(*servers_[i]);
}

std::optional<paxos::Proposal> PaxosCluster::learned_at(std::size_t i) const {
  return learned_by(*servers_[i]);
}

paxos::AcceptorState PaxosCluster::acceptor_state_of(const PaxosNode& server) const {
  if (const auto* acceptor = server.acceptor()) return acceptor->state();
  return options_.rules.persist ? server.durable_acceptor_state() : paxos::AcceptorState{};
}

// A crashed server shows what it will come back with, as acceptor_state does.
std::optional<paxos::Proposal> PaxosCluster::learned_by(const PaxosNode& server) const {
  if (const auto* learner = server.learner()) return learner->learned();
  return options_.rules.persist ? server.durable_learned() : std::nullopt;
}

PaxosCluster::NodeRoles PaxosCluster::roles(const NodeId& id) const {
  const PaxosNode& node = nodes_[id];
  return {.up = world_.is_up(id),
          .acceptor = node.acceptor(),
          .learner = node.learner(),
          .proposer = node.proposer(),
          .disk = node.durable_acceptor_state(),
          .disk_learned = node.durable_learned()};
}

const paxos::Proposer& PaxosCluster::proposer(const NodeId& id) const {
  const PaxosNode& client = nodes_[id];
  if (!client.is_proposer()) throw sim::UsageError(id + " is not a proposer");
  if (const auto* proposer = client.proposer()) return *proposer;
  throw sim::UsageError(id + " is down");
}

std::set<paxos::Value> PaxosCluster::chosen_values() const {
  std::set<paxos::Value> values;
  for (const auto& proposal : chosen_) values.insert(proposal.value);
  return values;
}

void PaxosCluster::observe_round(const NodeId& proposer, const paxos::event::RoundStarted& round) {
  numbers_used_.emplace(round.number, proposer);
  invariants_->proposed(round.value);
}

std::optional<paxos::Value> PaxosCluster::value_first_accepted(paxos::ProposalNumber number) const {
  const auto it = accepted_history_.find(number);
  if (it == accepted_history_.end()) return std::nullopt;
  return it->second.first;
}

void PaxosCluster::observe_acceptance(const NodeId& acceptor, const paxos::Proposal& proposal) {
  auto [it, fresh] =
      accepted_history_.try_emplace(proposal.number, proposal.value, std::set<NodeId>{});
  auto& [value, acceptors] = it->second;
  invariants_->accepted(proposal);
  // Two values under one number break an invariant; counting goes on under
  // the first value, so that the history stays well defined.
  if (value != proposal.value) return;
  const bool counted = acceptors.insert(acceptor).second;
  if (counted && acceptors.size() == majority(options_.servers.size())) {
    chosen_.push_back(proposal);
  }
}

}  // namespace consensus_lab::cluster
