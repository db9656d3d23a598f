// The Raft paper's election experiment (§9.3, Figure 16), in simulated time.
//
// Five servers with a broadcast time of about 15 ms (Figure 16's caption): a
// request arrives after 1–2 ms, its answer 12–14 ms later, because the
// receiver writes its vote or entries to disk first (§5.6) — the paper gives
// only the total; the split is our assumption. The heartbeat interval is half
// the minimum election timeout. Leader S1 sends a heartbeat, which restarts
// every follower's timer, and crashes at a uniformly random point of its
// heartbeat interval. The survivors' logs differ in length, so two of them
// cannot win. Measured, as the paper says: from the crash until a new leader
// is elected.
//
// The simulator and the protocol count time in whole units, a millisecond
// everywhere else; these worlds count microseconds, so that a timeout drawn
// from 150–151 ms can be any of 1,001 values, as on the paper's servers, and
// not just 150 or 151. The ranges, and the results as printed, stay in ms.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/types.h"
#include "raft/rules.h"

namespace consensus_lab::bench {

// Time inside the experiment's worlds: microseconds.
using Micros = std::int64_t;
constexpr Micros kMicrosPerMilli = 1000;

struct ElectionOptions {
  std::uint64_t trials = 1000;
  std::uint64_t seed = 1;
  Micros latency_min = 1'000, latency_max = 2'000;  // a request, one way
  Micros reply_min = 12'000, reply_max = 14'000;    // an answer, after the disk write
  Millis limit = 10'000;  // a trial with no leader by then counts as timed out
};

struct ElectionRow {
  Millis low, high;           // the election timeout range
  std::vector<Micros> times;  // sorted
  std::uint64_t timed_out = 0;
};

struct ElectionSummary {
  Micros min, median, p90, p99, max;
};

// Raft's timing for a range of election timeouts in ms, in the experiment's
// unit (µs): the heartbeat interval is half the minimum election timeout.
raft::Timing timing_in_micros(Millis low, Millis high);

ElectionRow measure_election(const ElectionOptions& options, Millis low, Millis high);
std::optional<ElectionSummary> summarize(const ElectionRow& row);

}  // namespace consensus_lab::bench
