// Helpers shared by the Multi-Paxos tests: the short names of the types and
// messages, the replica sets A, B, C and A…E, ways to pick out what a replica
// sent or noted, and clusters set up and driven by hand.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>
#include "cluster/multipaxos_cluster.h"
#include "tests/unit/test_support.h"

namespace consensus_lab::multipaxos_testing {

using namespace consensus_lab;
using cluster::MultiPaxosCluster;
using cluster::MultiPaxosOptions;
using multipaxos::Accept;
using multipaxos::Accepted;
using multipaxos::Ballot;
using multipaxos::CatchUp;
using multipaxos::Chosen;
using multipaxos::Command;
using multipaxos::Effects;
using multipaxos::Heartbeat;
using multipaxos::HeartbeatOk;
using multipaxos::Prepare;
using multipaxos::Promise;
using multipaxos::Reject;
using multipaxos::Replica;
using multipaxos::ReplicaHardState;
using multipaxos::Role;
using multipaxos::Slot;
using multipaxos::SlotProposal;
using testing::events;
using testing::LowestDraw;
using testing::sent;
namespace event = multipaxos::event;

inline const std::vector<NodeId> abc{"A", "B", "C"};
inline const std::vector<NodeId> abcde{"A", "B", "C", "D", "E"};

// Replica k of the members (from 1) owns the ballots k, k + n, k + 2n, …
inline Replica::Config config_for(const NodeId& self, const std::vector<NodeId>& members,
                                  multipaxos::Timing timing = {}) {
  const auto position = std::find(members.begin(), members.end(), self) - members.begin();
  return Replica::Config{.self = self,
                         .members = members,
                         .index = static_cast<std::uint64_t>(position) + 1,
                         .count = members.size(),
                         .timing = timing};
}

// Every event of type T noted in the cluster's trace: (time, replica, event).
template <class T>
std::vector<std::tuple<Millis, NodeId, T>> noted(const cluster::MultiPaxosWorld& world) {
  std::vector<std::tuple<Millis, NodeId, T>> out;
  for (const auto& record : world.trace()) {
    if (const auto* n = std::get_if<sim::Noted<multipaxos::Event>>(&record.what)) {
      if (const auto* found = std::get_if<T>(&n->event))
        out.emplace_back(record.at, n->node, *found);
    }
  }
  return out;
}

// Fixed election timeouts (ms): B and C never campaign on their own while a
// test moves the clock by hand…
inline const std::map<NodeId, Millis> b_and_c_wait{{"B", 10'000}, {"C", 10'000}};
// …or B takes over soon after it stops hearing from the master, C later.
inline const std::map<NodeId, Millis> b_then_c{{"B", 150}, {"C", 400}};

inline MultiPaxosOptions replicas(std::vector<NodeId> ids, multipaxos::Rules rules = {},
                                  std::map<NodeId, Millis> election_timeouts = {}) {
  MultiPaxosOptions options;
  options.replicas = std::move(ids);
  options.rules = rules;
  options.fixed_election_timeouts = std::move(election_timeouts);
  return options;
}

// By hand: A's election timer fires and every message is delivered.
inline void elect_a(MultiPaxosCluster& cluster) {
  cluster.timeout("A");
  cluster.world().deliver_all();
  REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
}

// Timed, every message taking 5 ms: A's election timer fires now, then the
// cluster runs for `ms`.
inline void a_campaigns_timed(MultiPaxosCluster& cluster, Millis ms) {
  cluster.world().set_latency({5, 5});
  cluster.timeout("A");
  cluster.world().run(ms);
}

// By hand: the master A proposes `command` in its next slot; its Accept
// reaches the replicas in `reaching` and is lost on the way to the others.
inline void a_proposes(MultiPaxosCluster& cluster, const Command& command,
                       const std::vector<NodeId>& reaching) {
  REQUIRE(cluster.submit("A", command));
  for (const NodeId& id : cluster.participants()) {
    if (id == "A") continue;
    if (std::find(reaching.begin(), reaching.end(), id) != reaching.end()) {
      REQUIRE(cluster.world().deliver("A", id, "accept"));
    } else {
      REQUIRE(cluster.world().drop("A", id, "accept"));
    }
  }
}

// By hand, the clock stands still, so the lease B and C granted A lasts for
// ever: move the clock past it (no election timer fires: the test gave B and C
// long ones) and throw away the heartbeats A sent meanwhile.
inline void let_leases_run_out(MultiPaxosCluster& cluster) {
  auto& world = cluster.world();
  world.advance(cluster.options().timing.lease + 1);
  for (const NodeId& from : cluster.participants()) {
    for (const NodeId& to : cluster.participants()) {
      if (from != to) {
        while (world.drop(from, to, "heartbeat")) {
        }
      }
    }
  }
}

// The chosen log 1..commit of a live replica.
inline std::vector<Command> chosen_prefix(const Replica& replica) {
  std::vector<Command> log;
  for (Slot slot{1}; slot <= replica.commit(); slot = slot.next()) {
    log.push_back(replica.hard_state().chosen.at(slot));
  }
  return log;
}

inline std::vector<Slot> slots_holding(const std::map<Slot, Command>& log, const Command& command) {
  std::vector<Slot> out;
  for (const auto& [slot, held] : log) {
    if (held == command) out.push_back(slot);
  }
  return out;
}

inline void require_safe(const MultiPaxosCluster& cluster) {
  if (const auto& violation = cluster.world().violation()) {
    FAIL("invariant violated: " << violation->invariant << ": " << violation->detail);
  }
}

}  // namespace consensus_lab::multipaxos_testing
