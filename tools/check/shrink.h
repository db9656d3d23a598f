// Shrinking: a failing run made as small as it can be while it still fails
// the same way, so that its scenario file is short enough to read.
#pragma once

#include <cstddef>

#include "tools/check/checker.h"

namespace consensus_lab::check {

struct Shrunk {
  Run run;
  std::size_t replays = 0;
};

// Remove lines (and shorten `run` steps) while the same failure — the same
// verdict and invariant — still happens, within `max_replays` replays.
Shrunk shrink(const Options& options, const Run& failing, std::size_t max_replays = 4000);

}  // namespace consensus_lab::check
