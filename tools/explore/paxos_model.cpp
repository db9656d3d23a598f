#include "tools/explore/paxos_model.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/quorum.h"
#include "tools/explore/actions.h"
#include "tools/explore/interner.h"
#include "tools/explore/paxos_history.h"
#include "tools/explore/paxos_node.h"

namespace consensus_lab::explore {

namespace {

using paxos::Effects;
using paxos::Message;
using paxos::Proposal;

// What a node does with one message (or a crash, or a restart).
struct Transition {
  Word node;                       // its state afterwards
  std::vector<Word> sent;          // the messages it sent, to any node
  std::vector<Proposal> accepted;  // what its acceptor accepted
  std::vector<Proposal> learned;   // what its learner learned
  std::optional<Violation> own;    // its acceptor against itself
};

class PaxosModel final : public Model {
 public:
  PaxosModel(const cluster::PaxosCluster& start, const Budget& budget)
      : options_(start.options()), budget_(budget), history_(majority(options_.servers.size())) {
    ids_ = options_.servers;
    for (const NodeId& id : options_.proposers) {
      if (std::find(ids_.begin(), ids_.end(), id) == ids_.end()) ids_.push_back(id);
    }
    first_.push_back(0);
    for (const NodeId& id : ids_) {
      const auto roles = start.roles(id);
      Node node{.up = roles.up, .disk = roles.disk, .disk_learned = roles.disk_learned};
      if (roles.acceptor) node.acceptor = *roles.acceptor;
      if (roles.learner) node.learner = *roles.learner;
      if (roles.proposer) node.proposer = *roles.proposer;
      normalize(node);
      first_.push_back(nodes_.id(std::move(node)));
    }
    std::vector<Word> history;
    for (const auto& [number, accepted] : start.accepted_history()) {
      std::uint32_t bits = 0;
      for (const NodeId& acceptor : accepted.second) bits |= 1u << server_index(acceptor);
      history.push_back(history_.entry({number, accepted.first, bits}));
    }
    std::sort(history.begin(), history.end());
    first_.push_back(static_cast<Word>(history.size()));
    first_.insert(first_.end(), history.begin(), history.end());
    std::vector<Word> flight;
    start.world().for_each_queued([&](const NodeId& from, const NodeId& to, const Message& m) {
      flight.push_back(messages_.id({node_index(from), node_index(to), m}));
    });
    std::sort(flight.begin(), flight.end());
    first_.insert(first_.end(), flight.begin(), flight.end());
    // Every round the set-up started; a round started later by a timer is
    // for the proposer's own value again, so this set is complete.
    history_.set_proposed(start.proposed_values());
  }

  std::vector<Word> initial() override { return first_; }

  void expand(Key state, Successors& out) override {
    const std::size_t n = ids_.size();
    const Word used = state[0];
    const Key history = state.subspan(n + 2, state[n + 1]);
    const Key flight = state.subspan(n + 2 + history.size());
    for (std::size_t i = 0; i < flight.size(); ++i) {
      const Word m = flight[i];
      if (i > 0 && flight[i - 1] == m) continue;  // copies of one message lead to one state
      deliver(state, history, flight, i, out);
      if (used_of(used, kDropUsed) < budget_.drops) {
        build(state, used + kDropUsed, history, flight, i, {}, std::nullopt);
        out.add(action(kDrop, m), next_);
      }
      if (used_of(used, kCopyUsed) < budget_.duplicates) {
        build(state, used + kCopyUsed, history, flight, flight.size(), {m}, std::nullopt);
        out.add(action(kDuplicate, m), next_);
      }
    }
    for (Word i = 0; i < ids_.size(); ++i) {  // a proposer's timer fires
      const Node& node = nodes_[state[1 + i]];
      if (node.proposer && node.proposer->deadline() &&
          used_of(used, kTimerUsed) < budget_.timers && budget_.may_time_out(ids_[i])) {
        step(state, history, flight, flight.size(), i, kTimer, 0, used + kTimerUsed, out);
      }
    }
    for (Word i = 0; i < options_.servers.size(); ++i) {
      const Node& node = nodes_[state[1 + i]];
      if (node.proposer) continue;
      if (node.up && used_of(used, kCrashUsed) < budget_.crashes) {
        fault(state, i, kCrash, used + kCrashUsed, out);
      } else if (!node.up) {
        fault(state, i, kRestart, used, out);
      }
    }
  }

  // Nothing in flight, no timer due, nobody down: without a fault, nothing
  // can happen any more.
  bool idle(Key state) const override {
    const std::size_t n = ids_.size();
    if (state.size() != n + 2 + state[n + 1]) return false;  // messages in flight
    for (std::size_t i = 0; i < n; ++i) {
      const Node& node = nodes_[state[1 + i]];
      if (!node.up || (node.proposer && node.proposer->deadline())) return false;
    }
    return true;
  }

  bool fault(Word a) const override { return is_fault(a); }

  bool goal(Key state) const override {
    const std::size_t n = ids_.size();
    for (const Word g : state.subspan(n + 2, state[n + 1])) {
      if (history_.chosen(g)) return true;
    }
    return false;
  }

  std::string goal_missed_line() const override { return "expect chosen none"; }
  GoalWords goal_words() const override {
    return {{"a value can still be chosen", "都还能选定一个值"},
            {"no value is chosen", "选不出值"},
            {"no value can be chosen any more", "再不能选定任何值"}};
  }

  std::string line(Word a) const override {
    const Word what = what_of(a);
    const Kind kind = kind_of(a);
    if (kind == kCrash || kind == kRestart || kind == kTimer) return node_line(a, ids_[what]);
    const PaxosSent& sent = messages_[what];
    return message_line(a, ids_[sent.from], ids_[sent.to], paxos::message_type(sent.message),
                        paxos::message_words(sent.message));
  }

  std::vector<std::string> expectations(Key state) const override {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < options_.servers.size(); ++i) {
      const paxos::AcceptorState acceptor = visible(nodes_[state[1 + i]]);
      const NodeId& id = ids_[i];
      lines.push_back("expect promised " + id + " " +
                      (acceptor.promised ? paxos::to_string(*acceptor.promised) : "none"));
      lines.push_back("expect accepted " + id + " " +
                      (acceptor.accepted ? paxos::to_string(acceptor.accepted->number) + " " +
                                               acceptor.accepted->value
                                         : "none"));
    }
    return lines;
  }

  std::size_t bytes() const override {
    return nodes_.bytes(sizeof(Node) + 512) + messages_.bytes(sizeof(PaxosSent)) +
           history_.bytes() + memo_.size() * (sizeof(Transition) + 64);
  }

 private:
  Word node_index(const NodeId& id) const {
    return static_cast<Word>(std::find(ids_.begin(), ids_.end(), id) - ids_.begin());
  }
  Word server_index(const NodeId& id) const {
    const auto& s = options_.servers;
    return static_cast<Word>(std::find(s.begin(), s.end(), id) - s.begin());
  }

  // A learner that has learned ignores every Accepted from then on: what it
  // counted is dead state, and is forgotten, so that it is one state.
  void normalize(Node& node) const {
    if (!node.learner || !node.learner->learned()) return;
    paxos::Proposal learned = *node.learner->learned();  // emplace ends the old one first
    node.learner.emplace(options_.servers.size(), std::move(learned));
  }

  paxos::AcceptorState visible(const Node& node) const {  // as PaxosCluster::acceptor_state
    if (node.acceptor) return node.acceptor->state();
    return options_.rules.persist ? node.disk : paxos::AcceptorState{};
  }

  // What node `self`, in state `before`, does with message `m` (or with a
  // crash, a restart or its timer): worked out once, then remembered. A
  // message names its receiver; the other steps are remembered per node too,
  // since two crashed servers with equal disks share one node state.
  const Transition& transition(Word self, Word before, Kind kind, Word m) {
    assert(m < 0x10000000 && self < 0x01000000);
    const std::uint64_t key =
        std::uint64_t{before} << 32 | (kind == kDeliver ? m : 0xF0000000 | kind << 24 | self);
    if (const auto found = memo_.find(key); found != memo_.end()) return found->second;
    Node node = nodes_[before];
    Transition t;
    if (kind == kDeliver || kind == kTimer) {
      NodeStep step;
      if (kind == kDeliver) {
        const PaxosSent& sent = messages_[m];
        deliver_to(node, self, ids_, ids_[sent.from], sent.message, step);
      } else {
        fire_timer(node, self, ids_, step);
      }
      for (auto& [to, message] : step.sent)
        t.sent.push_back(messages_.id({self, to, std::move(message)}));
      t.accepted = std::move(step.accepted);
      t.learned = std::move(step.learned);
    } else if (kind == kCrash) {
      node = Node{.up = false, .disk = node.disk, .disk_learned = node.disk_learned};
      if (!options_.rules.persist) node.disk = {}, node.disk_learned.reset();
    } else {
      node.up = true;
      const auto& learners = options_.learners ? *options_.learners : options_.servers;
      node.acceptor.emplace(ids_[self], learners, options_.rules, node.disk);
      if (std::find(learners.begin(), learners.end(), ids_[self]) != learners.end())
        node.learner.emplace(options_.servers.size(), node.disk_learned);
    }
    if (self < options_.servers.size()) {
      const auto was = visible(nodes_[before]), now = visible(node);
      for (const auto& check : cluster::acceptor_checks()) {
        if (was == now) break;
        if (auto problem = check.check(ids_[self], was, now, options_.rules)) {
          t.own = Violation{{check.name, check.name_zh}, std::move(*problem)};
          break;
        }
      }
    }
    normalize(node);
    t.node = nodes_.id(std::move(node));
    return memo_.emplace(key, std::move(t)).first->second;
  }

  // ---- the whole cluster -----------------------------------------------------------

  // next_ = `state` with budget `used`, history `history`, the messages in
  // flight without flight[skip] (none when skip is past the end) and with
  // `added`, of which those to a node that is down are lost. Replies to node
  // `changed` that became dead are left out, as are dead ones among `added`.
  void build(Key state, Word used, Key history, Key flight, std::size_t skip,
             const std::vector<Word>& added, std::optional<Word> changed) {
    const std::size_t n = ids_.size();
    next_.assign(state.begin(), state.begin() + static_cast<std::ptrdiff_t>(1 + n));
    next_[0] = used;
    next_.push_back(static_cast<Word>(history.size()));
    next_.insert(next_.end(), history.begin(), history.end());
    const std::size_t begin = next_.size();
    for (std::size_t i = 0; i < flight.size(); ++i) {
      if (i == skip || (changed && messages_[flight[i]].to == *changed && dead(flight[i])))
        continue;
      next_.push_back(flight[i]);
    }
    for (const Word m : added) {
      if (nodes_[next_[1 + messages_[m].to]].up && !dead(m)) next_.push_back(m);
    }
    std::sort(next_.begin() + static_cast<std::ptrdiff_t>(begin), next_.end());
  }

  // Dead-state reduction (exact: docs/explore.md §4). A reply — Promise or
  // Accepted — is dead when delivering it to its receiver, as next_ has it,
  // changes nothing and sends nothing. Nothing can make it count later: a
  // proposer's new rounds have higher numbers, so a Promise or Accepted it
  // ignores now it ignores for ever; a learner's counts only grow, and once
  // it has learned they are forgotten (normalize()). Every
  // run that delivers, drops or copies a dead reply has a twin without it
  // that reaches the same node states with as much budget left.
  bool dead(Word m) {
    const PaxosSent& sent = messages_[m];
    if (std::holds_alternative<paxos::Prepare>(sent.message) ||
        std::holds_alternative<paxos::Accept>(sent.message))
      return false;
    const Word to = sent.to, before = next_[1 + to];
    const Transition& t = transition(to, before, kDeliver, m);
    return t.node == before && t.sent.empty() && t.accepted.empty() && t.learned.empty();
  }

  void deliver(Key state, Key history, Key flight, std::size_t i, Successors& out) {
    const Word m = flight[i];
    step(state, history, flight, i, messages_[m].to, kDeliver, m, state[0], out);
  }

  // Node `self` takes a step (a message, flight[skip], or its timer): what
  // it sends joins the messages in flight, what it accepts the history, and
  // every invariant is checked.
  void step(Key state, Key history, Key flight, std::size_t skip, Word self, Kind kind, Word m,
            Word used, Successors& out) {
    const Transition& t = transition(self, state[1 + self], kind, m);
    std::optional<Violation> violation;
    std::vector<Word> updated = history_.accept(history, self, t.accepted, violation);
    std::vector<Word> kept(state.begin(), state.end());
    kept[1 + self] = t.node;
    build(kept, used, updated, flight, skip, t.sent, self);
    if (!violation) violation = history_.check_learned(updated, ids_[self], t.learned);
    if (!violation) violation = t.own;
    out.add(action(kind, kind == kDeliver ? m : self), next_, std::move(violation));
  }

  void fault(Key state, Word i, Kind kind, Word used, Successors& out) {
    const Transition& t = transition(i, state[1 + i], kind, 0);
    std::vector<Word> kept(state.begin(), state.end());
    kept[1 + i] = t.node;
    const std::size_t n = ids_.size();
    const Key history = state.subspan(n + 2, state[n + 1]);
    std::vector<Word> flight;  // a crash loses the messages to and from the node
    for (const Word m : state.subspan(n + 2 + history.size())) {
      if (kind != kCrash || (messages_[m].from != i && messages_[m].to != i)) flight.push_back(m);
    }
    build(kept, used, history, flight, flight.size(), {}, i);
    out.add(action(kind, i), next_, t.own);
  }

  cluster::PaxosOptions options_;
  Budget budget_;
  std::vector<NodeId> ids_;  // servers, then proposers that are not servers
  std::vector<Word> first_;
  Interner<Node> nodes_;
  Interner<PaxosSent> messages_;
  History history_;
  std::unordered_map<std::uint64_t, Transition> memo_;
  std::vector<Word> next_;
};

}  // namespace

std::unique_ptr<Model> paxos_model(const cluster::PaxosCluster& start, const Budget& budget) {
  return std::make_unique<PaxosModel>(start, budget);
}

}  // namespace consensus_lab::explore
