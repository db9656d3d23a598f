// A Raft server — notes, Raft: "Raft 算法是通过一切以领导者为准的方式，实现一系列值的
// 共识和各节点日志的一致" (Raft reaches consensus on a sequence of values, and
// keeps every log consistent, by deferring to the leader in everything).
//
// It follows the paper's Figure 2, with its names: current_term, voted_for,
// log, commit_index, last_applied, next_index, match_index. handle() first
// refuses a message no server following the protocol could have sent
// (check(), raft/validate.cpp), then applies the rules shared by every role
// (a higher term makes any role a follower; a stale message is refused), then
// dispatches to the role; only the become_… functions change the role.
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

#include "common/named_rule.h"
#include "raft/messages.h"

namespace consensus_lab::raft {

// The largest term or index a server takes from a message: a real node's data
// directory (SQLite) stores signed 64-bit integers. A server never counts its
// own term past it either (become_candidate).
inline constexpr std::uint64_t kLargestNumber = 9'223'372'036'854'775'807;  // 2^63 - 1

// The safety rules that can be switched off (all on by default).
struct Rules {
  // 选举的规则 (notes): a voter refuses a candidate whose log is less complete.
  bool vote_restriction = true;
  // Paper §5.4.2: a leader commits by counting only entries of its own term.
  bool commit_current_term_only = true;
  // Durable before visible: current_term, voted_for and the log survive a crash.
  bool persist = true;
  // AppendEntries' consistency check on (prev index, prev term).
  bool log_consistency_check = true;
  // Paper §8: a new leader appends a noop entry of its term at once. Besides
  // telling the leader what is committed, it means every entry a follower
  // acknowledges in this term comes with one of the current term — so the
  // Figure 8 anomaly needs both this and commit_current_term_only off.
  bool leader_noop = true;
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
};

struct Timing {
  Millis election_timeout_min = 150;  // a fresh random timeout from this range…
  Millis election_timeout_max = 300;  // …at every reset
  Millis heartbeat = 50;              // the leader's heartbeat interval
};

// What survives a crash (Figure 2, "Persistent state on all servers").
struct RaftHardState {
  Term current_term;
  std::optional<NodeId> voted_for;  // in current_term
  std::vector<LogEntry> log;        // log[0] is index 1
  friend bool operator==(const RaftHardState&, const RaftHardState&) = default;
};

// What must be made durable before the step's messages leave — etcd raft's
// Ready holds the same: the term and vote, and only the part of the log that
// changed, so a long log is not written again for every new entry.
struct Persist {
  Term current_term;
  std::optional<NodeId> voted_for;
  // The log changed from this index on: the durable log keeps its entries
  // before log_from and gets `entries` after them (a conflict deleted, new
  // entries appended). None: the log did not change.
  std::optional<LogIndex> log_from;
  std::vector<LogEntry> entries;
  friend bool operator==(const Persist&, const Persist&) = default;
};

// Carry out a Persist on durable state (what a driver's disk does).
void apply(const Persist& persist, RaftHardState& disk);

struct Outgoing {
  NodeId to;
  Message message;
};

namespace event {
struct TermRaised {  // a higher term seen (or set): now a follower in it
  Term from, to;
};
struct StaleRefused {  // a message from an older term
  Term term, current;
};
struct BecameCandidate {
  Term term;
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
}  // namespace event

using Event =
    std::variant<event::TermRaised, event::StaleRefused, event::BecameCandidate, event::VoteGranted,
                 event::VoteRefused, event::BecameLeader, event::EntryAppended,
                 event::AppendRefused, event::ConflictDeleted, event::EntriesStored,
                 event::NextIndexBack, event::Committed, event::Applied>;

struct Effects {
  std::optional<Persist> persist;
  std::vector<Outgoing> send;
  std::optional<Millis> wake_at;
  std::vector<Event> events;
  // The message handed to handle() was impossible — no server following the
  // protocol could have sent it (Server::check says why): nothing else was
  // done. A real node logs this reason and closes the connection it came on.
  std::optional<std::string> refused;
};

enum class Role { follower, candidate, leader };
std::string_view to_string(Role role);

class Server {
 public:
  struct Config {
    NodeId self;
    std::vector<NodeId> servers;  // every server, self included
    Timing timing;
    Rules rules;
    std::optional<Millis> fixed_election_timeout;  // scenarios: A=150
    // After a refusal because the follower's log ends before the prev index,
    // continue from the follower's end at once instead of one entry back (a
    // faster back-off; off by default: the notes step back one entry a time).
    bool back_off_to_log_end = false;
    // At most this many entries per AppendEntries (0: no limit). Real mode
    // sets one so that a follower far behind is caught up in messages of
    // bounded size; the next batch follows each successful reply.
    std::size_t max_entries_per_append = 0;
  };

  Server(Config config, RaftHardState restored);

  // Arm the election timer (at creation and after a restart).
  Effects start(Millis now, RandomSource& random);
  // Why `message` from `from` is impossible — no server following the
  // protocol could have sent it, not even late, twice, out of order or from
  // an old term — or nothing when it is possible. handle() asks first, and
  // an impossible message changes nothing (raft/validate.cpp).
  std::optional<std::string> check(const NodeId& from, const Message& message) const;
  Effects handle(Millis now, const NodeId& from, const Message& message, RandomSource& random);
  Effects tick(Millis now, RandomSource& random);
  // The election timer fires now: become a candidate in the next term.
  Effects timeout(Millis now, RandomSource& random);
  // A client command; only the leader takes one (others: see leader_hint()).
  Effects submit(Millis now, const Command& command);
  // Several commands at once: appended together, sent in one AppendEntries
  // per follower (real mode batches the requests that arrive together).
  Effects submit_all(Millis now, const std::vector<Command>& commands);

  // Scenario set-up (`set-log`, `set-term`): replace the log with noop entries
  // of these terms / raise the term. Not part of the protocol.
  Effects set_log(const std::vector<Term>& terms);
  Effects set_term(Term term);

  Role role() const { return role_; }
  Term current_term() const { return hard_.current_term; }
  const std::optional<NodeId>& voted_for() const { return hard_.voted_for; }
  const std::vector<LogEntry>& log() const { return hard_.log; }
  const RaftHardState& hard_state() const { return hard_; }
  LogIndex last_log_index() const { return LogIndex{hard_.log.size()}; }
  Term last_log_term() const { return hard_.log.empty() ? Term{} : hard_.log.back().term; }
  LogIndex commit_index() const { return commit_index_; }
  LogIndex last_applied() const { return last_applied_; }
  std::optional<NodeId> leader_hint() const { return leader_hint_; }
  const KeyValueStore& store() const { return store_; }
  const Config& config() const { return config_; }
  void set_rules(const Rules& rules) { config_.rules = rules; }
  void set_timing(const Timing& timing) { config_.timing = timing; }
  void set_fixed_election_timeout(std::optional<Millis> t) { config_.fixed_election_timeout = t; }
  // Start the election timer again from now (after its timeout was changed).
  Effects restart_election_timer(Millis now, RandomSource& random);

 private:
  std::size_t majority() const { return config_.servers.size() / 2 + 1; }
  bool is_peer(const NodeId& id) const;  // another server of the cluster
  Term term_at(LogIndex index) const;
  void reset_election_timer(Millis now, RandomSource& random);
  Effects finish(Effects effects) const;
  void persist(Effects& effects, std::optional<LogIndex> log_from = std::nullopt) const;

  void become_follower(Term term, Effects& effects);
  void become_candidate(Millis now, RandomSource& random, Effects& effects);
  void become_leader(Millis now, Effects& effects);

  bool candidate_log_ok(const RequestVote& m) const;
  void on_request_vote(Millis now, const NodeId& from, const RequestVote& m, Effects& effects,
                       RandomSource& random);
  void on_vote(Millis now, const NodeId& from, const Vote& m, Effects& effects);
  void on_append_entries(Millis now, const NodeId& from, const AppendEntries& m, Effects& effects,
                         RandomSource& random);
  void on_append_reply(const NodeId& from, const AppendReply& m, Effects& effects);

  void send_append_entries(const NodeId& follower, Effects& effects);
  void broadcast_append_entries(Effects& effects);
  void advance_commit_index(Effects& effects);
  void commit_up_to(LogIndex index, Effects& effects);

  Config config_;
  RaftHardState hard_;
  // volatile, all servers
  Role role_ = Role::follower;
  LogIndex commit_index_;
  LogIndex last_applied_;
  std::optional<NodeId> leader_hint_;
  Millis election_deadline_ = 0;
  KeyValueStore store_;
  // candidate
  std::set<NodeId> votes_;
  // leader (reinitialized after election)
  std::map<NodeId, LogIndex> next_index_;
  std::map<NodeId, LogIndex> match_index_;
  Millis next_heartbeat_ = 0;
};

}  // namespace consensus_lab::raft
