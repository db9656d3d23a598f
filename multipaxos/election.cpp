// Electing a master — notes, 落地：Chubby: "主节点是通过Basic Paxos算法来进行leader选举
// 的" (the master is elected by running Basic Paxos). Part of multipaxos::Replica
// (replica.h): the campaign (phase 1 over every open slot), the acceptor's
// Promise, and the recovery a new master makes of the slots it found open
// (Lamport, "Paxos Made Simple" §3).
#include <algorithm>
#include <set>

#include "multipaxos/replica.h"

namespace consensus_lab::multipaxos {

// ---- election: Basic Paxos phase 1 over every open slot ---------------------

Effects Replica::campaign(Millis now, RandomSource& random) {
  Effects effects;
  if (role_ == Role::master || !is_member(commit_.next())) return finish(std::move(effects));
  // A replica that has granted a master a lease does not run against it
  // either (it would be helping itself): it waits until the grant ends.
  if (config_.rules.lease && now < restarted_until_) {
    effects.events.push_back(event::CampaignDeferred{NodeId{}, restarted_until_});
    election_deadline_ = restarted_until_;
    return finish(std::move(effects));
  }
  if (config_.rules.lease && lease_holder_ && now < lease_granted_until_) {
    effects.events.push_back(event::CampaignDeferred{*lease_holder_, lease_granted_until_});
    election_deadline_ = lease_granted_until_;
    return finish(std::move(effects));
  }
  role_ = Role::candidate;
  ballot_ = paxos::next_owned_number(config_.index, config_.count, highest_seen_);
  note_ballot(*ballot_);
  master_hint_.reset();
  reset_election_timer(now, random);  // no majority by then: try again, higher
  rerun_phase_one(now, effects);
  return finish(std::move(effects));
}

// Prepare(ballot, from the first slot not known chosen) to the members of
// that slot; the candidate's own acceptor promises first (durable before the
// Prepare leaves).
void Replica::rerun_phase_one(Millis now, Effects& effects) {
  campaign_from_ = commit_.next();
  promises_.clear();
  prepared_.clear();
  hard_.promised = ballot_;
  persist(effects);
  auto& own = promises_[config_.self];
  for (auto it = hard_.accepted.lower_bound(campaign_from_); it != hard_.accepted.end(); ++it) {
    own.push_back(*it);
  }
  send_to_members(campaign_from_, Prepare{*ballot_, campaign_from_}, effects);
  effects.events.push_back(event::CampaignStarted{*ballot_, campaign_from_});
  const auto members = members_at(campaign_from_);
  if (promised_count(members) >= paxos::majority(members.size())) become_master(now, effects);
}

void Replica::on_prepare(Millis now, const NodeId& from, const Prepare& m, Effects& effects,
                         RandomSource& random) {
  note_ballot(m.ballot);
  // Chubby's lease: while this replica has granted the master a lease — or,
  // as master, holds its own — it does not help anyone else become master.
  // A candidate that is merely behind gets the chosen slots it lacks, so it
  // can see that it is not needed (or no longer a member) and stop.
  std::optional<LeaseBar> bar = lease_bars(now, from);
  if (!bar && config_.rules.lease && now < restarted_until_)
    bar = LeaseBar{NodeId{}, restarted_until_};
  if (bar) {
    effects.events.push_back(event::PrepareIgnoredForLease{m.ballot, bar->holder, bar->until});
    if (m.from <= commit_) send_chosen(from, m.from, effects);
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
  // A candidate far behind would need a Promise too long to send: catch it
  // up first (it campaigns again from further on).
  const auto reported = hard_.accepted.lower_bound(m.from);
  if (reported != hard_.accepted.end() &&
      hard_.accepted.rbegin()->first.value - m.from.value >= kMaxSlotsPerMessage) {
    const auto count = static_cast<std::size_t>(std::distance(reported, hard_.accepted.end()));
    effects.events.push_back(event::PromiseWithheld{m.ballot, from, count});
    send_chosen(from, m.from, effects);
    return;
  }
  if (role_ != Role::follower) become_follower(effects, m.ballot);
  hard_.promised = m.ballot;
  persist(effects);
  // Promise 3, for every slot from m.from on: report what was accepted there.
  Promise promise{m.ballot, m.from, {reported, hard_.accepted.end()}};
  effects.events.push_back(event::PromiseGranted{m.ballot, from, promise.accepted.size()});
  effects.send.push_back({from, std::move(promise)});
  // A Prepare the master sends again (to members that had not answered)
  // leaves it the master clients are sent to; any other starts an election.
  if (master_hint_ != from) master_hint_.reset();
  reset_election_timer(now, random);  // give the candidate time to finish
}

void Replica::on_promise(Millis now, const NodeId& from, const Promise& m, Effects& effects) {
  if (role_ == Role::follower || !ballot_ || m.ballot != *ballot_) return;
  // An answer to an earlier Prepare of this campaign reports from an earlier
  // slot: what it says of the slots from campaign_from_ on is all that counts.
  auto& reported = promises_[from];
  reported.clear();
  for (const auto& entry : m.accepted) {
    if (entry.first >= campaign_from_) reported.push_back(entry);
  }
  if (role_ == Role::master) {  // a later configuration's member, or one asked again
    recover_reported(reported, effects);
    update_lease(effects);
    send_window(effects);
    return;
  }
  const auto members = members_at(campaign_from_);
  if (promised_count(members) >= paxos::majority(members.size())) become_master(now, effects);
}

std::size_t Replica::promised_count(const std::vector<NodeId>& members) const {
  std::size_t count = 0;
  for (const NodeId& member : members) count += promises_.count(member);
  return count;
}

void Replica::become_master(Millis now, Effects& effects) {
  role_ = Role::master;
  master_hint_ = config_.self;
  in_flight_.clear();
  heartbeat_oks_.clear();
  lease_until_ = 0;
  phase_one_incomplete_since_.reset();

  // Paxos Made Simple §3: in every open slot, the value of the highest-numbered
  // proposal any promise reported (settle() picks it when the slot is sent); a
  // gap below the highest such slot gets noop (send_window() fills gaps as it
  // reaches them, so a long gap costs nothing up front).
  std::set<Slot> reported;
  Slot last = commit_;
  for (const auto& [replica, accepted] : promises_) {
    for (const auto& [slot, proposal] : accepted) {
      reported.insert(slot);
      last = std::max(last, slot);
    }
  }
  for (auto it = hard_.chosen.lower_bound(campaign_from_); it != hard_.chosen.end(); ++it) {
    reported.insert(it->first);  // chosen already: the same value again
    last = std::max(last, it->first);
  }
  for (const Slot slot : reported)
    in_flight_[slot] = InFlight{Command::noop(), {}, false, 0, false};
  next_slot_ = last.next();
  // Read-after-recovery: local reads wait until every one of these slots is
  // chosen again and applied (can_read_locally).
  recovered_until_ = last;
  const std::size_t open = last.value - campaign_from_.value + 1;
  effects.events.push_back(event::BecameMaster{*ballot_, campaign_from_, reported.size(),
                                               open - reported.size(), next_slot_});
  send_window(effects);
  // Announce the reign (and start the lease) at once.
  heartbeat(now, effects);
  next_heartbeat_ = now + config_.timing.heartbeat;
  send_window(effects);
}

// A member that promises after the election (it belongs to a later
// configuration, or it was asked again) may report slots the election did not
// see: they are recovered too, and local reads wait for them as well.
void Replica::recover_reported(const std::vector<std::pair<Slot, SlotProposal>>& reported,
                               Effects& effects) {
  for (const auto& [slot, proposal] : reported) {
    if (slot <= commit_ || hard_.chosen.count(slot) != 0) continue;
    recovered_until_ = std::max(recovered_until_, slot);
    if (slot >= next_slot_) {
      next_slot_ = slot.next();  // the gap before it is filled with noop as it is sent
    }
    in_flight_.try_emplace(slot, InFlight{Command::noop(), {}, false, 0, false});
  }
  send_window(effects);
}

void Replica::request_promises(const std::vector<NodeId>& members, Effects& effects) {
  for (const NodeId& member : members) {
    if (promises_.count(member) != 0 || prepared_.count(member) != 0) continue;
    prepared_.insert(member);
    effects.send.push_back({member, Prepare{*ballot_, campaign_from_}});
  }
}

}  // namespace consensus_lab::multipaxos
