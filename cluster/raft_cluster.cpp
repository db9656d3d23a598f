#include "cluster/raft_cluster.h"

#include <algorithm>
#include <utility>

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
  void restart_election_timer(Context& context) {
    carry_out(context, server_->restart_election_timer(context.now(), context.random()));
  }

  const Server* server() const { return server_ ? &*server_ : nullptr; }
  const RaftHardState& disk() const { return disk_; }
  void set_rules(const raft::Rules& rules) {
    config_.rules = rules;
    if (server_) server_->set_rules(rules);
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
    for (auto& event : effects.events) {
      cluster_.observe(index_, event);
      context.note(std::move(event));
    }
    for (auto& outgoing : effects.send) {  // 2. …then visible
      context.send(outgoing.to, std::move(outgoing.message));
    }
    if (effects.wake_at) context.wake_at(*effects.wake_at);
  }

  RaftCluster& cluster_;
  std::size_t index_;  // in the cluster's server order
  Server::Config config_;
  RaftHardState disk_;
  std::optional<Server> server_;
};

RaftCluster::RaftCluster(RaftOptions options)
    : options_(std::move(options)), world_(options_.seed) {
  if (options_.servers.empty()) throw sim::UsageError("a Raft cluster needs a server");
  for (const NodeId& id : options_.servers) {
    Server::Config config{id,
                          options_.servers,
                          options_.timing,
                          options_.rules,
                          std::nullopt,
                          options_.back_off_to_log_end};
    if (const auto fixed = options_.fixed_election_timeouts.find(id);
        fixed != options_.fixed_election_timeouts.end()) {
      config.fixed_election_timeout = fixed->second;
    }
    auto node = std::make_unique<RaftNode>(*this, in_order_.size(), config);
    nodes_[id] = node.get();
    in_order_.push_back(node.get());
    world_.add_node(id, std::move(node));
  }
  invariants_ = std::make_unique<RaftInvariants>(*this, history_);
  invariants_->install(world_);
  for (const NodeId& id : options_.servers) {
    RaftNode& target = node(id);
    world_.act(id, [&](Context& context) { target.start(context); });
  }
}

RaftCluster::~RaftCluster() = default;

RaftNode& RaftCluster::node(const NodeId& id) const {
  const auto it = nodes_.find(id);
  if (it == nodes_.end()) throw sim::UsageError("unknown server " + id);
  return *it->second;
}

void RaftCluster::timeout(const NodeId& id) {
  RaftNode& target = node(id);
  world_.act(id, [&](Context& context) { target.timeout(context); });
}

bool RaftCluster::submit(const NodeId& id, const Command& command) {
  const Server* s = server(id);
  if (s == nullptr || s->role() != raft::Role::leader) return false;
  RaftNode& target = node(id);
  world_.act(id, [&](Context& context) { target.submit(context, command); });
  return true;
}

void RaftCluster::set_log(const NodeId& id, const std::vector<Term>& terms) {
  RaftNode& target = node(id);
  world_.act(id, [&](Context& context) { target.set_log(context, terms); });
}

void RaftCluster::set_term(const NodeId& id, Term term) {
  RaftNode& target = node(id);
  world_.act(id, [&](Context& context) { target.set_term(context, term); });
}

std::optional<std::uint64_t> RaftCluster::read_through_log(const NodeId& id,
                                                           const std::string& key) {
  const std::uint64_t request = reads_ + 1;
  if (!submit(id, Command::read(key, "reader", request))) return std::nullopt;
  reads_ = request;
  return request;
}

std::optional<std::optional<std::string>> RaftCluster::read_answer(std::uint64_t request) const {
  const auto it = read_answers_.find(request);
  if (it == read_answers_.end()) return std::nullopt;
  return it->second;
}

bool RaftCluster::client_put(const NodeId& id, const std::string& key, const std::string& value) {
  const Server* s = server(id);
  if (s == nullptr || s->role() != raft::Role::leader) return false;
  return submit(id, history_.begin_put(id, key, value, world_.now()));
}

bool RaftCluster::client_read(const NodeId& id, const std::string& key) {
  const Server* s = server(id);
  if (s == nullptr || s->role() != raft::Role::leader) return false;
  return submit(id, history_.begin_read(id, key, world_.now()));
}

std::optional<NodeId> RaftCluster::leader() const {
  std::optional<NodeId> best;
  Term best_term;
  for (std::size_t i = 0; i < in_order_.size(); ++i) {
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
  return world_.is_up(id) ? node(id).server() : nullptr;
}

const Server* RaftCluster::server_at(std::size_t i) const {
  return world_.is_up_at(i) ? in_order_[i]->server() : nullptr;
}

const RaftHardState& RaftCluster::state_at(std::size_t i) const {
  if (const Server* s = server_at(i)) return s->hard_state();
  return in_order_[i]->disk();
}

const RaftHardState& RaftCluster::state(const NodeId& id) const {
  if (const Server* s = server(id)) return s->hard_state();
  return node(id).disk();
}

void RaftCluster::set_rules(const raft::Rules& rules) {
  options_.rules = rules;
  for (auto& [id, n] : nodes_) n->set_rules(rules);
}

void RaftCluster::set_timing(const raft::Timing& timing) {
  options_.timing = timing;
  for (auto& [id, n] : nodes_) {
    n->set_timing(timing);
    RaftNode& target = *n;
    world_.act(id, [&](Context& context) { target.restart_election_timer(context); });
  }
}

void RaftCluster::set_fixed_election_timeout(const NodeId& id, std::optional<Millis> timeout) {
  if (timeout) {
    options_.fixed_election_timeouts[id] = *timeout;
  } else {
    options_.fixed_election_timeouts.erase(id);
  }
  RaftNode& target = node(id);
  target.set_fixed_election_timeout(timeout);
  world_.act(id, [&](Context& context) { target.restart_election_timer(context); });
}

// What the servers' events tell: what is committed, what reads answered,
// what the clients' history and the invariants need.
void RaftCluster::observe(std::size_t server, const raft::Event& event) {
  if (const auto* committed = std::get_if<raft::event::Committed>(&event)) {
    committed_.try_emplace(committed->index, committed->entry);
  }
  if (const auto* applied = std::get_if<raft::event::Applied>(&event)) {
    if (applied->command.kind == Command::Kind::read && applied->command.client == "reader") {
      read_answers_.try_emplace(applied->command.sequence, applied->value);
    }
    history_.applied(options_.servers[server], applied->command, applied->repeat, applied->value,
                     world_.now());
  }
  invariants_->observe(server, event);
}

}  // namespace consensus_lab::cluster
