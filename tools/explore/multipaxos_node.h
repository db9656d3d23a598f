// One Multi-Paxos replica as the explorer runs it (tools/explore/multipaxos_model.cpp):
// the live multipaxos::Replica (none while it is down), its disk and its
// timer, as a value that can be compared and hashed, and what it does in one
// step — exactly what the simulator's driver does
// (cluster/multipaxos_cluster.cpp, MultiPaxosNode): handle, then persist,
// then send, then set its timer; a crash keeps the disk (or wipes it with
// rule persist off) and cancels the timer; a restart makes the replica again
// from its disk.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "multipaxos/replica.h"
#include "narration/text.h"
#include "tools/explore/interner.h"
#include "tools/explore/state_space.h"
#include "tools/explore/still_time.h"

namespace consensus_lab::explore {

struct ReplicaNode {
  std::optional<multipaxos::Replica> replica;  // none while it is down
  multipaxos::ReplicaHardState disk;
  std::optional<Millis> wake;  // when its timer fires (none while it is down)
  friend bool operator==(const ReplicaNode&, const ReplicaNode&) = default;
};

using MultiPaxosSent = Sent<multipaxos::Message>;  // a message in flight (tools/explore/interner.h)

// Equal values hash alike (tools/explore/interner.h).
std::uint64_t hash_of(const ReplicaNode& node);

// What one step made a replica do, besides changing it: what
// MultiPaxosInvariants is told in the simulator, in the order it is told.
struct ReplicaStep {
  std::vector<std::pair<Word, multipaxos::Message>> sent;  // to other replicas, by position
  std::vector<multipaxos::event::SlotAccepted> accepted;
  std::vector<std::pair<multipaxos::Slot, Command>> learned;
  std::vector<multipaxos::Ballot> elected;   // it became master with these ballots
  std::optional<multipaxos::Slot> applied;   // the highest slot it applied
  std::optional<narration::Text> overwrote;  // a write changed a slot it knew chosen
  std::optional<narration::Text> refused;    // it refused an impossible message
};

// Replica `self` (its position in `ids`) handles `message` from `from`.
void deliver_to(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, const NodeId& from,
                const multipaxos::Message& message, StillTime& time, ReplicaStep& step);
// Its timer fires (Replica::tick): a heartbeat, or the election timeout.
void fire_timer(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, StillTime& time,
                ReplicaStep& step);
// `timeout A`: its election timer fires now, whenever it was due (Replica::campaign).
void campaign(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, StillTime& time,
              ReplicaStep& step);
// A client's command reaches it (Replica::submit; it is master).
void submit(ReplicaNode& node, Word self, const std::vector<NodeId>& ids, const Command& command,
            StillTime& time, ReplicaStep& step);
// It crashes: its disk stays (rule persist off: the disk is wiped too).
void crash(ReplicaNode& node);
// It restarts with `config`, from its disk.
void restart(ReplicaNode& node, multipaxos::Replica::Config config, const std::vector<NodeId>& ids,
             StillTime& time, ReplicaStep& step);

}  // namespace consensus_lab::explore
