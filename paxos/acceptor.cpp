#include "paxos/acceptor.h"

#include <utility>

namespace consensus_lab::paxos {

Acceptor::Acceptor(NodeId self, std::vector<NodeId> learners, Rules rules, AcceptorState restored)
    : self_(std::move(self)),
      learners_(std::move(learners)),
      rules_(rules),
      state_(std::move(restored)) {}

Effects Acceptor::handle(const NodeId& from, const Prepare& prepare) {
  Effects effects;

  // ---- Promise 1 ----------------------------------------------------------
  // notes, 小结 (三个承诺): "如果准备请求的提案编号，小于等于接受者已经响应的准备请求
  // 的提案编号，那么接受者将承诺不响应这个准备请求。"
  // "If a Prepare's proposal number is less than or equal to the number of a
  // Prepare the acceptor has already answered, the acceptor promises not to
  // answer it."
  if (rules_.promise1 && state_.promised && prepare.number <= *state_.promised) {
    effects.events.push_back(event::PrepareIgnored{prepare.number, *state_.promised});
    return effects;  // no response at all
  }
  // -------------------------------------------------------------------------

  const auto previous = state_.promised;
  state_.promised = prepare.number;

  // ---- Promise 3 ----------------------------------------------------------
  // notes, 小结 (三个承诺): "如果接受者之前有通过提案，那么接受者将承诺，会在准备请求
  // 的响应中，包含已经通过的最大编号的提案信息。"
  // "If the acceptor has accepted a proposal before, it promises that its
  // answer to a Prepare carries the highest-numbered proposal it has accepted."
  std::optional<Proposal> reported;
  if (rules_.promise3) reported = state_.accepted;
  // -------------------------------------------------------------------------

  effects.persist = state_;  // durable before the Promise leaves
  effects.send.push_back({from, Promise{.number = prepare.number, .accepted = reported}});
  effects.events.push_back(event::Promised{prepare.number, previous, reported,
                                           !reported && state_.accepted.has_value()});
  return effects;
}

Effects Acceptor::handle(const NodeId& from, const Accept& accept) {
  Effects effects;
  const Proposal& proposal = accept.proposal;

  // ---- Promise 2 ----------------------------------------------------------
  // notes, 小结 (三个承诺): "如果接受请求中的提案的提案编号，小于接受者已经响应的准备
  // 请求的提案编号，那么接受者将承诺不通过这个提案。"
  // "If the proposal number in an Accept is less than the number of a Prepare
  // the acceptor has already answered, the acceptor promises not to accept it."
  if (rules_.promise2 && state_.promised && proposal.number < *state_.promised) {
    effects.events.push_back(event::AcceptRefused{proposal, *state_.promised});
    return effects;  // not accepted, no response
  }
  // -------------------------------------------------------------------------

  // Accepting [n, v] also promises n: an acceptor never again accepts or
  // answers below the highest number it has taken part in. Without this an
  // acceptor that missed Prepare 5 but accepted [5, 7] could later answer
  // Prepare 3 and accept [3, x], replacing a higher-numbered proposal with a
  // lower one (Lamport, "Paxos Made Simple" §2.2; phase 2b of his TLA+ spec
  // sets maxBal to the accepted ballot).
  if (!state_.promised || *state_.promised < proposal.number) state_.promised = proposal.number;
  state_.accepted = proposal;

  effects.persist = state_;  // durable before Accepted leaves
  effects.send.push_back({from, Accepted{proposal}});
  for (const NodeId& learner : learners_) {
    if (learner != from) effects.send.push_back({learner, Accepted{proposal}});
  }
  effects.events.push_back(event::ProposalAccepted{proposal});
  return effects;
}

}  // namespace consensus_lab::paxos
