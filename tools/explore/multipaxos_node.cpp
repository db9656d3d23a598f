#include "tools/explore/multipaxos_node.h"

#include <algorithm>
#include <functional>
#include <string>

#include "cluster/multipaxos_invariants.h"
#include "tools/explore/interner.h"

namespace consensus_lab::explore {

using multipaxos::Effects;

std::uint64_t hash_of(const ReplicaNode& node) {
  const auto& disk = node.disk;
  std::uint64_t h =
      mix(node.replica.has_value(), static_cast<std::uint64_t>(node.wake.value_or(-1)));
  h = mix(h, disk.promised ? disk.promised->value : 0x51);
  h = mix(h, disk.accepted.size() * 1024 + disk.chosen.size());
  if (const auto& r = node.replica) {
    h = mix(h, static_cast<std::uint64_t>(r->role()));
    h = mix(h, r->commit().value * 64 + r->applied().value);
    h = mix(h, static_cast<std::uint64_t>(r->lease_until()));
  }
  return h;
}

namespace {

Word position(const std::vector<NodeId>& ids, const NodeId& id) {
  return static_cast<Word>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

// MultiPaxosNode::carry_out: durable first, then visible, then the timer.
// What MultiPaxosInvariants is told on the way (disk_writing, observe) goes
// into `step`.
void carry_out(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, Effects effects,
               ReplicaStep& step) {
  if (effects.persist) {
    for (const auto& [slot, command] : effects.persist->chosen) {
      const auto held = node.disk.chosen.find(slot);
      if (!step.overwrote) {
        step.overwrote = cluster::chosen_slot_never_changes(
            ids[self], slot,
            held == node.disk.chosen.end() ? std::nullopt : std::optional<Command>(held->second),
            command);
      }
    }
    multipaxos::write(*effects.persist, node.disk);
  }
  namespace ev = multipaxos::event;
  for (const multipaxos::Event& event : effects.events) {
    if (const auto* accepted = std::get_if<ev::SlotAccepted>(&event)) {
      step.accepted.push_back(*accepted);
    }
    if (const auto* learned = std::get_if<ev::SlotChosen>(&event)) {
      step.learned.emplace_back(learned->slot, learned->command);
    }
    if (const auto* applied = std::get_if<ev::Applied>(&event)) {
      step.applied = std::max(step.applied.value_or(applied->slot), applied->slot);
    }
    if (const auto* master = std::get_if<ev::BecameMaster>(&event)) {
      step.elected.push_back(master->ballot);
    }
  }
  for (auto& outgoing : effects.send) {
    step.sent.emplace_back(position(ids, outgoing.to), std::move(outgoing.message));
  }
  if (effects.wake_at) node.wake = *effects.wake_at;
}

}  // namespace

void deliver_to(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, const NodeId& from,
                const multipaxos::Message& message, StillTime& time, ReplicaStep& step) {
  Effects effects = node.replica->handle(time.now(), from, message, time.random());
  if (effects.refused) {
    step.refused = cluster::refused_impossible(ids[self], from, message, *effects.refused);
  }
  carry_out(node, self, ids, std::move(effects), step);
}

void fire_timer(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, StillTime& time,
                ReplicaStep& step) {
  carry_out(node, self, ids, node.replica->tick(time.now(), time.random()), step);
}

void campaign(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, StillTime& time,
              ReplicaStep& step) {
  carry_out(node, self, ids, node.replica->campaign(time.now(), time.random()), step);
}

void submit(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, const Command& command,
            StillTime& time, ReplicaStep& step) {
  carry_out(node, self, ids, node.replica->submit(time.now(), command), step);
}

void crash(ReplicaNode& node) {
  const bool persist = node.replica->config().rules.persist;
  node.replica.reset();
  node.wake.reset();
  if (!persist) node.disk = {};  // rule persist off: nothing survives
}

void restart(ReplicaNode& node, multipaxos::Replica::Config config, const std::vector<NodeId>& ids,
             StillTime& time, ReplicaStep& step) {
  const Word self = position(ids, config.self);
  node.replica.emplace(std::move(config), node.disk);
  carry_out(node, self, ids, node.replica->start(time.now(), time.random()), step);
}

}  // namespace consensus_lab::explore
