// Helpers shared by the Raft tests: ways to pick out what a server sent or
// noted, the messages tests write most (request_vote, append_entries,
// reply_success, reply_refusal), a leader made by hand, and — for the timed
// cluster tests — a client that keeps submitting a command until it is
// committed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/raft_cluster.h"
#include "raft/server.h"
#include "tests/unit/test_support.h"

namespace consensus_lab::raft_testing {

inline const std::vector<NodeId> abc{"A", "B", "C"};
inline const std::vector<NodeId> abcde{"A", "B", "C", "D", "E"};

using namespace consensus_lab;
using cluster::RaftCluster;
using cluster::RaftOptions;
using cluster::RaftWorld;
using raft::AppendEntries;
using raft::AppendReply;
using raft::Effects;
using raft::LogEntry;
using raft::LogIndex;
using raft::Message;
using raft::RaftHardState;
using raft::RequestVote;
using raft::Role;
using raft::Server;
using raft::Term;
using raft::Vote;
using testing::events;
using testing::LowestDraw;
using testing::sent;
namespace event = raft::event;

// The first `count` of the servers A…E: a cluster of that size.
inline std::vector<NodeId> first_servers(std::size_t count) {
  return {abcde.begin(), abcde.begin() + static_cast<std::ptrdiff_t>(count)};
}

inline std::vector<Term> terms(std::initializer_list<std::uint64_t> values) {
  std::vector<Term> out;
  for (const std::uint64_t value : values) out.push_back(Term{value});
  return out;
}
// The log the scenario set-up `set_log` makes: a noop of each term.
inline std::vector<LogEntry> noops(const std::vector<std::uint64_t>& values) {
  std::vector<LogEntry> out;
  for (const std::uint64_t value : values) out.push_back(LogEntry{Term{value}, Command::noop()});
  return out;
}
// The terms of a log, to compare logs by their shape (as the paper draws them).
inline std::vector<std::uint64_t> terms_of(const std::vector<LogEntry>& entries) {
  std::vector<std::uint64_t> out;
  for (const LogEntry& entry : entries) out.push_back(entry.term.value);
  return out;
}
inline std::vector<std::uint64_t> terms_of(const raft::Log& log) {
  return terms_of(log.entries());
}

inline Server::Config config_for(const NodeId& self, std::vector<NodeId> servers,
                                 raft::Rules rules = {}, raft::Timing timing = {}) {
  return Server::Config{
      .self = self, .servers = std::move(servers), .timing = timing, .rules = rules};
}

// The messages a test writes most, their arguments in the order of the
// paper's Figure 2.
inline RequestVote request_vote(Term term, const NodeId& candidate_id, LogIndex last_log_index,
                                Term last_log_term) {
  return RequestVote{.term = term,
                     .candidate_id = candidate_id,
                     .last_log_index = last_log_index,
                     .last_log_term = last_log_term};
}
// An AppendEntries from `leader_id` in `term` that carries `entries` after
// the entry (prev_log_index, prev_log_term), with leader_commit 0.
inline AppendEntries append_entries(Term term, const NodeId& leader_id, LogIndex prev_log_index,
                                    Term prev_log_term, std::vector<LogEntry> entries = {}) {
  return AppendEntries{.term = term,
                       .leader_id = leader_id,
                       .prev_log_index = prev_log_index,
                       .prev_log_term = prev_log_term,
                       .entries = std::move(entries)};
}

// A follower's answers to an AppendEntries of `term`: it matches the
// leader's log up to `match_index`…
inline AppendReply reply_success(Term term, LogIndex match_index, LogIndex last_log_index) {
  return AppendReply{
      .term = term, .success = true, .match_index = match_index, .last_log_index = last_log_index};
}
// …or it does not hold the entry at `refused_prev_index` the leader named.
inline AppendReply reply_refusal(Term term, LogIndex refused_prev_index, LogIndex last_log_index) {
  return AppendReply{.term = term,
                     .success = false,
                     .refused_prev_index = refused_prev_index,
                     .last_log_index = last_log_index};
}

// Server `self` of `servers`, restored with `term` and `log`, wins the
// election of term + 1 by hand: its timer fires and every other server votes
// for it (the votes that come after the majority change nothing). It has
// then appended its noop at index log.size() + 1 and sent AppendEntries.
inline Server elected(const NodeId& self, const std::vector<NodeId>& servers,
                      std::vector<LogEntry> log = {}, Term term = {}, raft::Rules rules = {}) {
  LowestDraw low;
  Server server(config_for(self, servers, rules),
                RaftHardState{.current_term = term, .log = raft::Log{std::move(log)}});
  server.start(0, low);
  server.timeout(0, low);
  for (const NodeId& peer : servers) {
    if (peer != self && server.role() != Role::leader) {
      server.handle(0, peer, Vote{.term = server.current_term(), .vote_granted = true}, low);
    }
  }
  return server;
}

// ---- the cluster ------------------------------------------------------------------

inline RaftOptions raft_servers(std::vector<NodeId> ids, raft::Rules rules = {},
                                std::uint64_t seed = 1) {
  RaftOptions options;
  options.servers = std::move(ids);
  options.rules = rules;
  options.seed = seed;
  return options;
}

// How many live servers have committed `index` (they all agree on its entry,
// or the test fails).
inline std::size_t committed_by(const RaftCluster& cluster, LogIndex index) {
  std::size_t count = 0;
  std::optional<LogEntry> seen;
  for (const NodeId& id : cluster.participants()) {
    const Server* s = cluster.server(id);
    if (s == nullptr || s->commit_index() < index) continue;
    const LogEntry& entry = s->log().entry(index);
    if (seen && !(*seen == entry)) {
      FAIL_CHECK("servers committed different entries at index " << index.value);
    }
    seen = entry;
    ++count;
  }
  return count;
}

// A client, as in the lab's `one()`: submit `command` to whichever server is
// leader, and wait until `expected` servers have committed it; try another
// leader after a second without success. The index it was committed at, or
// nothing after `limit` ms.
inline std::optional<LogIndex> one(RaftCluster& cluster, const Command& command,
                                   std::size_t expected, Millis limit = 10'000) {
  auto& world = cluster.world();
  const Millis end = world.now() + limit;
  while (world.now() < end && !world.stopped()) {
    const std::optional<NodeId> leader = cluster.leader();
    if (leader && cluster.submit(*leader, command)) {
      const LogIndex index = cluster.server(*leader)->last_log_index();
      const Term term = cluster.server(*leader)->current_term();
      const bool done = world.run_until(
          [&] {
            const auto it = cluster.committed().find(index);
            if (it == cluster.committed().end()) return false;
            // Another leader's entry took the index: give up this attempt.
            if (!(it->second == LogEntry{term, command})) return true;
            return committed_by(cluster, index) >= expected;
          },
          std::min<Millis>(1'000, end - world.now()));
      const auto it = cluster.committed().find(index);
      if (done && it != cluster.committed().end() && it->second == LogEntry{term, command}) {
        return index;
      }
    } else {
      world.run(50);
    }
  }
  return std::nullopt;
}

// Run until some server is leader (a live one, whose term no other live
// server has passed), or `limit` ms.
inline std::optional<NodeId> wait_for_leader(RaftCluster& cluster, Millis limit = 5'000) {
  auto& world = cluster.world();
  const auto settled = [&]() -> bool {
    const auto leader = cluster.leader();
    if (!leader) return false;
    const Term term = cluster.server(*leader)->current_term();
    for (const NodeId& id : cluster.participants()) {
      const Server* s = cluster.server(id);
      if (s != nullptr && s->current_term() > term) return false;
    }
    return true;
  };
  world.run_until(settled, limit);
  return settled() ? cluster.leader() : std::nullopt;
}

inline void require_safe(RaftCluster& cluster) {
  cluster.world().check_invariants();
  if (const auto& violation = cluster.world().violation()) {
    FAIL("invariant violated: " << violation->invariant << ": " << violation->detail);
  }
}

}  // namespace consensus_lab::raft_testing
