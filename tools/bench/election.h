// The Raft paper's election experiment (§9.3, Figure 16), in simulated time.
//
// Five servers; one-way message latency 6–9 ms, so a broadcast and its
// answers take about 15 ms; the heartbeat interval is half the minimum
// election timeout. Leader S1 sends a heartbeat, which restarts every
// follower's timer, and crashes at a uniformly random point of its heartbeat
// interval. Two of the four survivors (S4, S5) have shorter logs and cannot
// win. Measured: from the crash until every survivor has heard from the new
// leader — the time the cluster has no working leader.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/types.h"

namespace consensus_lab::bench {

struct ElectionOptions {
  std::uint64_t trials = 1000;
  std::uint64_t seed = 1;
  Millis latency_min = 6, latency_max = 9;
  Millis limit = 10'000;  // a trial with no leader by then counts as timed out
};

struct ElectionRow {
  Millis low, high;           // the election timeout range
  std::vector<Millis> times;  // sorted
  std::uint64_t timed_out = 0;
};

struct ElectionSummary {
  Millis min, median, p90, p99, max;
};

ElectionRow measure_election(const ElectionOptions& options, Millis low, Millis high);
std::optional<ElectionSummary> summarize(const ElectionRow& row);

}  // namespace consensus_lab::bench
