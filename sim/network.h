// The simulated network (DESIGN.md §4): every message in flight, in the order
// it was sent, with the time it is due; the latency range and loss rate of
// timed mode; partitions; and message statistics. The world (sim/world.h)
// decides what happens to a message — delivered, lost, copied, held back —
// and records it in the trace; the network only keeps the queue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/process.h"
#include "sim/trace.h"

namespace consensus_lab::sim {

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

template <class M>
class Network {
 public:
  // A message on its way from node `from` to node `to` (by the order nodes
  // were added), due at `deliver_at` in timed mode.
  struct Flight {
    MessageId id;
    std::size_t from, to;
    M message;
    Millis deliver_at;
  };
  // Where a queued message stands in send order: its sequence number, and for
  // a copy made by copy_behind() a second number that puts it right behind.
  using Order = std::pair<MessageId, std::uint64_t>;
  // When a queued message is due.
  using Due = std::pair<Millis, Order>;

  void add_node() { groups_.push_back(-1); }

  // ---- timed mode's settings -------------------------------------------------

  void set_latency(Latency latency) {
    if (latency.min < 0 || latency.min > latency.max) throw UsageError("bad latency range");
    latency_ = latency;
  }
  const Latency& latency() const { return latency_; }
  // A range of its own for messages of one type (a reply that waits for the
  // receiver's disk write, say); every other type keeps latency().
  void set_latency_of(std::string type, Latency latency) {
    if (latency.min < 0 || latency.min > latency.max) throw UsageError("bad latency range");
    latency_of_.insert_or_assign(std::move(type), latency);
  }
  const Latency& latency_of(std::string_view type) const {
    if (latency_of_.empty()) return latency_;  // the common case: one latency for all
    const auto it = latency_of_.find(type);
    return it == latency_of_.end() ? latency_ : it->second;
  }
  void set_drop_percent(unsigned percent) {
    if (percent > 100) throw UsageError("drop rate above 100%");
    drop_percent_ = percent;
  }
  unsigned drop_percent() const { return drop_percent_; }

  // ---- partitions ------------------------------------------------------------

  // Only nodes of one group can talk; a node in no group talks to everyone.
  void partition(const std::vector<std::vector<std::size_t>>& groups) {
    heal();
    int group_number = 0;
    for (const auto& group : groups) {
      for (const std::size_t node : group) groups_[node] = group_number;
      ++group_number;
    }
  }
  void heal() {
    for (int& group : groups_) group = -1;
  }
  bool can_talk(std::size_t a, std::size_t b) const {
    const int ga = groups_[a], gb = groups_[b];
    return ga < 0 || gb < 0 || ga == gb;
  }

  // ---- the queue -------------------------------------------------------------

  void queue(MessageId id, std::size_t from, std::size_t to, M&& message, Millis deliver_at) {
    const Order order{id, 0};
    in_flight_.try_emplace(order, id, from, to, std::move(message), deliver_at);
    due_.push({deliver_at, order});
  }
  // Queue a copy of a message, numbered `id`, right behind the original (and
  // its earlier copies) in send order, before every later message.
  const Flight& copy_behind(const Order& order, MessageId id) {
    Flight copy = in_flight_.at(order);
    copy.id = id;
    const Order behind{order.first, ++copies_};
    due_.push({copy.deliver_at, behind});
    return in_flight_.emplace(behind, std::move(copy)).first->second;
  }
  // Hold a queued message back: it is due at `until` instead.
  const Flight& hold(const Order& order, Millis until) {
    Flight& flight = in_flight_.at(order);
    flight.deliver_at = until;
    due_.push({until, order});  // the entry for its old time is skipped
    return flight;
  }
  // A message taken out of the queue, in the queue's own map node (so it is
  // neither copied nor moved): taken.mapped() is its Flight.
  using Taken = typename std::map<Order, Flight>::node_type;
  // Take a message out of the queue: delivered, or lost.
  Taken deliver(const Order& order) {
    ++stats_.delivered;
    return in_flight_.extract(order);
  }
  Taken lose(const Order& order) {
    ++stats_.dropped;
    return in_flight_.extract(order);
  }

  // The oldest message queued on from → to (of `type`, if given; for which
  // `fits` holds, if given).
  std::optional<Order> oldest(std::size_t from, std::size_t to,
                              std::optional<std::string_view> type,
                              const std::function<bool(const M&)>& fits = {}) const {
    for (const auto& [order, flight] : in_flight_) {
      if (flight.from != from || flight.to != to) continue;
      if (type && message_type(flight.message) != *type) continue;
      if (!fits || fits(flight.message)) return order;
    }
    return std::nullopt;
  }
  // The queued messages for which `pick(flight)` holds, in send order.
  template <class Pick>
  std::vector<Order> queued_where(Pick&& pick) const {
    std::vector<Order> orders;
    for (const auto& [order, flight] : in_flight_) {
      if (pick(flight)) orders.push_back(order);
    }
    return orders;
  }
  // Every queued message, in send order.
  const std::map<Order, Flight>& in_flight() const { return in_flight_; }

  // The message due first, skipping entries of messages no longer queued (or
  // held back to a later time since).
  std::optional<Due> next_due() {
    while (!due_.empty()) {
      const Due top = due_.top();
      const auto it = in_flight_.find(top.second);
      if (it != in_flight_.end() && it->second.deliver_at == top.first) return top;
      due_.pop();
    }
    return std::nullopt;
  }
  void pop_due() { due_.pop(); }

  // ---- statistics ------------------------------------------------------------

  void count_sent(std::string_view type) {
    ++stats_.sent;
    auto it = stats_.sent_by_type.find(type);
    if (it == stats_.sent_by_type.end()) it = stats_.sent_by_type.emplace(type, 0).first;
    ++it->second;
  }
  void count_lost_on_sending() { ++stats_.dropped; }
  const Stats& stats() const { return stats_; }
  void reset_stats() { stats_ = Stats{}; }

 private:
  std::map<Order, Flight> in_flight_;  // in send order
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::uint64_t copies_ = 0;
  std::vector<int> groups_;  // per node: its partition group; -1 = in none
  Latency latency_;
  std::map<std::string, Latency, std::less<>> latency_of_;  // by message type
  unsigned drop_percent_ = 0;
  Stats stats_;
};

}  // namespace consensus_lab::sim
