#include "tools/bench/election.h"

#include <algorithm>

#include "cluster/raft_cluster.h"

namespace consensus_lab::bench {

namespace {

const std::vector<NodeId> kServers{"S1", "S2", "S3", "S4", "S5"};

// A stable leader S1 whose noop reached everyone, then a heartbeat just
// sent; false if S1 did not become leader (never seen).
bool lead_and_heartbeat(cluster::RaftCluster& cluster, const ElectionOptions& options,
                        const raft::Timing& timing) {
  auto& world = cluster.world();
  cluster.timeout("S1");
  if (!world.run_until([&] { return cluster.leader() == std::optional<NodeId>{"S1"}; },
                       1000 * kMicrosPerMilli)) {
    return false;
  }
  // From now on an answer waits for its sender's disk write (§5.6: "RPCs
  // require the recipient to persist information to stable storage").
  for (const char* answer : {"vote", "append-reply"}) {
    world.set_latency_of(answer, {options.reply_min, options.reply_max});
  }
  world.run(2 * timing.heartbeat);
  // Wait for a heartbeat to leave: the followers' timers all restart with it.
  const auto sent = world.stats().sent_of("append-entries");
  world.run_until([&] { return world.stats().sent_of("append-entries") > sent; },
                  2 * timing.heartbeat);
  return true;
}

// One trial: S1 crashed at a random point of its heartbeat interval, the
// survivors' logs of different lengths. Returns the time (µs) from the
// crash until a survivor is elected leader, or none within `limit`.
std::optional<Micros> trial(const ElectionOptions& options, Millis low, Millis high,
                            std::uint64_t seed) {
  const raft::Timing timing = timing_in_micros(low, high);
  cluster::RaftCluster cluster({.servers = kServers, .timing = timing, .seed = seed});
  auto& world = cluster.world();
  world.keep_trace(false);
  world.set_latency({options.latency_min, options.latency_max});
  if (!lead_and_heartbeat(cluster, options, timing)) return std::nullopt;

  world.run(static_cast<Micros>(
      world.rng().between(0, static_cast<std::uint64_t>(timing.heartbeat - 1))));
  world.crash("S1");
  // §9.3: "the servers in each trial had different log lengths, so some
  // candidates were not eligible". A candidate needs three votes of the four
  // survivors, and only servers with logs no longer than its own give them:
  // S2 (longest) can win, S3 only with S4's and S5's votes, S4 and S5 never.
  const raft::Term one{1};
  cluster.set_log("S2", {one, one, one});
  cluster.set_log("S3", {one, one});
  cluster.set_log("S4", {one});
  cluster.set_log("S5", {});
  const Micros crashed = world.now();
  if (!world.run_until([&] { return cluster.leader().has_value(); },
                       options.limit * kMicrosPerMilli)) {
    return std::nullopt;
  }
  return world.now() - crashed;
}

Micros percentile(const std::vector<Micros>& sorted, double p) {
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

raft::Timing timing_in_micros(Millis low, Millis high) {
  raft::Timing timing;
  timing.election_timeout_min = low * kMicrosPerMilli;
  timing.election_timeout_max = high * kMicrosPerMilli;
  timing.heartbeat = timing.election_timeout_min / 2;  // half the minimum election timeout
  return timing;
}

ElectionRow measure_election(const ElectionOptions& options, Millis low, Millis high) {
  ElectionRow row{low, high, {}, 0};
  for (std::uint64_t i = 0; i < options.trials; ++i) {
    if (const auto time = trial(options, low, high, options.seed * 100'000 + i)) {
      row.times.push_back(*time);
    } else {
      ++row.timed_out;
    }
  }
  std::sort(row.times.begin(), row.times.end());
  return row;
}

std::optional<ElectionSummary> summarize(const ElectionRow& row) {
  if (row.times.empty()) return std::nullopt;
  return ElectionSummary{row.times.front(), percentile(row.times, 0.5), percentile(row.times, 0.9),
                         percentile(row.times, 0.99), row.times.back()};
}

}  // namespace consensus_lab::bench
