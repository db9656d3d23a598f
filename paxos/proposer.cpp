#include "paxos/proposer.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace consensus_lab::paxos {

Proposer::Proposer(Config config) : config_(std::move(config)) {
  assert(!config_.acceptors.empty());
  assert(config_.index >= 1 && config_.index <= config_.count);  // see next_owned_number
}

Effects Proposer::propose(Millis now, Value value) {
  own_value_ = std::move(value);
  return start_round(now, next_number());
}

Effects Proposer::propose(Millis now, ProposalNumber number, Value value) {
  own_value_ = std::move(value);
  return start_round(now, number);
}

ProposalNumber Proposer::next_number() const {
  ProposalNumber number = next_owned_number(config_.index, config_.count, highest_seen_);
  while (avoided_.count(number) != 0) {
    number = next_owned_number(config_.index, config_.count, number);
  }
  return number;
}

// ---- Phase 1: the prepare phase (准备阶段) ----------------------------------
// notes, 共识协商是二阶段提交: "使用[n, v]表示一个提案，其中 n 为提案编号，v 为提议值"
// — "[n, v] is a proposal: n its number, v the proposed value". The prepare
// request carries only the number: the value comes in phase 2.
Effects Proposer::start_round(Millis now, ProposalNumber number) {
  Effects effects;
  phase_ = Phase::preparing;
  number_ = number;
  highest_seen_ = std::max(highest_seen_, number);
  promises_.clear();
  accepted_by_.clear();
  proposal_.reset();
  ++rounds_;
  for (const NodeId& acceptor : config_.acceptors) {
    effects.send.push_back({acceptor, Prepare{number}});
  }
  deadline_ = now + config_.round_timeout;
  effects.wake_at = deadline_;
  effects.events.push_back(event::RoundStarted{number, own_value_});
  return effects;
}

Effects Proposer::handle(Millis now, const NodeId& from, const Promise& promise) {
  Effects effects;
  if (promise.accepted) highest_seen_ = std::max(highest_seen_, promise.accepted->number);
  if (!number_ || promise.number != *number_) {
    effects.events.push_back(event::StaleReplyIgnored{
        .number = promise.number, .current = number_.value_or(ProposalNumber{})});
    return effects;
  }
  if (phase_ != Phase::preparing) return effects;  // a late Promise: phase 2 already started
  if (!promises_.emplace(from, promise.accepted).second) return effects;  // duplicate
  effects.events.push_back(event::PromiseCounted{*number_, promises_.size(), needed()});
  if (promises_.size() >= needed()) start_accept_phase(now, effects);
  return effects;
}

// ---- Phase 2: the accept phase (接受阶段) -------------------------------------
// notes: "客户端 1、2 在收到大多数节点的准备响应之后，会分别发送接受请求" — "clients 1
// and 2, once they have the prepare responses of a majority, each send their
// accept requests". It starts once, in the preparing phase.
void Proposer::start_accept_phase(Millis now, Effects& effects) {
  assert(phase_ == Phase::preparing && number_ && promises_.size() >= needed());
  // ---- Adopt the highest-numbered accepted value ---------------------------
  // What promise 3 is for — notes, 三个承诺: "会在准备请求的响应中，包含已经通过的
  // 最大编号的提案信息" ("the prepare response carries the highest-numbered
  // proposal accepted so far"). The proposer takes the value of the
  // highest-numbered proposal among the promises — not the most common one,
  // and not its own, if any promise reported one — so that a value that may
  // already be chosen is proposed again, never replaced.
  std::optional<Proposal> highest;
  for (const auto& [acceptor, accepted] : promises_) {
    if (accepted && (!highest || accepted->number > highest->number)) highest = accepted;
  }
  proposal_ = Proposal{*number_, highest ? highest->value : own_value_};
  // --------------------------------------------------------------------------
  phase_ = Phase::accepting;
  for (const NodeId& acceptor : config_.acceptors) {
    effects.send.push_back({acceptor, Accept{*proposal_}});
  }
  deadline_ = now + config_.round_timeout;
  effects.wake_at = deadline_;
  effects.events.push_back(event::AcceptPhaseStarted{*proposal_, highest});
}

Effects Proposer::handle(Millis /*now*/, const NodeId& from, const Accepted& accepted) {
  Effects effects;
  if (!proposal_ || accepted.proposal.number != proposal_->number) {
    effects.events.push_back(event::StaleReplyIgnored{
        .number = accepted.proposal.number, .current = number_.value_or(ProposalNumber{})});
    return effects;
  }
  if (phase_ != Phase::accepting) return effects;         // already done
  if (!accepted_by_.insert(from).second) return effects;  // duplicate
  if (accepted_by_.size() >= needed()) {
    phase_ = Phase::done;
    chosen_ = proposal_;
    effects.events.push_back(event::ProposerSawChosen{*proposal_});
  }
  return effects;
}

Effects Proposer::tick(Millis now, RandomSource& random) {
  Effects effects;
  const bool waiting =
      phase_ == Phase::preparing || phase_ == Phase::accepting || phase_ == Phase::backing_off;
  if (!waiting) return effects;
  if (now < deadline_) {
    effects.wake_at = deadline_;
    return effects;
  }
  if (phase_ == Phase::backing_off) return start_round(now, next_number());
  // No majority before the timeout: a new round with a higher number — at
  // once, or after a random back-off.
  effects.events.push_back(event::RoundTimedOut{*number_, phase_ == Phase::preparing});
  if (config_.backoff) {
    back_off(now, random, effects);
    return effects;
  }
  Effects next = start_round(now, next_number());
  next.events.insert(next.events.begin(), effects.events.begin(), effects.events.end());
  return next;
}

// A pause drawn from the back-off range before the next round: the cure for
// duelling proposers (demo 05). Only a round that timed out backs off.
void Proposer::back_off(Millis now, RandomSource& random, Effects& effects) {
  assert(config_.backoff && (phase_ == Phase::preparing || phase_ == Phase::accepting));
  const auto [low, high] = *config_.backoff;
  const auto pause = static_cast<Millis>(
      random.between(static_cast<std::uint64_t>(low), static_cast<std::uint64_t>(high)));
  phase_ = Phase::backing_off;
  deadline_ = now + pause;
  effects.wake_at = deadline_;
  effects.events.push_back(event::BackingOff{deadline_});
}

}  // namespace consensus_lab::paxos
