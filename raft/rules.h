// What can be switched off, and how long things take — the Raft counterpart
// of paxos/rules.h and multipaxos/rules.h. Every safety rule is on by
// default; switching one off (`set rule NAME off` in a scenario, `--rule
// NAME=off` in the checker) shows what it prevents (docs/raft.md,
// docs/checker.md).
#pragma once

#include "common/types.h"

namespace consensus_lab::raft {

// The safety rules that can be switched off (all on by default).
struct Rules {
  // 选举的规则 (notes): a voter refuses a candidate whose log is less complete.
  bool vote_restriction = true;
  // Paper §5.4.2: a leader commits by counting only entries of its own term.
  bool commit_current_term_only = true;
  // Durable before visible: current_term, voted_for and the log survive a crash.
  bool persist = true;
  // AppendEntries' consistency check on (prev index, prev term).
  bool log_consistency_check = true;
  // Paper §8: a new leader appends a noop entry of its term at once. Besides
  // telling the leader what is committed, it means every entry a follower
  // acknowledges in this term comes with one of the current term — so the
  // Figure 8 anomaly needs both this and commit_current_term_only off.
  bool leader_noop = true;
};

struct Timing {
  Millis election_timeout_min = 150;  // a fresh random timeout from this range…
  Millis election_timeout_max = 300;  // …at every reset
  Millis heartbeat = 50;              // the leader's heartbeat interval
};

}  // namespace consensus_lab::raft
