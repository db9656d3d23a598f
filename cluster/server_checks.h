// Checks of each server against itself, in the style of LogCabin's
// RaftConsensusInvariants.cc (checkDelta): after every event each server is
// seen as a small Snapshot, and every check compares it with the same
// server's snapshot after the previous event — a term that went down, a vote
// that changed within its term. A check is a pure function of the two
// snapshots and the rules in force (the tests feed it snapshots by hand); each
// has a name of its own, as reports print it. Every check speaks of a change,
// so a server whose snapshot did not change passes them all unasked — and
// only the server an event happened to can have changed.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/types.h"
#include "sim/trace.h"

namespace consensus_lab::cluster {

// What every "never goes down" check reports, in both languages:
// "B's current term went down from 3 to 2", "B 的当前任期从 3 降到 2".
inline narration::Text went_down(const NodeId& server, const narration::Text& what,
                                 const narration::Text& from, const narration::Text& to) {
  return narration::Text{server + "'s " + what.en + " went down from " + from.en + " to " + to.en,
                         server + " " + what.zh + "从 " + from.zh + " 降到 " + to.zh};
}
inline narration::Text went_down(const NodeId& server, const narration::Text& what,
                                 const std::string& from, const std::string& to) {
  return went_down(server, what, {from, from}, {to, to});
}

template <class Snapshot, class Rules>
struct ServerCheck {
  const char* name;     // in English
  const char* name_zh;  // in the notes' Chinese
  // What is wrong with `server` going from `before` to `now`, or nothing.
  std::optional<narration::Text> (*check)(const NodeId& server, const Snapshot& before,
                                          const Snapshot& now, const Rules& rules);
};

template <class Snapshot, class Rules>
class ServerChecks {
 public:
  // Server i's snapshot now; the servers are the world's first nodes, in order.
  using Take = std::function<Snapshot(std::size_t)>;

  // Takes every server's first snapshot.
  ServerChecks(std::vector<NodeId> servers, Take take,
               std::vector<ServerCheck<Snapshot, Rules>> checks)
      : servers_(std::move(servers)), take_(std::move(take)), checks_(std::move(checks)) {
    for (std::size_t i = 0; i < servers_.size(); ++i) previous_.push_back(take_(i));
  }

  // After an event that happened to node `event_node` of the world (none: to
  // no node in particular — every server is compared; a node past the
  // servers, a Paxos client, has nothing to compare), by every check in
  // order; the new snapshots are the previous ones next time.
  std::optional<sim::Violated> run(const Rules& rules, std::optional<std::size_t> event_node) {
    if (event_node) {
      return *event_node < servers_.size() ? run_one(rules, *event_node) : std::nullopt;
    }
    for (std::size_t i = 0; i < servers_.size(); ++i) {
      if (auto violated = run_one(rules, i)) return violated;
    }
    return std::nullopt;
  }

  // Server i is compared from its state now on: a scenario's set-up
  // (`set-log`, `set-term`) rewrote it by hand, which is no protocol step.
  void start_again(std::size_t i) { previous_[i] = take_(i); }

 private:
  std::optional<sim::Violated> run_one(const Rules& rules, std::size_t i) {
    Snapshot now = take_(i);
    if (now == previous_[i]) return std::nullopt;
    for (const auto& [name, name_zh, check] : checks_) {
      if (auto problem = check(servers_[i], previous_[i], now, rules)) {
        return sim::Violated{name, std::move(problem->en), name_zh, std::move(problem->zh)};
      }
    }
    previous_[i] = std::move(now);
    return std::nullopt;
  }

  std::vector<NodeId> servers_;
  Take take_;
  std::vector<ServerCheck<Snapshot, Rules>> checks_;
  std::vector<Snapshot> previous_;  // each server as it was after the previous event
};

}  // namespace consensus_lab::cluster
