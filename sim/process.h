// How a protocol plugs into the world (sim/world.h): each node is a Process
// with three callbacks — a message arrived, its timer fired, it crashed or
// restarted — and talks to the world only through its Context: send a
// message, ask to be woken at a time, note an event. The world keeps its
// nodes in a Nodes table.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/types.h"

namespace consensus_lab::sim {

template <class M, class E>
class World;

// Thrown for a call that names something that is not there (an unknown node).
// A mistake a scenario file can make also says what went wrong in the notes'
// Chinese.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  UsageError(const std::string& english, std::string chinese)
      : std::runtime_error(english), chinese_(std::move(chinese)) {}
  // The message in Chinese, or what() when none was given.
  std::string chinese() const { return chinese_.empty() ? what() : chinese_; }

 private:
  std::string chinese_;
};

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
  // Note an event for the trace (kept only while someone records).
  void note(E&& event) { world_.note_from(node_, std::move(event)); }

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

// The world's nodes, in the order they were added (the index every other
// part of the world knows them by), each with its name, its Process, and
// whether it is up.
template <class M, class E>
class Nodes {
 public:
  struct Node {
    NodeId id;
    std::unique_ptr<Process<M, E>> process;
    bool up = true;
  };

  void add(NodeId id, std::unique_ptr<Process<M, E>> process) {
    if (has(id)) throw UsageError("node " + id + " exists already");
    nodes_.push_back(Node{std::move(id), std::move(process), true});
  }
  bool has(const NodeId& id) const { return find(id) != nodes_.size(); }
  std::size_t index_of(const NodeId& id) const {
    const std::size_t index = find(id);
    if (index == nodes_.size()) throw UsageError("unknown node " + id);
    return index;
  }
  Node& operator[](std::size_t index) {
    assert(index < nodes_.size());
    return nodes_[index];
  }
  const Node& operator[](std::size_t index) const {
    assert(index < nodes_.size());
    return nodes_[index];
  }
  std::size_t size() const { return nodes_.size(); }

 private:
  // The index of node `id`, or size() if there is none. A world has a
  // handful of nodes: a look along them costs less than hashing the name.
  std::size_t find(const NodeId& id) const {
    std::size_t index = 0;
    while (index < nodes_.size() && nodes_[index].id != id) ++index;
    return index;
  }

  std::vector<Node> nodes_;
};

}  // namespace consensus_lab::sim
