#include "cluster/raft_stability_invariant.h"

#include <algorithm>
#include <string>

#include "cluster/raft_cluster.h"
#include "common/quorum.h"

namespace consensus_lab::cluster {

using raft::Role;
using raft::Server;

std::optional<narration::Text> LeaderStability::check() {
  const RaftOptions& options = cluster_.options();
  if (!options.leader_stability || !options.features.check_quorum) {
    watch_.reset();
    return std::nullopt;
  }
  if (watch_) {
    const Server* leader = cluster_.server_at(watch_->leader);
    if (leader && leader->role() == Role::leader && leader->current_term() == watch_->term) {
      if (!holds(*watch_)) {
        watch_.reset();
      } else {
        // Sticky: a transfer given up may still depose L — its TimeoutNow
        // can be on its way (etcd's raft behaves the same).
        watch_->transferring = watch_->transferring || leader->transferring_to().has_value();
      }
      return std::nullopt;
    }
    auto problem = deposed(*watch_);
    watch_.reset();
    if (problem) return problem;
  }
  watch_ = arm();
  return std::nullopt;
}

std::optional<LeaderStability::Watch> LeaderStability::arm() const {
  const std::size_t n = cluster_.options().servers.size();
  for (std::size_t l = 0; l < n; ++l) {
    const Server* leader = cluster_.server_at(l);
    // (A leader removed from its configuration steps down once that is
    // committed — thesis §4.2.2 — whatever its majority: not watched.)
    if (!leader || leader->role() != Role::leader || !leader->is_voter()) continue;
    const Millis now = cluster_.world().now();
    Watch watch{.leader = l, .term = leader->current_term(), .armed_at = now};
    for (std::size_t i = 0; i < n; ++i) {
      watch.highest = std::max(watch.highest, cluster_.state_at(i).current_term);
      const Server* s = cluster_.server_at(i);
      if (!s || !cluster_.world().can_talk(l, i)) continue;
      if (i != l &&
          (s->role() != Role::follower || s->current_term() != watch.term || !s->in_lease(now))) {
        return std::nullopt;  // not yet: one it can talk to is not in its lease
      }
      watch.s.push_back(i);
    }
    // S must hold a majority of the voters of L's configuration.
    const auto& voters = leader->configuration().voters;
    const auto in_s = std::count_if(voters.begin(), voters.end(), [&](const NodeId& v) {
      const auto& ids = cluster_.options().servers;
      const std::size_t i =
          static_cast<std::size_t>(std::find(ids.begin(), ids.end(), v) - ids.begin());
      return std::find(watch.s.begin(), watch.s.end(), i) != watch.s.end();
    });
    if (static_cast<std::size_t>(in_s) < majority(voters.size())) return std::nullopt;
    watch.configuration_index = leader->configuration_index();
    watch.transferring = leader->transferring_to().has_value();
    return watch;
  }
  return std::nullopt;
}

bool LeaderStability::holds(const Watch& watch) const {
  const Server* leader = cluster_.server_at(watch.leader);
  if (!leader || leader->configuration_index() != watch.configuration_index) return false;
  return std::all_of(watch.s.begin(), watch.s.end(), [&](std::size_t i) {
    const Server* s = cluster_.server_at(i);
    return s && cluster_.world().can_talk(watch.leader, i) && s->role() != Role::candidate &&
           s->role() != Role::pre_candidate;
  });
}

std::optional<narration::Text> LeaderStability::deposed(const Watch& watch) const {
  const Server* leader = cluster_.server_at(watch.leader);
  if (!leader || watch.transferring || !holds(watch)) return std::nullopt;
  const raft::Term now = leader->current_term();
  if (now > watch.term && now <= watch.highest) return std::nullopt;  // (a): an older term
  const NodeId& id = cluster_.options().servers[watch.leader];
  const std::string t = raft::to_string(watch.term), h = raft::to_string(watch.highest);
  if (now == watch.term) {
    const raft::Timing& timing = cluster_.options().timing;
    const Millis whole_period = timing.election_timeout_min + timing.heartbeat;
    if (cluster_.world().now() < watch.armed_at + whole_period) return std::nullopt;
    return narration::Text{
        id + " led term " + t + " with a connected majority, yet stepped down in it",
        id + " 领导任期 " + t + "，一直与大多数节点相连，却在这个任期内退位了"};
  }
  const std::string to = raft::to_string(now);
  return narration::Text{id + " led term " + t + " with a connected majority, and was deposed by " +
                             "term " + to + ", raised after its election (the highest term then " +
                             "was " + h + ")",
                         id + " 领导任期 " + t + "，一直与大多数节点相连，却被任期 " + to +
                             " 推翻了：这个任期是它当选之后才出现的（当时最大的任期是 " + h + "）"};
}

}  // namespace consensus_lab::cluster
