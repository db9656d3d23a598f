// `explore [BOUND N]…`: where a scenario's set-up ends and `conlab explore`
// takes over (docs/explore.md). It is the file's last command; `conlab run`
// runs the set-up before it and stops there. The bounds are the explorer's
// defaults for this file (its command line wins):
//   depth N       explore runs of at most N steps
//   drops N       lose at most N messages in one run
//   duplicates N  copy at most N messages in one run
//   crashes N     crash servers at most N times in one run
//   timers N      fire timers (a paxos proposer's, a raft server's election
//                 timer) at most N times in one run
//   tick MS       multipaxos: time moves at most MS ms in one step (default:
//                 always to the next timer due)
//   timeouts ID…  only these nodes' timers fire (default: every node's); in
//                 multipaxos, these replicas' election timers may also fire
//                 early (default: none)
//   puts K=V…     raft, multipaxos: these client puts, in this order, each
//                 submitted at most once, to a server that leads at that step
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/scenario/script.h"

namespace consensus_lab::scenario {

struct ExploreBounds {
  std::optional<std::uint64_t> depth, drops, duplicates, crashes, timers, tick;
  std::vector<std::string> timeouts;  // empty: every node's timer may fire
  std::vector<std::string> puts;      // KEY=VALUE, in the order submitted
};

// Whether `put` is KEY=VALUE as a put line can carry it: two words, neither
// empty, with no space, `#` or second `=` in them.
bool put_word(const std::string& put);

// The bounds an `explore` line gives; fails (ScenarioError) on a bad one.
ExploreBounds parse_explore(const Line& line);

}  // namespace consensus_lab::scenario
