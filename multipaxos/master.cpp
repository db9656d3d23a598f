// The master's steady state — notes, 优化 Basic Paxos 执行: "当领导者处于稳定状态时，
// 省掉准备阶段，直接进入接受阶段" (while the leader is stable, it skips the prepare
// phase and goes straight to the accept phase). Part of multipaxos::Replica
// (replica.h): client commands into slots, Accepts within the window, the
// Accepteds that choose a slot, Accepts sent again, and the Reject that ends a
// reign.
#include <algorithm>

#include "common/quorum.h"
#include "multipaxos/replica.h"

#include <cassert>

namespace consensus_lab::multipaxos {

Effects Replica::submit(Millis now, const Command& command) {
  return submit_all(now, {command});
}

Effects Replica::submit_all(Millis /*now*/, const std::vector<Command>& commands) {
  Effects effects;
  if (!master_) return finish(std::move(effects));
  for (const Command& command : commands) {
    const Slot slot = master_->next_slot;
    master_->next_slot = slot.next();
    effects.events.push_back(event::CommandProposed{slot, command});
    // Its value is settled, and accepted by the master's own acceptor, only
    // when the slot is sent (send_window).
    master_->in_flight[slot] = InFlight{.command = command, .from_client = true};
  }
  send_window(effects);
  return finish(std::move(effects));
}

void Replica::send_window(Effects& effects) {
  if (!master_) return;
  Master& m = *master_;
  // At most `window` slots beyond the highest contiguous chosen slot: so the
  // members for every slot in flight are already known (see Timing::window).
  const Slot last{std::min(window_end().value, m.next_slot.value - 1)};
  std::vector<Slot> settled;  // in this pass: their Accepts leave together
  const auto send_settled = [&] {
    send_accepts(settled, effects, false);
    settled.clear();
  };
  for (Slot slot = commit_.next(); slot <= last; slot = slot.next()) {
    auto it = m.in_flight.find(slot);
    if (it == m.in_flight.end()) {
      if (hard_.chosen.count(slot) != 0) continue;  // learned chosen already
      it = m.in_flight.emplace(slot, InFlight{.command = Command::noop()}).first;  // a gap
    }
    InFlight& flight = it->second;
    if (flight.sent) continue;
    // Phase 1 must have reached a majority of THIS slot's members: after a
    // membership change they are not the ones the election counted.
    const std::vector<NodeId>& members = members_at(slot);  // used before learn() only
    if (!promised_by_majority(members)) {
      send_settled();
      request_promises(members, effects);
      break;
    }
    settle(slot, flight, effects);
    flight.sent = true;
    settled.push_back(slot);
    if (flight.accepted_by.size() >= majority(members.size())) {  // a cluster of one
      send_settled();
      const Command command = flight.command;
      m.in_flight.erase(it);
      learn(slot, command, effects);
      if (!master_) return;  // it left the configuration
    }
  }
  send_settled();
  if (config_.rules.lease_every_configuration) {
    // Phase 1 in every configuration that can still choose a slot, not only
    // as slots need it: the lease needs it too (lease.cpp).
    for (const std::vector<NodeId>& members : open_configurations()) {
      if (!promised_by_majority(members)) request_promises(members, effects);
    }
  }
}

// Each command proposed in this step: was its Accept sent (send_window), or
// does its slot wait? So the narration says "no Prepare" only when the master
// really skipped phase 1 for the slot.
void Replica::report_what_followed(Effects& effects) const {
  for (auto& event : effects.events) {
    auto* proposed = std::get_if<event::CommandProposed>(&event);
    if (proposed == nullptr || !master_) continue;
    const auto it = master_->in_flight.find(proposed->slot);
    if (it == master_->in_flight.end() || it->second.sent) continue;  // sent (or chosen)
    proposed->then = proposed->slot > window_end() ? event::CommandProposed::Then::window
                                                   : event::CommandProposed::Then::prepare;
  }
}

// The value for `slot`: chosen already, or the highest-numbered one reported
// by the promises, or what was planned. A client command displaced by a
// reported value moves to a new slot at the end.
void Replica::settle(Slot slot, InFlight& flight, Effects& effects) {
  assert(master_);  // only a master settles a slot's value
  Master& m = *master_;
  std::optional<SlotProposal> highest;
  for (const auto& [replica, accepted] : m.phase_one.promises) {
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
    const Slot moved = m.next_slot;
    m.next_slot = moved.next();
    m.in_flight[moved] = InFlight{.command = flight.command, .from_client = true};
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
    hard_.accepted[slot] = SlotProposal{m.phase_one.ballot, value};  // its own acceptor
    persist(effects, slot);
    effects.events.push_back(event::SlotAccepted{slot, m.phase_one.ballot, value});
    flight.accepted_by.insert(config_.self);
  }
}

// Messages get lost: an Accept still unanswered after a whole heartbeat
// interval is sent again to the members that have not accepted it yet.
void Replica::resend_unacknowledged(Effects& effects) {
  assert(master_);
  std::vector<Slot> due;
  for (auto& [slot, flight] : master_->in_flight) {
    if (!flight.sent) continue;
    if (++flight.heartbeats_waited < 2) continue;
    flight.heartbeats_waited = 0;
    due.push_back(slot);
  }
  send_accepts(due, effects, true);
}

// The Accepts for `slots` (in flight and sent, in increasing order): to each
// member but this replica — with `again`, only to those that have not
// accepted the slot yet. Consecutive slots for the same replicas share one
// Accept, up to slots_per_accept of them and about kMaxBytesPerMessage bytes
// of commands (one slot per Accept in the notes' examples).
void Replica::send_accepts(const std::vector<Slot>& slots, Effects& effects, bool again) {
  assert(master_);
  std::optional<Accept> accept;
  std::vector<NodeId> to, previous;
  std::size_t bytes = 0;
  const auto send = [&] {
    if (accept) {
      for (const NodeId& peer : previous) effects.send.push_back({peer, *accept});
    }
    accept.reset();
  };
  for (const Slot slot : slots) {
    const InFlight& flight = master_->in_flight.at(slot);
    to.clear();
    for (const NodeId& peer : members_at(slot)) {
      if (peer != config_.self && !(again && flight.accepted_by.count(peer) != 0)) {
        to.push_back(peer);
      }
    }
    const std::size_t size = bytes_of(flight.command);
    if (accept && (slot != accept->last().next() || to != previous ||
                   accept->more.size() + 1 >= config_.timing.slots_per_accept ||
                   bytes + size > kMaxBytesPerMessage)) {
      send();
    }
    if (accept) {
      accept->more.push_back(flight.command);
      bytes += size;
    } else {
      accept = Accept{master_->phase_one.ballot, slot, flight.command, commit_};
      previous = to;
      bytes = size;
    }
  }
  send();
}

void Replica::on_accepted(const NodeId& from, const Accepted& m, Effects& effects) {
  assert(master_);  // routed to a master only (Replica::handle)
  if (m.ballot != master_->phase_one.ballot) return;
  // Each slot the Accepted names, from m.slot to m.last().
  bool learned = false;
  for (Slot slot = m.slot; slot <= m.last(); slot = slot.next()) {
    const auto it = master_->in_flight.find(slot);
    if (it == master_->in_flight.end() || !it->second.sent) continue;  // chosen already
    const std::vector<NodeId>& members = members_at(slot);             // used before learn() only
    if (!contains(members, from)) continue;
    it->second.accepted_by.insert(from);
    if (it->second.accepted_by.size() < majority(members.size())) continue;
    const Command command = it->second.command;
    master_->in_flight.erase(it);
    learn(slot, command, effects);
    learned = true;
    if (!master_) return;  // it left the configuration
  }
  if (learned) send_window(effects);
}

void Replica::on_reject(Millis now, const Reject& m, Effects& effects, RandomSource& random) {
  note_ballot(m.promised);
  // ---- A Reject ends the skipping of Prepare -------------------------------
  // "Someone promised a higher number": the skipping of phase 1 is over. A
  // rejection never counts as an acceptance.
  if (const auto mine = ballot(); mine && m.ballot == *mine && m.promised > *mine) {
    become_follower(effects, m.promised);
    reset_election_timer(now, random);  // give the newer master time to be heard
  }
  // --------------------------------------------------------------------------
}

}  // namespace consensus_lab::multipaxos
