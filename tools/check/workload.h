// What a run does to a cluster, as scenario lines: its header and settings;
// in the safety phase, client requests, membership changes and faults chosen
// at random one step at a time; in the liveness phase, a healed network, new
// work and the expectations of progress (checker.h explains the phases).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/rng.h"
#include "tools/check/checker.h"
#include "tools/check/session.h"

namespace consensus_lab::check {

// `protocol`, `nodes` (A, B, C, …), the protocol's own header lines, `seed`.
std::vector<std::string> header_lines(const Options& options, std::uint64_t seed);
// Latency, loss and rules as the options ask, and the protocol's settings.
std::vector<std::string> settings_lines(const Options& options);

// The safety phase's steps, chosen one at a time from the cluster's state.
class Workload {
 public:
  Workload(const Options& options, std::uint64_t seed, RecordingSession& session);

  // Run the safety phase: options.steps steps (or options.ms of simulated
  // time), each one a line; run.steps counts them.
  void run_safety_phase(Run& run);

 private:
  std::string next_line();
  std::optional<std::string> fault_line(const std::vector<NodeId>& up,
                                        const std::vector<NodeId>& down);
  std::optional<std::string> delay_line();
  std::string isolate_line(const NodeId& leader);
  std::optional<std::string> work_line(const std::vector<NodeId>& up);
  std::optional<std::string> queued_line(const std::string& verb);
  std::optional<scenario::QueuedMessage> queued_message();
  std::string partition_line(std::vector<NodeId> servers, const std::optional<NodeId>& alone);
  const NodeId& pick(const std::vector<NodeId>& ids);

  const Options& options_;
  sim::Rng rng_;
  RecordingSession& session_;
  scenario::Checkable& cluster_;
  std::vector<NodeId> servers_;
  std::vector<NodeId> up_, down_;  // servers_ as each step finds them (kept to reuse their room)
  bool partitioned_ = false;
  std::uint64_t requests_ = 0;
  std::deque<std::string> follow_up_;  // the rest of a step that takes several lines
  // Steps made when their turn comes, from the cluster's state then (none:
  // skipped): isolate_line's.
  std::deque<std::function<std::optional<std::string>()>> deferred_;
  // Raft with a snapshot feature set (--feature snapshot-every=N,
  // snapshot-chunk=B): `snapshot ID` at random moments too (paper §7).
  bool snapshots_ = false;
};

// The liveness phase: heal, restart, no more loss; then new work (`probe`
// numbers its request), and the expectations of progress.
void run_liveness_phase(const Options& options, RecordingSession& session, std::uint64_t probe);

}  // namespace consensus_lab::check
