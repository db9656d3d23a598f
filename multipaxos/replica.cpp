// The replica as a router: it checks a message, then hands it to the role
// that answers it (the acceptor, the candidate, the master, the lease, the
// learner — each in a file of its own, see replica.h), and it alone changes
// the role.
#include "multipaxos/replica.h"

#include <algorithm>
#include <cassert>

#include "common/overloaded.h"

namespace consensus_lab::multipaxos {

Replica::Replica(Config config, ReplicaHardState restored)
    : config_(std::move(config)),
      hard_(std::move(restored)),
      membership_(config_.members, config_.timing.window) {
  assert(config_.timing.window >= 1);
  if (hard_.promised) note_ballot(*hard_.promised);
  for (const auto& [slot, proposal] : hard_.accepted) note_ballot(proposal.ballot);
  for (const auto& [slot, command] : hard_.chosen) membership_.chosen(slot, command);
  while (hard_.chosen.count(commit_.next()) != 0) commit_ = commit_.next();
}

Effects Replica::start(Millis now, RandomSource& random) {
  Effects effects;
  reset_election_timer(now, random);
  // A lease grant is not written to disk. A replica that has promised
  // anything before may have granted a master a lease just before it
  // crashed, so after a restart it helps no candidate for one lease period.
  if (hard_.promised && config_.rules.lease) restarted_until_ = now + config_.timing.lease;
  apply_chosen(effects);  // after a restart: rebuild the state machine from the chosen log
  return finish(std::move(effects));
}

Effects Replica::tick(Millis now, RandomSource& random) {
  Effects effects;
  if (master_) {
    if (now >= master_->next_heartbeat) {
      master_->next_heartbeat = now + config_.timing.heartbeat;
      heartbeat(now, effects);
      resend_unacknowledged(effects);
      master_->phase_one.asked.clear();  // a Prepare to a new member may have been lost or
      send_window(effects);              // ignored: ask again, now
      check_phase_one(now, effects, random);
    }
    return finish(std::move(effects));
  }
  if (now >= election_deadline_) {
    if (is_member(commit_.next())) return campaign(now, random);
    // Not a member of the next open slot — but perhaps of a later one, added
    // by slots it has not learned: it asks, and runs once it knows.
    reset_election_timer(now, random);
    ask_members_what_is_chosen(effects);
  }
  return finish(std::move(effects));
}

// ---- dispatch: by message, then by role ---------------------------------------------

Effects Replica::handle(Millis now, const NodeId& from, const Message& message,
                        RandomSource& random) {
  Effects effects;
  // Validated for meaning before anything changes (multipaxos/check.cpp).
  if (auto impossible = check(now, from, message)) {
    effects.refused = std::move(impossible);
    return finish(std::move(effects));
  }
  const bool campaigning = candidate_.has_value() || master_.has_value();
  std::visit(Overloaded{
                 // Every replica is an acceptor, and follows a master.
                 [&](const Prepare& m) { on_prepare(now, from, m, effects, random); },
                 [&](const Accept& m) { on_accept(now, from, m, effects, random); },
                 [&](const Heartbeat& m) { on_heartbeat(now, from, m, effects, random); },
                 // Answers to a candidate's or a master's phase 1.
                 [&](const Promise& m) {
                   if (campaigning) on_promise(now, from, m, effects);
                 },
                 [&](const Reject& m) { on_reject(now, m, effects, random); },
                 // Answers to a master's phase 2 and heartbeats.
                 [&](const Accepted& m) {
                   if (master_) on_accepted(from, m, effects);
                 },
                 [&](const HeartbeatOk& m) {
                   if (master_) on_heartbeat_ok(now, from, m, effects);
                 },
                 // Every replica is a learner.
                 [&](const CatchUp& m) { on_catch_up(from, m, effects); },
                 [&](const Chosen& m) { on_chosen(now, m, effects); },
             },
             message);
  return finish(std::move(effects));
}

// ---- role changes: only here ----------------------------------------------------------

Role Replica::role() const {
  if (master_) return Role::master;
  return candidate_ ? Role::candidate : Role::follower;
}

std::optional<Ballot> Replica::ballot() const {
  if (master_) return master_->phase_one.ballot;
  if (candidate_) return candidate_->ballot;
  return std::nullopt;
}

PhaseOne& Replica::phase_one() {
  assert(candidate_ || master_);
  return master_ ? master_->phase_one : *candidate_;
}

const PhaseOne& Replica::phase_one() const {
  assert(candidate_ || master_);
  return master_ ? master_->phase_one : *candidate_;
}

// A follower or a candidate stands, with a ballot higher than any it has seen.
void Replica::become_candidate(Millis now, RandomSource& random, Effects& effects) {
  assert(!master_);
  const Ballot ballot = paxos::next_owned_number(config_.index, config_.count, highest_seen_);
  note_ballot(ballot);
  candidate_.emplace(PhaseOne{.ballot = ballot, .from = commit_.next()});
  master_hint_.reset();
  reset_election_timer(now, random);  // no majority by then: try again, higher
  run_phase_one(now, effects);
}

// A candidate with a majority of promises: its phase 1 goes with it.
void Replica::become_master(Millis now, Effects& effects) {
  assert(candidate_ && !master_);
  master_.emplace(Master{.phase_one = std::move(*candidate_)});
  candidate_.reset();
  master_hint_ = config_.self;
  plan_recovery(effects);
  send_window(effects);
  if (!master_) return;  // a cluster of one that left the configuration
  // Announce the reign (and start the lease) at once.
  heartbeat(now, effects);
  master_->next_heartbeat = now + config_.timing.heartbeat;
  send_window(effects);
}

void Replica::become_follower(Effects& effects, Ballot higher) {
  assert(candidate_ || master_);  // a follower has nothing to step down from
  effects.events.push_back(event::SteppedDown{*ballot(), higher});
  step_down();
}

void Replica::step_down() {
  candidate_.reset();
  master_.reset();
  master_hint_.reset();
}

// ---- plumbing ---------------------------------------------------------------------------

void Replica::set_timing(const Timing& timing) {
  config_.timing = timing;
  membership_.set_window(timing.window);
}

Effects Replica::restart_election_timer(Millis now, RandomSource& random) {
  if (!master_) reset_election_timer(now, random);
  return finish(Effects{});
}

void Replica::reset_election_timer(Millis now, RandomSource& random) {
  const Timing& t = config_.timing;
  election_deadline_ = now + draw_timeout(random, t.election_timeout_min, t.election_timeout_max,
                                          config_.fixed_election_timeout);
}

void Replica::note_ballot(Ballot ballot) {
  highest_seen_ = std::max(highest_seen_, ballot);
}

std::optional<Ballot> Replica::higher_promise(Ballot ballot) const {
  if (hard_.promised && ballot < *hard_.promised) return hard_.promised;
  return std::nullopt;
}

void Replica::send_to_members(Slot slot, const Message& message, Effects& effects) const {
  for (const NodeId& peer : members_at(slot)) {
    if (peer != config_.self) effects.send.push_back({peer, message});
  }
}

// Durable before visible: the promise as it is now, and the slots this step
// accepted or learned chosen.
void Replica::persist(Effects& effects, std::optional<Slot> accepted,
                      std::optional<Slot> chosen) const {
  if (!effects.persist) effects.persist.emplace();
  Persist& p = *effects.persist;
  p.promised = hard_.promised;
  if (accepted) p.accepted[*accepted] = hard_.accepted.at(*accepted);
  if (chosen) p.chosen[*chosen] = hard_.chosen.at(*chosen);
}

void write(const Persist& persist, ReplicaHardState& disk) {
  disk.promised = persist.promised;
  for (const auto& [slot, proposal] : persist.accepted) disk.accepted[slot] = proposal;
  for (const auto& [slot, command] : persist.chosen) disk.chosen[slot] = command;
}

Effects Replica::finish(Effects effects) const {
  report_what_followed(effects);
  effects.wake_at = master_ ? master_->next_heartbeat : election_deadline_;
  return effects;
}

}  // namespace consensus_lab::multipaxos
