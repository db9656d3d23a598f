#include "tools/bench/election.h"

#include <algorithm>

#include "cluster/raft_cluster.h"

namespace consensus_lab::bench {

namespace {

const std::vector<NodeId> kServers{"S1", "S2", "S3", "S4", "S5"};

// One trial: a stable leader S1, a heartbeat just sent, S1 crashed at a
// random point of its heartbeat interval, S4 and S5 with shorter logs.
// Returns the time from the crash until every survivor has heard the new
// leader (its first AppendEntries), or none within `limit`.
std::optional<Millis> trial(const ElectionOptions& options, Millis low, Millis high,
                            std::uint64_t seed) {
  raft::Timing timing;
  timing.election_timeout_min = low;
  timing.election_timeout_max = high;
  timing.heartbeat = std::max<Millis>(1, low / 2);  // half the minimum election timeout
  cluster::RaftCluster cluster({.servers = kServers, .timing = timing, .seed = seed});
  auto& world = cluster.world();
  world.keep_trace(false);
  world.set_latency({options.latency_min, options.latency_max});

  // S1 leads; its noop reaches everyone.
  cluster.timeout("S1");
  if (!world.run_until([&] { return cluster.leader() == std::optional<NodeId>{"S1"}; }, 1000)) {
    return std::nullopt;
  }
  world.run(2 * timing.heartbeat);
  // Wait for a heartbeat to leave: the followers' timers all restart with it.
  const auto sent = world.stats().sent_of("append-entries");
  world.run_until([&] { return world.stats().sent_of("append-entries") > sent; },
                  2 * timing.heartbeat);
  // …then crash S1 at a uniformly random point of its heartbeat interval.
  world.run(static_cast<Millis>(
      world.rng().between(0, static_cast<std::uint64_t>(timing.heartbeat - 1))));
  world.crash("S1");
  // Two of the four survivors cannot win: their logs are shorter (empty).
  cluster.set_log("S4", {});
  cluster.set_log("S5", {});
  const Millis crashed = world.now();
  const bool done = world.run_until(
      [&] {
        const auto leader = cluster.leader();
        if (!leader) return false;
        const auto leader_term = cluster.server(*leader)->current_term();
        for (const NodeId& id : kServers) {
          if (id == "S1" || id == *leader) continue;
          const auto* s = cluster.server(id);
          if (s->leader_hint() != leader || s->current_term() != leader_term) return false;
        }
        return true;
      },
      options.limit);
  if (!done) return std::nullopt;
  return world.now() - crashed;
}

Millis percentile(const std::vector<Millis>& sorted, double p) {
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

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
