// The invariants of a simulated Raft cluster — the paper's Figure 3, and
// what the clients saw — kept by RaftCluster (raft_cluster.h) from the events
// and the disks, and checked by the simulator after every event.
#include <algorithm>

#include "cluster/raft_cluster.h"

namespace consensus_lab::cluster {

using raft::LogEntry;
using raft::LogIndex;
using raft::Server;
using raft::Term;

std::string describe_entry(LogIndex index, const LogEntry& entry) {
  return "(" + raft::to_string(index) + ", " + raft::to_string(entry.term) + ", " +
         to_string(entry.command) + ")";
}

void RaftCluster::log_changed(std::size_t server, std::uint64_t from) {
  const std::uint64_t kept = from - 1;
  for (std::size_t other = 0; other < same_prefix_.size(); ++other) {
    same_prefix_[server][other] = std::min(same_prefix_[server][other], kept);
    same_prefix_[other][server] = std::min(same_prefix_[other][server], kept);
  }
  leader_checked_[server] = std::min(leader_checked_[server], kept);
}

// Leader append-only, checked as a leader's change reaches its disk: the
// entries it replaces must be the ones already there, and none may go.
void RaftCluster::log_changing(std::size_t server, const raft::RaftHardState& before,
                               const raft::Persist& persist) {
  const std::uint64_t from = persist.log_from->value;
  log_changed(server, from);
  const Server* s = server_at(server);
  if (s == nullptr || s->role() != raft::Role::leader || before.current_term != s->current_term() ||
      append_conflict_) {
    return;
  }
  const std::vector<LogEntry>& old = before.log.entries();
  const bool shorter = from - 1 + persist.entries.size() < old.size();
  bool replaced = false;
  for (std::uint64_t index = from; index <= old.size() && !replaced; ++index) {
    replaced = index - from >= persist.entries.size() ||
               !(persist.entries[index - from] == old[index - 1]);
  }
  if (shorter || replaced) {
    append_conflict_ = "leader " + options_.servers[server] +
                       " overwrote or deleted entries of its own log in term " +
                       raft::to_string(s->current_term());
  }
}

// The paper's Figure 3, checked after every event. The ones that read logs
// are incremental — they would otherwise compare whole logs after every
// event — and give the same answers: log matching remembers, per pair of
// servers, how many leading entries are known identical (log_changed()
// lowers it when a log changes); leader completeness remembers, per leader,
// up to which index it has been checked against what is committed.
void RaftCluster::install_invariants() {
  world_.add_invariant("election safety", [this]() -> std::optional<std::string> {
    return election_conflict_;  // at most one leader per term
  });
  world_.add_invariant("leader append-only", [this]() -> std::optional<std::string> {
    return append_conflict_;  // checked in log_changing()
  });
  world_.add_invariant(
      "log matching", [this, seen = ~0ULL]() mutable -> std::optional<std::string> {
        if (std::exchange(seen, changes_) == changes_) return std::nullopt;
        // Two logs with an entry of the same index and term are identical up to it.
        for (std::size_t a = 0; a < options_.servers.size(); ++a) {
          for (std::size_t b = a + 1; b < options_.servers.size(); ++b) {
            const auto& la = state_at(a).log.entries();
            const auto& lb = state_at(b).log.entries();
            const std::size_t common = std::min(la.size(), lb.size());
            std::uint64_t& same = same_prefix_[a][b];
            while (same < common && la[same] == lb[same]) ++same;
            same_prefix_[b][a] = same;
            // Past the identical prefix, no index may hold entries of one term.
            for (std::size_t i = same; i < common; ++i) {
              if (la[i].term == lb[i].term) {
                return options_.servers[a] + " and " + options_.servers[b] + " agree at index " +
                       std::to_string(i + 1) + " but differ at index " + std::to_string(same + 1);
              }
            }
          }
        }
        return std::nullopt;
      });
  world_.add_invariant("leader completeness",
                       [this, seen = ~0ULL]() mutable -> std::optional<std::string> {
                         if (std::exchange(seen, changes_) == changes_) return std::nullopt;
                         // An entry committed in term T is in the log of every leader of a term
                         // after T.
                         for (std::size_t i = 0; i < options_.servers.size(); ++i) {
                           const Server* s = server_at(i);
                           if (s == nullptr || s->role() != raft::Role::leader) continue;
                           if (leader_checked_term_[i] != s->current_term()) {
                             leader_checked_term_[i] = s->current_term();
                             leader_checked_[i] = 0;
                           }
                           const auto& log = s->log().entries();
                           for (auto it = committed_.upper_bound(LogIndex{leader_checked_[i]});
                                it != committed_.end(); ++it) {
                             const auto& [index, entry] = *it;
                             if (committed_in_.at(index) < s->current_term() &&
                                 (index.value > log.size() || !(log[index.value - 1] == entry))) {
                               return "leader " + options_.servers[i] + " of term " +
                                      raft::to_string(s->current_term()) +
                                      " lacks the committed entry " + describe_entry(index, entry);
                             }
                             leader_checked_[i] = index.value;
                           }
                         }
                         return std::nullopt;
                       });
  world_.add_invariant("state machine safety", [this]() -> std::optional<std::string> {
    // No two servers commit, or apply, different entries at one index.
    return commit_conflict_ ? commit_conflict_ : apply_conflict_;
  });
  world_.add_invariant("client operations are linearizable",
                       [this]() -> std::optional<std::string> { return history_.violation(); });
  // Servers that follow the protocol never send each other a message that
  // Server::check finds impossible: a refusal here is a bug in one or the other.
  world_.add_invariant("servers send only possible messages",
                       [this]() -> std::optional<std::string> { return refusal_; });
}

}  // namespace consensus_lab::cluster
