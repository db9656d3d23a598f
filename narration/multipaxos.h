// Chubby-style Multi-Paxos in words: its messages, and the decisions of its
// replicas — electing a master, the steady state, the lease, catching up — in
// English and in the notes' Chinese (主节点, 准备请求, 接受请求, 槽位 …).
#pragma once

#include <optional>
#include <string>

#include "multipaxos/effects.h"
#include "narration/describer.h"

namespace consensus_lab::narration {

// One function per message and per decision (narration/describer.h).
struct MultiPaxosWords {
  // The messages, as the notes name them.
  static std::string chinese(const multipaxos::Prepare& m);
  static std::string chinese(const multipaxos::Promise& m);
  static std::string chinese(const multipaxos::Reject& m);
  static std::string chinese(const multipaxos::Accept& m);
  static std::string chinese(const multipaxos::Accepted& m);
  static std::string chinese(const multipaxos::Heartbeat& m);
  static std::string chinese(const multipaxos::HeartbeatOk& m);
  static std::string chinese(const multipaxos::CatchUp& m);
  static std::string chinese(const multipaxos::Chosen& m);

  // Electing a master: Basic Paxos phase 1 for every open slot at once.
  static Line describe(const NodeId& node, const multipaxos::event::CampaignStarted& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::PromiseGranted& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::PrepareRefused& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::PromiseWithheld& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::BecameMaster& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::SteppedDown& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::LeftConfiguration& e,
                       Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::PhaseOneStalled& e, Lang lang);
  // The steady state: phase 2 only, one slot per command.
  static Line describe(const NodeId& node, const multipaxos::event::CommandProposed& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::SlotAccepted& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::AcceptRefused& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::SlotChosen& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::ChosenIgnored& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::Applied& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::CatchingUp& e, Lang lang);
  // The master's lease.
  static Line describe(const NodeId& node, const multipaxos::event::LeaseHeld& e, Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::PrepareIgnoredForLease& e,
                       Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::OrderIgnoredForLease& e,
                       Lang lang);
  static Line describe(const NodeId& node, const multipaxos::event::CampaignDeferred& e, Lang lang);

  // A diagram's notes.
  static std::optional<std::string> note(const multipaxos::event::CampaignStarted& e, Lang lang);
  static std::optional<std::string> note(const multipaxos::event::BecameMaster& e, Lang lang);
  static std::optional<std::string> note(const multipaxos::event::SteppedDown& e, Lang lang);
  static std::optional<std::string> note(const multipaxos::event::LeftConfiguration& e, Lang lang);
  static std::optional<std::string> note(const multipaxos::event::PhaseOneStalled& e, Lang lang);
  static std::optional<std::string> note(const multipaxos::event::PrepareIgnoredForLease& e,
                                         Lang lang);
  static std::optional<std::string> note(const multipaxos::event::SlotChosen& e, Lang lang);
  static std::optional<std::string> note(const auto&, Lang) { return std::nullopt; }
};

using MultiPaxosDescriber = Describer<multipaxos::Message, multipaxos::Event, MultiPaxosWords>;

}  // namespace consensus_lab::narration
