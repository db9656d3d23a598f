// 接受者 (Acceptor) — notes, Basic Paxos: "对每个提议的值进行投票，并存储接受的值"
// (votes on each proposed value and stores the value it accepts).
//
// An acceptor answers Prepare with Promise and Accept with Accepted, keeping
// the notes' three promises (小结, 三个承诺). They are the three marked blocks
// of acceptor.cpp. Its durable state is AcceptorState; every reply that
// depends on a change of it is sent only after Effects::persist is stored.
#pragma once

#include <vector>

#include "paxos/effects.h"
#include "paxos/rules.h"

namespace consensus_lab::paxos {

class Acceptor {
 public:
  // `learners`: where Accepted goes besides the proposer (the notes: "当接受者
  // 通过了一个提案时，就通知给所有的学习者" — an acceptor that accepts a proposal
  // tells every learner). `restored` is the durable state after a restart.
  Acceptor(NodeId self, std::vector<NodeId> learners, Rules rules = {},
           AcceptorState restored = {});

  Effects handle(const NodeId& from, const Prepare& prepare);
  Effects handle(const NodeId& from, const Accept& accept);

  // Switch rules on or off from the next message on (scenarios: `set rule`).
  void set_rules(const Rules& rules) { rules_ = rules; }

  const AcceptorState& state() const { return state_; }
  const NodeId& id() const { return self_; }

  // Two acceptors are equal when they would answer every message alike (the
  // explorer, tools/explore, counts each distinct state once).
  friend bool operator==(const Acceptor&, const Acceptor&) = default;

 private:
  NodeId self_;
  std::vector<NodeId> learners_;
  Rules rules_;
  AcceptorState state_;
};

}  // namespace consensus_lab::paxos
