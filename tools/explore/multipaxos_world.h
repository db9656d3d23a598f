// A state of the Multi-Paxos model (tools/explore/multipaxos_model.cpp),
// taken apart and put together again: the row of words the search keeps
// (tools/explore/state_space.h), and the World the model changes.
#pragma once

#include <cstddef>
#include <vector>

#include "tools/explore/multipaxos_history.h"
#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

// A state, taken apart: [used, puts submitted, now, most applied, by whom,
// #timers, timers…, replica…, #acceptances, acceptances…, #chosen,
// chosen…, #masters, masters…, messages in flight…]. The timers are the
// replicas that have one, in the order they were set — the order in which
// timers due at the same time fire; every other list is sorted.
struct World {
  Word used = 0, puts = 0, now = 0;
  std::vector<Word> timers, replicas, flight;
  Ghost ghost;
};

// The World a state's row names; `replicas` is how many there are.
inline World parse(Key state, std::size_t replicas) {
  World w{.used = state[0], .puts = state[1], .now = state[2]};
  w.ghost.most_applied = state[3];
  w.ghost.most_applied_by = state[4];
  std::size_t at = 5;
  const auto row = [&](std::size_t size) {
    std::vector<Word> words(state.begin() + static_cast<std::ptrdiff_t>(at),
                            state.begin() + static_cast<std::ptrdiff_t>(at + size));
    at += size;
    return words;
  };
  const auto counted = [&] { return row(state[at++]); };
  w.timers = counted();
  w.replicas = row(replicas);
  w.ghost.acceptances = counted();
  w.ghost.chosen = counted();
  w.ghost.masters = counted();
  w.flight = row(state.size() - at);
  return w;
}

inline std::vector<Word> assemble(const World& w) {
  std::vector<Word> s{w.used, w.puts, w.now, w.ghost.most_applied, w.ghost.most_applied_by};
  const auto counted = [&](const std::vector<Word>& row) {
    s.push_back(static_cast<Word>(row.size()));
    s.insert(s.end(), row.begin(), row.end());
  };
  counted(w.timers);
  s.insert(s.end(), w.replicas.begin(), w.replicas.end());
  counted(w.ghost.acceptances);
  counted(w.ghost.chosen);
  counted(w.ghost.masters);
  s.insert(s.end(), w.flight.begin(), w.flight.end());
  return s;
}

}  // namespace consensus_lab::explore
