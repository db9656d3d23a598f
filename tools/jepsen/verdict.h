// What `conlab jepsen` concludes from its history: the counts, the
// linearizability check (common/linearizability.h, the simulator's checker)
// and, when it fails, the smallest window it found — and how it says so, in
// English or in the notes' Chinese. No processes or sockets here, so that a
// unit test can feed it a history (tests/unit/jepsen_verdict_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/linearizability.h"
#include "narration/text.h"

namespace consensus_lab::tools::jepsen {

// The history: every operation as the clients recorded it. `op.ret` empty:
// no answer (a put then stays pending; a get failed and is dropped).
struct Recorded {
  Operation op;
  bool answered = false;
};

struct Verdict {
  Linearizability result;  // of the whole history
  // not linearizable: the earliest moment (a tick) by which the history, as
  // seen then, already cannot be linearized; the operations of the key in
  // [window_start, window_end], by call (at most 30: the named ones, and
  // the others nearest the end).
  std::uint64_t window_start = 0, window_end = 0;
  std::vector<Operation> window;
  std::vector<std::size_t> named;  // indices in `window` the explanation names
  double check_ms = 0;             // how long the check took
};

// The operations the checker gets: answered ones and pending puts.
std::vector<Operation> checked_history(const std::vector<Recorded>& history);

Verdict judge(const std::vector<Recorded>& history, std::uint64_t max_states = 10'000'000);

// "operations: 1234 (puts 600: ok 590, pending 10; gets 634: ok 630, failed 4)".
std::string counts_text(const std::vector<Recorded>& history, narration::Lang lang);
// "linearizable (checked in 12 ms)", or "NOT linearizable…" with the window.
std::string verdict_text(const Verdict& verdict, narration::Lang lang);

}  // namespace consensus_lab::tools::jepsen
