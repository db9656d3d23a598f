// The nemesis of `conlab jepsen`: the chosen faults in turn, each held for
// 0.3–1.5 s, then healed, then a pause of 0.5–1.5 s (so a fault every 1–3 s;
// the times drawn from the seed):
//   kill       kill -9 a node, then start it again on the same data directory;
//   pause      SIGSTOP a node, then SIGCONT (a leader that wakes still
//              believing it leads is the classic stale-read case);
//   partition  through the proxy: isolate one node, cut the links between
//              two nodes, or slow down every link of one node.
// Half of the time the node chosen is the one that answered the clients
// last (the leader, as far as they know).
#pragma once

#include <atomic>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "narration/text.h"
#include "tools/jepsen/clients.h"
#include "tools/jepsen/nodes.h"

namespace consensus_lab::tools::jepsen {

enum class Fault { kill, pause, partition };

// "kill,pause,partition" → the faults; none if a word is not one of them.
std::optional<std::set<Fault>> parse_faults(const std::string& text);

struct NemesisEvent {
  Millis at = 0;  // ms since the start of the run
  narration::Text what;
};

// Runs until `stop`, then heals what it broke; returns what it did.
std::vector<NemesisEvent> run_nemesis(Nodes& nodes, const std::set<Fault>& faults,
                                      std::uint64_t seed, Clock::time_point start,
                                      const std::atomic<bool>& stop, const LeaderSeen& leader);

}  // namespace consensus_lab::tools::jepsen
