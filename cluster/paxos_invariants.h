// The safety invariants of Basic Paxos, checked by the simulator after every
// event (LogCabin's habit: a check of the current state plus a check against
// the previous state).
//
//   at most one value chosen          — the point of consensus; always on
//   one value per proposal number     — proposal numbers are unique; always on
//   learned values were chosen        — a learner never learns an unchosen value
//   acceptor keeps its promises       — its promise never goes down (while
//                                       promise 1 and persistence are on) and it
//                                       accepts nothing below it (while promise 2
//                                       is on)
//
// The last one restates rules; each half is off while its rule is switched off,
// so that a run with a rule off goes on to show what the rule prevents
// (two values chosen) instead of stopping at the broken rule itself.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace consensus_lab::cluster {

class PaxosCluster;

struct NamedInvariant {
  std::string name;
  std::function<std::optional<std::string>()> check;
};

// The invariants for `cluster`; they keep a reference to it.
std::vector<NamedInvariant> paxos_invariants(const PaxosCluster& cluster);

}  // namespace consensus_lab::cluster
