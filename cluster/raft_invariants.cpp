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

// ---- A server against itself -------------------------------------------------

namespace {

// Durable state carries over from `before` to `now`: the server did not go
// down in between, or its disk kept it (rule persist).
bool durable_kept(const RaftServerSnapshot& before, const RaftServerSnapshot& now,
                  const raft::Rules& rules) {
  return rules.persist || (before.up && now.up);
}

std::string describe_vote(const std::optional<NodeId>& voted_for) {
  return voted_for ? *voted_for : "nobody";
}

std::string_view describe_role(Role role) {
  return role == Role::leader ? "leader" : role == Role::candidate ? "a candidate" : "a follower";
}

}  // namespace

// Figure 2: "currentTerm: latest term server has seen (initialized to 0 on
// first boot, increases monotonically)". Notes, 任期: "每个任期由单调递增的数字
// （任期编号）标识" — each term is identified by a number that only goes up.
std::optional<narration::Text> current_term_never_goes_down(const NodeId& server,
                                                            const RaftServerSnapshot& before,
                                                            const RaftServerSnapshot& now,
                                                            const raft::Rules& rules) {
  if (durable_kept(before, now, rules) && now.current_term < before.current_term) {
    const std::string from = raft::to_string(before.current_term),
                      to = raft::to_string(now.current_term);
    return went_down(server, {"current term", "的当前任期"}, from, to);
  }
  return std::nullopt;
}

// §5.2: "Each server will vote for at most one candidate in a given term, on
// a first-come-first-served basis." Notes, 选举有哪些规则: "每一个服务器节点最多会对
// 一个任期编号投出一张选票，“先来先服务”。" Figure 2 keeps votedFor durable for
// this: a vote, once cast in a term, stays as it is until the term changes.
std::optional<narration::Text> votes_at_most_once_per_term(const NodeId& server,
                                                           const RaftServerSnapshot& before,
                                                           const RaftServerSnapshot& now,
                                                           const raft::Rules& rules) {
  if (durable_kept(before, now, rules) && before.voted_for &&
      now.current_term == before.current_term && now.voted_for != before.voted_for) {
    const std::string term = raft::to_string(now.current_term);
    return narration::Text{server + " voted for " + *before.voted_for + " in term " + term +
                               ", then for " + describe_vote(now.voted_for),
                           server + " 在任期 " + term + " 先投票给 " + *before.voted_for +
                               "，又投给 " + now.voted_for.value_or("（无人）")};
  }
  return std::nullopt;
}

// Figure 2: "commitIndex: index of highest log entry known to be committed
// (initialized to 0, increases monotonically)". It is volatile — a restarted
// server starts again from 0 — so it is compared only while the server stays up.
std::optional<narration::Text> commit_index_never_goes_down(const NodeId& server,
                                                            const RaftServerSnapshot& before,
                                                            const RaftServerSnapshot& now,
                                                            const raft::Rules&) {
  if (before.up && now.up && now.commit_index < before.commit_index) {
    const std::string from = raft::to_string(before.commit_index),
                      to = raft::to_string(now.commit_index);
    return went_down(server, {"commit index", "的已提交索引"}, from, to);
  }
  return std::nullopt;
}

// Figure 4 and notes, 任期: "如果一个候选人或者领导者，发现自己的任期编号比其他节点小，
// 那么它会立即恢复成跟随者状态" — a candidate or leader that finds its term out of
// date reverts to follower at once. Nothing else ends a leader's rule: it
// leads until its term ends (or it crashes).
std::optional<narration::Text> leader_stays_leader(const NodeId& server,
                                                   const RaftServerSnapshot& before,
                                                   const RaftServerSnapshot& now,
                                                   const raft::Rules&) {
  // (Within its term, a leader steps down only under check-quorum, thesis
  // §6.2, or once its own removal is committed, thesis §4.2.2.)
  if (before.up && now.up && before.role == Role::leader &&
      now.current_term == before.current_term && now.role != Role::leader && now.voter &&
      !(now.check_quorum && now.role == Role::follower)) {
    const std::string term = raft::to_string(now.current_term);
    return narration::Text{server + " was leader of term " + term + " and is now " +
                               std::string(describe_role(now.role)) + " in it",
                           server + " 曾是任期 " + term + " 的领导者，在同一任期内却成了" +
                               (now.role == Role::candidate ? "候选人" : "跟随者")};
  }
  return std::nullopt;
}

// ---- The whole cluster ---------------------------------------------------------

RaftInvariants::RaftInvariants(const RaftCluster& cluster, ClientHistory& clients)
    : cluster_(cluster),
      clients_(clients),
      identical_prefix_(cluster.options().servers.size(),
                        std::vector<std::uint64_t>(cluster.options().servers.size(), 0)),
      found_committed_(cluster.options().servers.size()),
      servers_(cluster.options().servers, [this](std::size_t i) { return snapshot(i); },
               {
                   {"a server's current term never goes down", "服务器的当前任期从不减小",
                    current_term_never_goes_down},
                   {"a server votes at most once per term", "每个服务器在一个任期内最多投一票",
                    votes_at_most_once_per_term},
                   {"a server's commit index never goes down while it is up",
                    "服务器运行期间，已提交索引从不减小", commit_index_never_goes_down},
                   {"a leader stays leader for the rest of its term",
                    "领导者在自己的任期内一直是领导者", leader_stays_leader},
               }),
      stability_(cluster),
      snapshots_(cluster) {}

RaftServerSnapshot RaftInvariants::snapshot(std::size_t i) const {
  if (const Server* s = cluster_.server_at(i)) {
    return {.up = true,
            .current_term = s->current_term(),
            .voted_for = s->voted_for(),
            .role = s->role(),
            .commit_index = s->commit_index(),
            .check_quorum = s->config().features.check_quorum,
            .voter = s->is_voter()};
  }
  const raft::RaftHardState& disk = cluster_.state_at(i);
  return {.up = false, .current_term = disk.current_term, .voted_for = disk.voted_for};
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
  if (auto problem = election_safety())
    return sim::violated({"election safety", "选举安全"}, std::move(*problem));
  if (auto problem = leader_append_only())
    return sim::violated({"leader append-only", "领导者只追加"}, std::move(*problem));
  if (auto problem = log_matching())
    return sim::violated({"log matching", "日志匹配"}, std::move(*problem));
  if (auto problem = leader_completeness())
    return sim::violated({"leader completeness", "领导者完整性"}, std::move(*problem));
  if (auto problem = state_machine_safety())
    return sim::violated({"state machine safety", "状态机安全"}, std::move(*problem));
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
    return sim::violated({"servers send only possible messages", "服务器只发送可能的消息"},
                         std::move(*problem));
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
    const NodeId& first = leader_of_term_.at(election.term);
    if (first != election.leader) {
      const std::string term = raft::to_string(election.term);
      return narration::Text{
          first + " and " + election.leader + " were both elected in term " + term,
          first + " 和 " + election.leader + " 都在任期 " + term + " 当选"};
    }
  }
  new_elections_.clear();
  return std::nullopt;
}

// Figure 3, Leader Append-Only: "a leader never overwrites or deletes entries
// in its log; it only appends new entries" (§5.3). 领导者只追加：领导者从不覆盖或
// 删除自己日志中的日志项，只追加新的。Checked on each write a leader makes to its
// log in its term: what it had from there on is kept, in front of the rest.
std::optional<narration::Text> RaftInvariants::leader_append_only() {
  for (const LeaderWrite& write : new_leader_writes_) {
    const bool kept = write.had.size() <= write.wrote.size() &&
                      std::equal(write.had.begin(), write.had.end(), write.wrote.begin());
    if (!kept) {
      const NodeId& leader = cluster_.options().servers[write.server];
      const std::string term = raft::to_string(write.term);
      return narration::Text{
          "leader " + leader + " overwrote or deleted entries of its own log in term " + term,
          "领导者 " + leader + " 在任期 " + term + " 覆盖或删除了自己日志中的日志项"};
    }
  }
  new_leader_writes_.clear();
  return std::nullopt;
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
      const raft::Log& la = cluster_.state_at(a).log;
      const raft::Log& lb = cluster_.state_at(b).log;
      const std::uint64_t common = std::min(la.last_index(), lb.last_index()).value;
      std::uint64_t& same = identical_prefix_[a][b];
      // Entries in a snapshot are committed: the same in every log that had them.
      same = std::max({same, la.base_index().value, lb.base_index().value});
      while (same < common && la.entry(LogIndex{same + 1}) == lb.entry(LogIndex{same + 1})) ++same;
      for (std::uint64_t i = same + 1; i <= common; ++i) {
        if (la.term_at(LogIndex{i}) == lb.term_at(LogIndex{i})) {
          const std::string agree = std::to_string(i), differ = std::to_string(same + 1);
          return narration::Text{servers[a] + " and " + servers[b] + " agree at index " + agree +
                                     " but differ at index " + differ,
                                 servers[a] + " 和 " + servers[b] + " 在索引 " + agree +
                                     " 处一致，在索引 " + differ + " 处却不同"};
        }
      }
    }
  }
  logs_changed_.clear();
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
      const bool in_earlier_term = committed_in_.at(index) < s->current_term();
      // (An entry in the leader's snapshot is there: a snapshot covers only
      // committed entries — RaftSnapshotInvariants.)
      const bool present =
          index <= log.last_index() && (index <= log.base_index() || log.entry(index) == entry);
      if (in_earlier_term && !present) {
        const NodeId& leader = cluster_.options().servers[i];
        const std::string term = raft::to_string(s->current_term()),
                          entry_text = describe_entry(index, entry);
        return narration::Text{
            "leader " + leader + " of term " + term + " lacks the committed entry " + entry_text,
            "任期 " + term + " 的领导者 " + leader + " 缺少已提交的日志项 " + entry_text};
      }
      found.up_to = index.value;
    }
  }
  completeness_to_check_ = false;
  return std::nullopt;
}

// Figure 3, State Machine Safety: "if a server has applied a log entry at a
// given index to its state machine, no other server will ever apply a
// different log entry for the same index" (§5.4.3). 状态机安全：一个服务器在某索引处
// 应用了某日志项，其他服务器在该索引处永远不会应用不同的日志项。Nor do two servers
// commit different entries at one index.
std::optional<narration::Text> RaftInvariants::state_machine_safety() {
  for (const Commit& commit : new_commits_) {
    const LogEntry& first = cluster_.committed().at(commit.index);
    if (!(first == commit.entry)) {
      const std::string index = raft::to_string(commit.index),
                        one = describe_entry(commit.index, first),
                        other = describe_entry(commit.index, commit.entry);
      return narration::Text{"index " + index + " was committed as " + one + " and as " + other,
                             "索引 " + index + " 既提交为 " + one + "，又提交为 " + other};
    }
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

// Servers that follow the protocol never send each other a message that
// Server::check finds impossible: a refusal here is a bug in one or the other.
std::optional<narration::Text> RaftInvariants::only_possible_messages() const {
  if (refusals_.empty()) return std::nullopt;
  const Refusal& first = refusals_.front();
  const NodeId& server = cluster_.options().servers[first.server];
  return narration::Text{server + " refused " + raft::to_string(first.message) + " from " +
                             first.from + ": " + first.reason.en,
                         server + " 拒绝了 " + first.from + " 发来的" +
                             narration::RaftDescriber::message(first.message, narration::Lang::zh) +
                             "：" + first.reason.in(narration::Lang::zh)};
}

}  // namespace consensus_lab::cluster
