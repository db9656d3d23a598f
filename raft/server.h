// A Raft server — notes, Raft: "Raft 算法是通过一切以领导者为准的方式，实现一系列值的
// 共识和各节点日志的一致" (Raft reaches consensus on a sequence of values, and
// keeps every log consistent, by deferring to the leader in everything).
//
// It follows the paper's Figure 2, with its names: current_term, voted_for,
// log, commit_index, last_applied, next_index, match_index. handle() first
// refuses a message no server following the protocol could have sent
// (check(), raft/validate.cpp), then applies the rules shared by every role
// (a higher term makes any role a follower; a stale message is refused), then
// dispatches by message, one handler per box of Figure 2 — RequestVote RPC,
// AppendEntries RPC, and the replies of "Rules for Servers" — each of which
// asks the role where the rule depends on it. Only the become_… functions
// change the role, and they refuse a change the protocol never makes.
//
// Like every role here it does no I/O: it returns Effects — persist, then send.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "raft/configuration.h"
#include "raft/effects.h"
#include "raft/log.h"
#include "raft/messages.h"
#include "raft/rules.h"

namespace consensus_lab::raft {

// The largest term or index a server takes from a message: a real node's data
// directory (SQLite) stores signed 64-bit integers. A server never counts its
// own term past it either (become_candidate).
inline constexpr std::uint64_t kLargestNumber = 9'223'372'036'854'775'807;  // 2^63 - 1

// Figure 4's three states (跟随者, 候选人, 领导者), and their names — and the
// thesis' pre-candidate (§9.6, 预投票): a follower asking whether it could win
// before it raises its term (only with Features::pre_vote).
enum class Role { follower, candidate, leader, pre_candidate };
inline constexpr std::string_view kRoleNames[] = {"follower", "candidate", "leader",
                                                  "pre-candidate"};
inline std::string_view to_string(Role role) {
  return kRoleNames[static_cast<int>(role)];
}

class Server {
 public:
  struct Config {
    NodeId self;
    // Every server that may ever take part, self included: messages from
    // them are answered (a new server does not know yet that it was added).
    std::vector<NodeId> servers;
    // The first configuration (thesis §4); none: every one of `servers` votes.
    std::optional<Configuration> first_configuration;
    Timing timing;
    Rules rules;
    Features features;  // pre-vote, check-quorum, reads, snapshots (raft/rules.h)
    std::optional<Millis> fixed_election_timeout;  // scenarios: A=150
    // After a refusal because the follower's log ends before the prev index,
    // continue from the follower's end at once instead of one entry back (a
    // faster back-off; off by default: the notes step back one entry a time).
    bool back_off_to_log_end = false;
    // At most this many entries per AppendEntries (0: no limit). Real mode
    // sets one so that a follower far behind is caught up in messages of
    // bounded size; the next batch follows each successful reply.
    std::size_t max_entries_per_append = 0;
    friend bool operator==(const Config&, const Config&) = default;
  };

  Server(Config config, RaftHardState restored);

  // Arm the election timer (at creation and after a restart).
  Effects start(Millis now, RandomSource& random);
  // Why `message` from `from` is impossible — no server following the
  // protocol could have sent it, not even late, twice, out of order or from
  // an old term — or nothing when it is possible. handle() asks first, and
  // an impossible message changes nothing (raft/validate.cpp).
  std::optional<narration::Text> check(const NodeId& from, const Message& message) const;
  Effects handle(Millis now, const NodeId& from, const Message& message, RandomSource& random);
  Effects tick(Millis now, RandomSource& random);
  // The election timer fires now: become a candidate in the next term.
  Effects timeout(Millis now, RandomSource& random);
  // A client command; only the leader takes one (others: see leader_hint()).
  Effects submit(Millis now, const Command& command);
  // Several commands at once: appended together, sent in one AppendEntries
  // per follower (real mode batches the requests that arrive together).
  Effects submit_all(Millis now, const std::vector<Command>& commands);

  // A client's read without a log entry (thesis §6.4; features.read_mode
  // read-index or lease): answered by event::ReadAnswered — now or in a later
  // step — or refused by event::ReadRefused (not the leader, read mode log:
  // the driver submits a Command::read instead, or the leader stepped down
  // before it could answer). The id is the driver's. (raft/reads.cpp)
  struct ReadRequest {
    std::uint64_t id = 0;
    std::string key;
    friend bool operator==(const ReadRequest&, const ReadRequest&) = default;
  };
  Effects read(Millis now, const ReadRequest& request);

  // Scenario set-up (`set-log`, `set-term`): replace the log with noop entries
  // of these terms / raise the term. Not part of the protocol.
  Effects set_log(const std::vector<Term>& terms);
  Effects set_term(Term term);

  // ---- log compaction (paper §7; raft/snapshot.cpp) ----
  // Take a snapshot now, at last_applied (`snapshot A` in a scenario;
  // features.snapshot_every takes one after every N entries applied).
  // Nothing when nothing was applied since the last one.
  Effects take_snapshot();
  const Snapshot& snapshot() const { return hard_.snapshot; }
  // The configuration in effect at `index` (≤ last_applied): what a snapshot
  // at `index` keeps. (The servers of config.servers until membership
  // changes make it change.)
  Configuration configuration_at(LogIndex index) const;

  Role role() const { return role_; }
  Term current_term() const { return hard_.current_term; }
  const std::optional<NodeId>& voted_for() const { return hard_.voted_for; }
  const Log& log() const { return hard_.log; }
  const RaftHardState& hard_state() const { return hard_; }
  LogIndex last_log_index() const { return hard_.log.last_index(); }
  Term last_log_term() const { return hard_.log.last_term(); }
  LogIndex commit_index() const { return commit_index_; }
  LogIndex last_applied() const { return last_applied_; }
  std::optional<NodeId> leader_hint() const { return leader_hint_; }
  const KeyValueStore& store() const { return store_; }
  const Config& config() const { return config_; }
  // Reads (raft/reads.cpp): the leader's latest heartbeat round, the reads
  // it has not answered yet, and the end of its lease (none: it holds none).
  std::uint64_t round() const { return round_; }
  std::size_t pending_reads() const { return pending_reads_.size(); }
  std::optional<Millis> lease_until() const { return lease_until_; }
  void set_rules(const Rules& rules) { config_.rules = rules; }
  void set_features(const Features& features) { config_.features = features; }
  void set_timing(const Timing& timing) { config_.timing = timing; }
  void set_fixed_election_timeout(std::optional<Millis> t) { config_.fixed_election_timeout = t; }
  // Start the election timer again from now (after its timeout was changed).
  Effects restart_election_timer(Millis now, RandomSource& random);

  // ---- production Raft: pre-vote, check-quorum (raft/prevote.cpp,
  // raft/check_quorum.cpp), leadership transfer (raft/transfer.cpp) ----
  // Thesis §3.10: the leader hands its leadership to `target` (a peer): it
  // takes no client command meanwhile, brings the target's log up to date,
  // then sends it TimeoutNow. Nothing happens on a server that is not leader.
  Effects transfer_leadership(Millis now, const NodeId& target);
  // The server a transfer under way goes to (none: no transfer).
  std::optional<NodeId> transferring_to() const;
  // Check-quorum's lease (thesis §4.2.3, §6.2): this server heard from the
  // leader of its term within the minimum election timeout — or it is that
  // leader, whose quorum held at its last check. With check_quorum on it then
  // grants no vote or pre-vote to a higher term. Lease reads rest on it.
  bool in_lease(Millis now) const;
  // When this server last heard from the leader of its current term (none:
  // not in this term, or never since it started).
  std::optional<Millis> heard_from_leader_at() const { return heard_from_leader_at_; }
  // ---- membership changes (raft/membership.cpp) ----
  // The configuration in effect: the latest in the log, committed or not
  // (thesis §4.1), and the index of the entry that holds it (0: the first).
  const Configuration& configuration() const { return configuration_.configuration; }
  LogIndex configuration_index() const { return configuration_.index; }
  bool is_voter() const { return raft::is_voter(configuration(), config_.self); }

  // ---- real mode: servers met while running (raft/known_servers.cpp) ----
  // The driver learned of a server it can now address (a real node told a
  // new node's address before the leader adds it): it joins config.servers.
  void know_server(const NodeId& id);
  // The leader's match index for `id` (0 when not a leader or unknown).
  LogIndex match_index(const NodeId& id) const;
  // The voter a leader would hand its leadership to: the most up-to-date one.
  std::optional<NodeId> best_transfer_target() const;

 private:
  bool is_peer(const NodeId& id) const;  // another server of the cluster
  bool won_majority() const;             // a candidate's votes are a majority
  void reset_election_timer(Millis now, RandomSource& random);
  // The end of every step: when to wake, and what must be persisted.
  Effects finish(Effects effects);
  // The end of set_log and set_term: into `term`, told as an event::SetUp.
  Effects set_up(Term term, std::optional<std::vector<Term>> log);
  // The one place a Persist is built: from what changed since the last one.
  std::optional<Persist> take_unpersisted();

  // ---- hard state: every change goes through these, which note what must
  // be persisted before the step's messages leave ----
  void set_current_term(Term term);  // a new term: no vote cast in it yet
  void vote_for(const NodeId& candidate);
  void append_to_log(LogEntry entry);
  std::size_t delete_log_from(LogIndex index);  // how many entries went
  // The leader appends a command of its term (a client's, or its noop).
  void append_as_leader(const Command& command, Effects& effects);

  // ---- role changes (only these change role_) ----
  // lost_quorum: a leader steps down in its own term (check-quorum).
  void become_follower(Term term, Effects& effects, bool lost_quorum = false);
  // transfer: on TimeoutNow — its RequestVote says so (thesis §3.10).
  void become_candidate(Millis now, RandomSource& random, Effects& effects, bool transfer = false);
  void become_leader(Millis now, Effects& effects);
  // The election timer fired: a pre-vote first with Features::pre_vote.
  void start_election(Millis now, RandomSource& random, Effects& effects);
  void become_pre_candidate(Millis now, RandomSource& random, Effects& effects);

  // ---- pre-vote, check-quorum, transfer: before the shared rules, the
  // messages these handle without raising the term (true: handled) ----
  bool handle_before_shared_rules(Millis now, const NodeId& from, const Message& message,
                                  Effects& effects, RandomSource& random);
  void on_pre_vote(Millis now, const NodeId& from, const PreVote& m, Effects& effects);
  void on_pre_vote_reply(Millis now, const NodeId& from, const PreVoteReply& m, Effects& effects,
                         RandomSource& random);
  bool check_quorum_holds(Millis now, Effects& effects, RandomSource& random);
  // Thesis §4.2.3: a higher-term RequestVote neither raises the term nor gets
  // a vote while a leader is heard from (raft/disruptive_servers.cpp).
  bool disregards_request_vote(Millis now, const RequestVote& m) const;
  // A leader: a higher term in an answer from a server outside its
  // configuration does not depose it (raft/disruptive_servers.cpp).
  bool disregards_answer_term(const NodeId& from, const Message& message) const;
  // A leader tells a server that stands for election and is no voter of its
  // configuration that it was removed (Removed); that server stops standing.
  void tell_if_removed(const NodeId& from, const Message& message, Effects& effects) const;
  void on_removed(const NodeId& from, const Removed& m, Effects& effects);
  void on_timeout_now(Millis now, const NodeId& from, Effects& effects, RandomSource& random);
  void continue_transfer(Effects& effects);
  void check_transfer_deadline(Millis now, Effects& effects);

  // ---- messages, one per box of Figure 2 ----
  void refuse_stale(const NodeId& from, const Message& message, Term term, Effects& effects) const;
  bool candidate_log_ok(const RequestVote& m) const;
  void on_request_vote(Millis now, const NodeId& from, const RequestVote& m, Effects& effects,
                       RandomSource& random);
  void on_vote(Millis now, const NodeId& from, const Vote& m, Effects& effects);
  void on_append_entries(Millis now, const NodeId& from, const AppendEntries& m, Effects& effects,
                         RandomSource& random);
  LogIndex store_entries(const AppendEntries& m, Effects& effects);
  void on_append_reply(const NodeId& from, const AppendReply& m, Effects& effects);
  void on_refusal(const NodeId& from, const AppendReply& m, Effects& effects);

  // ---- the leader (raft/leader.cpp) ----
  void send_append_entries(const NodeId& follower, Effects& effects);
  void broadcast_append_entries(Effects& effects);
  void advance_commit_index(Effects& effects);

  // ---- reads without a log entry (raft/reads.cpp) ----
  struct PendingRead {
    ReadRequest request;
    std::optional<LogIndex> read_index;  // none: until an entry of this term commits
    std::uint64_t round = 0;  // confirmed once a majority acknowledged it (0: the next round)
    friend bool operator==(const PendingRead&, const PendingRead&) = default;
  };
  void start_round(Millis now);
  // ReadIndex batching (raft/read_batching.cpp).
  void start_read_round(Millis now);
  void start_waiting_read_round(Millis now, Effects& effects);
  bool may_set_read_index() const;
  bool lease_holds(Millis now) const;
  void confirm_rounds(Effects& effects);
  void serve_reads(Effects& effects);
  void refuse_pending_reads(Effects& effects);
  // ---- membership changes (raft/membership.cpp) ----
  // Why the leader may not append `change` now, or nothing.
  std::optional<event::ConfigurationRefused::Reason> refuse_change(const Command& change) const;
  void append_change(const Command& change, Effects& effects);
  void promote_if_caught_up(const NodeId& learner, Effects& effects);
  void configuration_appended(LogIndex index, const LogEntry& entry);
  void configuration_deleted(LogIndex from);
  void step_down_if_removed(Effects& effects);
  void report_configuration(Effects& effects);
  // The voters' votes a candidate holds, and the members to replicate to.
  std::size_t voters_among(const std::set<NodeId>& servers) const;
  bool majority_of_voters(const std::set<NodeId>& servers) const;
  std::vector<NodeId> replication_targets() const;

  // ---- commit and apply to the state machine ----
  void commit_up_to(LogIndex index, Effects& effects);
  void apply_committed(Effects& effects);

  // ---- log compaction (raft/snapshot.cpp) ----
  void restore_snapshot();  // at creation: the state machine from the snapshot
  // The configuration in effect, counted from the snapshot's (if there is
  // one, else the first) through the log's configuration entries.
  void rebase_configuration();
  void compact(Effects& effects);
  void install(Snapshot snapshot, Effects& effects);
  void on_install_snapshot(Millis now, const NodeId& from, const InstallSnapshot& m,
                           Effects& effects, RandomSource& random);
  void on_snapshot_reply(const NodeId& from, const SnapshotReply& m, Effects& effects);
  void send_snapshot(const NodeId& follower, Effects& effects);
  // An AppendEntries whose prev entry is before the base, without the
  // entries the snapshot holds: its prev is then the base.
  AppendEntries after_base(const AppendEntries& m) const;
  // A follower's: the chunks of the leader's snapshot received so far.
  struct Receiving {
    LogIndex index;
    Term term;
    std::string data;
    friend bool operator==(const Receiving&, const Receiving&) = default;
  };
  Receiving receiving_;
  // A leader's, per follower: how far it has got with the snapshot it is
  // being sent — the snapshot's index and the offset it expects.
  std::map<NodeId, std::pair<LogIndex, std::uint64_t>> snapshot_sent_;

  Config config_;
  // Persistent state on all servers (Figure 2), changed only by the
  // functions under "hard state" above.
  RaftHardState hard_;
  // What changed in hard_ since the last Effects left: take_unpersisted()
  // turns it into that step's Persist.
  struct Unpersisted {
    bool term_or_vote = false;         // current_term or voted_for was set
    std::optional<LogIndex> log_from;  // the log changed from this index on
    bool snapshot = false;             // a new snapshot replaced the log's prefix
    void log_changed_at(LogIndex index) {
      if (!log_from || index < *log_from) log_from = index;
    }
    friend bool operator==(const Unpersisted&, const Unpersisted&) = default;
  };
  Unpersisted unpersisted_;
  // Volatile state on all servers.
  Role role_ = Role::follower;
  LogIndex commit_index_;  // highest index known committed; only goes up
  LogIndex last_applied_;  // highest index applied to store_; follows commit_index_
  std::optional<NodeId> leader_hint_;
  Millis election_deadline_ = 0;
  KeyValueStore store_;  // the state machine
  // A candidate's: who voted for it in current_term (itself included).
  std::set<NodeId> votes_;
  // Volatile state on leaders (Figure 2: "reinitialized after election").
  std::map<NodeId, LogIndex> next_index_;   // per server: the next entry to send it
  std::map<NodeId, LogIndex> match_index_;  // per server: highest entry known replicated there
  // Per server: the leader is looking for the last entry it shares with it
  // (since a refusal, until a success): next_index stays where the probe is.
  std::set<NodeId> probing_;
  Millis next_heartbeat_ = 0;

  // ---- pre-vote, check-quorum, leadership transfer ----
  std::set<NodeId> pre_votes_;  // a pre-candidate's grants (itself included)
  // THE time check-quorum's lease counts from: the last AppendEntries from the
  // leader of current_term (reset when the term changes or this server
  // stands for election). in_lease() reads it; lease reads depend on it.
  std::optional<Millis> heard_from_leader_at_;
  // A leader's: when each server last sent it a message of its term, and
  // when it next checks that a majority did within the last period.
  std::map<NodeId, Millis> heard_from_;
  Millis quorum_check_at_ = 0;
  struct Transfer {
    NodeId target;
    Millis deadline;  // aborted if not done by then (thesis §3.10)
    bool sent_timeout_now = false;
    friend bool operator==(const Transfer&, const Transfer&) = default;
  };
  std::optional<Transfer> transfer_;
  // A leader told this server that the configuration at this index removed
  // it (Removed): it stands for no election until a leader speaks to it.
  // Volatile: after a restart it stands again, and is told again.
  std::optional<LogIndex> removed_at_;
  // Volatile state of a leader's reads (thesis §6.4): its heartbeat rounds —
  // each broadcast starts one — when each unconfirmed one started, the
  // highest each follower acknowledged, the highest a majority did, the
  // reads waiting, and the lease (§6.4.1).
  std::uint64_t round_ = 0;
  std::map<std::uint64_t, Millis> round_started_;
  std::map<NodeId, std::uint64_t> acked_round_;
  std::uint64_t confirmed_round_ = 0;
  std::uint64_t read_round_ = 0;  // the latest round started for reads (0: none)
  std::vector<PendingRead> pending_reads_;
  std::optional<Millis> lease_until_;
  // Membership: the first configuration (after a snapshot: the snapshot's,
  // at base_index_), the one in effect, and the last one told as an event.
  Configuration base_configuration_;
  LogIndex base_index_;
  LogConfiguration configuration_;
  LogConfiguration told_configuration_;

 public:
  // Every member alike (the explorer keeps each distinct server state once).
  friend bool operator==(const Server&, const Server&) = default;
};

}  // namespace consensus_lab::raft
