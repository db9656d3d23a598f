#include "cluster/raft_invariants.h"

#include <algorithm>

#include "cluster/raft_cluster.h"
#include "narration/describers.h"

namespace consensus_lab::cluster {

using raft::LogEntry;
using raft::LogIndex;
using raft::Role;
using raft::Server;
using raft::Term;

std::string describe_entry(LogIndex index, const LogEntry& entry) {
  return "(" + raft::to_string(index) + ", " + raft::to_string(entry.term) + ", " +
         to_string(entry.command) + ")";
}

// ---- The whole cluster ---------------------------------------------------------

RaftInvariants::RaftInvariants(const RaftCluster& cluster, ClientHistory& clients)
    : cluster_(cluster),
      clients_(clients),
      identical_prefix_(cluster.options().servers.size(),
                        std::vector<std::uint64_t>(cluster.options().servers.size(), 0)),
      found_committed_(cluster.options().servers.size()),
      servers_(
          cluster.options().servers, [this](std::size_t i) { return snapshot(i); },
          raft_server_checks()),
      stability_(cluster),
      snapshots_(cluster) {}

RaftServerSnapshot RaftInvariants::snapshot(std::size_t i) const {
  if (const Server* s = cluster_.server_at(i)) return snapshot_of(*s);
  return snapshot_of(cluster_.state_at(i));
}

void RaftInvariants::observe(std::size_t server, const raft::Event& event) {
  namespace ev = raft::event;
  const NodeId& id = cluster_.options().servers[server];
  if (const auto* leader = std::get_if<ev::BecameLeader>(&event)) {
    leader_of_term_.try_emplace(leader->term, id);
    new_elections_.push_back({leader->term, id});
    completeness_to_check_ = true;
  }
  if (const auto* committed = std::get_if<ev::Committed>(&event)) {
    // Leader Completeness speaks of the leaders of terms after the one in
    // which an entry was committed: the earliest such term counts.
    const Term now = cluster_.server_at(server)->current_term();
    const auto [when, first] = committed_in_.try_emplace(committed->index, now);
    if (first || now < when->second) {
      when->second = now;
      for (FoundCommitted& found : found_committed_) {
        found.up_to = std::min(found.up_to, committed->index.value - 1);
      }
    }
    new_commits_.push_back({committed->index, committed->entry});
    completeness_to_check_ = true;
  }
  if (const auto* applied = std::get_if<ev::Applied>(&event)) {
    first_applied_.try_emplace(applied->index, applied->command);
    new_applications_.push_back({id, applied->index, applied->command});
  }
  snapshots_.observe(server, event);
}

void RaftInvariants::log_writing(std::size_t server, const raft::RaftHardState& disk,
                                 const raft::Persist& persist) {
  const std::uint64_t from = persist.log_from->value;
  log_changed(server, from);
  // Only a leader's writes in its own term are Leader Append-Only's business.
  const Server* s = cluster_.server_at(server);
  if (s == nullptr || s->role() != Role::leader || s->current_term() != disk.current_term) return;
  // (From `from` on: past the disk's base, which a snapshot only moves up.)
  const std::vector<LogEntry>& had = disk.log.entries();
  const std::uint64_t before = from - 1 - std::min(from - 1, disk.log.base_index().value);
  const auto kept = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(before, had.size()));
  new_leader_writes_.push_back(
      {server, s->current_term(), {had.begin() + kept, had.end()}, persist.entries});
}

void RaftInvariants::log_changed(std::size_t server, std::uint64_t from) {
  if (std::find(logs_changed_.begin(), logs_changed_.end(), server) == logs_changed_.end()) {
    logs_changed_.push_back(server);
  }
  const std::uint64_t kept = from - 1;
  for (std::size_t other = 0; other < identical_prefix_.size(); ++other) {
    auto& prefix = identical_prefix_[std::min(server, other)][std::max(server, other)];
    prefix = std::min(prefix, kept);
  }
  found_committed_[server].up_to = std::min(found_committed_[server].up_to, kept);
  completeness_to_check_ = true;
}

void RaftInvariants::refused(std::size_t server, const NodeId& from, const raft::Message& message,
                             const narration::Text& reason) {
  refusals_.push_back({server, from, message, reason});
}

void RaftInvariants::install(RaftWorld& world) {
  world.add_invariants([this, &world] { return first_violated(world.event_node()); });
}

std::optional<sim::Violated> RaftInvariants::first_violated(std::optional<std::size_t> event_node) {
  if (auto problem = election_safety()) return sim::violated(kElectionSafety, std::move(*problem));
  if (auto problem = leader_append_only())
    return sim::violated(kLeaderAppendOnly, std::move(*problem));
  if (auto problem = log_matching()) return sim::violated(kLogMatching, std::move(*problem));
  if (auto problem = leader_completeness())
    return sim::violated(kLeaderCompleteness, std::move(*problem));
  if (auto problem = state_machine_safety())
    return sim::violated(kStateMachineSafety, std::move(*problem));
  if (auto problem = snapshots_.snapshot_covers_committed())
    return sim::violated({"snapshots cover only committed entries", "快照只包含已提交的日志项"},
                         std::move(*problem));
  if (auto problem = snapshots_.equal_state_at_equal_index())
    return sim::violated(
        {"equal state machines at equal applied index", "应用到同一索引的状态机相同"},
        std::move(*problem));
  if (auto problem = clients_.violation())
    return sim::violated(ClientHistory::kInvariant, std::move(*problem));
  if (auto problem = only_possible_messages())
    return sim::violated(kOnlyPossibleMessages, std::move(*problem));
  if (auto problem = stability_.check()) {
    return sim::violated(LeaderStability::kInvariant, std::move(*problem));
  }
  // Read the rules at each check: a scenario may switch one off or on mid-run.
  return servers_.run(cluster_.options().rules, event_node);
}

// Figure 3, Election Safety: "at most one leader can be elected in a given
// term" (§5.2). 选举安全：一个任期内最多只能选出一个领导者。
std::optional<narration::Text> RaftInvariants::election_safety() {
  for (const Election& election : new_elections_) {
    if (auto problem =
            two_leaders(election.term, leader_of_term_.at(election.term), election.leader))
      return problem;
  }
  new_elections_.clear();
  return std::nullopt;
}

std::optional<narration::Text> two_leaders(Term term, const NodeId& first, const NodeId& second) {
  if (first == second) return std::nullopt;
  const std::string t = raft::to_string(term);
  return narration::Text{first + " and " + second + " were both elected in term " + t,
                         first + " 和 " + second + " 都在任期 " + t + " 当选"};
}

// Figure 3, Leader Append-Only: "a leader never overwrites or deletes entries
// in its log; it only appends new entries" (§5.3). 领导者只追加：领导者从不覆盖或
// 删除自己日志中的日志项，只追加新的。Checked on each write a leader makes to its
// log in its term: what it had from there on is kept, in front of the rest.
std::optional<narration::Text> RaftInvariants::leader_append_only() {
  for (const LeaderWrite& write : new_leader_writes_) {
    if (auto problem = leader_overwrote(cluster_.options().servers[write.server], write.term,
                                        write.had, write.wrote))
      return problem;
  }
  new_leader_writes_.clear();
  return std::nullopt;
}

std::optional<narration::Text> leader_overwrote(const NodeId& leader, Term term,
                                                const std::vector<LogEntry>& had,
                                                const std::vector<LogEntry>& wrote) {
  if (had.size() <= wrote.size() && std::equal(had.begin(), had.end(), wrote.begin()))
    return std::nullopt;
  const std::string t = raft::to_string(term);
  return narration::Text{
      "leader " + leader + " overwrote or deleted entries of its own log in term " + t,
      "领导者 " + leader + " 在任期 " + t + " 覆盖或删除了自己日志中的日志项"};
}

// Figure 3, Log Matching: "if two logs contain an entry with the same index
// and term, then the logs are identical in all entries up through the given
// index" (§5.3). 日志匹配：两个日志在同一索引处的日志项任期相同，则两个日志在该索引及之前
// 的日志项全都相同。Past the prefix two logs share, no index may hold entries of
// one term. Only a pair with a log changed since the last check can break it.
std::optional<narration::Text> RaftInvariants::log_matching() {
  if (logs_changed_.empty()) return std::nullopt;
  const auto changed = [this](std::size_t server) {
    return std::find(logs_changed_.begin(), logs_changed_.end(), server) != logs_changed_.end();
  };
  const std::vector<NodeId>& servers = cluster_.options().servers;
  for (std::size_t a = 0; a < servers.size(); ++a) {
    for (std::size_t b = a + 1; b < servers.size(); ++b) {
      if (!changed(a) && !changed(b)) continue;
      if (auto problem = logs_disagree(servers[a], cluster_.state_at(a).log, servers[b],
                                       cluster_.state_at(b).log, identical_prefix_[a][b]))
        return problem;
    }
  }
  logs_changed_.clear();
  return std::nullopt;
}

std::optional<narration::Text> logs_disagree(const NodeId& a, const raft::Log& la, const NodeId& b,
                                             const raft::Log& lb, std::uint64_t& same) {
  const std::uint64_t common = std::min(la.last_index(), lb.last_index()).value;
  // Entries in a snapshot are committed: the same in every log that had them.
  same = std::max({same, la.base_index().value, lb.base_index().value});
  while (same < common && la.entry(LogIndex{same + 1}) == lb.entry(LogIndex{same + 1})) ++same;
  for (std::uint64_t i = same + 1; i <= common; ++i) {
    if (la.term_at(LogIndex{i}) == lb.term_at(LogIndex{i})) {
      const std::string agree = std::to_string(i), differ = std::to_string(same + 1);
      return narration::Text{
          a + " and " + b + " agree at index " + agree + " but differ at index " + differ,
          a + " 和 " + b + " 在索引 " + agree + " 处一致，在索引 " + differ + " 处却不同"};
    }
  }
  return std::nullopt;
}

// Figure 3, Leader Completeness: "if a log entry is committed in a given
// term, then that entry will be present in the logs of the leaders for all
// higher-numbered terms" (§5.4). 领导者完整性：某任期内提交的日志项，一定出现在所有更
// 高任期的领导者的日志中 (notes: 日志完整性最高的节点才能当选领导者).
// Looked at again only after a commit, a change to a log or an election.
std::optional<narration::Text> RaftInvariants::leader_completeness() {
  if (!completeness_to_check_) return std::nullopt;
  const auto& committed = cluster_.committed();
  for (std::size_t i = 0; i < found_committed_.size(); ++i) {
    const Server* s = cluster_.server_at(i);
    if (s == nullptr || s->role() != Role::leader) continue;
    FoundCommitted& found = found_committed_[i];
    if (found.term != s->current_term()) found = {s->current_term(), 0};
    if (committed.empty() || committed.rbegin()->first.value <= found.up_to) continue;
    const raft::Log& log = s->log();
    for (auto it = committed.upper_bound(LogIndex{found.up_to}); it != committed.end(); ++it) {
      const auto& [index, entry] = *it;
      if (auto problem = leader_lacks(cluster_.options().servers[i], s->current_term(), log, index,
                                      entry, committed_in_.at(index)))
        return problem;
      found.up_to = index.value;
    }
  }
  completeness_to_check_ = false;
  return std::nullopt;
}

std::optional<narration::Text> leader_lacks(const NodeId& leader, Term term, const raft::Log& log,
                                            LogIndex index, const LogEntry& entry,
                                            Term committed_in) {
  // (An entry in the leader's snapshot is there: a snapshot covers only
  // committed entries — RaftSnapshotInvariants.)
  const bool present =
      index <= log.last_index() && (index <= log.base_index() || log.entry(index) == entry);
  if (committed_in >= term || present) return std::nullopt;
  const std::string t = raft::to_string(term), entry_text = describe_entry(index, entry);
  return narration::Text{
      "leader " + leader + " of term " + t + " lacks the committed entry " + entry_text,
      "任期 " + t + " 的领导者 " + leader + " 缺少已提交的日志项 " + entry_text};
}

// Figure 3, State Machine Safety: "if a server has applied a log entry at a
// given index to its state machine, no other server will ever apply a
// different log entry for the same index" (§5.4.3). 状态机安全：一个服务器在某索引处
// 应用了某日志项，其他服务器在该索引处永远不会应用不同的日志项。Nor do two servers
// commit different entries at one index.
std::optional<narration::Text> RaftInvariants::state_machine_safety() {
  for (const Commit& commit : new_commits_) {
    if (auto problem =
            committed_twice(commit.index, cluster_.committed().at(commit.index), commit.entry))
      return problem;
  }
  for (const Application& application : new_applications_) {
    const Command& first = first_applied_.at(application.index);
    if (!(first == application.command)) {
      const std::string index = raft::to_string(application.index);
      return narration::Text{application.server + " applied " + to_string(application.command) +
                                 " at index " + index + ", another server " + to_string(first),
                             application.server + " 在索引 " + index + " 执行了 " +
                                 to_string(application.command) + "，另一个服务器执行的是 " +
                                 to_string(first)};
    }
  }
  new_commits_.clear();
  new_applications_.clear();
  return std::nullopt;
}

std::optional<narration::Text> committed_twice(LogIndex index, const LogEntry& first,
                                               const LogEntry& other) {
  if (first == other) return std::nullopt;
  const std::string i = raft::to_string(index), one = describe_entry(index, first),
                    two = describe_entry(index, other);
  return narration::Text{"index " + i + " was committed as " + one + " and as " + two,
                         "索引 " + i + " 既提交为 " + one + "，又提交为 " + two};
}

// Servers that follow the protocol never send each other a message that
// Server::check finds impossible: a refusal here is a bug in one or the other.
std::optional<narration::Text> RaftInvariants::only_possible_messages() const {
  if (refusals_.empty()) return std::nullopt;
  const Refusal& first = refusals_.front();
  return refused_impossible(cluster_.options().servers[first.server], first.from, first.message,
                            first.reason);
}

narration::Text refused_impossible(const NodeId& server, const NodeId& from,
                                   const raft::Message& message, const narration::Text& reason) {
  return narration::Text{
      server + " refused " + raft::to_string(message) + " from " + from + ": " + reason.en,
      server + " 拒绝了 " + from + " 发来的" +
          narration::RaftDescriber::message(message, narration::Lang::zh) + "：" +
          reason.in(narration::Lang::zh)};
}

}  // namespace consensus_lab::cluster
