// The randomized safety checker behind `conlab check` (docs/checker.md).
//
// One seed drives one run, in two phases, as "Paxos Made Live" describes the
// testing of Chubby's Paxos:
//   safety    client requests, timers, message loss, duplication, reordering,
//             partitions, crashes and restarts, chosen at random; every
//             invariant is checked after every event (the simulator does it);
//   liveness  the faults stop, the network heals, every node restarts; within
//             a bounded simulated time the cluster must make progress: a
//             leader (multipaxos, raft) or a chosen value (paxos), a new
//             request that commits, and every acknowledged one on every node.
//
// A run IS a scenario file: every step the checker takes is a scenario line
// (shared/SCENARIOS.md), executed by the same code as `conlab run`. So a
// failing run can be shrunk — lines removed while the same failure still
// happens — and written out as a file that `conlab run` replays to the same
// violation. Everything comes from the seed: the same seed and options give
// the same lines, byte for byte.
//
// This header holds what a run is; the checker's parts, one file each:
//   workload.h  the safety phase's random steps, and the liveness phase
//   session.h   a scenario session that records every line it runs
//   search.h    running seeds (run_seed and replay are in search.cpp)
//   shrink.h    a failing run made small
//   report.h    what is printed, and the counterexample file
//   request.h   the `conlab check` command line
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/types.h"
#include "narration/text.h"

namespace consensus_lab::check {

// How often each fault happens, in percent. drop is per message; the others
// are per step of the safety phase.
struct Faults {
  unsigned drop = 0;       // messages lost in flight (`set drop`)
  unsigned duplicate = 0;  // steps that duplicate a queued message
  unsigned reorder = 0;    // steps that deliver a queued message before its
                           // turn; and latency varies (1..40 ms) so messages overtake
  unsigned partition = 0;  // steps that cut the network in two (a later step heals it)
  unsigned crash = 0;      // steps that crash a server (a later step restarts it)
  unsigned delay = 0;      // steps that hold a queued message back 100..500 ms, far past the
                           // latency bound — half the time after duplicating it, so that an
                           // old copy turns up late
  unsigned isolate = 0;    // steps that cut the leader off alone and force an election on the
                           // other side at once, then write there and read at the old leader
                           // (not in `all`: named only, default 10)

  // drop=5, duplicate=5, reorder=10, partition=10, crash=10, delay=5.
  static Faults all();
  friend bool operator==(const Faults&, const Faults&) = default;
};

// "all", "none", or a comma-separated list of NAME or NAME=PERCENT
// ("drop=10,crash"): the named faults, at their default rate unless given.
// Returns an error message for anything else.
std::optional<narration::Text> parse_faults(const std::string& text, Faults& faults);
// "drop=5,duplicate=5,…" (only the faults that are on), or "none".
std::string to_string(const Faults& faults);
// "drop, duplicate, reorder, partition, crash, delay, isolate": every fault, by name.
std::string fault_names();

struct Options {
  std::string protocol;  // paxos, multipaxos or raft
  std::size_t nodes = 3;
  std::size_t steps = 100;   // steps of the safety phase…
  std::optional<Millis> ms;  // …or this much simulated time instead
  Faults faults = Faults::all();
  // The workload, in percent of the safety phase's steps: client requests
  // (half puts, half reads) and membership changes (multipaxos).
  unsigned requests = 15;
  unsigned membership = 3;
  // Raft: leadership transfers to a random live server (thesis §3.10).
  unsigned transfers = 0;
  // Rules switched (`set rule NAME off|on`), in order.
  std::vector<std::pair<std::string, bool>> rules;
  // Raft's features (raft/rules.h) as settings (`set NAME VALUE`), in order:
  // {"pre-vote", "on"}, {"read-mode", "lease"}, {"snapshot-every", "20"}.
  std::vector<std::pair<std::string, std::string>> features;
  Millis liveness_ms = 3000;     // healthy time before the new request
  Millis probe_ms = 1000;        // time for the new request to commit everywhere
  bool check_invariants = true;  // off only to measure what checking costs
  bool liveness = true;
};

enum class Verdict { passed, safety, liveness, error };

struct Run {
  Verdict verdict = Verdict::passed;
  std::vector<std::string> lines;  // the scenario, as run, up to the line that failed
  std::size_t header = 0;          // lines[0, header): protocol, nodes, proposers, seed
  std::size_t safety_end = 0;      // lines[header, safety_end): settings and safety phase
  std::size_t failed = 0;          // index in lines of the line that failed
  std::string what;                // safety: the invariant; liveness: the expectation
  std::string detail;              // the report, as `conlab run` prints it after the line number
  std::string detail_zh;           // the same, as `conlab run --lang zh` prints it
  std::uint64_t steps = 0;
  std::uint64_t events = 0;
  std::uint64_t delivered = 0;
  std::uint64_t committed = 0;
};

// Run one seed: make up its safety phase, then run the liveness phase.
Run run_seed(const Options& options, std::uint64_t seed);

// Run given lines — a header, then settings and safety-phase steps — and,
// if they pass and options.liveness, the liveness phase after them.
Run replay(const Options& options, const std::vector<std::string>& lines, std::size_t header);

}  // namespace consensus_lab::check
