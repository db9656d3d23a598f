// What `conlab explore` prints and writes (docs/explore.md §3), in English or
// in the notes' Chinese: the verdict, the figures, and a counterexample as a
// scenario file — replayed at once by the scenario runner, so that the file
// is known to break the same invariant in the simulator.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "narration/line.h"
#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

// "120,000 states, depth 9, 1.2 s": the search so far, on one line.
std::string progress_line(const Outcome& so_far, narration::Lang lang);

// Prints the verdict and figures; writes a counterexample (or, for
// liveness, the way to a state that is stuck) to `path`, starting with
// `setup`, after a comment line naming `command` (what wrote it, so that a
// test can write it again). Returns the exit status: 0 exhausted or bound reached, 1 an
// invariant broke, 3 a stuck state, 2 the file could not be written or its
// replay did not agree.
int report(std::ostream& out, const Outcome& outcome, const Model& model,
           const std::vector<std::string>& setup, const Budget& budget, const Limits& limits,
           const std::string& path, narration::Lang lang, const std::string& command);

}  // namespace consensus_lab::explore
