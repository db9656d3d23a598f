// The safety rules of Basic Paxos, each one a switch (all on by default).
//
// Switching a rule off is how a class sees why it exists: the scenario files
// and the safety checker then find a run in which two different values are
// chosen. The rules are enforced in exactly one place each:
//   promise1, promise2, promise3 — the three marked blocks of paxos/acceptor.cpp;
//   persist — by the driver (simulator or real node) that stores AcceptorState.
#pragma once

namespace consensus_lab::paxos {

struct Rules {
  // 承诺 1: do not respond to a Prepare numbered ≤ the highest Prepare answered.
  bool promise1 = true;
  // 承诺 2: do not accept a proposal numbered < the highest Prepare answered.
  bool promise2 = true;
  // 承诺 3: a Promise carries the highest-numbered proposal accepted so far.
  bool promise3 = true;
  // Durable before visible: AcceptorState survives a crash. Off, a restarted
  // acceptor has forgotten what it promised and accepted.
  bool persist = true;
};

}  // namespace consensus_lab::paxos
