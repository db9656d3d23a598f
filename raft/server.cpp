#include "raft/server.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "common/overloaded.h"
#include "common/quorum.h"

namespace consensus_lab::raft {

Server::Server(Config config, RaftHardState restored)
    : config_(std::move(config)), hard_(std::move(restored)) {
  assert(std::find(config_.servers.begin(), config_.servers.end(), config_.self) !=
         config_.servers.end());  // a server is one of its cluster
  restore_snapshot();
  base_configuration_ = config_.first_configuration.value_or(Configuration{config_.servers, {}});
  rebase_configuration();  // after a snapshot: its configuration is the base
  told_configuration_ = configuration_;
}

Effects Server::start(Millis now, RandomSource& random) {
  reset_election_timer(now, random);
  return finish(Effects{});
}

Effects Server::finish(Effects effects) {
  step_down_if_removed(effects);
  report_configuration(effects);
  // Reads waiting, and the lease (raft/reads.cpp): after every step.
  if (role_ == Role::leader && config_.features.read_mode != ReadMode::log) serve_reads(effects);
  effects.wake_at = role_ == Role::leader ? next_heartbeat_ : election_deadline_;
  // A transfer is given up at its deadline (raft/transfer.cpp), not at the
  // first heartbeat after it: no TimeoutNow leaves after the deadline.
  if (role_ == Role::leader && transfer_) {
    effects.wake_at = std::min(next_heartbeat_, transfer_->deadline);
  }
  effects.persist = take_unpersisted();
  return effects;
}

// Durable before visible: the term and vote as they are now, and the log
// from where it changed on (the log changes only at its end, so all of it
// from there on) — or nothing, when nothing changed.
std::optional<Persist> Server::take_unpersisted() {
  const Unpersisted changed = std::exchange(unpersisted_, Unpersisted{});
  if (!changed.term_or_vote && !changed.log_from && !changed.snapshot) return std::nullopt;
  Persist persist{.current_term = hard_.current_term, .voted_for = hard_.voted_for};
  if (changed.snapshot) persist.snapshot = hard_.snapshot;
  if (changed.log_from) {
    // (Entries appended and then compacted in this step: the snapshot has them.)
    persist.log_from = std::max(*changed.log_from, hard_.log.base_index().next());
    persist.entries = hard_.log.entries_from(*persist.log_from);
  }
  return persist;
}

void write(const Persist& persist, RaftHardState& disk) {
  disk.current_term = persist.current_term;
  disk.voted_for = persist.voted_for;
  if (persist.snapshot) {  // the snapshot first: the log's changes come after its base
    disk.snapshot = *persist.snapshot;
    disk.log.compact_to(persist.snapshot->last_included_index,
                        persist.snapshot->last_included_term);
  }
  if (!persist.log_from) return;
  disk.log.truncate_from(*persist.log_from);
  disk.log.append(persist.entries);
}

// ---- hard state (every change noted for take_unpersisted) --------------------

void Server::set_current_term(Term term) {
  hard_.current_term = term;
  hard_.voted_for.reset();
  unpersisted_.term_or_vote = true;
}

void Server::vote_for(const NodeId& candidate) {
  hard_.voted_for = candidate;
  unpersisted_.term_or_vote = true;  // durable before the vote leaves
}

void Server::append_to_log(LogEntry entry) {
  const LogIndex index = hard_.log.append(std::move(entry));
  unpersisted_.log_changed_at(index);
  configuration_appended(index, hard_.log.entry(index));
}

std::size_t Server::delete_log_from(LogIndex index) {
  unpersisted_.log_changed_at(index);
  const std::size_t deleted = hard_.log.truncate_from(index);
  configuration_deleted(index);
  return deleted;
}

// ---- timers -----------------------------------------------------------------------

// notes, 随机超时时间: "心跳信息超时的时间间隔，是随机的" — "the heartbeat timeout is
// random": each reset draws a new one.
void Server::reset_election_timer(Millis now, RandomSource& random) {
  const Timing& t = config_.timing;
  election_deadline_ = now + draw_timeout(random, t.election_timeout_min, t.election_timeout_max,
                                          config_.fixed_election_timeout);
}

Effects Server::restart_election_timer(Millis now, RandomSource& random) {
  if (role_ != Role::leader) reset_election_timer(now, random);
  return finish(Effects{});
}

bool Server::is_peer(const NodeId& id) const {
  return id != config_.self &&
         std::find(config_.servers.begin(), config_.servers.end(), id) != config_.servers.end();
}

Effects Server::tick(Millis now, RandomSource& random) {
  Effects effects;
  if (role_ == Role::leader) {
    check_transfer_deadline(now, effects);
    if (!check_quorum_holds(now, effects, random)) return finish(std::move(effects));
    if (now >= next_heartbeat_) {
      // notes, 选举的规则: "领导者发送心跳消息…阻止跟随者发起新的选举" — "the leader
      // sends heartbeats … so that followers start no new election".
      start_round(now);  // each heartbeat is a round reads can count (raft/reads.cpp)
      broadcast_append_entries(effects);
      next_heartbeat_ = now + config_.timing.heartbeat;
    }
  } else if (now >= election_deadline_) {
    start_election(now, random, effects);
  }
  return finish(std::move(effects));
}

Effects Server::timeout(Millis now, RandomSource& random) {
  Effects effects;
  if (role_ != Role::leader) start_election(now, random, effects);
  return finish(std::move(effects));
}

// ---- role changes (only here) ---------------------------------------------------

// From any role, into a term at least the current one — and a leader only
// into a later term: "a leader stays leader within its term" (at most one
// leader per term, and it does not give its term up) — except under
// check-quorum (thesis §6.2), where a leader that heard from no majority
// steps down in its own term (lost_quorum): it leads no more, and nobody else
// leads that term either, since it already does.
void Server::become_follower(Term term, Effects& effects, [[maybe_unused]] bool lost_quorum) {
  assert(term >= hard_.current_term);
  assert(role_ != Role::leader || term > hard_.current_term || lost_quorum);
  if (role_ == Role::leader) refuse_pending_reads(effects);  // raft/reads.cpp
  if (term > hard_.current_term) {
    effects.events.push_back(event::TermRaised{hard_.current_term, term});
    set_current_term(term);
    leader_hint_.reset();  // whoever led the old term does not lead this one
    heard_from_leader_at_.reset();
  }
  role_ = Role::follower;
  votes_.clear();
  pre_votes_.clear();
  transfer_.reset();
}

// ---- messages --------------------------------------------------------------------

Effects Server::handle(Millis now, const NodeId& from, const Message& message,
                       RandomSource& random) {
  // First of all: a message no server following the protocol could have sent
  // changes nothing (raft/validate.cpp).
  if (auto reason = check(from, message)) return Effects{.refused = std::move(reason)};
  Effects effects;
  if (handle_before_shared_rules(now, from, message, effects, random)) {
    return finish(std::move(effects));
  }
  const Term term = std::visit([](const auto& m) { return m.term; }, message);

  // Shared rule 1 — notes, 任期: "如果一个节点，发现自己的任期编号比其他节点小，那么它
  // 会更新自己的编号到较大的编号值" and "如果一个候选人或者领导者，发现自己的任期编号比
  // 其他节点小，那么它会立即恢复成跟随者状态" (a higher term makes any role a follower).
  if (term > hard_.current_term) {
    const bool stepping_down = role_ != Role::follower;
    become_follower(term, effects);
    if (stepping_down) reset_election_timer(now, random);
  }
  // Shared rule 2 — notes, 任期: "如果一个节点接收到一个包含较小的任期编号值的请求，那么
  // 它会直接拒绝这个请求" (a request from an older term is refused).
  if (term < hard_.current_term) {
    refuse_stale(from, message, term, effects);
    return finish(std::move(effects));
  }

  std::visit(
      Overloaded{
          [&](const RequestVote& m) { on_request_vote(now, from, m, effects, random); },
          [&](const Vote& m) { on_vote(now, from, m, effects); },
          [&](const AppendEntries& m) { on_append_entries(now, from, m, effects, random); },
          [&](const AppendReply& m) { on_append_reply(from, m, effects); },
          [&](const PreVote&) {},       // handle_before_shared_rules took it
          [&](const PreVoteReply&) {},  // a refusal: only its term mattered
          [&](const TimeoutNow&) { on_timeout_now(now, from, effects, random); },
          [&](const InstallSnapshot& m) { on_install_snapshot(now, from, m, effects, random); },
          [&](const SnapshotReply& m) { on_snapshot_reply(from, m, effects); },
          [&](const Removed&) {},  // handle_before_shared_rules took it
      },
      message);
  start_waiting_read_round(now, effects);
  return finish(std::move(effects));
}

// A request of an older term is answered "no" in this term (its sender steps
// down when the answer arrives); a reply of an older term is dropped.
void Server::refuse_stale(const NodeId& from, const Message& message, Term term,
                          Effects& effects) const {
  effects.events.push_back(event::StaleRefused{term, hard_.current_term});
  if (std::holds_alternative<RequestVote>(message)) {
    effects.send.push_back({from, Vote{.term = hard_.current_term, .vote_granted = false}});
  } else if (std::holds_alternative<AppendEntries>(message)) {
    // Refused for its term alone: no index of the sender's log is in question.
    effects.send.push_back({from, AppendReply{.term = hard_.current_term,
                                              .success = false,
                                              .last_log_index = last_log_index()}});
  } else if (const auto* install = std::get_if<InstallSnapshot>(&message)) {
    // Figure 13, receiver 1: "Reply immediately if term < currentTerm".
    effects.send.push_back(
        {from, SnapshotReply{.term = hard_.current_term,
                             .last_included_index = install->last_included_index}});
  }
}

// notes, 如何实现日志的一致: "领导者通过日志复制 RPC 的一致性检查，找到跟随者节点上，与
// 自己相同日志项的最大索引值…领导者强制跟随者更新覆盖的不一致日志项".
void Server::on_append_entries(Millis now, const NodeId& from, const AppendEntries& m,
                               Effects& effects, RandomSource& random) {
  assert(m.term == hard_.current_term);  // the shared rules came first
  // Entries up to the base are in this server's snapshot: committed, and so
  // (Leader Completeness) the leader's too. The check starts at the base.
  if (m.prev_log_index < hard_.log.base_index()) {
    return on_append_entries(now, from, after_base(m), effects, random);
  }
  if (role_ == Role::candidate || role_ == Role::pre_candidate) {
    become_follower(m.term, effects);  // a leader of my term exists
  }
  leader_hint_ = m.leader_id;
  heard_from_leader_at_ = now;  // check-quorum's lease starts again (in_lease)
  removed_at_.reset();          // a leader speaks to it: no longer told it was removed
  reset_election_timer(now, random);

  // ---- Consistency check ---------------------------------------------------
  // The consistency check on (prev index, prev term) — Figure 2, receiver 2.
  const bool missing = m.prev_log_index > last_log_index();
  const bool mismatch = !missing && config_.rules.log_consistency_check &&
                        !hard_.log.matches(m.prev_log_index, m.prev_log_term);
  // --------------------------------------------------------------------------
  if (missing || mismatch) {
    effects.events.push_back(event::AppendRefused{m.prev_log_index, m.prev_log_term, missing});
    effects.send.push_back({from, AppendReply{.term = hard_.current_term,
                                              .success = false,
                                              .refused_prev_index = m.prev_log_index,
                                              .last_log_index = last_log_index(),
                                              .round = m.round}});
    return;
  }
  const LogIndex last_new = store_entries(m, effects);
  effects.send.push_back({from, AppendReply{.term = hard_.current_term,
                                            .success = true,
                                            .match_index = last_new,
                                            .last_log_index = last_log_index(),
                                            .round = m.round}});
  // Receiver 5: "If leaderCommit > commitIndex, set commitIndex =
  // min(leaderCommit, index of last new entry)" — notes, 复制日志: followers
  // learn what is committed from the next message ("额外通过其他时候的日志复制 RPC
  // 消息或心跳消息告知").
  if (m.leader_commit > commit_index_) commit_up_to(std::min(m.leader_commit, last_new), effects);
}

// Figure 2, receivers 3 and 4: "If an existing entry conflicts with a new one
// (same index but different terms), delete the existing entry and all that
// follow it. Append any new entries not already in the log." The index of the
// last new entry is returned.
LogIndex Server::store_entries(const AppendEntries& m, Effects& effects) {
  LogIndex index = m.prev_log_index;
  std::optional<LogIndex> first_stored;
  std::size_t stored = 0;
  for (const LogEntry& entry : m.entries) {
    index = index.next();
    if (index <= last_log_index()) {
      // ---- Conflict deletion -----------------------------------------------
      if (hard_.log.term_at(index) == entry.term) continue;  // already there
      effects.events.push_back(event::ConflictDeleted{index, delete_log_from(index)});
      // ----------------------------------------------------------------------
    }
    append_to_log(entry);  // durable before the reply
    if (!first_stored) first_stored = index;
    ++stored;
  }
  if (first_stored) effects.events.push_back(event::EntriesStored{*first_stored, stored});
  return index;
}

// ---- commit, and apply to the state machine ----------------------------------------

void Server::commit_up_to(LogIndex index, Effects& effects) {
  index = std::min(index, last_log_index());  // only what is in the log
  while (commit_index_ < index) {
    commit_index_ = commit_index_.next();
    effects.events.push_back(event::Committed{commit_index_, hard_.log.entry(commit_index_)});
  }
  apply_committed(effects);
}

// Figure 2, rules for all servers: "If commitIndex > lastApplied: increment
// lastApplied, apply log[lastApplied] to state machine" — committed commands
// apply in order, each once.
void Server::apply_committed(Effects& effects) {
  while (last_applied_ < commit_index_) {
    last_applied_ = last_applied_.next();
    const Command& command = hard_.log.entry(last_applied_).command;
    const bool fresh = store_.apply(command);
    std::optional<std::string> value;
    if (command.kind == Command::Kind::read) value = store_.get(command.key);
    effects.events.push_back(event::Applied{last_applied_, command, !fresh, value});
  }
  // Paper §7: "Servers take snapshots independently" — here once
  // features.snapshot_every entries were applied since the last one.
  const std::size_t every = config_.features.snapshot_every;
  if (every > 0 && last_applied_.value - hard_.log.base_index().value >= every) compact(effects);
}

// ---- scenario set-up ----------------------------------------------------------------

// (After a snapshot, the terms are those of the entries after its base.)
Effects Server::set_log(const std::vector<Term>& terms) {
  delete_log_from(hard_.log.base_index().next());
  for (const Term term : terms) append_to_log(LogEntry{term, Command::noop()});
  commit_index_ = std::clamp(commit_index_, hard_.log.base_index(), last_log_index());
  last_applied_ = std::clamp(last_applied_, hard_.log.base_index(), last_log_index());
  return set_up(std::max(last_log_term(), hard_.current_term), terms);
}

Effects Server::set_term(Term term) {
  return set_up(term, std::nullopt);
}

// The set-up's term: a follower in a later term, or a lower term as it is
// (a scenario may lower it: no protocol step). Told as set-up, not as a term
// seen in a message.
Effects Server::set_up(Term term, std::optional<std::vector<Term>> log) {
  Effects effects, seen;
  if (term > hard_.current_term) {
    become_follower(term, seen);
  } else if (term < hard_.current_term) {
    set_current_term(term);
  }
  effects.events.push_back(event::SetUp{hard_.current_term, std::move(log)});
  return finish(std::move(effects));
}

}  // namespace consensus_lab::raft
