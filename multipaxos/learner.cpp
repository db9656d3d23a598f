// The learner — notes, Basic Paxos: "学习者（Learner）：被告知投票的结果，接受达成共识的
// 值，存储保存，不参与投票的过程" (the learner is told the outcome, takes the value
// agreed on and stores it; it takes no part in the vote). Part of
// multipaxos::Replica (replica.h): learning from the master's commit index,
// catching up, and applying chosen commands in slot order.
#include "multipaxos/replica.h"

#include <cassert>

namespace consensus_lab::multipaxos {

// The master says every slot up to `commit` is chosen with the value it
// proposed under `ballot`: what this replica accepted under that ballot is
// chosen. Only the slots it accepted are looked at — the cost follows what
// is there, not the size of the gap — and one CatchUp asks for the rest.
void Replica::learn_up_to(Slot commit, Ballot ballot, const NodeId& master, Effects& effects) {
  for (auto it = hard_.accepted.upper_bound(commit_);
       it != hard_.accepted.end() && it->first <= commit; ++it) {
    // A value accepted under an older ballot may differ from the master's.
    if (it->second.ballot == ballot) learn(it->first, it->second.command, effects);
  }
  if (commit_ < commit && commit_.next() != catch_up_asked_) {
    catch_up_asked_ = commit_.next();
    effects.send.push_back({master, CatchUp{catch_up_asked_}});
    effects.events.push_back(event::CatchingUp{catch_up_asked_});
  }
}

void Replica::on_catch_up(const NodeId& from, const CatchUp& m, Effects& effects) {
  send_chosen(from, m.from, effects);
}

// What this replica knows chosen from slot `from` on, in one bounded message
// (a replica far behind asks again, at the next heartbeat, from where this
// batch leaves it).
void Replica::send_chosen(const NodeId& to, Slot from, Effects& effects) const {
  Chosen reply;
  std::size_t bytes = 0;
  for (auto it = hard_.chosen.lower_bound(from);
       it != hard_.chosen.end() && reply.slots.size() < kMaxSlotsPerMessage &&
       bytes < kMaxBytesPerMessage;
       ++it) {
    reply.slots.push_back(*it);
    bytes += bytes_of(it->second);
  }
  if (!reply.slots.empty()) effects.send.push_back({to, std::move(reply)});
}

void Replica::on_chosen(Millis now, const Chosen& m, Effects& effects) {
  // ---- Learn only what is chosen ----------------------------------------------
  // notes, Basic Paxos: "当学习者发现大多数的接受者都通过了某个提案，那么它也通过该
  // 提案，接受该提案的值" — "when a learner finds that a majority of acceptors
  // accepted a proposal, it accepts that proposal's value". A master, as
  // learner, learns from a majority of Accepted for its own ballot. It
  // announces a commit index, and followers learn every slot up to it that
  // they accepted under the master's ballot. That is sound only if
  // the master knows those slots chosen with ITS values: from a majority of
  // Accepted for its own ballot. A Chosen reaching a master answers a CatchUp
  // it sent as a follower; it may carry a value a newer master chose where
  // this one proposed another — learning it would make the commit index lie.
  if (config_.rules.learn_only_chosen && master_) {
    effects.events.push_back(event::ChosenIgnored{m.slots.size()});
    return;
  }
  const Slot before = commit_;
  for (const auto& [slot, command] : m.slots) learn(slot, command, effects);
  catch_up_asked_ = Slot{0};
  // A candidate that was behind asks again, from where it is now.
  if (candidate_ && commit_ > before && commit_ >= candidate_->from) {
    if (is_member(commit_.next())) {
      run_phase_one(now, effects);
    } else {
      step_down();  // no longer a member: nothing to run for
    }
  }
}

void Replica::learn(Slot slot, const Command& command, Effects& effects) {
  if (hard_.chosen.count(slot) != 0) return;
  hard_.chosen[slot] = command;
  if (master_) master_->in_flight.erase(slot);  // nothing more to propose there
  membership_.chosen(slot, command);
  persist(effects, std::nullopt, slot);
  effects.events.push_back(event::SlotChosen{slot, command});
  const Slot before = commit_;
  while (hard_.chosen.count(commit_.next()) != 0) commit_ = commit_.next();
  apply_chosen(effects);
  if (!master_ || commit_ == before) return;
  // A master removed from the configuration steps down once a slot of a
  // configuration without it is chosen: the removal counts (Raft §6 has the
  // leader step down once the configuration without it is committed).
  if (!is_member(commit_)) {
    effects.events.push_back(event::LeftConfiguration{master_->phase_one.ballot, commit_});
    step_down();
    return;
  }
  update_lease(effects);  // the open configurations moved on
}

void Replica::apply_chosen(Effects& effects) {
  while (applied_ < commit_) {
    applied_ = applied_.next();
    assert(hard_.chosen.count(applied_) != 0);  // every slot up to the commit index is chosen
    const Command& command = hard_.chosen.find(applied_)->second;
    const bool fresh = store_.apply(command);
    std::optional<std::string> value;
    if (command.kind == Command::Kind::read) value = store_.get(command.key);
    effects.events.push_back(event::Applied{applied_, command, !fresh, value});
  }
}

// A replica outside the configuration of its next open slot — but perhaps
// inside a later one, added by slots it has not learned — asks that slot's
// members what is chosen.
void Replica::ask_members_what_is_chosen(Effects& effects) {
  bool asked = false;
  for (const NodeId& member : members_at(commit_.next())) {
    if (member == config_.self) continue;
    effects.send.push_back({member, CatchUp{commit_.next()}});
    asked = true;
  }
  if (asked) effects.events.push_back(event::CatchingUp{commit_.next()});
}

}  // namespace consensus_lab::multipaxos
