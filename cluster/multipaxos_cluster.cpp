#include "cluster/multipaxos_cluster.h"

#include <algorithm>

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
    if (effects.refused && !cluster_.refusal_) {
      cluster_.refusal_ = context.self() + " refused " + multipaxos::to_string(message) + " from " +
                          from + ": " + *effects.refused;
    }
    apply(context, std::move(effects));
  }
  void on_timer(Context& context) override {
    apply(context, replica_->tick(context.now(), context.random()));
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
    apply(context, replica_->start(context.now(), context.random()));
  }

  void start(Context& context) { apply(context, replica_->start(context.now(), context.random())); }
  void campaign(Context& context) {
    apply(context, replica_->campaign(context.now(), context.random()));
  }
  void submit(Context& context, const Command& command) {
    apply(context, replica_->submit(context.now(), command));
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
    apply(context, replica_->restart_election_timer(context.now(), context.random()));
  }

 private:
  void apply(Context& context, Effects effects) {
    if (effects.persist) multipaxos::apply(*effects.persist, disk_);  // 1. durable first…
    for (auto& event : effects.events) {
      cluster_.observe(context.self(), event);
      context.note(std::move(event));
    }
    for (auto& outgoing : effects.send) {  // 2. …then visible
      context.send(outgoing.to, std::move(outgoing.message));
    }
    if (effects.wake_at) context.wake_at(*effects.wake_at);
  }

  MultiPaxosCluster& cluster_;
  Replica::Config config_;
  ReplicaHardState disk_;
  std::optional<Replica> replica_;
};

MultiPaxosCluster::MultiPaxosCluster(MultiPaxosOptions options)
    : options_(std::move(options)), world_(options_.seed) {
  if (options_.replicas.empty()) throw sim::UsageError("a Multi-Paxos cluster needs a replica");
  std::uint64_t index = 0;
  for (const NodeId& id : options_.replicas) {
    Replica::Config config;
    config.self = id;
    config.members = options_.members.empty() ? options_.replicas : options_.members;
    config.index = ++index;
    config.count = options_.replicas.size();
    config.timing = options_.timing;
    config.rules = options_.rules;
    if (const auto fixed = options_.fixed_election_timeouts.find(id);
        fixed != options_.fixed_election_timeouts.end()) {
      config.fixed_election_timeout = fixed->second;
    }
    auto node = std::make_unique<MultiPaxosNode>(*this, config);
    nodes_[id] = node.get();
    world_.add_node(id, std::move(node));
  }
  install_invariants();
  for (const NodeId& id : options_.replicas) {
    MultiPaxosNode& target = node(id);
    world_.act(id, [&](Context& context) { target.start(context); });
  }
}

MultiPaxosCluster::~MultiPaxosCluster() = default;

MultiPaxosNode& MultiPaxosCluster::node(const NodeId& id) const {
  const auto it = nodes_.find(id);
  if (it == nodes_.end()) throw sim::UsageError("unknown replica " + id);
  return *it->second;
}

void MultiPaxosCluster::timeout(const NodeId& id) {
  MultiPaxosNode& target = node(id);
  world_.act(id, [&](Context& context) { target.campaign(context); });
}

bool MultiPaxosCluster::submit(const NodeId& id, const Command& command) {
  MultiPaxosNode& target = node(id);
  if (!world_.is_up(id) || !target.replica()->is_master()) return false;
  world_.act(id, [&](Context& context) { target.submit(context, command); });
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
  const std::uint64_t request = reads_ + 1;
  if (!submit(id, Command::read(key, "reader", request))) return std::nullopt;
  reads_ = request;
  return request;
}

std::optional<std::optional<std::string>> MultiPaxosCluster::read_answer(
    std::uint64_t request) const {
  const auto it = read_answers_.find(request);
  if (it == read_answers_.end()) return std::nullopt;
  return it->second;
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
  return world_.is_up(id) ? node(id).replica() : nullptr;
}

const ReplicaHardState& MultiPaxosCluster::state(const NodeId& id) const {
  if (const Replica* r = replica(id)) return r->hard_state();
  return node(id).disk();
}

void MultiPaxosCluster::set_rules(const multipaxos::Rules& rules) {
  options_.rules = rules;
  for (auto& [id, n] : nodes_) n->set_rules(rules);
}

void MultiPaxosCluster::set_timing(const multipaxos::Timing& timing) {
  options_.timing = timing;
  for (auto& [id, n] : nodes_) {
    n->set_timing(timing);
    MultiPaxosNode& target = *n;
    world_.act(id, [&](Context& context) { target.restart_election_timer(context); });
  }
}

void MultiPaxosCluster::set_fixed_election_timeout(const NodeId& id, Millis timeout) {
  options_.fixed_election_timeouts[id] = timeout;
  MultiPaxosNode& target = node(id);
  target.set_fixed_election_timeout(timeout);
  world_.act(id, [&](Context& context) { target.restart_election_timer(context); });
}

void MultiPaxosCluster::observe(const NodeId& replica, const multipaxos::Event& event) {
  namespace ev = multipaxos::event;
  if (const auto* accepted = std::get_if<ev::SlotAccepted>(&event)) {
    auto& [command, acceptors] =
        acceptances_
            .try_emplace({accepted->slot, accepted->ballot}, accepted->command, std::set<NodeId>{})
            .first->second;
    const auto members = members_at(accepted->slot);
    if (std::find(members.begin(), members.end(), replica) == members.end()) return;
    acceptors.insert(replica);
    if (acceptors.size() == majority(members.size())) {
      auto [it, fresh] = chosen_.try_emplace(accepted->slot, command);
      if (fresh && multipaxos::is_membership_change(command)) membership_[accepted->slot] = command;
      if (fresh) check_learned(accepted->slot);
      if (!fresh && !(it->second == command)) {
        chosen_conflict_ = "slot " + multipaxos::to_string(accepted->slot) + ": " +
                           multipaxos::to_string(it->second) + " and " +
                           multipaxos::to_string(command) + " were each accepted by a majority";
      }
    }
  }
  if (const auto* learned = std::get_if<ev::SlotChosen>(&event)) {
    learned_[learned->slot][replica] = learned->command;
    // Every acceptance is recorded before the reply that reports it leaves,
    // so a slot a replica learns is chosen already — or it was never chosen.
    if (!chosen_.count(learned->slot) && !learn_conflict_) {
      learn_conflict_ = replica + " learned " + multipaxos::to_string(learned->command) +
                        " in slot " + multipaxos::to_string(learned->slot) +
                        ", where no majority of the slot's members has accepted anything";
    }
    check_learned(learned->slot);
    check_master_learned(replica, learned->slot, learned->command);
  }
  if (const auto* applied = std::get_if<ev::Applied>(&event)) {
    if (applied->command.kind == Command::Kind::read && applied->command.client == "reader") {
      read_answers_.try_emplace(applied->command.sequence, applied->value);
    }
    history_.applied(replica, applied->command, applied->repeat, applied->value, world_.now());
    if (applied->slot > most_applied_) {
      most_applied_ = applied->slot;
      most_applied_by_ = replica;
    }
  }
  if (const auto* master = std::get_if<ev::BecameMaster>(&event)) {
    auto [it, fresh] = masters_.try_emplace(master->ballot, replica);
    if (!fresh && it->second != replica) {
      master_conflict_ = it->second + " and " + replica + " both became master with ballot " +
                         paxos::to_string(master->ballot);
    }
  }
}

// What replicas learned in `slot` must be what was chosen there.
void MultiPaxosCluster::check_learned(multipaxos::Slot slot) {
  const auto chosen = chosen_.find(slot);
  const auto learned = learned_.find(slot);
  if (chosen == chosen_.end() || learned == learned_.end() || learn_conflict_) return;
  for (const auto& [id, command] : learned->second) {
    if (!(command == chosen->second)) {
      learn_conflict_ = id + " learned " + multipaxos::to_string(command) + " in slot " +
                        multipaxos::to_string(slot) + ", but " +
                        multipaxos::to_string(chosen->second) + " was chosen there";
      return;
    }
  }
}

// A master's commit index tells its followers: every slot up to here is
// chosen with the value you accepted from me under my ballot. So a master
// may know a slot chosen only with the value it proposed there itself, if it
// proposed one (and some replica accepted it) under its current ballot.
void MultiPaxosCluster::check_master_learned(const NodeId& id, multipaxos::Slot slot,
                                             const Command& command) {
  const Replica* r = node(id).replica();
  if (r == nullptr || !r->is_master() || master_learn_conflict_) return;
  const auto own = acceptances_.find({slot, *r->ballot()});
  if (own == acceptances_.end() || own->second.second.empty() || own->second.first == command) {
    return;
  }
  std::string by;  // who accepted it: another replica, if any (the master itself, if not)
  for (const NodeId& acceptor : own->second.second) {
    if (by.empty() || by == id) by = acceptor;
  }
  master_learn_conflict_ = "master " + id + " learned " + multipaxos::to_string(command) +
                           " in slot " + multipaxos::to_string(slot) + ", where its ballot " +
                           paxos::to_string(*r->ballot()) + " proposed " +
                           multipaxos::to_string(own->second.first) + " (accepted by " + by +
                           "): its commit index would say so";
}

void MultiPaxosCluster::install_invariants() {
  world_.add_invariant("at most one command chosen per slot",
                       [this]() -> std::optional<std::string> { return chosen_conflict_; });
  world_.add_invariant("at most one master per ballot",
                       [this]() -> std::optional<std::string> { return master_conflict_; });
  // Checked as replicas learn and as slots are chosen (check_learned).
  world_.add_invariant("replicas learn only chosen commands",
                       [this]() -> std::optional<std::string> { return learn_conflict_; });
  world_.add_invariant("a master knows chosen only the values it proposed under its ballot",
                       [this]() -> std::optional<std::string> { return master_learn_conflict_; });
  world_.add_invariant("at most one master holds a lease", [this]() -> std::optional<std::string> {
    std::vector<NodeId> reading;
    for (const NodeId& id : options_.replicas) {
      const Replica* r = replica(id);
      if (r != nullptr && r->can_read_locally(world_.now())) reading.push_back(id);
    }
    if (reading.size() <= 1) return std::nullopt;
    return reading[0] + " and " + reading[1] + " may both serve reads locally at " +
           std::to_string(world_.now()) + " ms";
  });
  // Chubby, and Raft §8: a replica that may answer reads from its own state
  // machine has applied every command that any replica has applied (live or
  // before it crashed) — or a client could read a value older than one it
  // was already told was written. Catches a master that reads before it has
  // recovered, and two masters under leases, with one comparison.
  world_.add_invariant("a master that reads locally has applied all that any replica applied",
                       [this]() -> std::optional<std::string> {
                         for (const NodeId& id : options_.replicas) {
                           const Replica* r = replica(id);
                           if (r == nullptr || !r->can_read_locally(world_.now())) continue;
                           if (r->applied() < most_applied_) {
                             return id + " may serve reads locally, but has applied up to slot " +
                                    multipaxos::to_string(r->applied()) + " while " +
                                    most_applied_by_ + " applied slot " +
                                    multipaxos::to_string(most_applied_);
                           }
                         }
                         return std::nullopt;
                       });
  world_.add_invariant("client operations are linearizable",
                       [this]() -> std::optional<std::string> { return history_.violation(); });
  // Replicas that follow the protocol never send each other a message that
  // Replica::check finds impossible: a refusal here is a bug in one or the other.
  world_.add_invariant("replicas send only possible messages",
                       [this]() -> std::optional<std::string> { return refusal_; });
}

}  // namespace consensus_lab::cluster
