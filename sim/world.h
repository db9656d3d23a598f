// The deterministic world (DESIGN.md §4): a virtual clock in whole units
// (milliseconds; the election benchmark's worlds count microseconds), the
// network (sim/network.h), faults, the nodes' wake-ups (sim/timers.h), a
// trace of every event, and invariants checked after every event
// (sim/invariants.h). It knows no protocol: a protocol gives each node a
// Process (sim/process.h) and names its message types through
// `message_type(const M&)`, found by argument-dependent lookup.
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

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/invariants.h"
#include "sim/network.h"
#include "sim/process.h"
#include "sim/rng.h"
#include "sim/timers.h"
#include "sim/trace.h"

namespace consensus_lab::sim {

template <class M, class E>
class World {
 public:
  using ProcessType = Process<M, E>;
  using ContextType = Context<M, E>;
  using RecordType = Record<M, E>;
  using Listener = typename Recorder<M, E>::Listener;
  using Check = Invariants::Check;

  explicit World(std::uint64_t seed) : rng_(seed) {}
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // ---- set-up --------------------------------------------------------------

  void add_node(NodeId id, std::unique_ptr<ProcessType> process) {
    nodes_.add(std::move(id), std::move(process));
    network_.add_node();
    timers_.add_node();
  }
  void set_latency(Latency latency) { network_.set_latency(latency); }
  // Messages of `type` take their own latency (the others keep the common one).
  void set_latency_of(std::string type, Latency latency) {
    network_.set_latency_of(std::move(type), latency);
  }
  void set_drop_percent(unsigned percent) { network_.set_drop_percent(percent); }
  void add_invariant(narration::Text name, Check check) {
    invariants_.add(std::move(name), std::move(check));
  }
  // Several invariants checked in one pass; `checks` names the one that fails.
  void add_invariants(Invariants::Checks checks) { invariants_.add_group(std::move(checks)); }
  // Called for every trace record as it is made (live narration, step mode).
  void add_listener(Listener listener) { recorder_.add_listener(std::move(listener)); }
  // Keep the records in trace() (on by default; the checker turns it off).
  void keep_trace(bool keep) { recorder_.keep_trace(keep); }
  // Run the invariants after every event (on by default; off only to measure
  // what they cost).
  void check_after_every_event(bool check) { checking_ = check; }

  // ---- observation ---------------------------------------------------------

  Millis now() const { return now_; }
  Rng& rng() { return rng_; }
  const std::vector<RecordType>& trace() const { return recorder_.trace(); }
  const Stats& stats() const { return network_.stats(); }
  void reset_stats() { network_.reset_stats(); }
  // The first invariant violation; once there is one, the world is stopped
  // and every driving call does nothing.
  const std::optional<Violated>& violation() const { return violation_; }
  bool stopped() const { return violation_.has_value(); }

  bool has_node(const NodeId& id) const { return nodes_.has(id); }
  bool is_up(const NodeId& id) const { return nodes_[index_of(id)].up; }
  // By the order nodes were added (0, 1, …): no name lookup.
  bool is_up_at(std::size_t index) const { return nodes_[index].up; }
  const NodeId& node_id(std::size_t index) const { return nodes_[index].id; }
  std::vector<NodeId> node_ids() const {
    std::vector<NodeId> ids;
    for (std::size_t i = 0; i < nodes_.size(); ++i) ids.push_back(nodes_[i].id);
    return ids;
  }
  ProcessType& process(const NodeId& id) { return *nodes_[index_of(id)].process; }

  // Messages queued on the link from → to.
  std::size_t queued(const NodeId& from, const NodeId& to) const {
    const std::size_t a = index_of(from), b = index_of(to);
    return network_.queued_where([&](const auto& f) { return f.from == a && f.to == b; }).size();
  }
  std::size_t queued() const { return network_.in_flight().size(); }
  // Visit the queued messages in send order: visit(from, to, message).
  template <class Visit>
  void for_each_queued(Visit&& visit) const {
    for (const auto& [order, flight] : network_.in_flight()) {
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
  const Timers& timers() const { return timers_; }  // each node's wake-up, by index
  // Events so far: deliveries, losses, timers, faults, actions.
  std::uint64_t events() const { return events_; }

  // ---- manual driving: the oldest message queued on from → to (of `type`, and
  // for which `fits` holds, if given); false if none (or the world stopped) ----
  using Type = std::optional<std::string_view>;
  using Fits = std::function<bool(const M&)>;
  bool deliver(const NodeId& from, const NodeId& to, Type type = {}, const Fits& fits = {}) {
    const auto order = find_queued(from, to, type, fits);
    if (!order || stopped()) return false;
    deliver_now(*order);
    return true;
  }
  bool drop(const NodeId& from, const NodeId& to, Type type = {}, const Fits& fits = {}) {
    const auto order = find_queued(from, to, type, fits);
    if (!order || stopped()) return false;
    lose(*order, DropReason::by_hand);
    check_invariants();
    return true;
  }
  // Queue a copy of the message right behind the original on its link.
  bool duplicate(const NodeId& from, const NodeId& to, Type type = {}, const Fits& fits = {}) {
    const auto order = find_queued(from, to, type, fits);
    if (!order || stopped()) return false;
    const MessageId original = network_.in_flight().at(*order).id;
    const auto& copy = network_.copy_behind(*order, next_sequence_++);
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
    const auto order = find_queued(from, to, type, {});
    if (!order || stopped()) return false;
    if (duration < 0) throw UsageError("cannot hold a message for a negative time");
    const auto& flight = network_.hold(*order, now_ + duration);
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
    while (!network_.in_flight().empty() && !stopped()) {
      if (count == limit)
        throw UsageError(
            "deliver-all: messages keep coming (over " + std::to_string(limit) + " deliveries)",
            "`deliver-all`：消息源源不断（已投递超过 " + std::to_string(limit) + " 条）");
      deliver_now(network_.in_flight().begin()->first);
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
    const std::size_t index = index_of(id);
    Node& node = nodes_[index];
    if (!node.up || stopped()) return;
    node.up = false;
    timers_.cancel(index);
    record(Crashed{id});
    const auto lost =
        network_.queued_where([&](const auto& f) { return f.to == index || f.from == index; });
    for (const Order& order : lost) {
      const bool to_it = network_.in_flight().at(order).to == index;
      lose(order, to_it ? DropReason::receiver_down : DropReason::sender_down);
    }
    node.process->on_crash();
    end_event(index);
  }
  void restart(const NodeId& id) {
    Node& node = nodes_[index_of(id)];
    if (node.up || stopped()) return;
    node.up = true;
    record(Restarted{id});
    ContextType context(*this, index_of(id));
    node.process->on_restart(context);
    end_event(index_of(id));
  }
  // Only nodes of one group can talk; a node in no group talks to everyone.
  void partition(const std::vector<std::vector<NodeId>>& groups) {
    if (stopped()) return;
    std::vector<std::vector<std::size_t>> indexes;
    for (const auto& group : groups) {
      indexes.emplace_back();
      for (const NodeId& id : group) indexes.back().push_back(index_of(id));
    }
    network_.partition(indexes);
    record(Partitioned{groups});
    const auto cut = network_.queued_where(
        [&](const auto& flight) { return !network_.can_talk(flight.from, flight.to); });
    for (const Order& order : cut) lose(order, DropReason::partition);
    check_invariants();
  }
  void heal() {
    if (stopped()) return;
    network_.heal();
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
    end_event(index);
  }

  // Run the invariants now (after a change made outside the world). Every
  // event ends here, so this also counts them.
  void check_invariants() { end_event(std::nullopt); }
  // The node the latest event happened to (a message delivered, its timer,
  // its crash or restart, an action), by the order nodes were added; none
  // for an event of the network alone or a check asked from outside.
  std::optional<std::size_t> event_node() const { return event_node_; }
  // Whether nodes a and b (by position) can talk: no partition between them.
  bool can_talk(std::size_t a, std::size_t b) const { return network_.can_talk(a, b); }

 private:
  friend class Context<M, E>;
  using Order = typename Network<M>::Order;

  void end_event(std::optional<std::size_t> node) {
    ++events_;
    event_node_ = node;
    if (stopped() || !checking_) return;
    violation_ = invariants_.first_violated();
    if (violation_) record(*violation_);
  }

  using Node = typename Nodes<M, E>::Node;

  std::size_t index_of(const NodeId& id) const { return nodes_.index_of(id); }

  bool recording() const { return recorder_.recording(); }
  void record(Happening<M, E> what) { recorder_.record(now_, std::move(what)); }

  void send_from(std::size_t from, const NodeId& to_id, M&& message) {
    const std::size_t to = index_of(to_id);
    if (to == from) throw std::logic_error("a node never sends a message to itself");
    if (!nodes_[from].up) return;
    const MessageId id = next_sequence_++;
    network_.count_sent(message_type(message));
    if (recording()) record(Sent<M>{id, nodes_[from].id, to_id, message});
    if (!nodes_[to].up || !network_.can_talk(from, to)) {
      network_.count_lost_on_sending();
      if (recording()) {
        record(Dropped<M>{id, nodes_[from].id, to_id, std::move(message),
                          nodes_[to].up ? DropReason::partition : DropReason::receiver_down});
      }
      return;
    }
    const Latency& latency = network_.latency_of(message_type(message));
    const auto delay = static_cast<Millis>(rng_.between(static_cast<std::uint64_t>(latency.min),
                                                        static_cast<std::uint64_t>(latency.max)));
    network_.queue(id, from, to, std::move(message), now_ + delay);
  }

  void set_timer(std::size_t node, Millis at) { timers_.set(node, at, next_sequence_++); }

  void note_from(std::size_t node, E&& event) {
    if (recording()) record(Noted<E>{nodes_[node].id, std::move(event)});
  }

  std::optional<Order> find_queued(const NodeId& from, const NodeId& to,
                                   std::optional<std::string_view> type, const Fits& fits) const {
    return network_.oldest(index_of(from), index_of(to), type, fits);
  }

  void lose(const Order& order, DropReason reason) {
    auto taken = network_.lose(order);
    if (recording()) {
      auto& flight = taken.mapped();
      record(Dropped<M>{flight.id, nodes_[flight.from].id, nodes_[flight.to].id,
                        std::move(flight.message), reason});
    }
  }

  void deliver_now(const Order& order) {
    const auto taken = network_.deliver(order);
    const auto& flight = taken.mapped();
    const NodeId& from = nodes_[flight.from].id;
    if (recording()) record(Delivered<M>{flight.id, from, nodes_[flight.to].id, flight.message});
    ContextType context(*this, flight.to);
    nodes_[flight.to].process->on_message(context, from, flight.message);
    end_event(flight.to);
  }

  void fire_timer(const Timers::Timer& timer) {
    Node& node = nodes_[timer.node];
    if (recording()) record(TimerFired{node.id});
    ContextType context(*this, timer.node);
    node.process->on_timer(context);
    end_event(timer.node);
  }

  // Process the earliest event due by `end`; false if there is none.
  bool step_timed(Millis end, bool deliver) {
    const auto timer = timers_.next();
    const auto message = deliver ? network_.next_due() : std::nullopt;
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
    network_.pop_due();
    now_ = std::max(now_, message->first);
    if (rng_.chance(network_.drop_percent())) {
      lose(message->second, DropReason::loss);
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
  std::uint64_t next_sequence_ = 1;  // messages and wake-ups: ties are broken by it
  Nodes<M, E> nodes_;
  Network<M> network_;
  Timers timers_;
  Recorder<M, E> recorder_;
  bool checking_ = true;
  std::uint64_t events_ = 0;
  std::optional<std::size_t> event_node_;
  Invariants invariants_;
  std::optional<Violated> violation_;
};

}  // namespace consensus_lab::sim
