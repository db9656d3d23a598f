// Chubby's master lease — notes, 落地：Chubby: "读写请求都是有主节点执行" (reads
// and writes are all served by the master) — and the heartbeats that carry
// it. Part of multipaxos::Replica (replica.h), kept in a room of its own.
//
//   replica side  A replica that hears the master's Accept or Heartbeat
//                 grants it a lease: until it ends, it takes orders — a
//                 Prepare, an Accept, a Heartbeat — from no other master.
//   master side   The master holds the lease while a majority of EVERY
//                 configuration that can still choose a slot has granted it,
//                 counted from when the heartbeat was sent, minus a margin; it
//                 reads locally only under the lease, and only once it has
//                 applied every slot it recovered when it was elected.
#include <algorithm>

#include "common/quorum.h"
#include "multipaxos/replica.h"

#include <cassert>

namespace consensus_lab::multipaxos {

// The configurations that can still choose a slot: those of the slots after
// the highest contiguous chosen one, as far as the master may send (α ahead).
// Every membership command that decides them is chosen and known already.
Configurations Replica::open_configurations() const {
  return membership_.between(commit_.next(), Slot{commit_.value + membership_.window()});
}

// ---- Lease in every configuration ------------------------------------------------
// notes, 落地：Chubby: "实现了成员变更（Group membership），以此保证节点变更的时候集群的
// 平稳运行" and "读写请求都是有主节点执行" — membership changes, and reads by the
// master: both at once. During the α slots after a membership change, an open slot still belongs to
// the OLD configuration, and a majority of the old members can elect another
// master and choose there. A lease granted by the new members alone would not
// stop them. So the lease, and phase 1 before it, must cover every open
// configuration (rule lease-every-configuration; off: the configuration of
// the next free slot only, as if membership never changed).
Configurations Replica::lease_configurations() const {
  if (config_.rules.lease_every_configuration) return open_configurations();
  assert(master_);  // only a master holds a lease
  return {std::cref(members_at(master_->next_slot))};
}

bool Replica::phase_one_complete() const {
  return promised_in_all(open_configurations());
}

bool Replica::promised_in_all(const Configurations& configurations) const {
  return std::all_of(
      configurations.begin(), configurations.end(),
      [&](const std::vector<NodeId>& members) { return promised_by_majority(members); });
}

// The master's heartbeat, to the members of every configuration its lease
// needs (and of the next free slot): it renews the lease and carries the
// commit index. Answers to heartbeats too old to make a lease are forgotten,
// so a master cut off from its replicas keeps nothing for them.
void Replica::heartbeat(Millis now, Effects& effects) {
  assert(master_);  // only a master sends heartbeats
  Master& m = *master_;
  const Millis lasts = config_.timing.lease - config_.timing.lease_margin;
  m.heartbeat_answers.erase(m.heartbeat_answers.begin(),
                            m.heartbeat_answers.upper_bound(now - lasts));
  std::vector<NodeId> to;
  auto add = [&](const std::vector<NodeId>& members) {
    for (const NodeId& member : members) {
      if (member != config_.self && !contains(to, member)) to.push_back(member);
    }
  };
  for (const std::vector<NodeId>& members : lease_configurations()) add(members);
  add(members_at(m.next_slot));
  for (const NodeId& peer : to) {
    effects.send.push_back({peer, Heartbeat{m.phase_one.ballot, commit_, now}});
  }
}

void Replica::on_heartbeat(Millis now, const NodeId& from, const Heartbeat& m, Effects& effects,
                           RandomSource& random) {
  note_ballot(m.ballot);
  if (const auto higher = higher_promise(m.ballot)) {
    effects.send.push_back({from, Reject{m.ballot, *higher}});
    return;
  }
  if (!follow(now, from, m.ballot, "Heartbeat", effects, random)) return;
  effects.send.push_back({from, HeartbeatOk{m.ballot, m.sent_at}});
  catch_up_asked_ = Slot{0};  // a lost CatchUp or Chosen: ask again at every heartbeat
  learn_up_to(m.commit, m.ballot, from, effects);
}

void Replica::on_heartbeat_ok(Millis now, const NodeId& from, const HeartbeatOk& m,
                              Effects& effects) {
  assert(master_);  // routed to a master only (Replica::handle)
  if (m.ballot != master_->phase_one.ballot) return;
  bool member = false;
  for (const std::vector<NodeId>& members : lease_configurations()) {
    member = member || contains(members, from);
  }
  const Millis lasts = config_.timing.lease - config_.timing.lease_margin;
  if (!member || m.sent_at + lasts <= now) return;  // not counted, or too old to matter
  master_->heartbeat_answers[m.sent_at].insert(from);
  update_lease(effects);
}

// The lease runs from the newest heartbeat that a majority of every lease
// configuration answered — counted from when it was SENT, minus a margin: the
// replicas counted from when they received it, so their grants outlast it.
// With lease-every-configuration, phase 1 must also be complete in each (a
// promise tells what the member accepted; a lease alone does not).
void Replica::update_lease(Effects& effects) {
  assert(master_);
  if (!config_.rules.lease || !master_) return;
  const Configurations configurations = lease_configurations();
  std::optional<Millis> newest;
  // With lease-every-configuration, `configurations` are the open ones:
  // phase_one_complete(), without working them out again.
  if (!config_.rules.lease_every_configuration || promised_in_all(configurations)) {
    // Newest first: the first heartbeat answered everywhere is the one.
    const auto& answers = master_->heartbeat_answers;  // sent at → who answered
    for (auto heartbeat = answers.rbegin(); heartbeat != answers.rend() && !newest; ++heartbeat) {
      const std::set<NodeId>& answered = heartbeat->second;
      const bool everywhere = std::all_of(
          configurations.begin(), configurations.end(), [&](const std::vector<NodeId>& members) {
            // Only members count: the master's own grant, only where it is one.
            std::size_t granted =
                !config_.rules.members_only_count || contains(members, config_.self) ? 1 : 0;
            for (const NodeId& member : members) granted += answered.count(member);
            return granted >= majority(members.size());
          });
      if (everywhere) newest = heartbeat->first;
    }
  }
  const Millis until =
      newest ? *newest + config_.timing.lease - config_.timing.lease_margin : Millis{0};
  if (until > master_->lease_until) effects.events.push_back(event::LeaseHeld{until});
  master_->lease_until = until;
}

// A master that cannot get promises from a majority of some open
// configuration (its members are under another master's lease, or gone) can
// choose nothing there and would block every slot after it: after an
// election timeout it gives up and steps down.
void Replica::check_phase_one(Millis now, Effects& effects, RandomSource& random) {
  if (!config_.rules.lease_every_configuration || !master_) return;
  std::optional<Millis>& since = master_->phase_one_incomplete_since;
  if (phase_one_complete()) {
    since.reset();
    return;
  }
  if (!since) since = now;
  if (now - *since < config_.timing.election_timeout_max) return;
  effects.events.push_back(event::PhaseOneStalled{master_->phase_one.ballot, *since});
  step_down();
  reset_election_timer(now, random);
}

bool Replica::can_read_locally(Millis now) const {
  if (!master_) return false;
  // ---- Read after recovery -----------------------------------------------------
  // notes, 落地：Chubby: "实现强一致性，读写请求都是有主节点执行" — "strong
  // consistency: reads and writes are executed by the master" — which holds
  // only if the master has what earlier masters committed. Raft §8: "a leader
  // must have the latest information on which entries are committed";
  // Chubby's new master likewise serves no read before its recovered log is
  // chosen again. Without this, a master elected a moment
  // ago answers from a state machine that lacks writes its predecessor
  // already acknowledged (docs/multi-paxos.md, read-after-recovery).
  if (config_.rules.read_after_recovery && applied_ < master_->recovered_until) return false;
  // ---- Lease read ----------------------------------------------------------
  return !config_.rules.lease || now < master_->lease_until;
  // --------------------------------------------------------------------------
}

void Replica::grant_lease(Millis now, const NodeId& master) {
  if (!config_.rules.lease) return;
  grant_ = LeaseGrant{master, now + config_.timing.lease};
}

std::optional<Replica::LeaseBar> Replica::lease_bars(Millis now, const NodeId& from) const {
  if (!config_.rules.lease) return std::nullopt;
  if (grant_ && now < grant_->until && grant_->holder != from) {
    return LeaseBar{grant_->holder, grant_->until};
  }
  // A master under its own lease is alive and in charge (say, a replica cut
  // off for a while comes back and campaigns).
  if (master_ && now < master_->lease_until) return LeaseBar{config_.self, master_->lease_until};
  return std::nullopt;
}

}  // namespace consensus_lab::multipaxos
