#include "paxos/learner.h"

#include <cassert>
#include <utility>

#include "common/quorum.h"

namespace consensus_lab::paxos {

Learner::Learner(std::size_t acceptor_count, std::optional<Proposal> restored)
    : needed_(majority(acceptor_count)), learned_(std::move(restored)) {
  assert(acceptor_count >= 1);
}

Effects Learner::handle(const NodeId& from, const Accepted& accepted) {
  Effects effects;
  const Proposal& proposal = accepted.proposal;

  // notes, 接受阶段: "当学习者发现大多数的接受者都通过了某个提案，那么它也通过该提案，
  // 接受该提案的值" — "when a learner sees that a majority of acceptors have
  // accepted one proposal, it accepts that proposal too, and takes its value".
  // Count acceptors per proposal number (one proposal = one number); a set,
  // so a duplicated Accepted from the same acceptor counts once.
  auto& acceptors = accepted_by_[proposal.number];
  if (!acceptors.insert(from).second || learned_) return effects;
  effects.events.push_back(event::AcceptanceCounted{proposal, acceptors.size(), needed_});

  if (acceptors.size() >= needed_) {
    learned_ = proposal;
    effects.events.push_back(event::Learned{proposal});
  }
  return effects;
}

}  // namespace consensus_lab::paxos
