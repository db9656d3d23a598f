// One Raft server as the explorer runs it (tools/explore/raft_model.cpp): the
// live raft::Server (none while it is down) and its disk, as a value that can
// be compared and hashed, and what it does in one step — exactly what the
// simulator's driver does (cluster/raft_cluster.cpp, RaftNode): handle, then
// persist, then send; a crash keeps the disk (or wipes it with rule persist
// off); a restart makes the server again from its disk.
//
// Time stands still: the simulator's manual mode never moves the clock, and a
// timer fires only as an action (`timeout A`). Every draw of a random election
// timeout gives the lowest value, so that a server's state does not depend on
// how often it drew — in manual mode the deadline is never reached anyway.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "narration/text.h"
#include "raft/server.h"
#include "tools/explore/interner.h"
#include "tools/explore/state_space.h"
#include "tools/explore/still_time.h"

namespace consensus_lab::explore {

struct ServerNode {
  std::optional<raft::Server> server;  // none while it is down
  raft::RaftHardState disk;
  friend bool operator==(const ServerNode&, const ServerNode&) = default;
};

using RaftSent = Sent<raft::Message>;  // a message in flight (tools/explore/interner.h)

// Equal values hash alike (tools/explore/interner.h).
std::uint64_t hash_of(const ServerNode& node);

// What one step made a server do, besides changing it: what RaftInvariants
// is told in the simulator.
struct ServerStep {
  std::vector<std::pair<Word, raft::Message>> sent;  // to other servers, by position
  std::optional<raft::Term> elected;                 // it became leader of this term
  std::vector<std::pair<raft::LogIndex, raft::LogEntry>> committed;
  std::optional<narration::Text> overwrote;  // a leader's write broke leader append-only
  std::optional<narration::Text> refused;    // it refused an impossible message
};

// Server `self` (its position in `ids`) handles `message` from `from`.
void deliver_to(ServerNode& node, Word self, const std::vector<NodeId>& ids, const NodeId& from,
                const raft::Message& message, StillTime& time, ServerStep& step);
// Its election timer fires now (Server::timeout).
void time_out(ServerNode& node, Word self, const std::vector<NodeId>& ids, StillTime& time,
              ServerStep& step);
// A client's command reaches it (Server::submit; it leads).
void submit(ServerNode& node, Word self, const std::vector<NodeId>& ids, const Command& command,
            StillTime& time, ServerStep& step);
// It crashes: its disk stays (rule persist off: the disk is wiped too).
void crash(ServerNode& node);
// It restarts with `config`, from its disk.
void restart(ServerNode& node, raft::Server::Config config, const std::vector<NodeId>& ids,
             StillTime& time, ServerStep& step);

}  // namespace consensus_lab::explore
