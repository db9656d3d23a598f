// The deterministic world (DESIGN.md §4): a virtual clock in milliseconds, a
// network with a queue per directed link, faults, timers, a trace of every
// event, message statistics and invariant checkers run after every event.
//
// It knows no protocol. A protocol plugs in by giving each node a Process
// (three callbacks: a message arrived, its timer fired, it crashed/restarted)
// and by naming its message types through `message_type(const M&)`, found by
// argument-dependent lookup. Processes talk to the world only through their
// Context: send a message, ask to be woken at a time, note an event.
//
// Two ways to drive it, freely mixed:
//   manual  nothing moves until the caller delivers, drops or duplicates one
//           queued message (the demos script the notes' interleavings so);
//   timed   run(ms) advances the clock, delivering each message after its
//           latency (lost at the drop rate) and firing timers in time order.
//
// Same seed and same calls → the same trace, byte for byte: the only
// randomness is `rng()`, and ties are broken by a global sequence number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/rng.h"
#include "sim/trace.h"

namespace consensus_lab::sim {

template <class M, class E>
class World;

// What a process may do to the world around it.
template <class M, class E>
class Context {
 public:
  Context(World<M, E>& world, std::size_t node) : world_(world), node_(node) {}

  const NodeId& self() const { return world_.node_id(node_); }
  Millis now() const { return world_.now(); }
  RandomSource& random() { return world_.rng(); }
  void send(const NodeId& to, M message) { world_.send_from(node_, to, std::move(message)); }
  // Call on_timer at `at` (replaces this node's earlier wake-up, if any).
  void wake_at(Millis at) { world_.set_timer(node_, at); }
  void note(E event) { world_.note_from(node_, std::move(event)); }

 private:
  World<M, E>& world_;
  std::size_t node_;
};

// A node as the world sees it. The protocol's adapter implements this by
// feeding the call to its role(s) and carrying out the Effects they return:
// persist first, then send.
template <class M, class E>
class Process {
 public:
  virtual ~Process() = default;
  virtual void on_message(Context<M, E>& context, const NodeId& from, const M& message) = 0;
  virtual void on_timer(Context<M, E>& context) = 0;
  // Lose everything volatile; keep only what was made durable.
  virtual void on_crash() = 0;
  // Come back from durable state.
  virtual void on_restart(Context<M, E>& context) = 0;
};

struct Latency {
  Millis min = 10;
  Millis max = 10;
};

// Message counters since the start or the last reset_stats().
struct Stats {
  std::map<std::string, std::size_t, std::less<>> sent_by_type;
  std::size_t sent = 0;
  std::size_t delivered = 0;
  std::size_t dropped = 0;

  std::size_t sent_of(std::string_view type) const {
    if (type == "all") return sent;
    const auto it = sent_by_type.find(type);
    return it == sent_by_type.end() ? 0 : it->second;
  }
};

// Thrown for a call that names something that is not there (an unknown node).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class M, class E>
class World {
 public:
  using ProcessType = Process<M, E>;
  using ContextType = Context<M, E>;
  using RecordType = Record<M, E>;
  using Listener = std::function<void(const RecordType&)>;
  // An invariant returns a description of what is wrong, or nothing.
  using Check = std::function<std::optional<std::string>()>;

  explicit World(std::uint64_t seed) : rng_(seed) {}
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // ---- set-up --------------------------------------------------------------

  void add_node(NodeId id, std::unique_ptr<ProcessType> process) {
    if (index_.count(id)) throw UsageError("node " + id + " exists already");
    index_.emplace(id, nodes_.size());
    Node node;
    node.id = std::move(id);
    node.process = std::move(process);
    nodes_.push_back(std::move(node));
  }
  void set_latency(Latency latency) {
    if (latency.min < 0 || latency.min > latency.max) throw UsageError("bad latency range");
    latency_ = latency;
  }
  void set_drop_percent(unsigned percent) {
    if (percent > 100) throw UsageError("drop rate above 100%");
    drop_percent_ = percent;
  }
  void add_invariant(std::string name, Check check) {
    invariants_.push_back({std::move(name), std::move(check)});
  }
  // Called for every trace record as it is made (live narration, step mode).
  void add_listener(Listener listener) { listeners_.push_back(std::move(listener)); }
  // Keep the records in trace() (on by default; the checker turns it off).
  void keep_trace(bool keep) { keep_trace_ = keep; }
  // Run the invariants after every event (on by default; off only to measure
  // what they cost).
  void check_after_every_event(bool check) { checking_ = check; }

  // ---- observation ---------------------------------------------------------

  Millis now() const { return now_; }
  Rng& rng() { return rng_; }
  const std::vector<RecordType>& trace() const { return trace_; }
  const Stats& stats() const { return stats_; }
  void reset_stats() { stats_ = Stats{}; }
  // The first invariant violation; once there is one, the world is stopped
  // and every driving call does nothing.
  const std::optional<Violated>& violation() const { return violation_; }
  bool stopped() const { return violation_.has_value(); }

  bool has_node(const NodeId& id) const { return index_.count(id) != 0; }
  bool is_up(const NodeId& id) const { return nodes_[index_of(id)].up; }
  // By the order nodes were added (0, 1, …): no name lookup.
  bool is_up_at(std::size_t index) const { return nodes_.at(index).up; }
  const NodeId& node_id(std::size_t index) const { return nodes_.at(index).id; }
  std::vector<NodeId> node_ids() const {
    std::vector<NodeId> ids;
    for (const Node& node : nodes_) ids.push_back(node.id);
    return ids;
  }
  ProcessType& process(const NodeId& id) { return *nodes_[index_of(id)].process; }

  // Messages queued on the link from → to.
  std::size_t queued(const NodeId& from, const NodeId& to) const {
    const std::size_t a = index_of(from), b = index_of(to);
    std::size_t count = 0;
    for (const auto& [order, flight] : in_flight_) count += flight.from == a && flight.to == b;
    return count;
  }
  std::size_t queued() const { return in_flight_.size(); }
  // Visit the queued messages in send order: visit(from, to, message).
  template <class Visit>
  void for_each_queued(Visit&& visit) const {
    for (const auto& [order, flight] : in_flight_) {
      visit(nodes_[flight.from].id, nodes_[flight.to].id, flight.message);
    }
  }
  // The queued messages, in the order they were sent.
  std::vector<std::pair<std::pair<NodeId, NodeId>, M>> queued_messages() const {
    std::vector<std::pair<std::pair<NodeId, NodeId>, M>> out;
    for_each_queued([&](const NodeId& from, const NodeId& to, const M& message) {
      out.push_back({{from, to}, message});
    });
    return out;
  }
  // Events so far: deliveries, losses, timers, faults, actions.
  std::uint64_t events() const { return events_; }

  // ---- manual driving ------------------------------------------------------
  // Each returns false when there is no such message (or the world stopped).

  bool deliver(const NodeId& from, const NodeId& to, std::optional<std::string_view> type = {}) {
    const auto id = find_queued(from, to, type);
    if (!id || stopped()) return false;
    deliver_now(*id);
    return true;
  }
  bool drop(const NodeId& from, const NodeId& to, std::optional<std::string_view> type = {}) {
    const auto id = find_queued(from, to, type);
    if (!id || stopped()) return false;
    discard(*id, DropReason::by_hand);
    check_invariants();
    return true;
  }
  // Queue a copy of the message right behind the original on its link.
  bool duplicate(const NodeId& from, const NodeId& to, std::optional<std::string_view> type = {}) {
    const auto order = find_queued(from, to, type);
    if (!order || stopped()) return false;
    Flight copy = in_flight_.at(*order);
    const MessageId original = copy.id;
    copy.id = next_sequence_++;
    // Send order puts the copy after the original (and its earlier copies),
    // before every later message.
    const Order behind{order->first, ++copies_};
    in_flight_.emplace(behind, copy);
    timed_.push({copy.deliver_at, behind});
    if (recording()) {
      record(
          Duplicated<M>{original, copy.id, nodes_[copy.from].id, nodes_[copy.to].id, copy.message});
    }
    check_invariants();
    return true;
  }
  // Hold the message back: in timed mode it arrives `duration` ms from now,
  // not when its latency says (manual `deliver` can still take it at once).
  bool delay(const NodeId& from, const NodeId& to, std::optional<std::string_view> type,
             Millis duration) {
    const auto order = find_queued(from, to, type);
    if (!order || stopped()) return false;
    if (duration < 0) throw UsageError("cannot hold a message for a negative time");
    Flight& flight = in_flight_.at(*order);
    flight.deliver_at = now_ + duration;
    timed_.push({flight.deliver_at, *order});  // the entry for its old time is skipped
    if (recording()) {
      record(Held<M>{flight.id, nodes_[flight.from].id, nodes_[flight.to].id, flight.message,
                     flight.deliver_at});
    }
    check_invariants();
    return true;
  }
  // Deliver queued messages in send order, including the replies they cause,
  // until none is left (or `limit` deliveries). The clock does not move.
  std::size_t deliver_all(std::size_t limit = 1'000'000) {
    std::size_t count = 0;
    while (!in_flight_.empty() && !stopped()) {
      if (count == limit)
        throw UsageError("deliver-all: messages keep coming (over " + std::to_string(limit) +
                         " deliveries)");
      deliver_now(in_flight_.begin()->first);
      ++count;
    }
    return count;
  }

  // ---- timed driving -------------------------------------------------------

  // Move the clock; timers fire, messages stay queued.
  void advance(Millis duration) { move_clock(duration, /*deliver=*/false); }
  // Move the clock with automatic delivery and loss.
  void run(Millis duration) { move_clock(duration, /*deliver=*/true); }
  // Run until `done()` holds (checked after every event) or `limit` ms pass.
  bool run_until(const std::function<bool()>& done, Millis limit) {
    const Millis end = now_ + limit;
    while (!done() && !stopped()) {
      if (!step_timed(end, true)) {
        now_ = end;
        return done();
      }
    }
    return done();
  }

  // ---- faults --------------------------------------------------------------

  void crash(const NodeId& id) {
    Node& node = nodes_[index_of(id)];
    if (!node.up || stopped()) return;
    node.up = false;
    ++node.timer_generation;
    node.wake_at.reset();
    record(Crashed{id});
    const std::size_t index = index_of(id);
    std::vector<std::pair<Order, DropReason>> lost;
    for (const auto& [order, flight] : in_flight_) {
      if (flight.to == index)
        lost.push_back({order, DropReason::receiver_down});
      else if (flight.from == index)
        lost.push_back({order, DropReason::sender_down});
    }
    for (const auto& [order, reason] : lost) discard(order, reason);
    node.process->on_crash();
    check_invariants();
  }
  void restart(const NodeId& id) {
    Node& node = nodes_[index_of(id)];
    if (node.up || stopped()) return;
    node.up = true;
    record(Restarted{id});
    ContextType context(*this, index_of(id));
    node.process->on_restart(context);
    check_invariants();
  }
  // Only nodes of one group can talk; a node in no group talks to everyone.
  void partition(const std::vector<std::vector<NodeId>>& groups) {
    if (stopped()) return;
    for (Node& node : nodes_) node.group = -1;
    int group_number = 0;
    for (const auto& group : groups) {
      for (const NodeId& id : group) nodes_[index_of(id)].group = group_number;
      ++group_number;
    }
    record(Partitioned{groups});
    std::vector<Order> cut;
    for (const auto& [order, flight] : in_flight_) {
      if (!can_talk(flight.from, flight.to)) cut.push_back(order);
    }
    for (const Order& order : cut) discard(order, DropReason::partition);
    check_invariants();
  }
  void heal() {
    if (stopped()) return;
    for (Node& node : nodes_) node.group = -1;
    record(Healed{});
    check_invariants();
  }

  // Let a node act on its own initiative (a client proposing, say): `action`
  // runs with that node's Context, and the invariants are checked after it.
  void act(const NodeId& id, const std::function<void(ContextType&)>& action) {
    const std::size_t index = index_of(id);
    if (!nodes_[index].up || stopped()) return;
    ContextType context(*this, index);
    action(context);
    check_invariants();
  }

  // Run the invariants now (after a change made outside the world). Every
  // event ends here, so this also counts them.
  void check_invariants() {
    ++events_;
    if (stopped() || !checking_) return;
    for (const auto& [name, check] : invariants_) {
      if (auto problem = check()) {
        violation_ = Violated{name, *problem};
        record(*violation_);
        return;
      }
    }
  }

 private:
  friend class Context<M, E>;

  struct Node {
    NodeId id;
    std::unique_ptr<ProcessType> process;
    bool up = true;
    int group = -1;  // partition group; -1 = in none
    std::optional<Millis> wake_at;
    std::uint64_t timer_generation = 0;
  };
  struct Flight {
    MessageId id;
    std::size_t from, to;
    M message;
    Millis deliver_at;
  };
  // Where a queued message stands in send order: its sequence number, and for
  // a copy made by duplicate() a second number that puts it right behind.
  using Order = std::pair<MessageId, std::uint64_t>;
  struct Timer {
    Millis at;
    std::uint64_t sequence;
    std::size_t node;
    std::uint64_t generation;
    bool operator>(const Timer& other) const {
      return std::pair(at, sequence) > std::pair(other.at, other.sequence);
    }
  };
  using TimedEntry = std::pair<Millis, Order>;

  std::size_t index_of(const NodeId& id) const {
    const auto it = index_.find(id);
    if (it == index_.end()) throw UsageError("unknown node " + id);
    return it->second;
  }
  bool can_talk(std::size_t a, std::size_t b) const {
    const int ga = nodes_[a].group, gb = nodes_[b].group;
    return ga < 0 || gb < 0 || ga == gb;
  }

  // Whether anyone looks at trace records (building one copies a message).
  bool recording() const { return keep_trace_ || !listeners_.empty(); }

  void record(Happening<M, E> what) {
    RecordType entry{now_, std::move(what)};
    for (const auto& listener : listeners_) listener(entry);
    if (keep_trace_) trace_.push_back(std::move(entry));
  }

  void send_from(std::size_t from, const NodeId& to_id, M message) {
    const std::size_t to = index_of(to_id);
    if (to == from) throw std::logic_error("a node never sends a message to itself");
    if (!nodes_[from].up) return;
    const MessageId id = next_sequence_++;
    ++stats_.sent;
    count_type(message_type(message));
    if (recording()) record(Sent<M>{id, nodes_[from].id, to_id, message});
    if (!nodes_[to].up || !can_talk(from, to)) {
      ++stats_.dropped;
      if (recording()) {
        record(Dropped<M>{id, nodes_[from].id, to_id, std::move(message),
                          nodes_[to].up ? DropReason::partition : DropReason::receiver_down});
      }
      return;
    }
    const auto delay = static_cast<Millis>(rng_.between(static_cast<std::uint64_t>(latency_.min),
                                                        static_cast<std::uint64_t>(latency_.max)));
    const Order order{id, 0};
    in_flight_.emplace(order, Flight{id, from, to, std::move(message), now_ + delay});
    timed_.push({now_ + delay, order});
  }

  void count_type(std::string_view type) {
    auto it = stats_.sent_by_type.find(type);
    if (it == stats_.sent_by_type.end()) it = stats_.sent_by_type.emplace(type, 0).first;
    ++it->second;
  }

  void set_timer(std::size_t node, Millis at) {
    Node& n = nodes_[node];
    ++n.timer_generation;
    n.wake_at = at;
    timers_.push(Timer{at, next_sequence_++, node, n.timer_generation});
  }

  void note_from(std::size_t node, E event) {
    if (recording()) record(Noted<E>{nodes_[node].id, std::move(event)});
  }

  // The oldest message queued on from → to (of `type`, if given).
  std::optional<Order> find_queued(const NodeId& from, const NodeId& to,
                                   std::optional<std::string_view> type) const {
    const std::size_t a = index_of(from), b = index_of(to);
    for (const auto& [order, flight] : in_flight_) {
      if (flight.from != a || flight.to != b) continue;
      if (!type || message_type(flight.message) == *type) return order;
    }
    return std::nullopt;
  }

  void discard(const Order& order, DropReason reason) {
    auto it = in_flight_.find(order);
    Flight flight = std::move(it->second);
    in_flight_.erase(it);
    ++stats_.dropped;
    if (recording()) {
      record(Dropped<M>{flight.id, nodes_[flight.from].id, nodes_[flight.to].id,
                        std::move(flight.message), reason});
    }
  }

  void deliver_now(const Order& order) {
    auto it = in_flight_.find(order);
    Flight flight = std::move(it->second);
    in_flight_.erase(it);
    ++stats_.delivered;
    const NodeId& from = nodes_[flight.from].id;
    if (recording()) record(Delivered<M>{flight.id, from, nodes_[flight.to].id, flight.message});
    ContextType context(*this, flight.to);
    nodes_[flight.to].process->on_message(context, from, flight.message);
    check_invariants();
  }

  void fire_timer(const Timer& timer) {
    Node& node = nodes_[timer.node];
    node.wake_at.reset();
    if (recording()) record(TimerFired{node.id});
    ContextType context(*this, timer.node);
    node.process->on_timer(context);
    check_invariants();
  }

  // The next live timer, dropping stale ones.
  std::optional<Timer> next_timer() {
    while (!timers_.empty()) {
      const Timer& top = timers_.top();
      const Node& node = nodes_[top.node];
      if (node.up && top.generation == node.timer_generation) return top;
      timers_.pop();
    }
    return std::nullopt;
  }
  // The next message due, dropping entries for messages no longer queued (or
  // held back to a later time since).
  std::optional<TimedEntry> next_message() {
    while (!timed_.empty()) {
      const TimedEntry top = timed_.top();
      const auto it = in_flight_.find(top.second);
      if (it != in_flight_.end() && it->second.deliver_at == top.first) return top;
      timed_.pop();
    }
    return std::nullopt;
  }

  // Process the earliest event due by `end`; false if there is none.
  bool step_timed(Millis end, bool deliver) {
    const auto timer = next_timer();
    const auto message = deliver ? next_message() : std::nullopt;
    const bool timer_first =
        timer && (!message || std::pair(timer->at, timer->sequence) <
                                  std::pair(message->first, message->second.first));
    if (timer_first) {
      if (timer->at > end) return false;
      timers_.pop();
      now_ = std::max(now_, timer->at);
      fire_timer(*timer);
      return true;
    }
    if (!message || message->first > end) return false;
    timed_.pop();
    now_ = std::max(now_, message->first);
    if (rng_.chance(drop_percent_)) {
      discard(message->second, DropReason::loss);
      check_invariants();
    } else {
      deliver_now(message->second);
    }
    return true;
  }

  void move_clock(Millis duration, bool deliver) {
    if (duration < 0) throw UsageError("cannot move the clock backwards");
    const Millis end = now_ + duration;
    while (!stopped() && step_timed(end, deliver)) {
    }
    if (!stopped()) now_ = end;
  }

  Rng rng_;
  Millis now_ = 0;
  std::uint64_t next_sequence_ = 1;
  std::vector<Node> nodes_;
  std::unordered_map<NodeId, std::size_t> index_;
  std::map<Order, Flight> in_flight_;  // in send order
  std::uint64_t copies_ = 0;
  std::priority_queue<TimedEntry, std::vector<TimedEntry>, std::greater<>> timed_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  Latency latency_;
  unsigned drop_percent_ = 0;
  Stats stats_;
  std::vector<RecordType> trace_;
  bool keep_trace_ = true;
  bool checking_ = true;
  std::uint64_t events_ = 0;
  std::vector<Listener> listeners_;
  std::vector<std::pair<std::string, Check>> invariants_;
  std::optional<Violated> violation_;
};

}  // namespace consensus_lab::sim
