// What can be switched off, and how long things take — the Raft counterpart
// of paxos/rules.h and multipaxos/rules.h. Every safety rule is on by
// default; switching one off (`set rule NAME off` in a scenario, `--rule
// NAME=off` in the checker) shows what it prevents (docs/raft.md,
// docs/checker.md).
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

#include "common/named_rule.h"
#include "common/types.h"

namespace consensus_lab::raft {

// The safety rules that can be switched off (all on by default).
struct Rules {
  // Electing a leader — 选举的规则 (notes): a voter refuses a candidate whose
  // log is less complete (paper §5.4.1).
  bool vote_restriction = true;
  // Replicating the log:
  //   log_consistency_check — AppendEntries' check on (prev index, prev term) (§5.3);
  //   commit_current_term_only — a leader commits by counting only entries of
  //     its own term (§5.4.2);
  //   leader_noop — a new leader appends a noop entry of its term at once (§8).
  //     Besides telling the leader what is committed, it means every entry a
  //     follower acknowledges in this term comes with one of the current term —
  //     so the Figure 8 anomaly needs both this and commit_current_term_only off.
  bool log_consistency_check = true, commit_current_term_only = true, leader_noop = true;
  // Durable before visible: current_term, voted_for and the log survive a crash.
  bool persist = true;
  // Reads without a log entry (thesis §6.4, step 1; features.read_mode
  // read-index or lease): a new leader answers no read until an entry of its
  // own term is committed — before that, its commit index may lag behind
  // what the previous leader committed (raft/reads.cpp).
  bool read_after_own_term_commit = true;
  // Membership changes (thesis §4.1; raft/membership.cpp):
  //   one_change_at_a_time — no configuration entry while another is
  //     uncommitted;
  //   config_after_own_term_commit — a leader appends a configuration entry
  //     only once an entry of its own term is committed (Ongaro, raft-dev,
  //     2015, the fix published after the thesis).
  bool one_change_at_a_time = true, config_after_own_term_commit = true;
  friend bool operator==(const Rules&, const Rules&) = default;
};

// Every rule by name (`set rule vote-restriction off`, `--rule vote-restriction=off`).
inline constexpr NamedRule<Rules> kRuleNames[] = {
    {"vote-restriction", &Rules::vote_restriction,
     "no vote for a candidate with a less complete log", "拒绝投票给日志完整性低的候选人"},
    {"commit-current-term-only", &Rules::commit_current_term_only,
     "count only entries of the leader's term (§5.4.2)",
     "领导者只靠计数提交本任期的日志项（论文 §5.4.2）"},
    {"persist", &Rules::persist, "current term, vote and log survive a crash",
     "任期编号、选票和日志持久化，崩溃后仍在"},
    {"log-consistency-check", &Rules::log_consistency_check,
     "entries only after a matching prev (index, term)",
     "一致性检查：前一个日志项一致才接受新日志项"},
    {"leader-noop", &Rules::leader_noop, "a new leader appends a noop of its term (§8)",
     "新领导者立即追加一条本任期的 noop（论文 §8）"},
    {"read-after-own-term-commit", &Rules::read_after_own_term_commit,
     "no read before an entry of the leader's term commits (thesis §6.4)",
     "本任期的日志项提交之前，新领导者不回答读请求（论文 §6.4）"},
    {"one-change-at-a-time", &Rules::one_change_at_a_time,
     "no configuration entry while another is uncommitted (thesis §4.1)",
     "上一个成员变更提交之前，不追加新的成员变更（博士论文 §4.1）"},
    {"config-after-own-term-commit", &Rules::config_after_own_term_commit,
     "a configuration entry only after an entry of the leader's term is committed",
     "领导者提交了本任期的日志项之后，才追加成员变更"},
};

// What production Raft adds to the paper's §5 (Ongaro's thesis, which
// etcd-io/raft and LogCabin follow): options of a node and of a scenario
// (`set pre-vote on`, `conlab node --read lease`), all off by default — off,
// a server is the paper's. They are not safety rules: a cluster is safe with
// each of them on or off; what they need to stay safe (e.g. lease reads and
// the votes a follower refuses under check-quorum) is in Rules.
enum class ReadMode { log, read_index, lease };
inline constexpr std::string_view kReadModeNames[] = {"log", "read-index", "lease"};
inline std::string_view to_string(ReadMode mode) {
  return kReadModeNames[static_cast<int>(mode)];
}
// The read mode a name ("read-index") names, or none.
inline std::optional<ReadMode> read_mode_named(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kReadModeNames); ++i) {
    if (kReadModeNames[i] == name) return static_cast<ReadMode>(i);
  }
  return std::nullopt;
}

struct Features {
  // Thesis §9.6: a follower whose timer fires first asks whether it could
  // win, without raising its term (pre-vote).
  bool pre_vote = false;
  // Thesis §6.2: a leader that has not heard from a majority within an
  // election timeout steps down; a server that heard from a leader within
  // the minimum election timeout grants no vote (check-quorum).
  bool check_quorum = false;
  // Thesis §6.4: how a read is answered — as a log entry (the paper's way),
  // by ReadIndex, or under the leader's lease.
  ReadMode read_mode = ReadMode::log;
  // Thesis §6.4.1: the lease is shortened by this bound on clock drift.
  unsigned clock_drift_percent = 10;
  // Paper §7: a snapshot after this many entries applied since the last one
  // (0: never), and the size of one InstallSnapshot chunk.
  std::size_t snapshot_every = 0;
  std::size_t snapshot_chunk_bytes = 256;
  friend bool operator==(const Features&, const Features&) = default;
};

struct Timing {
  Millis election_timeout_min = 150;  // a fresh random timeout from this range…
  Millis election_timeout_max = 300;  // …at every reset
  Millis heartbeat = 50;              // the leader's heartbeat interval
  friend bool operator==(const Timing&, const Timing&) = default;
};

}  // namespace consensus_lab::raft
