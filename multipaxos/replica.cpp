#include "multipaxos/replica.h"

#include <algorithm>
#include <cassert>

#include "common/overloaded.h"

namespace consensus_lab::multipaxos {

Replica::Replica(Config config, ReplicaHardState restored)
    : config_(std::move(config)), hard_(std::move(restored)) {
  assert(config_.timing.window >= 1);
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
  if (hard_.promised && config_.rules.lease) restarted_until_ = now + config_.timing.lease;
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
      next_heartbeat_ = now + config_.timing.heartbeat;
      heartbeat(now, effects);
      resend_unacknowledged(effects);
      prepared_.clear();     // a Prepare to a new member may have been lost or ignored:
      send_window(effects);  // ask again, now
      check_phase_one(now, effects, random);
    }
    return finish(std::move(effects));
  }
  if (now >= election_deadline_) {
    if (is_member(commit_.next())) return campaign(now, random);
    // Not a member of the next open slot — but perhaps of a later one, added
    // by slots it has not learned: it asks that slot's members what is
    // chosen, and runs once it knows it is a member.
    reset_election_timer(now, random);
    for (const NodeId& member : members_at(commit_.next())) {
      if (member != config_.self) effects.send.push_back({member, CatchUp{commit_.next()}});
    }
    if (!effects.send.empty()) effects.events.push_back(event::CatchingUp{commit_.next()});
  }
  return finish(std::move(effects));
}

void Replica::become_follower(Effects& effects, Ballot higher) {
  if (role_ != Role::follower && ballot_) {
    effects.events.push_back(event::SteppedDown{*ballot_, higher});
  }
  step_down(effects);
}

void Replica::step_down(Effects& /*effects*/) {
  role_ = Role::follower;
  ballot_.reset();
  in_flight_.clear();
  promises_.clear();
  prepared_.clear();
  heartbeat_oks_.clear();
  lease_until_ = 0;
  recovered_until_ = Slot{0};
  phase_one_incomplete_since_.reset();
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
void Replica::propose(Slot slot, const Command& command, Effects& /*effects*/, bool from_client) {
  in_flight_[slot] = InFlight{command, {}, false, 0, from_client};
}

void Replica::send_window(Effects& effects) {
  if (role_ != Role::master) return;
  // At most `window` slots beyond the highest contiguous chosen slot: so the
  // members for every slot in flight are already known (see Timing::window).
  const Slot last{std::min(commit_.value + config_.timing.window, next_slot_.value - 1)};
  for (Slot slot = commit_.next(); slot <= last; slot = slot.next()) {
    auto it = in_flight_.find(slot);
    if (it == in_flight_.end()) {
      if (hard_.chosen.count(slot) != 0) continue;  // learned chosen already
      it = in_flight_.emplace(slot, InFlight{Command::noop(), {}, false, 0, false}).first;  // a gap
    }
    InFlight& flight = it->second;
    if (flight.sent) continue;
    // Phase 1 must have reached a majority of THIS slot's members: after a
    // membership change they are not the ones the election counted.
    const auto members = members_at(slot);
    if (promised_count(members) < paxos::majority(members.size())) {
      request_promises(members, effects);
      break;
    }
    settle(slot, flight, effects);
    send_to_members(slot, Accept{*ballot_, slot, flight.command, commit_}, effects);
    flight.sent = true;
    if (flight.accepted_by.size() >= paxos::majority(members.size())) {  // a cluster of one
      const Command command = flight.command;
      in_flight_.erase(it);
      learn(slot, command, effects);
      if (role_ != Role::master) return;  // it left the configuration
    }
  }
  if (config_.rules.lease_every_configuration) {
    // Phase 1 in every configuration that can still choose a slot, not only
    // as slots need it: the lease needs it too (lease.cpp).
    for (const auto& members : open_configurations()) {
      if (promised_count(members) < paxos::majority(members.size())) {
        request_promises(members, effects);
      }
    }
  }
}

// The value for `slot`: chosen already, or the highest-numbered one reported
// by the promises, or what was planned. A client command displaced by a
// reported value moves to a new slot at the end.
void Replica::settle(Slot slot, InFlight& flight, Effects& effects) {
  std::optional<SlotProposal> highest;
  for (const auto& [replica, accepted] : promises_) {
    const auto it = std::lower_bound(
        accepted.begin(), accepted.end(), slot,
        [](const std::pair<Slot, SlotProposal>& entry, Slot s) { return entry.first < s; });
    if (it != accepted.end() && it->first == slot &&
        (!highest || it->second.ballot > highest->ballot)) {
      highest = it->second;
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
  flight.accepted_by.clear();
  // ---- Only members count ------------------------------------------------------
  // notes, 落地：Chubby: "实现了成员变更（Group membership），以此保证节点变更的时候集群
  // 的平稳运行" — "membership changes, so that the cluster keeps running while
  // nodes change" — and Basic Paxos: "大多数的接受者都通过了某个提案" (a majority
  // of the acceptors). A slot is chosen when a majority of ITS members
  // accepted it (Lamport's α). A master removed from the configuration still
  // proposes there, but its own acceptor is not one of the members: counting
  // it would let one member and a non-member choose a value.
  if (!config_.rules.members_only_count || is_member(slot)) {
    hard_.accepted[slot] = SlotProposal{*ballot_, value};  // the master's own acceptor
    persist(effects, slot);
    effects.events.push_back(event::SlotAccepted{slot, *ballot_, value});
    flight.accepted_by.insert(config_.self);
  }
}

// Messages get lost: an Accept still unanswered after a whole heartbeat
// interval is sent again to the members that have not accepted it yet.
void Replica::resend_unacknowledged(Effects& effects) {
  for (auto& [slot, flight] : in_flight_) {
    if (!flight.sent) continue;
    if (++flight.heartbeats_waited < 2) continue;
    flight.heartbeats_waited = 0;
    for (const NodeId& peer : members_at(slot)) {
      if (peer != config_.self && flight.accepted_by.count(peer) == 0) {
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

std::vector<NodeId> Replica::members_at(Slot slot) const {
  return multipaxos::members_at(slot, config_.members, membership_, config_.timing.window);
}

bool Replica::is_member(Slot slot) const {
  return contains(members_at(slot), config_.self);
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
  if (!follow(now, from, m.ballot, "Accept", effects, random)) return;
  hard_.accepted[m.slot] = SlotProposal{m.ballot, m.command};
  persist(effects, m.slot);
  effects.send.push_back({from, Accepted{m.ballot, m.slot}});
  effects.events.push_back(event::SlotAccepted{m.slot, m.ballot, m.command});
  learn_up_to(m.commit, m.ballot, from, effects);
}

void Replica::on_accepted(const NodeId& from, const Accepted& m, Effects& effects) {
  if (role_ != Role::master || !ballot_ || m.ballot != *ballot_) return;
  const auto it = in_flight_.find(m.slot);
  if (it == in_flight_.end() || !it->second.sent) return;  // chosen already
  const auto members = members_at(m.slot);
  if (!contains(members, from)) return;
  it->second.accepted_by.insert(from);
  if (it->second.accepted_by.size() < paxos::majority(members.size())) return;
  const Command command = it->second.command;
  in_flight_.erase(it);
  learn(m.slot, command, effects);
  send_window(effects);
}

// ---- dispatch --------------------------------------------------------------------

Effects Replica::handle(Millis now, const NodeId& from, const Message& message,
                        RandomSource& random) {
  Effects effects;
  // Validated for meaning before anything changes (multipaxos/check.cpp).
  if (auto impossible = check(now, from, message)) {
    effects.refused = std::move(impossible);
    return finish(std::move(effects));
  }
  std::visit(Overloaded{
                 [&](const Prepare& m) { on_prepare(now, from, m, effects, random); },
                 [&](const Promise& m) { on_promise(now, from, m, effects); },
                 [&](const Reject& m) { on_reject(now, m, effects, random); },
                 [&](const Accept& m) { on_accept(now, from, m, effects, random); },
                 [&](const Accepted& m) { on_accepted(from, m, effects); },
                 [&](const Heartbeat& m) { on_heartbeat(now, from, m, effects, random); },
                 [&](const HeartbeatOk& m) { on_heartbeat_ok(now, from, m, effects); },
                 [&](const CatchUp& m) { on_catch_up(from, m, effects); },
                 [&](const Chosen& m) { on_chosen(now, m, effects); },
             },
             message);
  return finish(std::move(effects));
}

}  // namespace consensus_lab::multipaxos
