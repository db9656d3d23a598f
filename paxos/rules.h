// The safety rules of Basic Paxos, each one a switch (all on by default).
//
// Switching a rule off is how a class sees why it exists: the scenario files
// and the safety checker then find a run in which two different values are
// chosen. The rules are enforced in exactly one place each:
//   promise1, promise2, promise3 — the three marked blocks of paxos/acceptor.cpp;
//   persist — by the driver (simulator or real node) that stores AcceptorState.
#pragma once

#include "common/named_rule.h"

namespace consensus_lab::paxos {

struct Rules {
  // The acceptor's three promises (三个承诺):
  //   承诺 1: do not respond to a Prepare numbered ≤ the highest Prepare answered;
  //   承诺 2: do not accept a proposal numbered < the highest Prepare answered;
  //   承诺 3: a Promise carries the highest-numbered proposal accepted so far.
  bool promise1 = true, promise2 = true, promise3 = true;
  // Durable before visible: AcceptorState survives a crash. Off, a restarted
  // acceptor has forgotten what it promised and accepted.
  bool persist = true;
  friend bool operator==(const Rules&, const Rules&) = default;
};

// Every rule by name (`set rule promise1 off`, `--rule promise1=off`).
inline constexpr NamedRule<Rules> kRuleNames[] = {
    {"promise1", &Rules::promise1,
     "promise 1: no answer to a Prepare numbered ≤ one already answered",
     "第一个承诺：不响应提案编号小于等于已响应编号的准备请求"},
    {"promise2", &Rules::promise2, "promise 2: accept no proposal numbered < a Prepare answered",
     "第二个承诺：不通过提案编号小于已响应编号的提案"},
    {"promise3", &Rules::promise3,
     "promise 3: Promise carries the highest-numbered accepted proposal",
     "第三个承诺：准备响应包含已经通过的最大编号的提案信息"},
    {"persist", &Rules::persist, "an acceptor's promise and accepted proposal survive a crash",
     "接受者的承诺和已通过的提案持久化，崩溃后仍在"},
};

}  // namespace consensus_lab::paxos
