// Runs scenario files (shared/SCENARIOS.md) against the simulator and
// reports as the specification says: `FILE:LINE: error: …` (exit 2),
// `FILE:LINE: expect failed: …; actual: …` or `FILE:LINE: invariant
// violated: …` (exit 1), or nothing (exit 0).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/narration.h"

namespace consensus_lab::scenario {

struct RunOptions {
  bool trace = false;  // narrate every event (and echo each command)
  sim::Lang lang = sim::Lang::en;
  bool colour = false;
  std::optional<std::string> diagram;  // write a Mermaid sequence diagram here
  std::optional<std::uint64_t> seed;   // overrides the file's `seed`
};

// Run one file; narration goes to `out`, the report line to `err`.
// Returns the exit status: 0 passed, 1 an expectation or invariant failed,
// 2 the file cannot be run.
int run_file(const std::string& path, const RunOptions& options, std::ostream& out,
             std::ostream& err);

}  // namespace consensus_lab::scenario
