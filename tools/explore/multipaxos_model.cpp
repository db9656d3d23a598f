#include "tools/explore/multipaxos_model.h"

#include <algorithm>
#include <cassert>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cluster/multipaxos_invariants.h"
#include "tools/explore/actions.h"
#include "tools/explore/interner.h"
#include "tools/explore/multipaxos_history.h"
#include "tools/explore/multipaxos_node.h"
#include "tools/explore/multipaxos_world.h"

namespace consensus_lab::explore {

namespace {

using multipaxos::Ballot;
using multipaxos::Slot;

// What a replica does in one step (a message, its timer, a crash, a restart, a put).
struct Transition {
  Word node;                     // its state afterwards
  std::vector<Word> sent;        // the messages it sent
  ReplicaStep step;              // what the invariants are told (its `sent` taken out)
  std::optional<Ballot> ballot;  // its ballot as master after the step
  std::optional<Violation> own;  // it against itself (cluster::replica_checks)
};

struct MemoKey {
  std::uint64_t step, now;
  friend bool operator==(const MemoKey&, const MemoKey&) = default;
};
struct MemoHash {
  std::size_t operator()(const MemoKey& k) const { return mix(k.step, k.now); }
};

class MultiPaxosModel final : public Model {
 public:
  MultiPaxosModel(const cluster::MultiPaxosCluster& start, const Budget& budget)
      : ids_(start.options().replicas),
        budget_(budget),
        history_(ids_, start.options().members.empty() ? ids_ : start.options().members,
                 start.options().timing.window) {
    // The puts, as the scenario's `put` makes them (ClientHistory::begin).
    for (const std::string& put : budget.puts) {
      const auto equals = put.find('=');
      const std::size_t number = start.history().operations().size() + puts_.size() + 1;
      puts_.push_back(Command::put(put.substr(0, equals), put.substr(equals + 1),
                                   "c" + std::to_string(number), 1));
    }
    read_key_ = puts_.empty() ? "x" : puts_.front().key;
    World w;
    w.now = static_cast<Word>(start.world().now());
    std::vector<std::pair<std::pair<Millis, std::uint64_t>, Word>> timers;
    for (Word i = 0; i < ids_.size(); ++i) {
      configs_.push_back(start.replica_at(i)->config());
      // (Replica i is the world's node i; its timer's sequence number breaks ties.)
      const auto& wake = start.world().timers().of(i);
      w.replicas.push_back(nodes_.id({*start.replica_at(i), start.state_at(i),
                                      wake ? std::optional<Millis>(wake->at) : std::nullopt}));
      if (wake) timers.emplace_back(std::pair(wake->at, wake->sequence), i);
    }
    std::sort(timers.begin(), timers.end());
    for (const auto& timer : timers) w.timers.push_back(timer.second);
    for (const auto& [at, acceptance] : start.acceptances()) {
      std::uint64_t by = 0;
      for (const NodeId& id : acceptance.by) by |= std::uint64_t{1} << position(id);
      w.ghost.acceptances.push_back(
          history_.acceptance({at.first, at.second, acceptance.command, by}));
    }
    for (const auto& [slot, command] : start.chosen())
      w.ghost.chosen.push_back(history_.chosen({slot, command}));
    for (const auto& [ballot, master] : start.invariants().masters())
      w.ghost.masters.push_back(history_.mastery({ballot, position(master)}));
    w.ghost.most_applied = static_cast<Word>(start.invariants().most_applied().value);
    if (w.ghost.most_applied > 0)
      w.ghost.most_applied_by = position(start.invariants().most_applied_by());
    start.world().for_each_queued(
        [&](const NodeId& from, const NodeId& to, const multipaxos::Message& m) {
          w.flight.push_back(messages_.id({position(from), position(to), m}));
        });
    for (auto* row : {&w.ghost.acceptances, &w.ghost.chosen, &w.ghost.masters, &w.flight})
      std::sort(row->begin(), row->end());
    first_ = assemble(w);
  }

  std::vector<Word> initial() override { return first_; }

  void expand(Key state, Successors& out) override {
    const World w = parse(state, ids_.size());
    for (std::size_t i = 0; i < w.flight.size(); ++i) {
      const Word m = w.flight[i];
      if (i > 0 && w.flight[i - 1] == m) continue;  // copies of one message lead to one state
      World next = w;
      next.flight.erase(next.flight.begin() + static_cast<std::ptrdiff_t>(i));
      const World dropped = next;
      auto violation = event(next, messages_[m].to, kDeliver, m);
      out.add(action(kDeliver, m), assemble(next), std::move(violation));
      if (used_of(w.used, kDropUsed) < budget_.drops) {
        World lost = dropped;
        lost.used += kDropUsed;
        out.add(action(kDrop, m), assemble(lost));
      }
      if (used_of(w.used, kCopyUsed) < budget_.duplicates) {
        World copied = w;
        copied.used += kCopyUsed;
        copied.flight.insert(std::upper_bound(copied.flight.begin(), copied.flight.end(), m), m);
        out.add(action(kDuplicate, m), assemble(copied));
      }
    }
    const bool timer_left = used_of(w.used, kTimerUsed) < budget_.timers;
    for (Word self = 0; self < ids_.size(); ++self) {
      // (Read before the steps below: a step may add replica states, and move them.)
      const auto& replica = nodes_[w.replicas[self]].replica;
      const bool up = replica.has_value(), master = up && replica->is_master();
      if (up && !master && timer_left && listed(self))
        one(w, self, kTimer, w.used + kTimerUsed, out);
      if (up && used_of(w.used, kCrashUsed) < budget_.crashes) {
        one(w, self, kCrash, w.used + kCrashUsed, out);
      } else if (!up) {
        one(w, self, kRestart, w.used, out);
      }
      if (master && w.puts < puts_.size()) one(w, self, kPut, w.used, out);
    }
    if (!w.timers.empty()) advance(w, out);
  }

  // Time always passes: some step is possible in every state.
  bool idle(Key) const override { return false; }
  bool fault(Word a) const override { return is_fault(a); }

  bool goal(Key state) const override {
    const World w = parse(state, ids_.size());
    return std::any_of(w.replicas.begin(), w.replicas.end(),
                       [&](Word r) { return nodes_[r].replica && nodes_[r].replica->is_master(); });
  }
  std::string goal_missed_line() const override { return "expect leader none"; }
  GoalWords goal_words() const override {
    return {{"a master can still be elected", "都还能选出主节点"},
            {"no master is elected", "选不出主节点"},
            {"no master can be elected any more", "再不能选出主节点"}};
  }

  std::string line(Word a) const override {
    const Word what = what_of(a);
    const Kind kind = kind_of(a);
    if (kind == kAdvance) return "advance " + std::to_string(what);
    if (kind == kCrash || kind == kRestart || kind == kTimer) return node_line(a, ids_[what]);
    if (kind == kPut) {
      const Command& put = puts_[what >> 8];
      return "put " + ids_[what & 0xFF] + " " + put.key + " " + put.value;
    }
    const MultiPaxosSent& sent = messages_[what];
    return message_line(a, ids_[sent.from], ids_[sent.to], multipaxos::message_type(sent.message),
                        multipaxos::message_words(sent.message));
  }

  std::vector<std::string> expectations(Key state) const override;

  std::size_t bytes() const override {
    return nodes_.bytes(sizeof(ReplicaNode) + 2048) + messages_.bytes(sizeof(MultiPaxosSent) + 64) +
           history_.bytes() + memo_.size() * (sizeof(Transition) + 64);
  }

 private:
  Word position(const NodeId& id) const {
    return static_cast<Word>(std::find(ids_.begin(), ids_.end(), id) - ids_.begin());
  }
  bool listed(Word self) const {
    const auto& t = budget_.timeouts;
    return std::find(t.begin(), t.end(), ids_[self]) != t.end();
  }

  // One step of replica `self` that is not a message's: a timeout, a crash,
  // a restart, a put.
  void one(const World& w, Word self, Kind kind, Word used, Successors& out) {
    World next = w;
    next.used = used;
    const Word m = kind == kPut ? next.puts++ : 0;
    auto violation = event(next, self, kind, m);
    const Word what = kind == kPut ? m << 8 | self : self;
    out.add(action(kind, what), assemble(next), std::move(violation));
  }

  // `advance`: the clock moves to the first timer due (or by `tick`, if that
  // is sooner), and every timer due then fires — by due time, then in the
  // order set, with the invariants checked after each, as sim::World::advance
  // does.
  void advance(const World& w, Successors& out) {
    Millis end = 0;
    for (std::size_t k = 0; k < w.timers.size(); ++k) {
      const Millis wake = *nodes_[w.replicas[w.timers[k]]].wake;
      if (k == 0 || wake < end) end = wake;
    }
    // A timer set for a moment already past (a master that steps down keeps
    // the election deadline it set when it stood) fires now: `advance 0`.
    end = std::max<Millis>(end, w.now);
    // With a tick the clock may stop short of it: no timer fires, no event
    // happens (nothing is checked: no invariant breaks by time alone — a
    // lease only runs out), and no firing is counted.
    const bool fires = budget_.tick == 0 || end <= w.now + budget_.tick;
    if (!fires) end = w.now + budget_.tick;
    if (fires && used_of(w.used, kTimerUsed) >= budget_.timers) return;
    assert(end - w.now <= 0x0FFFFFFF);  // kLongestStep at most (multipaxos_start)
    World next = w;
    if (fires) next.used += kTimerUsed;
    next.now = static_cast<Word>(end);
    std::optional<Violation> violation;
    for (std::size_t fired = 0; !violation; ++fired) {
      std::optional<std::size_t> first;
      Millis first_wake = 0;
      for (std::size_t k = 0; k < next.timers.size(); ++k) {
        const Millis wake = *nodes_[next.replicas[next.timers[k]]].wake;
        if (wake <= end && (!first || wake < first_wake)) {
          first = k;
          first_wake = wake;
        }
      }
      if (!first) break;
      assert(fired < 10'000);  // every timer is set again later than now
      violation = event(next, next.timers[*first], kAdvance, 0);
    }
    out.add(action(kAdvance, static_cast<Word>(end - w.now)), assemble(next), std::move(violation));
  }

  std::optional<Violation> event(World& w, Word self, Kind kind, Word m);
  std::optional<Violation> leases(const World& w) const;
  const Transition& transition(Word self, Word before, Kind kind, Word m, Word now);

  std::vector<NodeId> ids_;
  std::vector<multipaxos::Replica::Config> configs_;
  Budget budget_;
  std::vector<Command> puts_;  // submitted in this order
  std::string read_key_;       // the key the expectations read
  std::vector<Word> first_;
  Interner<ReplicaNode> nodes_;
  Interner<MultiPaxosSent> messages_;
  MultiPaxosHistory history_;
  std::unordered_map<MemoKey, Transition, MemoHash> memo_;
};

// One event of the simulator's, to replica `self` (kind kAdvance: its timer
// fires), with every invariant checked after it in MultiPaxosInvariants'
// order; a message delivered is already out of `w.flight`.
std::optional<Violation> MultiPaxosModel::event(World& w, Word self, Kind kind, Word m) {
  const Transition& t = transition(self, w.replicas[self], kind, m, w.now);
  w.replicas[self] = t.node;
  // Its timer is set again (last in the order), or cancelled by a crash.
  w.timers.erase(std::remove(w.timers.begin(), w.timers.end(), self), w.timers.end());
  if (nodes_[t.node].wake) w.timers.push_back(self);
  // A crash loses the messages to and from the replica; a message to a
  // replica that is down is lost.
  if (kind == kCrash) {
    std::erase_if(w.flight,
                  [&](Word f) { return messages_[f].from == self || messages_[f].to == self; });
  }
  for (const Word sent : t.sent) {
    if (nodes_[w.replicas[messages_[sent].to]].replica) w.flight.push_back(sent);
  }
  std::sort(w.flight.begin(), w.flight.end());
  std::optional<Violation> violation;
  history_.after(w.ghost, self, t.step, t.ballot, violation);
  if (!violation) violation = leases(w);
  // (The clients' history, checked next in the simulator, holds puts alone:
  // always linearizable.)
  if (!violation && t.step.refused)
    violation = Violation{cluster::kReplicasSendPossible, *t.step.refused};
  if (!violation && t.step.overwrote)
    violation = Violation{cluster::kChosenSlotsStay, *t.step.overwrote};
  if (!violation) violation = t.own;
  return violation;
}

// The replicas that may serve reads locally now: at most one, and it has
// applied all that any replica applied.
std::optional<Violation> MultiPaxosModel::leases(const World& w) const {
  std::vector<NodeId> reading;
  std::vector<Word> readers;
  for (Word i = 0; i < ids_.size(); ++i) {
    const auto& r = nodes_[w.replicas[i]].replica;
    if (r && r->can_read_locally(w.now)) {
      reading.push_back(ids_[i]);
      readers.push_back(i);
    }
  }
  if (auto problem = cluster::two_lease_holders(reading, w.now))
    return Violation{cluster::kOneLeaseHolder, std::move(*problem)};
  for (const Word i : readers) {
    if (auto problem =
            cluster::stale_local_reads(ids_[i], nodes_[w.replicas[i]].replica->applied(),
                                       Slot{w.ghost.most_applied}, ids_[w.ghost.most_applied_by]))
      return Violation{cluster::kLocalReadsUpToDate, std::move(*problem)};
  }
  return std::nullopt;
}

// What replica `self`, in state `before`, does in one step at time `now`:
// worked out once, then remembered.
const Transition& MultiPaxosModel::transition(Word self, Word before, Kind kind, Word m, Word now) {
  assert(m < 0x10000000 && self < 0x100 && (kind == kDeliver || m < 0x10000));
  const MemoKey key{std::uint64_t{before} << 32 |
                        (kind == kDeliver ? m : 0xF0000000 | kind << 24 | m << 8 | self),
                    now};
  if (const auto found = memo_.find(key); found != memo_.end()) return found->second;
  ReplicaNode node = nodes_[before];
  const auto was =
      node.replica ? cluster::snapshot_of(*node.replica) : cluster::snapshot_of(node.disk);
  StillTime time(now);
  ReplicaStep step;
  if (kind == kDeliver) {
    const MultiPaxosSent& sent = messages_[m];
    deliver_to(node, self, ids_, ids_[sent.from], sent.message, time, step);
  } else if (kind == kAdvance) {
    fire_timer(node, self, ids_, time, step);
  } else if (kind == kTimer) {
    campaign(node, self, ids_, time, step);
  } else if (kind == kCrash) {
    crash(node);
  } else if (kind == kPut) {
    submit(node, self, ids_, puts_[m], time, step);
  } else {
    restart(node, configs_[self], ids_, time, step);
  }
  Transition t;
  for (auto& [to, message] : step.sent)
    t.sent.push_back(messages_.id({self, to, std::move(message)}));
  step.sent.clear();
  if (node.replica && node.replica->is_master()) t.ballot = node.replica->ballot();
  const auto is =
      node.replica ? cluster::snapshot_of(*node.replica) : cluster::snapshot_of(node.disk);
  for (const auto& check : cluster::replica_checks()) {
    if (was == is) break;
    if (auto problem = check.check(ids_[self], was, is, configs_[self].rules)) {
      t.own = Violation{{check.name, check.name_zh}, std::move(*problem)};
      break;
    }
  }
  t.step = std::move(step);
  t.node = nodes_.id(std::move(node));
  return memo_.emplace(key, std::move(t)).first->second;
}

// What `expect` says of each replica (tools/scenario/multipaxos_scenario.cpp):
// its log (chosen slots, `_` for a slot accepted but not known chosen), its
// commit, what a read at it gets, and who is master.
std::vector<std::string> MultiPaxosModel::expectations(Key state) const {
  const World w = parse(state, ids_.size());
  std::vector<std::string> lines;
  std::optional<NodeId> leader;
  std::optional<Ballot> highest;
  for (Word i = 0; i < ids_.size(); ++i) {
    const ReplicaNode& node = nodes_[w.replicas[i]];
    const multipaxos::ReplicaHardState& hard =
        node.replica ? node.replica->hard_state() : node.disk;
    const NodeId& id = ids_[i];
    std::uint64_t length = 0, commit = 0;
    if (!hard.accepted.empty()) length = hard.accepted.rbegin()->first.value;
    if (!hard.chosen.empty()) length = std::max(length, hard.chosen.rbegin()->first.value);
    std::string log = "expect log " + id;
    for (std::uint64_t s = 1; s <= length; ++s) {
      const auto it = hard.chosen.find(Slot{s});
      log += " " + (it == hard.chosen.end() ? "_" : multipaxos::to_scenario_word(it->second));
    }
    lines.push_back(length == 0 ? "expect log-length " + id + " 0" : log);
    while (hard.chosen.count(Slot{commit + 1}) != 0) ++commit;
    lines.push_back("expect commit " + id + " " + std::to_string(commit));
    std::string read = "redirect";
    if (node.replica && node.replica->is_master()) {
      read = node.replica->can_read_locally(w.now)
                 ? node.replica->store().get(read_key_).value_or("none")
                 : "through-log";
      if (!highest || *node.replica->ballot() > *highest) {
        highest = node.replica->ballot();
        leader = id;
      }
    }
    lines.push_back("expect read " + id + " " + read_key_ + " " + read);
  }
  lines.push_back("expect leader " + leader.value_or("none"));
  return lines;
}

}  // namespace

std::unique_ptr<Model> multipaxos_model(const cluster::MultiPaxosCluster& start,
                                        const Budget& budget) {
  return std::make_unique<MultiPaxosModel>(start, budget);
}

}  // namespace consensus_lab::explore
