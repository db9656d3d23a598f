// Servers a Server learns of while running — real mode's membership changes
// (docs/real-cluster.md §3.1): a new node's id is not among the servers the
// others were started with, so the node that learns its address tells its
// Server. Why it is safe: config.servers says only whom a server may address
// and hear from; every majority counts the voters of the configuration in
// effect (raft/membership.cpp), which only log entries change.
#include <algorithm>

#include "raft/server.h"

namespace consensus_lab::raft {

void Server::know_server(const NodeId& id) {
  if (id == config_.self || is_peer(id)) return;
  config_.servers.push_back(id);
  // A leader replicates to it as to any follower it has not heard from yet
  // (Figure 2's initial values), once the configuration names it.
  next_index_[id] = last_log_index().next();
  match_index_[id] = LogIndex{};
}

LogIndex Server::match_index(const NodeId& id) const {
  const auto it = match_index_.find(id);
  return role_ == Role::leader && it != match_index_.end() ? it->second : LogIndex{};
}

// Thesis §3.10: the target should be up to date, so that the transfer
// needs no catching up and its election is won at once.
std::optional<NodeId> Server::best_transfer_target() const {
  std::optional<NodeId> best;
  for (const NodeId& id : configuration().voters) {
    if (id == config_.self) continue;
    if (!best || match_index(id) > match_index(*best)) best = id;
  }
  return best;
}

}  // namespace consensus_lab::raft
