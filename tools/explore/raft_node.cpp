#include "tools/explore/raft_node.h"

#include <algorithm>
#include <functional>
#include <string>

#include "cluster/raft_invariants.h"
#include "tools/explore/interner.h"

namespace consensus_lab::explore {

using raft::Effects;

std::uint64_t hash_of(const ServerNode& node) {
  const auto& disk = node.disk;
  std::uint64_t h = mix(node.server.has_value(), disk.current_term.value);
  h = mix(h, disk.log.last_index().value * 64 + disk.log.last_term().value);
  h = mix(h, disk.voted_for ? std::hash<std::string>{}(*disk.voted_for) : 0x51);
  if (const auto& s = node.server) {
    h = mix(h, static_cast<std::uint64_t>(s->role()));
    h = mix(h, s->current_term().value * 64 + s->commit_index().value);
    h = mix(h, s->last_log_index().value);
  }
  return h;
}

namespace {

Word position(const std::vector<NodeId>& ids, const NodeId& id) {
  return static_cast<Word>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

// RaftNode::carry_out: durable first, then visible. What RaftInvariants is
// told on the way (log_writing, observe) goes into `step`.
void carry_out(ServerNode& node, Word self, const std::vector<NodeId>& ids, Effects effects,
               ServerStep& step) {
  if (effects.persist) {
    const raft::Persist& persist = *effects.persist;
    const raft::Server* s = node.server ? &*node.server : nullptr;
    // RaftInvariants::log_writing: only a leader's writes in its own term.
    if (persist.log_from && s && s->role() == raft::Role::leader &&
        s->current_term() == node.disk.current_term) {
      const std::uint64_t from = persist.log_from->value;
      const std::vector<raft::LogEntry>& had = node.disk.log.entries();
      const std::uint64_t before = from - 1 - std::min(from - 1, node.disk.log.base_index().value);
      const auto kept = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(before, had.size()));
      if (!step.overwrote) {
        step.overwrote = cluster::leader_overwrote(
            ids[self], s->current_term(), {had.begin() + kept, had.end()}, persist.entries);
      }
    }
    raft::write(persist, node.disk);
  }
  for (const raft::Event& event : effects.events) {
    if (const auto* leader = std::get_if<raft::event::BecameLeader>(&event)) {
      step.elected = leader->term;
    }
    if (const auto* committed = std::get_if<raft::event::Committed>(&event)) {
      step.committed.emplace_back(committed->index, committed->entry);
    }
  }
  for (auto& outgoing : effects.send) {
    step.sent.emplace_back(position(ids, outgoing.to), std::move(outgoing.message));
  }
}

}  // namespace

void deliver_to(ServerNode& node, Word self, const std::vector<NodeId>& ids, const NodeId& from,
                const raft::Message& message, StillTime& time, ServerStep& step) {
  Effects effects = node.server->handle(time.now(), from, message, time.random());
  if (effects.refused) {
    step.refused = cluster::refused_impossible(ids[self], from, message, *effects.refused);
  }
  carry_out(node, self, ids, std::move(effects), step);
}

void time_out(ServerNode& node, Word self, const std::vector<NodeId>& ids, StillTime& time,
              ServerStep& step) {
  carry_out(node, self, ids, node.server->timeout(time.now(), time.random()), step);
}

void submit(ServerNode& node, Word self, const std::vector<NodeId>& ids, const Command& command,
            StillTime& time, ServerStep& step) {
  carry_out(node, self, ids, node.server->submit(time.now(), command), step);
}

void crash(ServerNode& node) {
  const bool persist = node.server->config().rules.persist;
  node.server.reset();
  if (!persist) node.disk = {};  // rule persist off: nothing survives
}

void restart(ServerNode& node, raft::Server::Config config, const std::vector<NodeId>& ids,
             StillTime& time, ServerStep& step) {
  const Word self = position(ids, config.self);
  node.server.emplace(std::move(config), node.disk);
  carry_out(node, self, ids, node.server->start(time.now(), time.random()), step);
}

}  // namespace consensus_lab::explore
