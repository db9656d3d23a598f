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

namespace {

std::string describe(LogIndex index, const LogEntry& entry) {
  return "(" + raft::to_string(index) + ", " + raft::to_string(entry.term) + ", " +
         to_string(entry.command) + ")";
}

}  // namespace

// One simulated machine hosting one Raft server, with its simulated disk.
class RaftNode final : public sim::Process<raft::Message, raft::Event> {
 public:
  RaftNode(RaftCluster& cluster, Server::Config config)
      : cluster_(cluster), config_(std::move(config)) {
    server_.emplace(config_, disk_);
  }

  void on_message(Context& context, const NodeId& from, const Message& message) override {
    apply(context, server_->handle(context.now(), from, message, context.random()));
  }
  void on_timer(Context& context) override {
    apply(context, server_->tick(context.now(), context.random()));
  }
  void on_crash() override {
    server_.reset();
    if (!cluster_.options_.rules.persist) disk_ = {};  // rule `persist` off: nothing survives
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
    if (effects.persist) raft::apply(*effects.persist, disk_);  // 1. durable first…
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
    auto node = std::make_unique<RaftNode>(*this, config);
    nodes_[id] = node.get();
    in_order_.push_back(node.get());
    world_.add_node(id, std::move(node));
  }
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
    if (!first && now < when->second) when->second = now;
    auto [it, fresh] = committed_.try_emplace(committed->index, committed->entry);
    if (!fresh && !(it->second == committed->entry)) {
      commit_conflict_ = "index " + raft::to_string(committed->index) + " was committed as " +
                         describe(committed->index, it->second) + " and as " +
                         describe(committed->index, committed->entry);
    }
  }
  if (const auto* applied = std::get_if<ev::Applied>(&event)) {
    if (applied->command.kind == Command::Kind::read && applied->command.client == "reader") {
      read_answers_.try_emplace(applied->command.sequence, applied->value);
    }
    auto [it, fresh] = applied_.try_emplace(applied->index, applied->command);
    if (!fresh && !(it->second == applied->command)) {
      apply_conflict_ = id + " applied " + to_string(applied->command) + " at index " +
                        raft::to_string(applied->index) + ", another server " +
                        to_string(it->second);
    }
  }
}

// The paper's Figure 3, checked after every event. The checks that read the
// logs run again only when a server has persisted, noted an event, crashed
// or restarted since they last ran (changes_): otherwise nothing they read
// can have changed.
void RaftCluster::install_invariants() {
  world_.add_invariant("election safety", [this]() -> std::optional<std::string> {
    return election_conflict_;  // at most one leader per term
  });
  world_.add_invariant("leader append-only", [this, seen = ~0ULL]() mutable
                       -> std::optional<std::string> {
    if (std::exchange(seen, changes_) == changes_) return std::nullopt;
    for (std::size_t i = 0; i < options_.servers.size(); ++i) {
      const NodeId& id = options_.servers[i];
      const Server* s = server_at(i);
      if (s == nullptr || s->role() != raft::Role::leader) {
        leader_logs_.erase(id);
        continue;
      }
      auto& [term, before] = leader_logs_[id];
      const auto& now = s->log();
      if (term == s->current_term() &&
          (now.size() < before.size() || !std::equal(before.begin(), before.end(), now.begin()))) {
        return "leader " + id + " overwrote or deleted entries of its own log in term " +
               raft::to_string(term);
      }
      term = s->current_term();
      before = now;
    }
    return std::nullopt;
  });
  world_.add_invariant("log matching", [this, seen = ~0ULL]() mutable
                       -> std::optional<std::string> {
    if (std::exchange(seen, changes_) == changes_) return std::nullopt;
    // Two logs with an entry of the same index and term are identical up to it.
    for (std::size_t a = 0; a < options_.servers.size(); ++a) {
      for (std::size_t b = a + 1; b < options_.servers.size(); ++b) {
        const auto& la = state_at(a).log;
        const auto& lb = state_at(b).log;
        const std::size_t common = std::min(la.size(), lb.size());
        std::size_t last_same = 0;
        for (std::size_t i = common; i > 0; --i) {
          if (la[i - 1].term == lb[i - 1].term) {
            last_same = i;
            break;
          }
        }
        for (std::size_t i = 0; i < last_same; ++i) {
          if (!(la[i] == lb[i])) {
            return options_.servers[a] + " and " + options_.servers[b] + " agree at index " +
                   std::to_string(last_same) + " but differ at index " + std::to_string(i + 1);
          }
        }
      }
    }
    return std::nullopt;
  });
  world_.add_invariant("leader completeness", [this, seen = ~0ULL]() mutable
                       -> std::optional<std::string> {
    if (std::exchange(seen, changes_) == changes_) return commit_conflict_;
    // An entry committed in term T is in the log of every leader of a term
    // after T.
    for (std::size_t i = 0; i < options_.servers.size(); ++i) {
      const NodeId& id = options_.servers[i];
      const Server* s = server_at(i);
      if (s == nullptr || s->role() != raft::Role::leader) continue;
      for (const auto& [index, entry] : committed_) {
        if (committed_in_.at(index) >= s->current_term()) continue;
        const auto& log = s->log();
        if (index.value > log.size() || !(log[index.value - 1] == entry)) {
          return "leader " + id + " of term " + raft::to_string(s->current_term()) +
                 " lacks the committed entry " + describe(index, entry);
        }
      }
    }
    return commit_conflict_;
  });
  world_.add_invariant("state machine safety", [this]() -> std::optional<std::string> {
    return apply_conflict_;  // no two servers apply different commands at one index
  });
}

}  // namespace consensus_lab::cluster
