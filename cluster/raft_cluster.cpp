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
    if (effects.refused && !cluster_.refusal_) {
      cluster_.refusal_ = context.self() + " refused " + raft::to_string(message) + " from " +
                          from + ": " + *effects.refused;
    }
    apply(context, std::move(effects));
  }
  void on_timer(Context& context) override {
    apply(context, server_->tick(context.now(), context.random()));
  }
  void on_crash() override {
    cluster_.history_.crashed(config_.self);
    server_.reset();
    if (!cluster_.options_.rules.persist) {  // rule `persist` off: nothing survives
      disk_ = {};
      cluster_.log_changed(index_, 1);
    }
    ++cluster_.changes_;
  }
  void on_restart(Context& context) override {
    ++cluster_.changes_;
    config_.rules = cluster_.options_.rules;
    config_.timing = cluster_.options_.timing;
    server_.emplace(config_, disk_);
    apply(context, server_->start(context.now(), context.random()));
  }

  void start(Context& context) { apply(context, server_->start(context.now(), context.random())); }
  void timeout(Context& context) {
    apply(context, server_->timeout(context.now(), context.random()));
  }
  void submit(Context& context, const Command& command) {
    apply(context, server_->submit(context.now(), command));
  }
  void set_log(Context& context, const std::vector<Term>& terms) {
    apply(context, server_->set_log(terms));
  }
  void set_term(Context& context, Term term) { apply(context, server_->set_term(term)); }
  void restart_election_timer(Context& context) {
    apply(context, server_->restart_election_timer(context.now(), context.random()));
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
  void apply(Context& context, Effects effects) {
    // What the log invariants read changes only with a persist or an event.
    if (effects.persist || !effects.events.empty()) ++cluster_.changes_;
    if (effects.persist) {  // 1. durable first…
      if (effects.persist->log_from) cluster_.log_changing(index_, disk_, *effects.persist);
      raft::write(*effects.persist, disk_);
    }
    for (auto& event : effects.events) {
      cluster_.observe(context.self(), event);
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
  const std::size_t n = options_.servers.size();
  same_prefix_.assign(n, std::vector<std::uint64_t>(n, 0));
  leader_checked_.assign(n, 0);
  leader_checked_term_.assign(n, Term{});
  install_invariants();
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

void RaftCluster::observe(const NodeId& id, const raft::Event& event) {
  namespace ev = raft::event;
  if (const auto* leader = std::get_if<ev::BecameLeader>(&event)) {
    auto [it, fresh] = leaders_.try_emplace(leader->term, id);
    if (!fresh && it->second != id) {
      election_conflict_ =
          it->second + " and " + id + " were both elected in term " + raft::to_string(leader->term);
    }
  }
  if (const auto* committed = std::get_if<ev::Committed>(&event)) {
    // Leader completeness speaks of leaders of terms after the one in which
    // the entry was committed: remember the earliest such term.
    const Term now = node(id).server()->current_term();
    auto [when, first] = committed_in_.try_emplace(committed->index, now);
    if (first || now < when->second) {
      when->second = now;
      // Leaders must be checked for this index again (incremental check).
      for (auto& checked : leader_checked_) checked = std::min(checked, committed->index.value - 1);
    }
    auto [it, fresh] = committed_.try_emplace(committed->index, committed->entry);
    if (!fresh && !(it->second == committed->entry)) {
      commit_conflict_ = "index " + raft::to_string(committed->index) + " was committed as " +
                         describe_entry(committed->index, it->second) + " and as " +
                         describe_entry(committed->index, committed->entry);
    }
  }
  if (const auto* applied = std::get_if<ev::Applied>(&event)) {
    if (applied->command.kind == Command::Kind::read && applied->command.client == "reader") {
      read_answers_.try_emplace(applied->command.sequence, applied->value);
    }
    history_.applied(id, applied->command, applied->repeat, applied->value, world_.now());
    auto [it, fresh] = applied_.try_emplace(applied->index, applied->command);
    if (!fresh && !(it->second == applied->command)) {
      apply_conflict_ = id + " applied " + to_string(applied->command) + " at index " +
                        raft::to_string(applied->index) + ", another server " +
                        to_string(it->second);
    }
  }
}

}  // namespace consensus_lab::cluster
