#include "tools/explore/paxos_node.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <string>

#include "common/overloaded.h"
#include "tools/explore/interner.h"

namespace consensus_lab::explore {

using paxos::Effects;
using paxos::Message;

namespace {

std::uint64_t hash_of(const std::optional<paxos::Proposal>& p) {
  return p ? mix(p->number.value, std::hash<std::string>{}(p->value)) : 0x51;
}

}  // namespace

std::uint64_t hash_of(const Node& node) {
  std::uint64_t h = mix(node.up, hash_of(node.disk.accepted));
  h = mix(h, node.disk.promised ? node.disk.promised->value : 0);
  h = mix(h, hash_of(node.disk_learned));
  if (node.acceptor) {
    h = mix(h, hash_of(node.acceptor->state().accepted));
    h = mix(h, node.acceptor->state().promised ? node.acceptor->state().promised->value : 0);
  }
  if (node.learner) {
    h = mix(h, hash_of(node.learner->learned()));
    for (const auto& [number, acceptors] : node.learner->counted())
      h = mix(h, number.value * 8 + acceptors.size());
  }
  if (const auto& p = node.proposer) {
    h = mix(h, static_cast<std::uint64_t>(p->phase()));
    h = mix(h, p->number() ? p->number()->value : 0);
    h = mix(h, p->promises() * 64 + p->accepted_by());
    h = mix(h, hash_of(p->proposal()));
  }
  return h;
}

std::uint64_t hash_of(const Accepted& a) {
  return mix(mix(a.number.value, a.acceptors), std::hash<std::string>{}(a.value));
}

namespace {

// PaxosNode::handle: the message goes to the role it is for.
Effects handle(Node& node, const NodeId& from, const Message& message) {
  return std::visit(Overloaded{
                        [&](const paxos::Prepare& m) {
                          return node.acceptor ? node.acceptor->handle(from, m) : Effects{};
                        },
                        [&](const paxos::Accept& m) {
                          return node.acceptor ? node.acceptor->handle(from, m) : Effects{};
                        },
                        [&](const paxos::Promise& m) {
                          return node.proposer ? node.proposer->handle(0, from, m) : Effects{};
                        },
                        [&](const paxos::Accepted& m) {
                          Effects effects;
                          if (node.proposer) effects = node.proposer->handle(0, from, m);
                          if (node.learner) {
                            Effects learned = node.learner->handle(from, m);
                            effects.events.insert(effects.events.end(), learned.events.begin(),
                                                  learned.events.end());
                          }
                          return effects;
                        },
                    },
                    message);
}

// PaxosNode::carry_out: persist, then send; a message to itself after the others.
void carry_out(Node& node, Word self, const std::vector<NodeId>& ids, Effects effects,
               NodeStep& t) {
  if (effects.persist) node.disk = *effects.persist;
  for (const auto& event : effects.events) {
    if (const auto* learned = std::get_if<paxos::event::Learned>(&event)) {
      node.disk_learned = learned->proposal;
      t.learned.push_back(learned->proposal);
    }
    if (const auto* accepted = std::get_if<paxos::event::ProposalAccepted>(&event))
      t.accepted.push_back(accepted->proposal);
  }
  std::vector<Message> to_self;
  for (auto& outgoing : effects.send) {
    const auto to = static_cast<Word>(std::find(ids.begin(), ids.end(), outgoing.to) - ids.begin());
    if (to == self) {
      to_self.push_back(std::move(outgoing.message));
    } else {
      t.sent.emplace_back(to, std::move(outgoing.message));
    }
  }
  for (const Message& m : to_self) carry_out(node, self, ids, handle(node, ids[self], m), t);
}

}  // namespace

void fire_timer(Node& node, Word self, const std::vector<NodeId>& ids, NodeStep& step) {
  struct NoBackOff final : RandomSource {
    std::uint64_t between(std::uint64_t low, std::uint64_t) override { return low; }
  } random;
  assert(node.proposer && node.proposer->deadline() && !node.proposer->config().backoff);
  carry_out(node, self, ids, node.proposer->tick(*node.proposer->deadline(), random), step);
}

void deliver_to(Node& node, Word self, const std::vector<NodeId>& ids, const NodeId& from,
                const Message& message, NodeStep& step) {
  carry_out(node, self, ids, handle(node, from, message), step);
}

}  // namespace consensus_lab::explore
