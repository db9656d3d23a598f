#include "tools/explore/state_space.h"

#include <algorithm>
#include <cassert>

namespace consensus_lab::explore {

namespace {

std::uint64_t hash_words(Key key) {
  std::uint64_t h = 0x243F6A8885A308D3ull ^ key.size();
  for (const Word word : key) {
    h = (h ^ word) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 32;
  }
  return h;
}

}  // namespace

// ---- StateSet: open addressing, linear probing, at most half full ----------

StateSet::StateSet() : starts_{0}, table_(1 << 16, 0) {}

std::pair<std::uint32_t, bool> StateSet::insert(Key key) {
  const auto hash = static_cast<std::uint32_t>(hash_words(key));
  const std::size_t mask = table_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t entry = table_[slot];
    if (entry == 0) {
      const auto id = static_cast<std::uint32_t>(size());
      table_[slot] = id + 1;
      arena_.insert(arena_.end(), key.begin(), key.end());
      starts_.push_back(arena_.size());
      hashes_.push_back(hash);
      if (2 * size() > table_.size()) grow();
      return {id, true};
    }
    const std::uint32_t id = entry - 1;
    if (hashes_[id] == hash && std::ranges::equal(this->key(id), key)) return {id, false};
  }
}

void StateSet::grow() {
  std::vector<std::uint32_t> table(table_.size() * 2, 0);
  const std::size_t mask = table.size() - 1;
  for (std::uint32_t id = 0; id < size(); ++id) {
    std::size_t slot = hashes_[id] & mask;
    while (table[slot] != 0) slot = (slot + 1) & mask;
    table[slot] = id + 1;
  }
  table_ = std::move(table);
}

std::size_t StateSet::bytes() const {
  return arena_.capacity() * sizeof(Word) + starts_.capacity() * sizeof(std::size_t) +
         hashes_.capacity() * sizeof(std::uint32_t) + table_.capacity() * sizeof(std::uint32_t);
}

// ---- The search --------------------------------------------------------------

namespace {

class Search final : public Successors {
 public:
  Search(Model& model, const Limits& limits) : model_(model), limits_(limits) {}

  Outcome run(const std::function<void(const Outcome&)>& progress) {
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const std::vector<Word> first = model_.initial();
    states_.insert(first);
    steps_.push_back({0, 0});
    std::size_t level_begin = 0, level_end = 1;
    std::vector<Word> key;
    while (level_begin < level_end && !stop_) {
      const bool last_level = outcome_.depth == limits_.depth;
      counting_only_ = last_level;
      for (std::size_t id = level_begin; id < level_end && !stop_; ++id) {
        const Key stored = states_.key(static_cast<std::uint32_t>(id));
        key.assign(stored.begin(), stored.end());  // the arena may move while it grows
        current_ = static_cast<std::uint32_t>(id);
        model_.expand(key, *this);
        if ((id & 0xFFFF) == 0 && progress) {
          note(seconds());
          progress(outcome_);
        }
      }
      if (last_level) break;
      level_begin = level_end;
      level_end = states_.size();
      if (level_end > level_begin) ++outcome_.depth;
    }
    note(seconds());
    if (!outcome_.violation && !outcome_.bound_reached) liveness();
    outcome_.seconds = seconds();
    return std::move(outcome_);
  }

  void add(Word action, Key next, std::optional<Violation> violation) override {
    if (stop_) return;
    if (counting_only_) {  // at the depth bound: a successor exists, and is left out
      outcome_.bound_reached = true;
      stop_ = true;
      return;
    }
    ++outcome_.transitions;
    if (violation) {
      outcome_.violation = std::move(*violation);
      outcome_.path = path_to(current_);
      outcome_.path.push_back(action);
      stop_ = true;
      return;
    }
    const auto [id, fresh] = states_.insert(next);
    if (fresh) {
      steps_.push_back({current_, action});
      if (states_.size() >= limits_.states) {
        outcome_.bound_reached = true;
        stop_ = true;
      }
    }
    if (!model_.fault(action)) edges_.push_back({id, current_});
  }

 private:
  void note(double seconds) {
    outcome_.states = states_.size();
    outcome_.seconds = seconds;
    outcome_.bytes =
        std::max(outcome_.bytes, states_.bytes() + steps_.capacity() * sizeof(Step) +
                                     edges_.capacity() * sizeof(Edge) + model_.bytes());
  }

  std::vector<Word> path_to(std::uint32_t id) const {
    std::vector<Word> path;
    for (; id != 0; id = steps_[id].parent) path.push_back(steps_[id].action);
    std::reverse(path.begin(), path.end());
    return path;
  }

  // Which states reach a goal state along actions that are not faults:
  // backwards from every goal state, over the edges turned round.
  void liveness() {
    const std::size_t n = states_.size();
    std::vector<std::uint32_t> first(n + 1, 0);  // edges into state s: by_target[first[s]…]
    for (const Edge& edge : edges_) ++first[edge.to + 1];
    for (std::size_t s = 0; s < n; ++s) first[s + 1] += first[s];
    std::vector<std::uint32_t> by_target(edges_.size());
    std::vector<std::uint32_t> filled(first.begin(), first.end() - 1);
    for (const Edge& edge : edges_) by_target[filled[edge.to]++] = edge.from;
    // Breadth first backwards from the states `joins` takes first, over the
    // edges turned round: `joins(from)` says whether `from` joins them.
    auto walk_back = [&](auto&& joins) {
      std::vector<std::uint32_t> queue;
      for (std::uint32_t s = 0; s < n; ++s) {
        if (joins(s, true)) queue.push_back(s);
      }
      for (std::size_t i = 0; i < queue.size(); ++i) {
        for (std::uint32_t e = first[queue[i]]; e < first[queue[i] + 1]; ++e) {
          if (joins(by_target[e], false)) queue.push_back(by_target[e]);
        }
      }
    };
    std::vector<char> reaches(n, 0);
    walk_back([&](std::uint32_t s, bool start) {
      if (reaches[s] || (start && !model_.goal(states_.key(s)))) return false;
      reaches[s] = 1;
      return true;
    });
    // An idle state short of the goal is stuck; so is every state from
    // which all ways lead to one. Backwards from the idle ones, a state is
    // doomed once every edge out of it leads to a doomed state.
    std::vector<std::uint32_t> out_left(n, 0);
    for (const Edge& edge : edges_) ++out_left[edge.from];
    std::vector<char> doomed(n, 0);
    walk_back([&](std::uint32_t s, bool start) {
      if (reaches[s] || doomed[s]) return false;
      const bool every_way_doomed =
          start ? out_left[s] == 0 && model_.idle(states_.key(s)) : --out_left[s] == 0;
      if (every_way_doomed) doomed[s] = 1;
      return every_way_doomed;
    });
    for (std::uint32_t s = 0; s < n; ++s) {
      if (reaches[s]) continue;
      if (!doomed[s]) {
        ++outcome_.undecided;
      } else if (outcome_.stuck++ == 0) {
        outcome_.stuck_path = path_to(s);  // numbered breadth first: a shallowest one
      }
    }
  }

  struct Edge {
    std::uint32_t to, from;
  };

  Model& model_;
  Limits limits_;
  StateSet states_;
  std::vector<Step> steps_;
  std::vector<Edge> edges_;  // every transition that is not a fault
  Outcome outcome_;
  std::uint32_t current_ = 0;
  bool counting_only_ = false;
  bool stop_ = false;
};

}  // namespace

Outcome search(Model& model, const Limits& limits,
               const std::function<void(const Outcome&)>& progress) {
  assert(limits.states >= 1);
  return Search(model, limits).run(progress);
}

}  // namespace consensus_lab::explore
