// Membership changes one server at a time (Ongaro's thesis, §4.1–4.3; notes:
// 成员变更): a configuration entry in the log — `learner D`, `add D`,
// `remove D` — takes effect on each server as soon as it is in that server's
// log, committed or not; majorities count the voters of the configuration in
// effect, so that any majority of the old configuration and any majority of
// the new one overlap (adding or removing one voter changes a majority by at
// most one server — thesis §4.1, Figure 4.3). A new server first catches up
// as a 学习者 (learner, §4.2.1): it receives the log but neither votes nor
// counts, and the leader promotes it once it has caught up. A leader that is
// removed keeps leading until the entry removing it is committed, without
// counting itself, then steps down (§4.2.2).
#include <algorithm>
#include <cassert>

#include "common/quorum.h"
#include "raft/server.h"

namespace consensus_lab::raft {

using Reason = event::ConfigurationRefused::Reason;

// Why the leader may not append `change` now.
std::optional<Reason> Server::refuse_change(const Command& change) const {
  assert(role_ == Role::leader && is_configuration_change(change));
  // ---- One change at a time ------------------------------------------------
  // Thesis §4.1: "a leader … cannot begin another [configuration change] until
  // the previous one has been committed" — 上一个成员变更提交之前，不开始下一个.
  // Two uncommitted changes could move the configuration by two servers, and
  // majorities of configurations two servers apart need not overlap.
  if (config_.rules.one_change_at_a_time && configuration_.index > commit_index_) {
    return Reason::uncommitted_change;
  }
  // --------------------------------------------------------------------------
  // ---- A configuration entry only after an entry of its own term commits ---
  // Ongaro, raft-dev, 2015, "bug in single-server membership changes": "the
  // leader may not append a new configuration entry until it has committed an
  // entry from its own term". Without it, a configuration entry an earlier
  // leader appended but did not commit, and one this leader appends, can both
  // be in effect on different servers: two configurations that differ by two
  // servers, each with a majority that elects a leader in the same term.
  // Committing an entry of its term first means that no uncommitted entry of
  // an earlier leader survives beside this leader's log (every later leader
  // holds this leader's committed entry, Leader Completeness).
  if (config_.rules.config_after_own_term_commit &&
      hard_.log.term_at(commit_index_) != hard_.current_term) {
    return Reason::no_commit_in_term;
  }
  // --------------------------------------------------------------------------
  if (apply_change(configuration(), change) == configuration()) return Reason::no_change;
  if (apply_change(configuration(), change).voters.empty()) return Reason::last_voter;
  return std::nullopt;
}

// A client's (or a scenario's) membership change at the leader.
void Server::append_change(const Command& change, Effects& effects) {
  if (const auto reason = refuse_change(change)) {
    effects.events.push_back(event::ConfigurationRefused{change, *reason});
    return;
  }
  append_as_leader(change, effects);
}

// Thesis §4.2.1: the leader promotes a learner once it has caught up. The
// criterion here: its match index has reached the leader's commit index (so
// it holds everything committed when it was asked about), and the entry
// that made it a learner is committed (one change at a time). The thesis
// refines this with rounds of replication, each shorter than an election
// timeout, so that a slow learner does not hold the cluster unavailable
// after it becomes a voter; a learner that never catches up is not promoted.
void Server::promote_if_caught_up(const NodeId& learner, Effects& effects) {
  if (role_ != Role::leader || !is_learner(configuration(), learner)) return;
  if (match_index_[learner] < commit_index_) return;
  const Command promotion = Command::add(learner);
  if (!refuse_change(promotion)) append_as_leader(promotion, effects);
}

// Thesis §4.1: "The new configuration takes effect on each server as soon as
// it is added to that server's log".
void Server::configuration_appended(LogIndex index, const LogEntry& entry) {
  if (!is_configuration_change(entry.command)) return;
  configuration_ = with_change(std::move(configuration_), index, entry.command);
}

// Thesis §4.1: "a log entry for a configuration change can be removed (if
// leadership changes); in this case, a server must be prepared to fall back
// to the previous configuration in its log" — the configuration of what is left.
void Server::configuration_deleted(LogIndex from) {
  if (configuration_.index < from) return;  // the one in effect stays
  configuration_ = configuration_of(base_configuration_, base_index_, hard_.log);
}

// Thesis §4.2.2: a leader removed from the configuration "steps down once the
// Cnew entry is committed" — until then it manages the cluster, replicating
// and committing without counting itself. Its last AppendEntries tells the
// others the commit. Not a voter any more, it never starts an election.
void Server::step_down_if_removed(Effects& effects) {
  if (role_ != Role::leader || is_voter() || commit_index_ < configuration_.index) return;
  broadcast_append_entries(effects);
  role_ = Role::follower;
  leader_hint_.reset();
  effects.events.push_back(event::RemovedLeaderStepsDown{hard_.current_term, configuration_.index});
}

// Each step tells the configuration it leaves in effect, when it changed.
void Server::report_configuration(Effects& effects) {
  if (told_configuration_.index == configuration_.index &&
      told_configuration_.configuration == configuration_.configuration) {
    return;
  }
  const bool reverted = configuration_.index < told_configuration_.index;
  told_configuration_ = configuration_;
  effects.events.push_back(
      event::ConfigurationChanged{configuration_.index, configuration_.configuration, reverted});
}

// A candidate counts only the votes of voters (a learner's, or a removed
// server's, is no part of a majority) — and so does every other majority a
// server counts: pre-votes, check-quorum's servers heard, a read's round.
std::size_t Server::voters_among(const std::set<NodeId>& servers) const {
  return static_cast<std::size_t>(
      std::count_if(servers.begin(), servers.end(),
                    [&](const NodeId& id) { return raft::is_voter(configuration(), id); }));
}

bool Server::majority_of_voters(const std::set<NodeId>& servers) const {
  return voters_among(servers) >= majority(configuration().voters.size());
}

// The voters and learners of the configuration in effect, self excepted —
// and a removed server until it holds the configuration in effect: knowing
// it was removed, it never starts an election. (Otherwise a server removed
// while it was down or cut off would time out again and again, each time in
// a higher term that makes the leader step down — thesis §4.2.3's
// disruptive removed server; a removed server that does not come back gets
// AppendEntries that go nowhere, as a crashed member does.)
std::vector<NodeId> Server::replication_targets() const {
  std::vector<NodeId> targets;
  for (const NodeId& id : config_.servers) {
    if (id == config_.self) continue;
    const auto& removed = configuration_.removed;
    const bool unaware = std::find(removed.begin(), removed.end(), id) != removed.end() &&
                         (!match_index_.count(id) || match_index_.at(id) < configuration_.index);
    if (is_member(configuration(), id) || unaware) targets.push_back(id);
  }
  return targets;
}

}  // namespace consensus_lab::raft
