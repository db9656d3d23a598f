// What a Raft server hands its driver after each step (DESIGN.md §8): the
// state to make durable first, then the messages to send, the time to wake
// it, and the events it noted — and what survives a crash. The simulator
// (cluster/raft_cluster.cpp) and a real node (net/) are the drivers.
#pragma once

#include "common/effects.h"

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "raft/configuration.h"
#include "raft/log.h"
#include "raft/messages.h"
#include "raft/snapshot.h"

namespace consensus_lab::raft {

// What survives a crash (Figure 2, "Persistent state on all servers").
struct RaftHardState {
  Term current_term;                // the latest term this server has seen
  std::optional<NodeId> voted_for;  // whom it voted for in current_term, if anyone
  Log log;
  // Paper §7: the snapshot that replaced the log up to its base (index 0:
  // none); the log's base is its last included index and term.
  Snapshot snapshot;
  friend bool operator==(const RaftHardState&, const RaftHardState&) = default;
};

// What must be made durable before the step's messages leave — etcd raft's
// Ready holds the same: the term and vote, and only the part of the log that
// changed, so a long log is not written again for every new entry. The
// Server builds it in one place (Server::take_unpersisted).
struct Persist {
  Term current_term;
  std::optional<NodeId> voted_for;
  // The log changed from this index on: the durable log keeps its entries
  // before log_from and gets `entries` after them (a conflict deleted, new
  // entries appended). None: the log did not change.
  std::optional<LogIndex> log_from;
  std::vector<LogEntry> entries;
  // A new snapshot (paper §7), written before the log changes above: the log
  // gives up its entries up to the snapshot's last included index (keeping
  // those after it when it holds that entry, else all), then log_from applies.
  std::optional<Snapshot> snapshot;
  friend bool operator==(const Persist&, const Persist&) = default;
};

// Write a Persist to durable state: what a driver's disk does with it (a
// real node's is net/Store::write). The disk must hold what the server held
// when it last persisted: the log reaches at least to log_from - 1.
void write(const Persist& persist, RaftHardState& disk);

using Outgoing = consensus_lab::Outgoing<Message>;

namespace event {
struct TermRaised {  // a higher term seen (or set): now a follower in it
  Term from, to;
};
struct StaleRefused {  // a message from an older term
  Term term, current;
};
struct BecameCandidate {
  Term term;
  bool again = false;     // a candidate whose election failed (else a follower's timeout)
  bool transfer = false;  // asked to by its leader's TimeoutNow (thesis §3.10)
};
struct VoteGranted {
  NodeId candidate;
  Term term;
};
struct VoteRefused {
  enum class Reason { already_voted, less_complete_log };
  NodeId candidate;
  Term term;
  Reason reason;
  std::optional<NodeId> voted_for;
  // The two last entries the vote restriction compared: the candidate's
  // (from its RequestVote) and the voter's own.
  LogIndex candidate_last_index;
  Term candidate_last_term;
  LogIndex own_last_index;
  Term own_last_term;
};
struct BecameLeader {
  Term term;
  std::size_t votes;
};
struct EntryAppended {  // the leader appends a client command (or its noop)
  LogIndex index;
  LogEntry entry;
};
struct AppendRefused {  // the consistency check failed
  LogIndex prev_index;
  Term prev_term;
  bool missing;  // no entry there at all (else: a different term)
};
struct ConflictDeleted {  // a conflicting entry and everything after it
  LogIndex from;
  std::size_t count;
};
struct EntriesStored {
  LogIndex from;
  std::size_t count;
};
struct NextIndexBack {  // the leader steps back one entry for a follower
  NodeId follower;
  LogIndex next_index;
};
struct Committed {
  LogIndex index;
  LogEntry entry;
};
struct Applied {
  LogIndex index;
  Command command;
  bool repeat;
  std::optional<std::string> value;  // a read's answer: the value when it applied
};
struct SnapshotTaken {  // paper §7: the applied prefix replaced by a snapshot
  LogIndex index;
  Term term;
  std::size_t discarded;  // entries the log gave up
};
struct SnapshotChunk {  // a chunk of a leader's snapshot arrived (Figure 13)
  LogIndex index;
  std::uint64_t offset;
  std::size_t bytes;
  std::uint64_t expected;  // the offset this follower expected: the chunk is taken only there
};
struct SnapshotInstalled {  // the last chunk: the state machine reset from the snapshot
  LogIndex index;
  Term term;
  bool kept_suffix;  // the log held the last included entry: the entries after it stay
};
struct SetUp {  // a scenario's or a demo's set-up (set_log, set_term): no protocol step
  Term term;    // the term the server is in now
  std::optional<std::vector<Term>> log;  // the terms of the log it was given (set_log)
};
// ---- pre-vote, check-quorum (thesis §9.6, §6.2), leadership transfer (§3.10) ----
struct BecamePreCandidate {  // asks for pre-votes for `term` (its term + 1), its term unchanged
  Term term;
};
struct PreVoteGranted {
  NodeId candidate;
  Term term;  // the term the candidate would stand in
};
struct PreVoteRefused {
  // old_term: not later than this server's; less_complete_log: the vote
  // restriction; leader_alive: it heard from a leader (check-quorum);
  // leads: it is that leader, and its majority holds (check-quorum).
  enum class Reason { old_term, less_complete_log, leader_alive, leads };
  NodeId candidate;
  Term term;
  Reason reason;
};
struct VoteIgnored {  // a higher-term RequestVote within check-quorum's lease
  NodeId candidate;
  Term term;
  bool no_voter = false;  // without check-quorum: the candidate is no voter here (§4.2.3)
};
struct TermIgnored {  // a leader: an answer's higher term from a server that is no voter (§4.2.3)
  NodeId from;
  Term term;
};
struct RemovedTold {  // a leader tells a server that is no voter of its configuration (Removed)
  NodeId server;
  LogIndex index;  // the configuration's entry
};
struct RemovedLearnt {  // told it was removed: it stands for no election until a leader speaks
  NodeId from;
  LogIndex index;
};
struct StaysOut {  // its election timer fired, but it was told it was removed
  LogIndex index;
};
struct LostQuorum {  // a leader that heard from no majority steps down in its term
  Term term;
  std::size_t heard;  // voters heard within the last election timeout, itself included (if one)
};
struct TransferStarted {
  NodeId target;
  Term term;
};
struct TimeoutNowSent {
  NodeId target;
};
struct TransferAborted {  // not done within an election timeout: commands again
  NodeId target;
};
struct SubmitRefused {  // a leader transferring its leadership takes no command
  NodeId target;
};
// Reads without a log entry (thesis §6.4; raft/reads.cpp). A read's id is
// its driver's (Server::read).
enum class ReadWay { read_index, lease };
struct ReadStarted {  // the leader took a read: its read index and heartbeat round
  std::uint64_t id;
  std::string key;
  std::optional<LogIndex> read_index;  // none: waiting for an entry of its term to commit
  std::uint64_t round;                 // 0: answered under the lease, no round needed
  bool next_round = false;             // a round for reads is under way: it waits for the next one
};
struct ReadIndexSet {  // a deferred read: an entry of the leader's term committed
  std::uint64_t id;
  LogIndex read_index;
};
struct RoundConfirmed {  // a majority acknowledged heartbeat round `round`
  std::uint64_t round;
  std::optional<Millis> lease_until;  // lease mode: the lease now lasts until then
};
struct ReadAnswered {
  std::uint64_t id;
  std::string key;
  std::optional<std::string> value;  // none: the key is not set
  LogIndex read_index;
  ReadWay way;
};
struct ReadRefused {
  enum class Reason { not_leader, stepped_down, log_mode };
  std::uint64_t id;
  std::string key;
  Reason reason;
  std::optional<NodeId> leader_hint;
};
// ---- Membership changes (成员变更, thesis §4; raft/membership.cpp) ----
struct ConfigurationChanged {  // a configuration entry appended or deleted
  LogIndex index;              // the entry now in effect (0: the first configuration)
  Configuration configuration;
  bool reverted = false;  // a conflicting entry deleted: back to the one before
};
struct ConfigurationRefused {  // the leader refuses a membership change
  enum class Reason { uncommitted_change, no_commit_in_term, no_change, last_voter };
  Command change;
  Reason reason;
};
struct RemovedLeaderStepsDown {  // thesis §4.2.2: its removal is committed
  Term term;
  LogIndex index;  // the entry that removed it
};
}  // namespace event

using Event = std::variant<
    event::TermRaised, event::StaleRefused, event::BecameCandidate, event::VoteGranted,
    event::VoteRefused, event::BecameLeader, event::EntryAppended, event::AppendRefused,
    event::ConflictDeleted, event::EntriesStored, event::NextIndexBack, event::Committed,
    event::Applied, event::SetUp, event::BecamePreCandidate, event::PreVoteGranted,
    event::PreVoteRefused, event::VoteIgnored, event::LostQuorum, event::TransferStarted,
    event::TimeoutNowSent, event::TransferAborted, event::SubmitRefused, event::ReadStarted,
    event::ReadIndexSet, event::RoundConfirmed, event::ReadAnswered, event::ReadRefused,
    event::ConfigurationChanged, event::ConfigurationRefused, event::RemovedLeaderStepsDown,
    event::SnapshotTaken, event::SnapshotChunk, event::SnapshotInstalled, event::TermIgnored,
    event::RemovedTold, event::RemovedLearnt, event::StaysOut>;

using Effects = RoleEffects<Message, Persist, Event>;

}  // namespace consensus_lab::raft
