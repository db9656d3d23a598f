// The clock the explorer's nodes read in one step, and their random source
// (tools/explore/raft_node.h, multipaxos_node.h): within a step time stands
// still, and every random draw gives the lowest value, so that a node's
// state does not depend on how often it drew. Raft's model keeps the clock
// where the set-up left it; Multi-Paxos's moves it between steps (`advance`),
// and needs every election timeout fixed, so that no draw is made at all.
#pragma once

#include <cstdint>

#include "common/types.h"

namespace consensus_lab::explore {

class StillTime {
 public:
  explicit StillTime(Millis now) : now_(now) {}
  Millis now() const { return now_; }
  RandomSource& random() { return lowest_; }

 private:
  struct Lowest final : RandomSource {
    std::uint64_t between(std::uint64_t low, std::uint64_t) override { return low; }
  };
  Millis now_;
  Lowest lowest_;
};

}  // namespace consensus_lab::explore
