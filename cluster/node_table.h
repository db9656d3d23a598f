// The simulated machines of one cluster. The world owns them (it crashes and
// restarts them); the cluster finds them here, by name or by position — the
// order they were added in, which is the world's node order.
#pragma once

#include <cassert>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/types.h"
#include "sim/process.h"

namespace consensus_lab::cluster {

template <class Node>
class NodeTable {
 public:
  // `kind` names a node in errors: "unknown server D".
  explicit NodeTable(std::string kind) : kind_(std::move(kind)) {}

  template <class World>
  Node& add(World& world, const NodeId& id, std::unique_ptr<Node> node) {
    Node& added = *node;
    by_name_[id] = &added;
    in_order_.push_back(&added);
    world.add_node(id, std::move(node));
    return added;
  }

  // By name; an unknown name is the caller's mistake (a scenario's typo).
  Node& operator[](const NodeId& id) const {
    const auto it = by_name_.find(id);
    if (it == by_name_.end()) throw sim::UsageError("unknown " + kind_ + " " + id);
    return *it->second;
  }
  Node& at(std::size_t i) const {
    assert(i < in_order_.size());
    return *in_order_[i];
  }
  std::size_t size() const { return in_order_.size(); }

  // Node `id` takes one step — `(node.*step)(context, arguments…)` — as an
  // action of the world: what it sends and notes happens at `id`, now.
  template <class World, class Step, class... Arguments>
  void act(World& world, const NodeId& id, Step step, const Arguments&... arguments) const {
    Node& node = (*this)[id];
    world.act(id, [&](auto& context) { (node.*step)(context, arguments...); });
  }
  const std::map<NodeId, Node*>& by_name() const { return by_name_; }

 private:
  std::string kind_;
  std::map<NodeId, Node*> by_name_;
  std::vector<Node*> in_order_;
};

// A node's fixed election timeout from a cluster's options, if it has one
// (the notes fix A = 150 ms, B = 200 ms, C = 300 ms); none: a random one.
inline std::optional<Millis> fixed_timeout(const std::map<NodeId, Millis>& fixed,
                                           const NodeId& id) {
  const auto it = fixed.find(id);
  if (it == fixed.end()) return std::nullopt;
  return it->second;
}

}  // namespace consensus_lab::cluster
