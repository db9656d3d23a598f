// Raft's vocabulary (the Raft paper, Figure 2; notes, Raft): terms, log
// indexes, log entries, the two RPCs and their replies.
//
//   RequestVote  (请求投票 RPC)  candidate → everyone     "vote for me in term T"
//   Vote                        → candidate               granted or not
//   AppendEntries (日志复制 RPC) leader → followers        entries after (prev index,
//                                                          prev term), and the leader's
//                                                          commit index; none = heartbeat
//   AppendReply                 → leader                  success, and how far it matches
//   InstallSnapshot (快照)       leader → a follower       one chunk of the leader's snapshot,
//                                behind its first entry    for a follower behind its log (§7)
//   SnapshotReply               → leader                  the offset expected next, or done
#pragma once

#include <cassert>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/command.h"

namespace consensus_lab::raft {

// 任期: numbered consecutively; every message carries the sender's.
struct Term {
  std::uint64_t value = 0;
  friend auto operator<=>(const Term&, const Term&) = default;
};
// A position in the log, from 1 (0: before the first entry).
struct LogIndex {
  std::uint64_t value = 0;
  // The index right after this one, and the one right before it (Figure 2:
  // prevLogIndex is the "index of log entry immediately preceding new ones").
  LogIndex next() const { return LogIndex{value + 1}; }
  LogIndex previous() const {
    assert(value > 0);  // nothing comes before 0
    return LogIndex{value - 1};
  }
  friend auto operator<=>(const LogIndex&, const LogIndex&) = default;
};
std::string to_string(Term term);
std::string to_string(LogIndex index);

// 日志项: (index, term, command). The index is its position in the log.
struct LogEntry {
  Term term;
  Command command;
  friend bool operator==(const LogEntry&, const LogEntry&) = default;
};

struct RequestVote {
  Term term;
  NodeId candidate_id;
  LogIndex last_log_index;
  Term last_log_term;
  // Thesis §3.10: the election was asked for by the leader (TimeoutNow), so
  // voters grant it even while they hear from that leader (check-quorum).
  bool transfer = false;
  friend bool operator==(const RequestVote&, const RequestVote&) = default;
};
struct Vote {
  Term term;
  bool vote_granted = false;
  friend bool operator==(const Vote&, const Vote&) = default;
};
struct AppendEntries {
  Term term;
  NodeId leader_id;
  LogIndex prev_log_index;
  Term prev_log_term;
  std::vector<LogEntry> entries;  // empty: a heartbeat
  LogIndex leader_commit;
  // Thesis §6.4: the leader's heartbeat round (心跳轮次) when it sent this
  // (0: none). The reply echoes it; a majority acknowledging a round ≥ a
  // read's confirms the leader still led after the read arrived (raft/reads.cpp).
  std::uint64_t round = 0;
  friend bool operator==(const AppendEntries&, const AppendEntries&) = default;
};
// Figure 2's "index of last new entry": where the entries of `m` end (its
// prev index when it carries none).
LogIndex index_of_last_new_entry(const AppendEntries& m);

struct AppendReply {
  Term term;
  bool success = false;
  // After a success: the follower's log matches the leader's up to here (0
  // after a refusal).
  LogIndex match_index;
  // After a refusal: the prev_log_index whose consistency check failed — or
  // none when the refusal is only for the sender's old term (the log was not
  // looked at). None after a success. (The wire carries this and match_index
  // as one number, the one that success says is meant.)
  std::optional<LogIndex> refused_prev_index;
  // The follower's last index when it replied: after a refusal because its
  // log is too short, the leader continues from there.
  LogIndex last_log_index;
  // The round of the AppendEntries this answers (0: none, or a refusal for
  // the sender's old term) — thesis §6.4, raft/reads.cpp.
  std::uint64_t round = 0;
  friend bool operator==(const AppendReply&, const AppendReply&) = default;
};
// The one index a reply names: match_index after a success, the refused prev
// index after a refusal (0: none). The wire carries it as its `match` number.
LogIndex named_index(const AppendReply& m);

// ---- What production Raft adds (Ongaro's thesis) ----
// 预投票 (thesis §9.6): "could I win an election in term T?" — the same
// fields as RequestVote; nobody's term or vote changes for it.
struct PreVote {
  Term term;  // the term the pre-candidate would stand in: its current term + 1
  NodeId candidate_id;
  LogIndex last_log_index;
  Term last_log_term;
  friend bool operator==(const PreVote&, const PreVote&) = default;
};
// Granted: the request's term. Refused: the voter's own term.
struct PreVoteReply {
  Term term;
  bool granted = false;
  friend bool operator==(const PreVoteReply&, const PreVoteReply&) = default;
};
// 领导权转移 (thesis §3.10): the leader tells a follower whose log is up to
// date to start an election at once.
struct TimeoutNow {
  Term term;
  friend bool operator==(const TimeoutNow&, const TimeoutNow&) = default;
};
// 移除通知 (etcd tells a removed member it was removed; thesis §4.2.3's
// problem): a leader tells a server that stands for election that its
// configuration, whose entry is at `configuration_index`, has no such voter
// (the server was removed, or is a learner). The server stops standing
// (raft/disruptive_servers.cpp).
struct Removed {
  Term term;                     // the leader's term; nobody takes it from this message
  LogIndex configuration_index;  // the entry of the configuration without the server
  friend bool operator==(const Removed&, const Removed&) = default;
};

// Figure 13, InstallSnapshot RPC: "Invoked by leader to send chunks of a
// snapshot to a follower. Leaders always send chunks in order."
struct InstallSnapshot {
  Term term;
  NodeId leader_id;
  LogIndex last_included_index;  // "the snapshot replaces all entries up through and including this
                                 // index"
  Term last_included_term;       // "term of lastIncludedIndex"
  std::uint64_t offset = 0;      // "byte offset where chunk is positioned in the snapshot file"
  std::string data;              // "raw bytes of the snapshot chunk, starting at offset"
  bool done = false;             // "true if this is the last chunk"
  friend bool operator==(const InstallSnapshot&, const InstallSnapshot&) = default;
};
// Figure 13 replies with the term alone; this one also says where the
// follower is, so that the leader sends the right chunk next, or goes on
// with AppendEntries.
struct SnapshotReply {
  Term term;
  LogIndex last_included_index;  // the snapshot answered
  std::uint64_t offset = 0;      // not done: the offset of the chunk expected next
  bool done = false;  // installed (or not needed): the log matches up to last_included_index
  friend bool operator==(const SnapshotReply&, const SnapshotReply&) = default;
};

using Message = std::variant<RequestVote, Vote, AppendEntries, AppendReply, PreVote, PreVoteReply,
                             TimeoutNow, InstallSnapshot, SnapshotReply, Removed>;

// "request-vote", "vote", "append-entries", "append-reply", "pre-vote",
// "pre-vote-reply", "timeout-now", "install-snapshot", "snapshot-reply",
// "removed".
std::string_view message_type(const Message& message);
// What tells a message from another of its type on one link, as the words
// after TYPE in `deliver FROM TO TYPE WORDS…` (docs/scenarios.md): "term 4
// prev 2 2 entries 1 commit 1" for an AppendEntries, "term 4 ok 2 last 2" for
// its answer. Every field that can differ between two messages on a link is
// there (a leader's entries after prev are its log's: append-only).
std::vector<std::string> message_words(const Message& message);
// "AppendEntries term 4 prev (6, 3) [(7, 4, x←3)] commit 6", "heartbeat term 4 …".
std::string to_string(const Message& message);

// Whether `message` may leave before the write of the step that sent it is
// durable (a real node; the simulator's disk writes at once). Only a
// leader's AppendEntries: Ongaro's thesis §10.2.1 — "The leader can write to
// its disk in parallel with replicating to the followers and them writing to
// their disks" (领导者写自己的磁盘，可以和复制给跟随者、跟随者写盘同时进行). The
// leader still counts itself toward a majority only once its entries are
// durable: a real node runs one batch at a time and handles the answers only
// after the batch's sync (net/node.cpp, Node::flush). Every other message —
// a vote, an answer, a request for votes — leaves after the write it depends
// on (durable before visible).
bool may_leave_before_write(const Message& message);

}  // namespace consensus_lab::raft
