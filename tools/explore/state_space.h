// The explorer's search, whatever the protocol (docs/explore.md): every state
// reachable from the start, breadth first, each distinct state once.
//
// A protocol's Model turns a state into its successors. A state is a key: a
// short row of 32-bit words that names every node's state, the messages in
// flight (as a multiset) and what the faults' budgets have used. Two states
// are the same state exactly when their keys are equal, so the model must
// write equal states as equal keys (sorted multisets, interned node states).
//
// Breadth first, so the first violation found is at the smallest depth: the
// path to it — parent by parent back to the start — is a shortest
// counterexample. After an exhaustive search the graph also answers the
// liveness question of a small model: from which states can the goal (a value
// chosen, a leader elected) still be reached once faults stop?
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/types.h"
#include "narration/text.h"

namespace consensus_lab::explore {

using Word = std::uint32_t;
using Key = std::span<const Word>;

// Every distinct key once, in one arena, numbered in the order first seen.
class StateSet {
 public:
  StateSet();
  // The key's number, and whether it is new.
  std::pair<std::uint32_t, bool> insert(Key key);
  Key key(std::uint32_t id) const {
    return {arena_.data() + starts_[id], starts_[id + 1] - starts_[id]};
  }
  std::size_t size() const { return starts_.size() - 1; }
  // Bytes held: the keys, their starts and hashes, and the hash table.
  std::size_t bytes() const;

 private:
  void grow();

  std::vector<Word> arena_;
  std::vector<std::size_t> starts_;  // key i is arena_[starts_[i], starts_[i + 1])
  std::vector<std::uint32_t> hashes_;
  std::vector<std::uint32_t> table_;  // state number + 1; 0 is an empty slot
};

// What a model found wrong with one successor: an invariant's name and why.
struct Violation {
  narration::Text invariant;
  narration::Text detail;
};

// Where a model puts the successors of one state.
class Successors {
 public:
  virtual ~Successors() = default;
  // `action` leads to `next`; `violation` when `next` breaks an invariant.
  virtual void add(Word action, Key next, std::optional<Violation> violation = std::nullopt) = 0;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual std::vector<Word> initial() = 0;
  // Every action enabled in `state` within the bounds, and where it leads.
  virtual void expand(Key state, Successors& out) = 0;
  // A fault (drop, duplicate, crash): the liveness question leaves them out.
  virtual bool fault(Word action) const = 0;
  // Nothing can happen in `state` any more without a fault, whatever the
  // bounds: nothing in flight, no timer due, nobody down to restart.
  virtual bool idle(Key state) const = 0;
  // The goal of the liveness question holds in `state`.
  virtual bool goal(Key state) const = 0;
  // The expectation that holds in a state where the goal does not (paxos:
  // `expect chosen none`), to end a run to a stuck state.
  virtual std::string goal_missed_line() const = 0;
  // The goal as the liveness verdict says it (report.cpp).
  struct GoalWords {
    narration::Text can;         // "a value can still be chosen"
    narration::Text not_within;  // "no value is chosen"
    narration::Text never;       // "no value can be chosen any more"
  };
  virtual GoalWords goal_words() const = 0;
  // The action as a scenario line (shared/SCENARIOS.md), for a counterexample
  // that `conlab run` replays.
  virtual std::string line(Word action) const = 0;
  // The `expect` lines (shared/SCENARIOS.md) that hold in `state`: a replay
  // of the run to it must pass them — how the tests hold the explorer to
  // the simulator on runs that break nothing.
  virtual std::vector<std::string> expectations(Key state) const = 0;
  // Bytes the model holds besides the states (its interned node states,
  // messages and remembered transitions).
  virtual std::size_t bytes() const = 0;
};

// Faults the search may add, each at most this many times in one run.
struct Budget {
  std::uint32_t drops = 0, duplicates = 0, crashes = 0, timers = 0;
  // Only these nodes' timers fire (empty: every node's). Multi-Paxos: these
  // replicas' election timers may also fire early (empty: none).
  std::vector<std::string> timeouts;
  // Raft, Multi-Paxos: client puts (KEY=VALUE), submitted in this order to
  // a server that leads, each at most once in one run.
  std::vector<std::string> puts;
  // Multi-Paxos: time moves at most this far in one step (0: always to the
  // next timer due).
  Millis tick = 0;
  // Multi-Paxos: `timeouts` names the replicas whose election timers may
  // also fire early, not the only ones that fire (as the report says it).
  bool early = false;
  bool may_time_out(const std::string& node) const {
    return timeouts.empty() || std::find(timeouts.begin(), timeouts.end(), node) != timeouts.end();
  }
};

struct Limits {
  std::size_t depth = 64;           // actions from the start
  std::size_t states = 20'000'000;  // distinct states kept
};

struct Step {
  std::uint32_t parent;  // state number; the start is its own parent
  Word action;
};

struct Outcome {
  std::size_t states = 0;       // distinct states found
  std::size_t transitions = 0;  // successors generated, the repeated ones included
  std::size_t depth = 0;        // the deepest level expanded
  bool bound_reached = false;   // a state was left unexpanded that had successors
  double seconds = 0;
  std::size_t bytes = 0;  // what the search held at its largest
  // The first violation found, and the actions that lead to it.
  std::optional<Violation> violation;
  std::vector<Word> path;
  // Liveness (after an exhaustive search without a violation): the states
  // from which no goal state can be reached with faults stopped. Stuck:
  // from there every way leads to an idle state short of the goal — the
  // actions to the first found (a shallowest one). Undecided: the bounds
  // (on timer firings) cut every way off before the goal.
  std::size_t stuck = 0, undecided = 0;
  std::vector<Word> stuck_path;
};

// Breadth-first search of `model` from its initial state. `progress` is
// called now and then with what has been found so far.
Outcome search(Model& model, const Limits& limits,
               const std::function<void(const Outcome&)>& progress = {});

}  // namespace consensus_lab::explore
