// The acceptor, for every slot at once — notes, Basic Paxos: "接受者（Acceptor）：
// 对每个提议的值进行投票，并存储接受的值" (the acceptor votes on each proposed value and
// stores what it accepts). Part of multipaxos::Replica (replica.h). One
// promise covers every slot from a Prepare's first slot on (Paxos Made Simple
// §3), so the three promises of Basic Paxos hold slot by slot:
//   promise 1  no Promise for a ballot below the one promised (on_prepare);
//   promise 2  no acceptance below it (on_accept: the Reject that ends a
//              master's skipping of Prepare);
//   promise 3  a Promise reports what was accepted in every slot it covers.
#include <iterator>

#include "multipaxos/replica.h"

namespace consensus_lab::multipaxos {

void Replica::on_prepare(Millis now, const NodeId& from, const Prepare& m, Effects& effects,
                         RandomSource& random) {
  note_ballot(m.ballot);
  // Chubby's lease: while this replica has granted the master a lease — or,
  // as master, holds its own — it does not help anyone else become master.
  // A candidate that is merely behind gets the chosen slots it lacks, so it
  // can see that it is not needed (or no longer a member) and stop.
  std::optional<LeaseBar> bar = lease_bars(now, from);
  if (!bar && config_.rules.lease && now < restarted_until_) {
    bar = LeaseBar{NodeId{}, restarted_until_};
  }
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
  if (const auto higher = higher_promise(m.ballot)) {
    effects.send.push_back({from, Reject{m.ballot, *higher}});
    effects.events.push_back(event::PrepareRefused{m.ballot, *higher});
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
  if (candidate_ || master_) become_follower(effects, m.ballot);
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
  if (config_.rules.skip_prepare_stops_on_reject) {
    if (const auto higher = higher_promise(m.ballot)) {
      effects.send.push_back({from, Reject{m.ballot, *higher}});
      effects.events.push_back(event::AcceptRefused{m.slot, m.last(), m.ballot, *higher});
      return;
    }
  }
  // -------------------------------------------------------------------------
  if (!follow(now, from, m.ballot, "Accept", effects, random)) return;
  // Every slot the Accept carries, under its one ballot: one Accepted for all.
  Slot slot = m.slot;
  for (std::size_t i = 0; i <= m.more.size(); ++i, slot = slot.next()) {
    const Command& command = i == 0 ? m.command : m.more[i - 1];
    hard_.accepted[slot] = SlotProposal{m.ballot, command};
    persist(effects, slot);
    effects.events.push_back(event::SlotAccepted{slot, m.ballot, command});
  }
  effects.send.push_back({from, Accepted{m.ballot, m.slot, m.more.size()}});
  learn_up_to(m.commit, m.ballot, from, effects);
}

// Taking an order — an Accept or a Heartbeat — from the master `from`, whose
// ballot is not below the promise: not while a lease this replica granted
// another master holds; otherwise a higher ballot makes a candidate or a
// master a follower, is promised, and gets the lease. False: not taken.
bool Replica::follow(Millis now, const NodeId& from, Ballot theirs, const char* what,
                     Effects& effects, RandomSource& random) {
  if (const auto bar = lease_bars(now, from)) {
    effects.events.push_back(event::OrderIgnoredForLease{what, theirs, bar->holder, bar->until});
    reset_election_timer(now, random);  // a master is alive: no reason to campaign
    return false;
  }
  if (const auto mine = ballot(); mine && theirs > *mine) become_follower(effects, theirs);
  if (!hard_.promised || theirs > *hard_.promised) {
    hard_.promised = theirs;  // a promise without a Prepare
    persist(effects);
  }
  master_hint_ = from;
  grant_lease(now, from);
  reset_election_timer(now, random);
  return true;
}

}  // namespace consensus_lab::multipaxos
