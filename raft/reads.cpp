// Reads without a log entry (Ongaro's thesis §6.4 and §6.4.1; etcd-io/raft's
// ReadOnlySafe and ReadOnlyLeaseBased). A read through the log (read mode
// `log`, the paper's way) costs a log entry, a disk write on a majority and a
// round of messages. The thesis' ReadIndex (读索引) keeps the round but drops
// the entry:
//
//   1. "If the leader has not yet marked an entry from its current term
//      committed, it waits until it has done so." Then it "saves its current
//      commit index in a local variable readIndex".
//   2. "The leader needs to make sure it hasn't been superseded by a newer
//      leader of which it is unaware. It issues a new round of heartbeats and
//      waits for their acknowledgments from a majority of the cluster."
//   3. "The leader waits for its state machine to advance at least as far as
//      the readIndex."
//   4. "The leader issues the query against its state machine and replies to
//      the client with the results."
//
// Why this is linearizable: a read answers with the state at its read index.
// Everything committed before the read arrived is at or below it — in an
// earlier term, it is in this leader's log (Leader Completeness) and below
// the entry of its own term that committed (step 1); in this term, this
// leader committed it itself. And nothing was committed by a later leader
// before the read arrived: a majority acknowledged a round that started after
// the read arrived, still in this leader's term, and any majority that
// elected a later leader shares a server with it — which would have been in
// the later term, and refused the round, had it voted first.
//
// The lease (领导者租约, §6.4.1) skips step 2 for a while: a round a majority
// acknowledged was sent at time t; those servers reset their election timers
// when it arrived, after t, so — if they also refuse to vote while they hear
// from a leader (check-quorum's vote refusal, thesis §6.2) — no other leader
// is elected before t + the minimum election timeout, shortened here by the
// stated clock drift. Without that vote refusal a lease is NOT safe: a
// candidate whose timer fired gets the votes of servers that just heard from
// the leader, and the old leader serves stale reads under its lease.
#include <algorithm>
#include <cassert>
#include <utility>
#include <vector>

#include "common/quorum.h"
#include "raft/server.h"

namespace consensus_lab::raft {

using event::ReadRefused;

Effects Server::read(Millis now, const ReadRequest& request) {
  Effects effects;
  const ReadMode mode = config_.features.read_mode;
  if (role_ != Role::leader || mode == ReadMode::log) {
    const auto reason =
        role_ != Role::leader ? ReadRefused::Reason::not_leader : ReadRefused::Reason::log_mode;
    effects.events.push_back(ReadRefused{request.id, request.key, reason, leader_hint_});
    return finish(std::move(effects));
  }
  // §6.4.1: under the lease, no round — still only after an entry of this
  // term committed, and once applied.
  if (lease_holds(now) && may_set_read_index() && last_applied_ >= commit_index_) {
    effects.events.push_back(event::ReadStarted{request.id, request.key, commit_index_, 0});
    effects.events.push_back(event::ReadAnswered{request.id, request.key, store_.get(request.key),
                                                 commit_index_, event::ReadWay::lease});
    return finish(std::move(effects));
  }
  // Step 2: a round that starts after the read arrived — a new one: a round
  // sent before, even at the same millisecond, may have been acknowledged
  // before the read arrived. (Reads waiting share the acknowledgments: one
  // of a later round confirms every earlier one.) While a round started for
  // reads is unconfirmed, the read waits for the next one (raft/read_batching.cpp).
  PendingRead pending{request, std::nullopt, 0};
  if (may_set_read_index()) pending.read_index = commit_index_;  // step 1
  const bool batched = read_round_ > confirmed_round_;
  pending_reads_.push_back(pending);
  if (!batched) start_read_round(now);
  effects.events.push_back(event::ReadStarted{request.id, request.key, pending.read_index,
                                              pending_reads_.back().round, batched});
  if (!batched) broadcast_append_entries(effects);
  return finish(std::move(effects));
}

void Server::start_round(Millis now) {
  assert(role_ == Role::leader);
  round_started_[++round_] = now;
  for (PendingRead& pending : pending_reads_) {
    if (pending.round == 0) pending.round = round_;  // it arrived before this round started
  }
}

// Step 1, the new leader's rule.
bool Server::may_set_read_index() const {
  // ---- Read after own-term commit ------------------------------------------
  // Thesis §6.4: "If the leader has not yet marked an entry from its current
  // term committed, it waits until it has done so. The Leader Completeness
  // Property guarantees that a leader has all committed entries, but at the
  // start of its term, it may not know which those are." — 新领导者在本任期的
  // 日志项提交之前，不知道哪些日志项已经提交。Off, a new leader whose commit
  // index lags behind its predecessor's answers with a value older than a
  // write the client already saw acknowledged.
  if (!config_.rules.read_after_own_term_commit) return true;
  return commit_index_.value > 0 && hard_.log.term_at(commit_index_) == hard_.current_term;
  // --------------------------------------------------------------------------
}

bool Server::lease_holds(Millis now) const {
  return config_.features.read_mode == ReadMode::lease && lease_until_ && now < *lease_until_;
}

// Step 2: the highest round a majority — the leader included, which is in
// its latest round — has acknowledged. In lease mode the lease runs from the
// time that round was sent.
void Server::confirm_rounds(Effects& effects) {
  std::vector<std::uint64_t> acked;
  for (const NodeId& server : configuration().voters) {  // a majority of voters
    const auto it = acked_round_.find(server);
    acked.push_back(server == config_.self ? round_ : it == acked_round_.end() ? 0 : it->second);
  }
  const std::uint64_t confirmed = highest_index_of_majority(acked);
  if (confirmed <= confirmed_round_) return;
  const auto started = round_started_.find(confirmed);
  std::optional<Millis> lease;
  if (config_.features.read_mode == ReadMode::lease && started != round_started_.end()) {
    // §6.4.1: "the leader would use … the minimum election timeout", less a
    // bound on clock drift.
    const unsigned drift = std::min(config_.features.clock_drift_percent, 100U);
    lease = started->second + config_.timing.election_timeout_min * (100 - drift) / 100;
    lease_until_ = std::max(lease_until_.value_or(0), *lease);
  }
  const bool waited = std::any_of(pending_reads_.begin(), pending_reads_.end(),
                                  [&](const PendingRead& r) { return r.round <= confirmed; });
  if (waited) effects.events.push_back(event::RoundConfirmed{confirmed, lease});
  confirmed_round_ = confirmed;
  round_started_.erase(round_started_.begin(), round_started_.upper_bound(confirmed));
}

// Steps 1 (deferred), 3 and 4 for every read waiting, in the order they came.
void Server::serve_reads(Effects& effects) {
  if (role_ != Role::leader) return;
  confirm_rounds(effects);
  for (auto it = pending_reads_.begin(); it != pending_reads_.end();) {
    if (!it->read_index && may_set_read_index()) {
      it->read_index = commit_index_;
      effects.events.push_back(event::ReadIndexSet{it->request.id, commit_index_});
    }
    // (Round 0: waiting for the next round, not started yet.)
    if (!it->read_index || it->round == 0 || it->round > confirmed_round_ ||
        last_applied_ < *it->read_index) {
      ++it;
      continue;
    }
    const ReadRequest& request = it->request;
    effects.events.push_back(event::ReadAnswered{request.id, request.key, store_.get(request.key),
                                                 *it->read_index, event::ReadWay::read_index});
    it = pending_reads_.erase(it);
  }
}

// A leader that steps down answers none of its reads: a later leader may
// have committed writes it never saw. Its rounds and lease end with it.
void Server::refuse_pending_reads(Effects& effects) {
  for (const PendingRead& pending : pending_reads_) {
    effects.events.push_back(ReadRefused{pending.request.id, pending.request.key,
                                         ReadRefused::Reason::stepped_down, std::nullopt});
  }
  pending_reads_.clear();
  read_round_ = 0;
  round_started_.clear();
  acked_round_.clear();
  confirmed_round_ = 0;
  lease_until_.reset();
}

}  // namespace consensus_lab::raft
