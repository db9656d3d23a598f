// The nodes' wake-ups, in time order (ties broken by the world's sequence
// number, shared with the messages). A node has at most one: a newer one
// replaces it, and a crash cancels it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

#include "common/types.h"

namespace consensus_lab::sim {

class Timers {
 public:
  struct Timer {
    Millis at;
    std::uint64_t sequence;
    std::size_t node;
    std::uint64_t generation;  // the node's wake-up it is; older ones are skipped
    bool operator>(const Timer& other) const {
      return std::pair(at, sequence) > std::pair(other.at, other.sequence);
    }
  };

  void add_node() {
    generation_.push_back(0);
    current_.emplace_back();
  }
  // `node` wakes at `at` (and not at its earlier wake-up, if any).
  void set(std::size_t node, Millis at, std::uint64_t sequence) {
    queue_.push(Timer{at, sequence, node, ++generation_[node]});
    current_[node] = Timer{at, sequence, node, generation_[node]};
  }
  void cancel(std::size_t node) {
    ++generation_[node];
    current_[node].reset();
  }
  // `node`'s wake-up still wanted, if it has one.
  const std::optional<Timer>& of(std::size_t node) const { return current_[node]; }

  // The next wake-up still wanted, skipping replaced and cancelled ones.
  std::optional<Timer> next() {
    while (!queue_.empty()) {
      const Timer& top = queue_.top();
      if (top.generation == generation_[top.node]) return top;
      queue_.pop();
    }
    return std::nullopt;
  }
  void pop() {
    const Timer& top = queue_.top();
    if (top.generation == generation_[top.node]) current_[top.node].reset();
    queue_.pop();
  }

 private:
  std::vector<std::uint64_t> generation_;  // per node: its current wake-up
  std::vector<std::optional<Timer>> current_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> queue_;
};

}  // namespace consensus_lab::sim
