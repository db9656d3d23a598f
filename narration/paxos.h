// Basic Paxos in words: its messages, and the decisions of its acceptors,
// proposers and learners, in English and in the notes' Chinese (提议者, 接受者,
// 学习者, 准备请求, 准备响应, 接受请求, 通过, 提案 [n, v]).
#pragma once

#include <optional>
#include <string>

#include "narration/describer.h"
#include "paxos/effects.h"

namespace consensus_lab::narration {

// One function per message and per decision (narration/describer.h).
struct PaxosWords {
  // The messages, as the notes name them.
  static std::string chinese(const paxos::Prepare& m);
  static std::string chinese(const paxos::Promise& m);
  static std::string chinese(const paxos::Accept& m);
  static std::string chinese(const paxos::Accepted& m);

  // The acceptor keeps the notes' promises 1–3.
  static Line describe(const NodeId& node, const paxos::event::Promised& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::PrepareIgnored& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::ProposalAccepted& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::AcceptRefused& e, Lang lang);
  // The proposer runs its two phases.
  static Line describe(const NodeId& node, const paxos::event::RoundStarted& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::PromiseCounted& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::ValueChosenForAccept& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::ProposerSawChosen& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::RoundTimedOut& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::BackingOff& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::StaleReplyIgnored& e, Lang lang);
  // The learner counts acceptances.
  static Line describe(const NodeId& node, const paxos::event::AcceptanceCounted& e, Lang lang);
  static Line describe(const NodeId& node, const paxos::event::Learned& e, Lang lang);

  // A diagram's notes.
  static std::optional<std::string> note(const paxos::event::Promised& e, Lang lang);
  static std::optional<std::string> note(const paxos::event::PrepareIgnored& e, Lang lang);
  static std::optional<std::string> note(const paxos::event::ProposalAccepted& e, Lang lang);
  static std::optional<std::string> note(const paxos::event::AcceptRefused& e, Lang lang);
  static std::optional<std::string> note(const paxos::event::ValueChosenForAccept& e, Lang lang);
  static std::optional<std::string> note(const paxos::event::ProposerSawChosen& e, Lang lang);
  static std::optional<std::string> note(const paxos::event::RoundTimedOut& e, Lang lang);
  static std::optional<std::string> note(const paxos::event::Learned& e, Lang lang);
  static std::optional<std::string> note(const auto&, Lang) { return std::nullopt; }
};

using PaxosDescriber = Describer<paxos::Message, paxos::Event, PaxosWords>;

}  // namespace consensus_lab::narration
