// Electing a master — notes, 落地：Chubby: "主节点是通过Basic Paxos算法来进行leader选举
// 的" (the master is elected by running Basic Paxos). Part of multipaxos::Replica
// (replica.h): the candidate's phase 1 over every open slot, the promises it
// collects (a master goes on collecting them from the members of later
// configurations), and the recovery a new master makes of the slots it found
// open (Lamport, "Paxos Made Simple" §3).
#include <algorithm>
#include <set>

#include "common/quorum.h"
#include "multipaxos/replica.h"

#include <cassert>

namespace consensus_lab::multipaxos {

Effects Replica::campaign(Millis now, RandomSource& random) {
  Effects effects;
  if (master_ || !is_member(commit_.next())) return finish(std::move(effects));
  // A replica that has granted a master a lease does not run against it
  // either (it would be helping itself): it waits until the grant ends.
  if (config_.rules.lease && now < restarted_until_) {
    effects.events.push_back(event::CampaignDeferred{NodeId{}, restarted_until_});
    election_deadline_ = restarted_until_;
    return finish(std::move(effects));
  }
  if (config_.rules.lease && grant_ && now < grant_->until) {
    effects.events.push_back(event::CampaignDeferred{grant_->holder, grant_->until});
    election_deadline_ = grant_->until;
    return finish(std::move(effects));
  }
  become_candidate(now, random, effects);
  return finish(std::move(effects));
}

// Prepare(ballot, from the first slot not known chosen) to the members of
// that slot; the candidate's own acceptor promises first (durable before the
// Prepare leaves). Run again, with the same ballot, by a candidate that
// learned it was behind.
void Replica::run_phase_one(Millis now, Effects& effects) {
  assert(candidate_);  // phase 1 is a candidate's
  PhaseOne& p = *candidate_;
  p.from = commit_.next();
  p.promises.clear();
  p.asked.clear();
  hard_.promised = p.ballot;
  persist(effects);
  auto& own = p.promises[config_.self];
  own.assign(hard_.accepted.lower_bound(p.from), hard_.accepted.end());
  send_to_members(p.from, Prepare{p.ballot, p.from}, effects);
  effects.events.push_back(event::CampaignStarted{p.ballot, p.from});
  if (promised_by_majority(members_at(p.from))) become_master(now, effects);
}

void Replica::on_promise(Millis now, const NodeId& from, const Promise& m, Effects& effects) {
  PhaseOne& p = phase_one();
  if (m.ballot != p.ballot) return;
  // An answer to an earlier Prepare of this campaign reports from an earlier
  // slot: what it says of the slots from p.from on is all that counts.
  Reports& reported = p.promises[from];
  reported.clear();
  for (const auto& entry : m.accepted) {
    if (entry.first >= p.from) reported.push_back(entry);
  }
  if (master_) {  // a later configuration's member, or one asked again
    recover_reported(reported, effects);
    update_lease(effects);
    send_window(effects);
    return;
  }
  if (promised_by_majority(members_at(p.from))) become_master(now, effects);
}

std::size_t Replica::promised_count(const std::vector<NodeId>& members) const {
  std::size_t count = 0;
  for (const NodeId& member : members) count += phase_one().promises.count(member);
  return count;
}

bool Replica::promised_by_majority(const std::vector<NodeId>& members) const {
  return promised_count(members) >= majority(members.size());
}

// Phase 1 must reach a majority of every configuration the master proposes
// in: it asks the members it has not heard from (again at every heartbeat).
void Replica::request_promises(const std::vector<NodeId>& members, Effects& effects) {
  PhaseOne& p = phase_one();
  std::vector<NodeId> asked;
  for (const NodeId& member : members) {
    if (p.promises.count(member) != 0 || p.asked.count(member) != 0) continue;
    p.asked.insert(member);
    asked.push_back(member);
    effects.send.push_back({member, Prepare{p.ballot, p.from}});
  }
  if (!asked.empty()) effects.events.push_back(event::PromisesRequested{p.ballot, asked, members});
}

// Paxos Made Simple §3: in every open slot, the value of the highest-numbered
// proposal any promise reported (settle() picks it when the slot is sent); a
// gap below the highest such slot gets noop (send_window() fills gaps as it
// reaches them, so a long gap costs nothing up front).
void Replica::plan_recovery(Effects& effects) {
  assert(master_);  // a master recovers, once elected
  Master& m = *master_;
  std::set<Slot> reported;
  Slot last = commit_;
  for (const auto& [replica, accepted] : m.phase_one.promises) {
    for (const auto& [slot, proposal] : accepted) {
      reported.insert(slot);
      last = std::max(last, slot);
    }
  }
  for (auto it = hard_.chosen.lower_bound(m.phase_one.from); it != hard_.chosen.end(); ++it) {
    reported.insert(it->first);  // chosen already: the same value again
    last = std::max(last, it->first);
  }
  for (const Slot slot : reported) m.in_flight[slot] = InFlight{.command = Command::noop()};
  m.next_slot = last.next();
  // Read-after-recovery: local reads wait until every one of these slots is
  // chosen again and applied (can_read_locally).
  m.recovered_until = last;
  const std::size_t open = last.value - m.phase_one.from.value + 1;
  effects.events.push_back(event::BecameMaster{
      m.phase_one.ballot, m.phase_one.from, reported.size(), open - reported.size(), m.next_slot});
}

// A member that promises after the election (it belongs to a later
// configuration, or it was asked again) may report slots the election did not
// see: they are recovered too, and local reads wait for them as well.
void Replica::recover_reported(const Reports& reported, Effects& effects) {
  assert(master_);
  Master& m = *master_;
  for (const auto& [slot, proposal] : reported) {
    if (slot <= commit_ || hard_.chosen.count(slot) != 0) continue;
    m.recovered_until = std::max(m.recovered_until, slot);
    // The gap before it is filled with noop as the window reaches it.
    if (slot >= m.next_slot) m.next_slot = slot.next();
    m.in_flight.try_emplace(slot, InFlight{.command = Command::noop()});
  }
  send_window(effects);
}

}  // namespace consensus_lab::multipaxos
