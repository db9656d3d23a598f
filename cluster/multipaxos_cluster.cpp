#include "cluster/multipaxos_cluster.h"

#include <algorithm>

#include "cluster/make_visible.h"
#include "common/quorum.h"

namespace consensus_lab::cluster {

using multipaxos::Command;
using multipaxos::Effects;
using multipaxos::Message;
using multipaxos::Replica;
using multipaxos::ReplicaHardState;
using Context = sim::Context<multipaxos::Message, multipaxos::Event>;

// One simulated machine hosting one replica, with its simulated disk.
class MultiPaxosNode final : public sim::Process<multipaxos::Message, multipaxos::Event> {
 public:
  MultiPaxosNode(MultiPaxosCluster& cluster, Replica::Config config)
      : cluster_(cluster), config_(std::move(config)) {
    replica_.emplace(config_, disk_);
  }

  void on_message(Context& context, const NodeId& from, const Message& message) override {
    Effects effects = replica_->handle(context.now(), from, message, context.random());
    if (effects.refused) {
      cluster_.invariants_->refused(config_.self, from, message, *effects.refused);
    }
    carry_out(context, std::move(effects));
  }
  void on_timer(Context& context) override {
    carry_out(context, replica_->tick(context.now(), context.random()));
  }
  void on_crash() override {
    cluster_.history_.crashed(config_.self);
    replica_.reset();
    if (!cluster_.options_.rules.persist) disk_ = {};  // rule `persist` off: nothing survives
  }
  void on_restart(Context& context) override {
    config_.rules = cluster_.options_.rules;
    config_.timing = cluster_.options_.timing;
    replica_.emplace(config_, disk_);
    carry_out(context, replica_->start(context.now(), context.random()));
  }

  void start(Context& context) {
    carry_out(context, replica_->start(context.now(), context.random()));
  }
  void campaign(Context& context) {
    carry_out(context, replica_->campaign(context.now(), context.random()));
  }
  void submit(Context& context, const Command& command) {
    carry_out(context, replica_->submit(context.now(), command));
  }

  const Replica* replica() const { return replica_ ? &*replica_ : nullptr; }
  const ReplicaHardState& disk() const { return disk_; }
  void set_rules(const multipaxos::Rules& rules) {
    config_.rules = rules;
    if (replica_) replica_->set_rules(rules);
  }
  void set_timing(const multipaxos::Timing& timing) {
    config_.timing = timing;
    if (replica_) replica_->set_timing(timing);
  }
  void set_fixed_election_timeout(Millis timeout) {
    config_.fixed_election_timeout = timeout;
    if (replica_) replica_->set_fixed_election_timeout(timeout);
  }
  void restart_election_timer(Context& context) {
    carry_out(context, replica_->restart_election_timer(context.now(), context.random()));
  }

 private:
  void carry_out(Context& context, Effects effects) {
    if (effects.persist) {  // 1. durable first…
      cluster_.invariants_->disk_writing(config_.self, disk_, *effects.persist);
      multipaxos::write(*effects.persist, disk_);
    }
    make_visible(context, effects,  // 2. …then visible
                 [&](const multipaxos::Event& event) { cluster_.observe(config_.self, event); });
  }

  MultiPaxosCluster& cluster_;
  Replica::Config config_;
  ReplicaHardState disk_;
  std::optional<Replica> replica_;
};

MultiPaxosCluster::MultiPaxosCluster(MultiPaxosOptions options)
    : options_(std::move(options)), world_(options_.seed) {
  if (options_.replicas.empty()) throw sim::UsageError("a Multi-Paxos cluster needs a replica");
  for (const NodeId& id : options_.replicas) {
    const Replica::Config config{
        .self = id,
        .members = options_.members.empty() ? options_.replicas : options_.members,
        .index = nodes_.size() + 1,
        .count = options_.replicas.size(),
        .timing = options_.timing,
        .rules = options_.rules,
        .fixed_election_timeout = fixed_timeout(options_.fixed_election_timeouts, id)};
    nodes_.add(world_, id, std::make_unique<MultiPaxosNode>(*this, config));
  }
  invariants_ = std::make_unique<MultiPaxosInvariants>(*this, history_);
  invariants_->install(world_);
  for (const NodeId& id : options_.replicas) {
    nodes_.act(world_, id, &MultiPaxosNode::start);
  }
}

MultiPaxosCluster::~MultiPaxosCluster() = default;

void MultiPaxosCluster::timeout(const NodeId& id) {
  nodes_.act(world_, id, &MultiPaxosNode::campaign);
}

bool MultiPaxosCluster::submit(const NodeId& id, const Command& command) {
  const Replica* r = replica(id);
  if (r == nullptr || !r->is_master()) return false;
  nodes_.act(world_, id, &MultiPaxosNode::submit, command);
  return true;
}

std::optional<NodeId> MultiPaxosCluster::leader() const {
  std::optional<NodeId> best;
  std::optional<multipaxos::Ballot> best_ballot;
  for (const NodeId& id : options_.replicas) {
    const Replica* r = replica(id);
    if (r == nullptr || !r->is_master()) continue;
    if (!best_ballot || *r->ballot() > *best_ballot) {
      best = id;
      best_ballot = r->ballot();
    }
  }
  return best;
}

std::optional<std::uint64_t> MultiPaxosCluster::read_through_log(const NodeId& id,
                                                                 const std::string& key) {
  return log_reads_.order(key, [&](const Command& read) { return submit(id, read); });
}

std::optional<std::optional<std::string>> MultiPaxosCluster::read_answer(
    std::uint64_t request) const {
  return log_reads_.answer(request);
}

std::vector<NodeId> MultiPaxosCluster::members_at(multipaxos::Slot slot) const {
  return multipaxos::members_at(slot,
                                options_.members.empty() ? options_.replicas : options_.members,
                                membership_, options_.timing.window);
}

bool MultiPaxosCluster::client_put(const NodeId& id, const std::string& key,
                                   const std::string& value) {
  const Replica* r = replica(id);
  if (r == nullptr || !r->is_master()) return false;
  return submit(id, history_.begin_put(id, key, value, world_.now()));
}

MultiPaxosCluster::Read MultiPaxosCluster::client_read(const NodeId& id, const std::string& key) {
  Read read = this->read(id, key);
  if (read.outcome == Read::Outcome::value) {
    history_.read_locally(id, key, read.value, world_.now());
    world_.check_invariants();
  } else if (read.outcome == Read::Outcome::through_log) {
    submit(id, history_.begin_read(id, key, world_.now()));
  }
  return read;
}

MultiPaxosCluster::Read MultiPaxosCluster::read(const NodeId& id, const std::string& key) const {
  const Replica* r = replica(id);
  if (r == nullptr || !r->is_master()) {
    return {Read::Outcome::redirect, std::nullopt, r ? r->master_hint() : std::nullopt};
  }
  if (!r->can_read_locally(world_.now())) return {Read::Outcome::through_log, std::nullopt, id};
  return {Read::Outcome::value, r->store().get(key), id};
}

const Replica* MultiPaxosCluster::replica(const NodeId& id) const {
  return world_.is_up(id) ? nodes_[id].replica() : nullptr;
}

const ReplicaHardState& MultiPaxosCluster::state(const NodeId& id) const {
  if (const Replica* r = replica(id)) return r->hard_state();
  return nodes_[id].disk();
}

const Replica* MultiPaxosCluster::replica_at(std::size_t i) const {
  return world_.is_up_at(i) ? nodes_.at(i).replica() : nullptr;
}

const ReplicaHardState& MultiPaxosCluster::state_at(std::size_t i) const {
  if (const Replica* r = replica_at(i)) return r->hard_state();
  return nodes_.at(i).disk();
}

const MultiPaxosCluster::Acceptance* MultiPaxosCluster::accepted_under(
    multipaxos::Slot slot, multipaxos::Ballot ballot) const {
  const auto it = acceptances_.find({slot, ballot});
  return it == acceptances_.end() ? nullptr : &it->second;
}

void MultiPaxosCluster::set_rules(const multipaxos::Rules& rules) {
  options_.rules = rules;
  for (auto& [id, n] : nodes_.by_name()) n->set_rules(rules);
}

void MultiPaxosCluster::set_timing(const multipaxos::Timing& timing) {
  options_.timing = timing;
  for (auto& [id, n] : nodes_.by_name()) {
    n->set_timing(timing);
    nodes_.act(world_, id, &MultiPaxosNode::restart_election_timer);
  }
}

void MultiPaxosCluster::set_fixed_election_timeout(const NodeId& id, Millis timeout) {
  options_.fixed_election_timeouts[id] = timeout;
  nodes_[id].set_fixed_election_timeout(timeout);
  nodes_.act(world_, id, &MultiPaxosNode::restart_election_timer);
}

// What the replicas' events tell: what is chosen (a majority of a slot's
// members accepted one ballot's proposal there), and what the invariants
// and the clients' history need.
void MultiPaxosCluster::observe(const NodeId& replica, const multipaxos::Event& event) {
  namespace ev = multipaxos::event;
  if (const auto* accepted = std::get_if<ev::SlotAccepted>(&event)) {
    observe_acceptance(replica, *accepted);
  }
  if (const auto* learned = std::get_if<ev::SlotChosen>(&event)) {
    const Replica* r = nodes_[replica].replica();
    invariants_->learned(replica, learned->slot, learned->command,
                         r != nullptr && r->is_master() ? r->ballot() : std::nullopt);
  }
  if (const auto* applied = std::get_if<ev::Applied>(&event)) {
    log_reads_.applied(applied->command, applied->value);
    history_.applied(replica, applied->command, applied->repeat, applied->value, world_.now());
    invariants_->applied(replica, applied->slot);
  }
  if (const auto* master = std::get_if<ev::BecameMaster>(&event)) {
    invariants_->became_master(replica, master->ballot);
  }
}

void MultiPaxosCluster::observe_acceptance(const NodeId& replica,
                                           const multipaxos::event::SlotAccepted& accepted) {
  Acceptance& acceptance =
      acceptances_.try_emplace({accepted.slot, accepted.ballot}, Acceptance{accepted.command, {}})
          .first->second;
  const auto members = members_at(accepted.slot);
  if (std::find(members.begin(), members.end(), replica) == members.end()) return;
  acceptance.by.insert(replica);
  if (acceptance.by.size() != majority(members.size())) return;
  const auto [it, fresh] = chosen_.try_emplace(accepted.slot, acceptance.command);
  if (fresh && multipaxos::is_membership_change(acceptance.command)) {
    membership_[accepted.slot] = acceptance.command;
  }
  invariants_->chosen_by_majority(accepted.slot, acceptance.command);
}

}  // namespace consensus_lab::cluster
