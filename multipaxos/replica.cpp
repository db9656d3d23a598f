#include "multipaxos/replica.h"

#include <algorithm>

#include "common/overloaded.h"

namespace consensus_lab::multipaxos {

Replica::Replica(Config config, ReplicaHardState restored)
    : config_(std::move(config)), hard_(std::move(restored)) {
  if (hard_.promised) note_ballot(*hard_.promised);
  for (const auto& [slot, proposal] : hard_.accepted) note_ballot(proposal.ballot);
  for (const auto& [slot, command] : hard_.chosen) {
    if (is_membership_change(command)) membership_[slot] = command;
  }
  while (hard_.chosen.count(commit_.next()) != 0) commit_ = commit_.next();
}

Effects Replica::start(Millis now, RandomSource& random) {
  Effects effects;
  reset_election_timer(now, random);
  // A lease grant is not written to disk. A replica that has promised
  // anything before may have granted a master a lease just before it
  // crashed, so after a restart it helps no candidate for one lease period.
  if (hard_.promised && config_.rules.lease) {
    lease_holder_ = NodeId{};  // unknown: whoever it was
    lease_granted_until_ = now + config_.timing.lease;
  }
  apply_chosen(effects);  // after a restart: rebuild the state machine from the chosen log
  return finish(std::move(effects));
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

void apply(const Persist& persist, ReplicaHardState& disk) {
  disk.promised = persist.promised;
  for (const auto& [slot, proposal] : persist.accepted) disk.accepted[slot] = proposal;
  for (const auto& [slot, command] : persist.chosen) disk.chosen[slot] = command;
}

Effects Replica::finish(Effects effects) const {
  effects.wake_at = role_ == Role::master ? next_heartbeat_ : election_deadline_;
  return effects;
}

void Replica::reset_election_timer(Millis now, RandomSource& random) {
  const Timing& t = config_.timing;
  election_deadline_ = now + draw_timeout(random, t.election_timeout_min, t.election_timeout_max,
                                          config_.fixed_election_timeout);
}

Effects Replica::restart_election_timer(Millis now, RandomSource& random) {
  if (role_ != Role::master) reset_election_timer(now, random);
  return finish(Effects{});
}

void Replica::note_ballot(Ballot ballot) {
  highest_seen_ = std::max(highest_seen_, ballot);
}

Effects Replica::tick(Millis now, RandomSource& random) {
  Effects effects;
  if (role_ == Role::master) {
    if (now >= next_heartbeat_) {
      send_to_members(next_slot_, Heartbeat{*ballot_, commit_, now}, effects);
      resend_unacknowledged(effects);
      prepared_.clear();     // a Prepare to a new member may have been lost or ignored:
      send_window(effects);  // ask again, now
      next_heartbeat_ = now + config_.timing.heartbeat;
    }
    return finish(std::move(effects));
  }
  if (now >= election_deadline_) {
    if (is_member(commit_.next())) return campaign(now, random);
    reset_election_timer(now, random);  // not a member (yet): nothing to run for
  }
  return finish(std::move(effects));
}

// ---- election: Basic Paxos phase 1 over every open slot ---------------------

Effects Replica::campaign(Millis now, RandomSource& random) {
  Effects effects;
  if (role_ == Role::master || !is_member(commit_.next())) return finish(std::move(effects));
  // A replica that has granted a master a lease does not run against it
  // either (it would be helping itself): it waits until the grant ends.
  if (config_.rules.lease && lease_holder_ && now < lease_granted_until_) {
    effects.events.push_back(event::CampaignDeferred{*lease_holder_, lease_granted_until_});
    election_deadline_ = lease_granted_until_;
    return finish(std::move(effects));
  }
  role_ = Role::candidate;
  ballot_ = paxos::next_owned_number(config_.index, config_.count, highest_seen_);
  note_ballot(*ballot_);
  campaign_from_ = commit_.next();  // the first slot not known to be chosen
  promises_.clear();
  prepared_.clear();
  master_hint_.reset();

  // The candidate's own acceptor promises first (durable before the Prepare leaves).
  hard_.promised = ballot_;
  persist(effects);
  auto& own = promises_[config_.self];
  for (auto it = hard_.accepted.lower_bound(campaign_from_); it != hard_.accepted.end(); ++it) {
    own.push_back(*it);
  }
  send_to_members(campaign_from_, Prepare{*ballot_, campaign_from_}, effects);
  effects.events.push_back(event::CampaignStarted{*ballot_, campaign_from_});
  reset_election_timer(now, random);  // no majority by then: try again, higher
  if (promises_.size() >= majority_at(campaign_from_)) become_master(now, effects);
  return finish(std::move(effects));
}

void Replica::on_prepare(Millis now, const NodeId& from, const Prepare& m, Effects& effects,
                         RandomSource& random) {
  note_ballot(m.ballot);
  // Chubby's lease: while this replica has granted the master a lease, it
  // does not help anyone else become master.
  if (config_.rules.lease && lease_holder_ && *lease_holder_ != from &&
      now < lease_granted_until_) {
    effects.events.push_back(
        event::PrepareIgnoredForLease{m.ballot, *lease_holder_, lease_granted_until_});
    return;
  }
  // Nor does a master that holds its own lease: it is alive and in charge
  // (say, a replica cut off for a while comes back and campaigns).
  if (config_.rules.lease && role_ == Role::master && now < lease_until_) {
    effects.events.push_back(event::PrepareIgnoredForLease{m.ballot, config_.self, lease_until_});
    return;
  }
  // Promise 1, as in Basic Paxos, but with a Reject, so that a master or
  // candidate learns it has been overtaken. One difference: a Prepare for the
  // very ballot already promised is answered again. Here a replica may have
  // promised a ballot without a Prepare — by accepting that master's Accept or
  // heartbeat — and a master that needs a majority of a new configuration
  // must still hear what the replica accepted. Answering the same ballot twice
  // promises nothing new.
  if (hard_.promised && m.ballot < *hard_.promised) {
    effects.send.push_back({from, Reject{m.ballot, *hard_.promised}});
    effects.events.push_back(event::PrepareRefused{m.ballot, *hard_.promised});
    return;
  }
  if (role_ != Role::follower) become_follower(effects, m.ballot);
  hard_.promised = m.ballot;
  persist(effects);
  // Promise 3, for every slot from m.from on: report what was accepted there.
  Promise promise{m.ballot, m.from, {}};
  for (auto it = hard_.accepted.lower_bound(m.from); it != hard_.accepted.end(); ++it) {
    promise.accepted.push_back(*it);
  }
  effects.events.push_back(event::PromiseGranted{m.ballot, from, promise.accepted.size()});
  effects.send.push_back({from, std::move(promise)});
  master_hint_.reset();
  reset_election_timer(now, random);  // give the candidate time to finish
}

void Replica::on_promise(Millis now, const NodeId& from, const Promise& m, Effects& effects) {
  if (role_ == Role::follower || !ballot_ || m.ballot != *ballot_) return;
  promises_[from] = m.accepted;
  if (role_ == Role::master) {
    send_window(effects);  // a later configuration's majority may be complete now
    return;
  }
  if (promised_count(campaign_from_) >= majority_at(campaign_from_)) become_master(now, effects);
}

std::size_t Replica::promised_count(Slot slot) const {
  std::size_t count = 0;
  for (const NodeId& member : members_at(slot)) count += promises_.count(member);
  return count;
}

void Replica::become_master(Millis now, Effects& effects) {
  role_ = Role::master;
  master_hint_ = config_.self;
  in_flight_.clear();
  heartbeat_oks_.clear();
  lease_until_ = 0;

  // Paxos Made Simple §3: in every open slot, the value of the highest-numbered
  // proposal any promise reported; a gap below the highest such slot gets noop.
  std::map<Slot, SlotProposal> highest;
  Slot last = commit_;
  for (const auto& [replica, accepted] : promises_) {
    for (const auto& [slot, proposal] : accepted) {
      auto [it, fresh] = highest.try_emplace(slot, proposal);
      if (!fresh && proposal.ballot > it->second.ballot) it->second = proposal;
      last = std::max(last, slot);
    }
  }
  for (auto it = hard_.chosen.lower_bound(campaign_from_); it != hard_.chosen.end(); ++it) {
    last = std::max(last, it->first);
  }
  std::vector<std::pair<Slot, Command>> plan;
  std::size_t reproposed = 0, filled = 0;
  for (Slot slot = campaign_from_; slot <= last; slot = slot.next()) {
    if (const auto known = hard_.chosen.find(slot); known != hard_.chosen.end()) {
      plan.emplace_back(slot, known->second);  // chosen already: the same value again
      ++reproposed;
    } else if (const auto reported = highest.find(slot); reported != highest.end()) {
      plan.emplace_back(slot, reported->second.command);
      ++reproposed;
    } else {
      plan.emplace_back(slot, Command::noop());
      ++filled;
    }
  }
  next_slot_ = last.next();
  effects.events.push_back(
      event::BecameMaster{*ballot_, campaign_from_, reproposed, filled, next_slot_});
  for (const auto& [slot, command] : plan) propose(slot, command, effects, /*from_client=*/false);
  // Announce the reign (and start the lease) at once.
  send_to_members(next_slot_, Heartbeat{*ballot_, commit_, now}, effects);
  next_heartbeat_ = now + config_.timing.heartbeat;
  send_window(effects);
}

void Replica::become_follower(Effects& effects, Ballot higher) {
  if (role_ != Role::follower && ballot_) {
    effects.events.push_back(event::SteppedDown{*ballot_, higher});
  }
  role_ = Role::follower;
  ballot_.reset();
  in_flight_.clear();
  promises_.clear();
  prepared_.clear();
  heartbeat_oks_.clear();
  lease_until_ = 0;
  master_hint_.reset();
}

void Replica::on_reject(Millis now, const Reject& m, Effects& effects, RandomSource& random) {
  note_ballot(m.promised);
  // "Someone promised a higher number": the skipping of phase 1 is over. A
  // rejection never counts as an acceptance.
  if (role_ != Role::follower && ballot_ && m.ballot == *ballot_ && m.promised > *ballot_) {
    become_follower(effects, m.promised);
    reset_election_timer(now, random);  // give the newer master time to be heard
  }
}

// ---- steady state: phase 2 only ---------------------------------------------

Effects Replica::submit(Millis now, const Command& command) {
  return submit_all(now, {command});
}

Effects Replica::submit_all(Millis /*now*/, const std::vector<Command>& commands) {
  Effects effects;
  if (role_ != Role::master) return finish(std::move(effects));
  for (const Command& command : commands) {
    const Slot slot = next_slot_;
    next_slot_ = next_slot_.next();
    effects.events.push_back(event::CommandProposed{slot, command});
    propose(slot, command, effects, /*from_client=*/true);
  }
  send_window(effects);
  return finish(std::move(effects));
}

// Plan a command for a slot. Its value is settled, and accepted by the
// master's own acceptor, only when the slot is sent (send_window).
void Replica::propose(Slot slot, const Command& command, Effects& effects, bool from_client) {
  in_flight_[slot] = InFlight{command, {}, false, 0, from_client};
  send_window(effects);
}

void Replica::send_window(Effects& effects) {
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    const Slot slot = it->first;
    InFlight& flight = it->second;
    // At most `window` slots beyond the highest contiguous chosen slot: so the
    // members for every slot in flight are already known (see Timing::window).
    if (slot.value > commit_.value + config_.timing.window) break;
    if (flight.sent) {
      ++it;
      continue;
    }
    // Phase 1 must have reached a majority of THIS slot's members: after a
    // membership change they are not the ones the election counted.
    if (promised_count(slot) < majority_at(slot)) {
      request_promises(slot, effects);
      break;
    }
    settle(slot, flight, effects);
    send_to_members(slot, Accept{*ballot_, slot, flight.command, commit_}, effects);
    flight.sent = true;
    if (flight.accepted_by.size() >= majority_at(slot)) {  // a cluster of one
      const Command command = flight.command;
      it = in_flight_.erase(it);
      learn(slot, command, effects);
      continue;
    }
    ++it;
  }
}

// The value for `slot`: chosen already, or the highest-numbered one reported
// by the promises, or what was planned. A client command displaced by a
// reported value moves to a new slot at the end.
void Replica::settle(Slot slot, InFlight& flight, Effects& effects) {
  std::optional<SlotProposal> highest;
  for (const auto& [replica, accepted] : promises_) {
    for (const auto& [reported_slot, proposal] : accepted) {
      if (reported_slot == slot && (!highest || proposal.ballot > highest->ballot)) {
        highest = proposal;
      }
    }
  }
  Command value = flight.command;
  if (const auto known = hard_.chosen.find(slot); known != hard_.chosen.end()) {
    value = known->second;
  } else if (highest) {
    value = highest->command;
  }
  if (flight.from_client && !(value == flight.command)) {
    const Slot moved = next_slot_;
    next_slot_ = next_slot_.next();
    in_flight_[moved] = InFlight{flight.command, {}, false, 0, true};
    effects.events.push_back(event::CommandProposed{moved, flight.command});
  }
  flight.command = value;
  hard_.accepted[slot] = SlotProposal{*ballot_, value};  // the master's own acceptor
  persist(effects, slot);
  effects.events.push_back(event::SlotAccepted{slot, *ballot_, value});
  flight.accepted_by = {config_.self};
}

void Replica::request_promises(Slot slot, Effects& effects) {
  for (const NodeId& member : members_at(slot)) {
    if (promises_.count(member) != 0 || prepared_.count(member) != 0) continue;
    prepared_.insert(member);
    effects.send.push_back({member, Prepare{*ballot_, campaign_from_}});
  }
}

// Messages get lost: an Accept still unanswered after a whole heartbeat
// interval is sent again to the members that have not accepted it yet.
void Replica::resend_unacknowledged(Effects& effects) {
  for (auto& [slot, flight] : in_flight_) {
    if (!flight.sent) break;
    if (++flight.heartbeats_waited < 2) continue;
    flight.heartbeats_waited = 0;
    for (const NodeId& peer : members_at(slot)) {
      if (flight.accepted_by.count(peer) == 0) {
        effects.send.push_back({peer, Accept{*ballot_, slot, flight.command, commit_}});
      }
    }
  }
}

void Replica::send_to_members(Slot slot, const Message& message, Effects& effects) const {
  for (const NodeId& peer : members_at(slot)) {
    if (peer != config_.self) effects.send.push_back({peer, message});
  }
}

std::vector<NodeId> members_at(Slot slot, std::vector<NodeId> members,
                               const std::map<Slot, Command>& changes, std::size_t window) {
  for (const auto& [chosen_slot, command] : changes) {
    if (chosen_slot.value + window > slot.value) break;
    const auto it = std::find(members.begin(), members.end(), command.key);
    if (command.kind == Command::Kind::add_replica && it == members.end()) {
      members.push_back(command.key);
    } else if (command.kind == Command::Kind::remove_replica && it != members.end()) {
      members.erase(it);
    }
  }
  return members;
}

bool is_membership_change(const Command& command) {
  return command.kind == Command::Kind::add_replica ||
         command.kind == Command::Kind::remove_replica;
}

std::vector<NodeId> Replica::members_at(Slot slot) const {
  return multipaxos::members_at(slot, config_.members, membership_, config_.timing.window);
}

bool Replica::is_member(Slot slot) const {
  const auto members = members_at(slot);
  return std::find(members.begin(), members.end(), config_.self) != members.end();
}

void Replica::on_accept(Millis now, const NodeId& from, const Accept& m, Effects& effects,
                        RandomSource& random) {
  note_ballot(m.ballot);
  // ---- Skipping Prepare stops on a Reject -----------------------------------
  // notes, 优化 Basic Paxos 执行: "当领导者处于稳定状态时，省掉准备阶段，直接进入接受
  // 阶段" — "while the leader is stable, skip the prepare phase and go straight
  // to the accept phase". Stable ends when a replica has promised a higher
  // ballot: promise 2, per slot — no acceptance below the ballot promised, and
  // the promise made for one slot holds for every later slot too. The Reject
  // makes the old master step down (on_reject).
  if (config_.rules.skip_prepare_stops_on_reject && hard_.promised && m.ballot < *hard_.promised) {
    effects.send.push_back({from, Reject{m.ballot, *hard_.promised}});
    effects.events.push_back(event::AcceptRefused{m.slot, m.ballot, *hard_.promised});
    return;
  }
  if (role_ != Role::follower && (!ballot_ || m.ballot > *ballot_)) {
    become_follower(effects, m.ballot);
  }
  if (!hard_.promised || m.ballot > *hard_.promised) hard_.promised = m.ballot;
  hard_.accepted[m.slot] = SlotProposal{m.ballot, m.command};
  persist(effects, m.slot);
  effects.send.push_back({from, Accepted{m.ballot, m.slot}});
  effects.events.push_back(event::SlotAccepted{m.slot, m.ballot, m.command});
  master_hint_ = from;
  grant_lease(now, from);
  reset_election_timer(now, random);
  learn_up_to(m.commit, m.ballot, from, effects);
}

void Replica::on_accepted(const NodeId& from, const Accepted& m, Effects& effects) {
  if (role_ != Role::master || !ballot_ || m.ballot != *ballot_) return;
  const auto it = in_flight_.find(m.slot);
  if (it == in_flight_.end()) return;  // chosen already
  const auto members = members_at(m.slot);
  if (std::find(members.begin(), members.end(), from) == members.end()) return;
  it->second.accepted_by.insert(from);
  if (it->second.accepted_by.size() < majority_at(m.slot)) return;
  const Command command = it->second.command;
  in_flight_.erase(it);
  learn(m.slot, command, effects);
  send_window(effects);
}

// ---- heartbeats, lease, commit index -----------------------------------------

void Replica::grant_lease(Millis now, const NodeId& master) {
  if (!config_.rules.lease) return;
  lease_holder_ = master;
  lease_granted_until_ = now + config_.timing.lease;
}

void Replica::on_heartbeat(Millis now, const NodeId& from, const Heartbeat& m, Effects& effects,
                           RandomSource& random) {
  note_ballot(m.ballot);
  if (hard_.promised && m.ballot < *hard_.promised) {
    effects.send.push_back({from, Reject{m.ballot, *hard_.promised}});
    return;
  }
  if (role_ != Role::follower && (!ballot_ || m.ballot > *ballot_)) {
    become_follower(effects, m.ballot);
  }
  if (!hard_.promised || m.ballot > *hard_.promised) {
    hard_.promised = m.ballot;
    persist(effects);
  }
  master_hint_ = from;
  grant_lease(now, from);
  reset_election_timer(now, random);
  effects.send.push_back({from, HeartbeatOk{m.ballot, m.sent_at}});
  catch_up_asked_ = Slot{0};  // a lost CatchUp or Chosen: ask again at every heartbeat
  learn_up_to(m.commit, m.ballot, from, effects);
}

void Replica::on_heartbeat_ok(const NodeId& from, const HeartbeatOk& m, Effects& effects) {
  if (role_ != Role::master || !ballot_ || m.ballot != *ballot_) return;
  const auto members = members_at(next_slot_);
  if (std::find(members.begin(), members.end(), from) == members.end()) return;
  auto& acks = heartbeat_oks_[m.sent_at];
  acks.insert(config_.self);
  acks.insert(from);
  if (acks.size() < majority_at(next_slot_) || !config_.rules.lease) return;
  // Counted from when the heartbeat was SENT, minus a margin: the replicas
  // counted from when they received it, so their grants outlast this lease.
  const Millis until = m.sent_at + config_.timing.lease - config_.timing.lease_margin;
  heartbeat_oks_.erase(heartbeat_oks_.begin(), heartbeat_oks_.upper_bound(m.sent_at));
  if (until > lease_until_) {
    lease_until_ = until;
    effects.events.push_back(event::LeaseHeld{until});
  }
}

bool Replica::can_read_locally(Millis now) const {
  if (role_ != Role::master) return false;
  return !config_.rules.lease || now < lease_until_;
}

// ---- learning ------------------------------------------------------------------

void Replica::learn_up_to(Slot commit, Ballot ballot, const NodeId& master, Effects& effects) {
  std::optional<Slot> missing;
  for (Slot slot = commit_.next(); slot <= commit; slot = slot.next()) {
    if (hard_.chosen.count(slot) != 0) continue;
    const auto accepted = hard_.accepted.find(slot);
    // The master's commit index speaks of the values it proposed under its
    // own ballot; a value accepted under an older ballot may differ.
    if (accepted != hard_.accepted.end() && accepted->second.ballot == ballot) {
      learn(slot, accepted->second.command, effects);
    } else if (!missing) {
      missing = slot;
    }
  }
  if (missing && *missing != catch_up_asked_) {
    catch_up_asked_ = *missing;
    effects.send.push_back({master, CatchUp{*missing}});
    effects.events.push_back(event::CatchingUp{*missing});
  }
}

void Replica::on_catch_up(const NodeId& from, const CatchUp& m, Effects& effects) {
  // At most kMaxChosenPerMessage slots: a replica far behind asks again (at
  // the next heartbeat) from where this batch leaves it.
  constexpr std::size_t kMaxChosenPerMessage = 512;
  Chosen reply;
  for (auto it = hard_.chosen.lower_bound(m.from);
       it != hard_.chosen.end() && reply.slots.size() < kMaxChosenPerMessage; ++it) {
    reply.slots.push_back(*it);
  }
  if (!reply.slots.empty()) effects.send.push_back({from, std::move(reply)});
}

void Replica::on_chosen(const Chosen& m, Effects& effects) {
  for (const auto& [slot, command] : m.slots) learn(slot, command, effects);
  catch_up_asked_ = Slot{0};
}

void Replica::learn(Slot slot, const Command& command, Effects& effects) {
  if (hard_.chosen.count(slot) != 0) return;
  hard_.chosen[slot] = command;
  if (is_membership_change(command)) membership_[slot] = command;
  persist(effects, std::nullopt, slot);
  effects.events.push_back(event::SlotChosen{slot, command});
  while (hard_.chosen.count(commit_.next()) != 0) commit_ = commit_.next();
  apply_chosen(effects);
}

void Replica::apply_chosen(Effects& effects) {
  while (applied_ < commit_) {
    applied_ = applied_.next();
    const Command& command = hard_.chosen.at(applied_);
    const bool fresh = store_.apply(command);
    std::optional<std::string> value;
    if (command.kind == Command::Kind::read) value = store_.get(command.key);
    effects.events.push_back(event::Applied{applied_, command, !fresh, value});
  }
}

// ---- dispatch --------------------------------------------------------------------

Effects Replica::handle(Millis now, const NodeId& from, const Message& message,
                        RandomSource& random) {
  Effects effects;
  std::visit(Overloaded{
                 [&](const Prepare& m) { on_prepare(now, from, m, effects, random); },
                 [&](const Promise& m) { on_promise(now, from, m, effects); },
                 [&](const Reject& m) { on_reject(now, m, effects, random); },
                 [&](const Accept& m) { on_accept(now, from, m, effects, random); },
                 [&](const Accepted& m) { on_accepted(from, m, effects); },
                 [&](const Heartbeat& m) { on_heartbeat(now, from, m, effects, random); },
                 [&](const HeartbeatOk& m) { on_heartbeat_ok(from, m, effects); },
                 [&](const CatchUp& m) { on_catch_up(from, m, effects); },
                 [&](const Chosen& m) { on_chosen(m, effects); },
             },
             message);
  return finish(std::move(effects));
}

}  // namespace consensus_lab::multipaxos
