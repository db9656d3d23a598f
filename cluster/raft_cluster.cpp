#include "cluster/raft_cluster.h"

#include <algorithm>
#include <utility>

#include "cluster/make_visible.h"

namespace consensus_lab::cluster {

using raft::Effects;
using raft::LogEntry;
using raft::LogIndex;
using raft::Message;
using raft::RaftHardState;
using raft::Server;
using raft::Term;
using Context = sim::Context<raft::Message, raft::Event>;

// One simulated machine hosting one Raft server, with its simulated disk.
class RaftNode final : public sim::Process<raft::Message, raft::Event> {
 public:
  RaftNode(RaftCluster& cluster, std::size_t index, Server::Config config)
      : cluster_(cluster), index_(index), config_(std::move(config)) {
    server_.emplace(config_, disk_);
  }

  void on_message(Context& context, const NodeId& from, const Message& message) override {
    raft::Effects effects = server_->handle(context.now(), from, message, context.random());
    if (effects.refused) cluster_.invariants_->refused(index_, from, message, *effects.refused);
    carry_out(context, std::move(effects));
  }
  void on_timer(Context& context) override {
    carry_out(context, server_->tick(context.now(), context.random()));
  }
  void on_crash() override {
    cluster_.history_.crashed(config_.self);
    server_.reset();
    if (!cluster_.options_.rules.persist) {  // rule `persist` off: nothing survives
      disk_ = {};
      cluster_.invariants_->disk_wiped(index_);
    }
  }
  void on_restart(Context& context) override {
    config_.rules = cluster_.options_.rules;
    config_.features = cluster_.options_.features;
    config_.timing = cluster_.options_.timing;
    server_.emplace(config_, disk_);
    carry_out(context, server_->start(context.now(), context.random()));
  }

  void start(Context& context) {
    carry_out(context, server_->start(context.now(), context.random()));
  }
  void timeout(Context& context) {
    carry_out(context, server_->timeout(context.now(), context.random()));
  }
  void submit(Context& context, const Command& command) {
    carry_out(context, server_->submit(context.now(), command));
  }
  void transfer_leadership(Context& context, const NodeId& target) {
    carry_out(context, server_->transfer_leadership(context.now(), target));
  }
  void read(Context& context, const Server::ReadRequest& request) {
    carry_out(context, server_->read(context.now(), request));
  }
  // Scenario set-up, not a protocol step: the checks of the server against
  // itself start again from what it leaves.
  void set_log(Context& context, const std::vector<Term>& terms) {
    carry_out(context, server_->set_log(terms));
    cluster_.invariants_->rewritten(index_);
  }
  void set_term(Context& context, Term term) {
    carry_out(context, server_->set_term(term));
    cluster_.invariants_->rewritten(index_);
  }
  void take_snapshot(Context& context) { carry_out(context, server_->take_snapshot()); }
  void restart_election_timer(Context& context) {
    carry_out(context, server_->restart_election_timer(context.now(), context.random()));
  }

  const Server* server() const { return server_ ? &*server_ : nullptr; }
  const RaftHardState& disk() const { return disk_; }
  void set_rules(const raft::Rules& rules) {
    config_.rules = rules;
    if (server_) server_->set_rules(rules);
  }
  void set_features(const raft::Features& features) {
    config_.features = features;
    if (server_) server_->set_features(features);
  }
  void set_timing(const raft::Timing& timing) {
    config_.timing = timing;
    if (server_) server_->set_timing(timing);
  }
  void set_fixed_election_timeout(std::optional<Millis> timeout) {
    config_.fixed_election_timeout = timeout;
    if (server_) server_->set_fixed_election_timeout(timeout);
  }

 private:
  void carry_out(Context& context, Effects effects) {
    if (effects.persist) {  // 1. durable first…
      if (effects.persist->log_from) {
        cluster_.invariants_->log_writing(index_, disk_, *effects.persist);
      }
      raft::write(*effects.persist, disk_);
    }
    make_visible(context, effects,  // 2. …then visible
                 [&](const raft::Event& event) { cluster_.observe(index_, event); });
  }

  RaftCluster& cluster_;
  std::size_t index_;  // in the cluster's server order
  Server::Config config_;
  RaftHardState disk_;
  std::optional<Server> server_;
};

namespace {

std::optional<raft::Configuration> first_configuration(const cluster::RaftOptions& options) {
  if (options.members.empty()) return std::nullopt;
  return raft::Configuration{options.members, {}};
}

}  // namespace

RaftCluster::RaftCluster(RaftOptions options)
    : options_(std::move(options)), world_(options_.seed) {
  if (options_.servers.empty()) throw sim::UsageError("a Raft cluster needs a server");
  for (const NodeId& id : options_.servers) {
    const Server::Config config{
        .self = id,
        .servers = options_.servers,
        .first_configuration = first_configuration(options_),
        .timing = options_.timing,
        .rules = options_.rules,
        .features = options_.features,
        .fixed_election_timeout = fixed_timeout(options_.fixed_election_timeouts, id),
        .back_off_to_log_end = options_.back_off_to_log_end};
    nodes_.add(world_, id, std::make_unique<RaftNode>(*this, nodes_.size(), config));
  }
  invariants_ = std::make_unique<RaftInvariants>(*this, history_);
  invariants_->install(world_);
  for (const NodeId& id : options_.servers) {
    nodes_.act(world_, id, &RaftNode::start);
  }
}

RaftCluster::~RaftCluster() = default;

void RaftCluster::timeout(const NodeId& id) {
  nodes_.act(world_, id, &RaftNode::timeout);
}

bool RaftCluster::submit(const NodeId& id, const Command& command) {
  const Server* s = server(id);
  if (s == nullptr || s->role() != raft::Role::leader) return false;
  nodes_.act(world_, id, &RaftNode::submit, command);
  return true;
}

void RaftCluster::transfer_leadership(const NodeId& leader, const NodeId& target) {
  nodes_.act(world_, leader, &RaftNode::transfer_leadership, target);
}

void RaftCluster::set_log(const NodeId& id, const std::vector<Term>& terms) {
  nodes_.act(world_, id, &RaftNode::set_log, terms);
}

void RaftCluster::set_term(const NodeId& id, Term term) {
  nodes_.act(world_, id, &RaftNode::set_term, term);
}

bool RaftCluster::snapshot(const NodeId& id) {
  if (server(id) == nullptr) return false;
  nodes_.act(world_, id, &RaftNode::take_snapshot);
  return true;
}

std::optional<std::uint64_t> RaftCluster::read_through_log(const NodeId& id,
                                                           const std::string& key) {
  return log_reads_.order(key, [&](const Command& read) { return submit(id, read); });
}

std::optional<std::optional<std::string>> RaftCluster::read_answer(std::uint64_t request) const {
  return log_reads_.answer(request);
}

bool RaftCluster::client_put(const NodeId& id, const std::string& key, const std::string& value) {
  const Server* s = server(id);
  if (s == nullptr || s->role() != raft::Role::leader) return false;
  return submit(id, history_.begin_put(id, key, value, world_.now()));
}

bool RaftCluster::client_read(const NodeId& id, const std::string& key) {
  const Server* s = server(id);
  if (s == nullptr || s->role() != raft::Role::leader) return false;
  const Command read = history_.begin_read(id, key, world_.now());
  if (options_.features.read_mode == raft::ReadMode::log) return submit(id, read);
  reads_.emplace(++last_read_id_, read);
  nodes_.act(world_, id, &RaftNode::read, Server::ReadRequest{last_read_id_, key});
  return true;
}

std::optional<std::optional<std::string>> RaftCluster::read_index_answer(std::uint64_t id) const {
  const auto it = read_answers_.find(id);
  if (it == read_answers_.end()) return std::nullopt;
  return it->second;
}

// A read without a log entry answered (recorded as the client's answer) or
// refused (the client hears nothing: it stays pending, as after a crash).
void RaftCluster::observe_read(std::size_t server, const raft::Event& event) {
  const NodeId& id = options_.servers[server];
  if (const auto* answered = std::get_if<raft::event::ReadAnswered>(&event)) {
    read_answers_.try_emplace(answered->id, answered->value);
    const auto it = reads_.find(answered->id);
    if (it == reads_.end()) return;
    history_.applied(id, it->second, false, answered->value, world_.now());
    reads_.erase(it);
  } else if (const auto* refused = std::get_if<raft::event::ReadRefused>(&event)) {
    reads_.erase(refused->id);
  }
}

std::optional<NodeId> RaftCluster::leader() const {
  std::optional<NodeId> best;
  Term best_term;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Server* s = server_at(i);
    if (s == nullptr || s->role() != raft::Role::leader) continue;
    if (!best || s->current_term() > best_term) {
      best = options_.servers[i];
      best_term = s->current_term();
    }
  }
  return best;
}

const Server* RaftCluster::server(const NodeId& id) const {
  return world_.is_up(id) ? nodes_[id].server() : nullptr;
}

const Server* RaftCluster::server_at(std::size_t i) const {
  return world_.is_up_at(i) ? nodes_.at(i).server() : nullptr;
}

const RaftHardState& RaftCluster::state_at(std::size_t i) const {
  if (const Server* s = server_at(i)) return s->hard_state();
  return nodes_.at(i).disk();
}

const RaftHardState& RaftCluster::state(const NodeId& id) const {
  if (const Server* s = server(id)) return s->hard_state();
  return nodes_[id].disk();
}

void RaftCluster::set_rules(const raft::Rules& rules) {
  options_.rules = rules;
  for (auto& [id, n] : nodes_.by_name()) n->set_rules(rules);
}

void RaftCluster::set_features(const raft::Features& features) {
  options_.features = features;
  for (auto& [id, n] : nodes_.by_name()) n->set_features(features);
}

void RaftCluster::set_timing(const raft::Timing& timing) {
  options_.timing = timing;
  for (auto& [id, n] : nodes_.by_name()) {
    n->set_timing(timing);
    nodes_.act(world_, id, &RaftNode::restart_election_timer);
  }
}

void RaftCluster::set_fixed_election_timeout(const NodeId& id, std::optional<Millis> timeout) {
  if (timeout) {
    options_.fixed_election_timeouts[id] = *timeout;
  } else {
    options_.fixed_election_timeouts.erase(id);
  }
  nodes_[id].set_fixed_election_timeout(timeout);
  nodes_.act(world_, id, &RaftNode::restart_election_timer);
}

// What the servers' events tell: what is committed, what reads answered,
// what the clients' history and the invariants need.
void RaftCluster::observe(std::size_t server, const raft::Event& event) {
  if (const auto* committed = std::get_if<raft::event::Committed>(&event)) {
    committed_.try_emplace(committed->index, committed->entry);
  }
  if (const auto* applied = std::get_if<raft::event::Applied>(&event)) {
    log_reads_.applied(applied->command, applied->value);
    history_.applied(options_.servers[server], applied->command, applied->repeat, applied->value,
                     world_.now());
  }
  observe_read(server, event);
  invariants_->observe(server, event);
}

}  // namespace consensus_lab::cluster
