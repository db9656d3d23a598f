// The invariants a world checks after every event, in the order they were
// added (LogCabin's habit: a named checker run after every step; TigerBeetle's
// VOPR runs its state checker after every commit). The first one that fails
// stops the run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/trace.h"

namespace consensus_lab::sim {

class Invariants {
 public:
  // An invariant returns a description of what is wrong, or nothing.
  using Check = std::function<std::optional<narration::Text>()>;
  // Several invariants checked in one pass (each server's state against its
  // state after the previous event, say): it names the one that fails.
  using Checks = std::function<std::optional<Violated>()>;

  void add(narration::Text name, Check check) {
    entries_.push_back({std::move(name), std::move(check), nullptr});
  }
  void add_group(Checks checks) { entries_.push_back({"", nullptr, std::move(checks)}); }

  // The first invariant that does not hold now, if any.
  std::optional<Violated> first_violated() const {
    for (const Entry& entry : entries_) {
      if (entry.check) {
        if (auto problem = entry.check()) {
          return Violated{entry.name.en, std::move(problem->en), entry.name.zh,
                          std::move(problem->zh)};
        }
      } else if (auto violated = entry.checks()) {
        return violated;
      }
    }
    return std::nullopt;
  }

 private:
  struct Entry {
    narration::Text name;
    Check check;    // one invariant, or…
    Checks checks;  // …a group of them
  };
  std::vector<Entry> entries_;
};

}  // namespace consensus_lab::sim
