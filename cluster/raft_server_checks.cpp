// The checks of a Raft server against itself (raft_invariants.h), in the
// style of LogCabin's RaftConsensusInvariants.cc: pure functions of what the
// server was after the previous event and what it is now. The simulator runs
// them after every event; the explorer (tools/explore/) after every step.
#include "cluster/raft_invariants.h"

namespace consensus_lab::cluster {

using raft::Role;
using raft::Server;

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

const std::vector<ServerCheck<RaftServerSnapshot, raft::Rules>>& raft_server_checks() {
  static const std::vector<ServerCheck<RaftServerSnapshot, raft::Rules>> checks{
      {"a server's current term never goes down", "服务器的当前任期从不减小",
       current_term_never_goes_down},
      {"a server votes at most once per term", "每个服务器在一个任期内最多投一票",
       votes_at_most_once_per_term},
      {"a server's commit index never goes down while it is up",
       "服务器运行期间，已提交索引从不减小", commit_index_never_goes_down},
      {"a leader stays leader for the rest of its term", "领导者在自己的任期内一直是领导者",
       leader_stays_leader},
  };
  return checks;
}

RaftServerSnapshot snapshot_of(const Server& s) {
  return {.up = true,
          .current_term = s.current_term(),
          .voted_for = s.voted_for(),
          .role = s.role(),
          .commit_index = s.commit_index(),
          .check_quorum = s.config().features.check_quorum,
          .voter = s.is_voter()};
}

RaftServerSnapshot snapshot_of(const raft::RaftHardState& disk) {
  return {.up = false, .current_term = disk.current_term, .voted_for = disk.voted_for};
}

}  // namespace consensus_lab::cluster
