// Running seeds, one after the other, until a counterexample is found and
// shrunk — or every seed has passed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "tools/check/checker.h"
#include "tools/check/shrink.h"

namespace consensus_lab::check {

// A failing seed, its run as found, and the run shrunk.
struct Counterexample {
  std::uint64_t seed = 0;
  Run found;
  Shrunk shrunk;
};

// The lines a counterexample file may have (SCENARIOS.md files stay short
// enough to read); scenario_file() adds 3 comment lines to the run's.
inline constexpr std::size_t kShortEnough = 40;

struct Search {
  std::uint64_t seeds = 0, events = 0, delivered = 0, committed = 0, violations = 0;
  double shrink_seconds = 0;  // wall-clock time spent shrinking
  std::optional<Counterexample> counterexample;
};

// Run seeds first..last, in order. The first failure is shrunk; when its file
// would be longer than kShortEnough lines, the next failures are shrunk too
// (up to `tries` in all) and the shortest is kept — a different seed often
// shrinks further. A safety failure always wins over a liveness one (it is
// the worse news): the first one found replaces a liveness counterexample.
// Stops once the counterexample is settled unless `keep_going`. `progress` is called
// after every seed; `on_failure` for every failure. `jobs` threads run the
// seeds (tools/check/seed_pool.h); what is reported is the same for any number.
Search search(const Options& options, std::uint64_t first, std::uint64_t last, bool keep_going,
              const std::function<void(const Search&)>& progress = {},
              const std::function<void(std::uint64_t, const Run&)>& on_failure = {},
              std::size_t tries = 5, unsigned jobs = 1);

}  // namespace consensus_lab::check
