// The invariants of a simulated Raft cluster, checked by the simulator after
// every event: the paper's Figure 3, what the clients saw, and — in the style
// of LogCabin's RaftConsensusInvariants.cc — each server against itself after
// the previous event (server_checks.h):
//
//   election safety                      Figure 3
//   leader append-only
//   log matching
//   leader completeness
//   state machine safety
//   client operations are linearizable
//   servers send only possible messages
//   a server's current term never goes down          each server against
//   a server votes at most once per term             itself
//   a server's commit index never goes down while it is up
//   a leader stays leader for the rest of its term
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/client_history.h"
#include "cluster/raft_snapshot_invariants.h"
#include "cluster/raft_stability_invariant.h"
#include "cluster/server_checks.h"
#include "raft/server.h"
#include "sim/world.h"

namespace consensus_lab::cluster {

class RaftCluster;
using RaftWorld = sim::World<raft::Message, raft::Event>;

// "(7, 4, x←3)": an entry as the invariants' reports print it.
std::string describe_entry(raft::LogIndex index, const raft::LogEntry& entry);

// A server as its checks against itself see it after an event.
struct RaftServerSnapshot {
  bool up = false;
  raft::Term current_term;                 // durable: live, or on its disk while down
  std::optional<NodeId> voted_for;         // durable, in current_term
  raft::Role role = raft::Role::follower;  // volatile: only while up
  raft::LogIndex commit_index;             // volatile
  bool check_quorum = false;               // the feature: a leader may step down in its term
  bool voter = true;                       // volatile: a voter of the configuration in its log
  friend bool operator==(const RaftServerSnapshot&, const RaftServerSnapshot&) = default;
};

// ---- A server against itself: pure functions of two snapshots ----------------

std::optional<narration::Text> current_term_never_goes_down(const NodeId& server,
                                                            const RaftServerSnapshot& before,
                                                            const RaftServerSnapshot& now,
                                                            const raft::Rules& rules);
std::optional<narration::Text> votes_at_most_once_per_term(const NodeId& server,
                                                           const RaftServerSnapshot& before,
                                                           const RaftServerSnapshot& now,
                                                           const raft::Rules& rules);
std::optional<narration::Text> commit_index_never_goes_down(const NodeId& server,
                                                            const RaftServerSnapshot& before,
                                                            const RaftServerSnapshot& now,
                                                            const raft::Rules& rules);
std::optional<narration::Text> leader_stays_leader(const NodeId& server,
                                                   const RaftServerSnapshot& before,
                                                   const RaftServerSnapshot& now,
                                                   const raft::Rules& rules);

// ---- The cluster's rules as pure functions: RaftInvariants keeps the history
// they are judged from in the simulator, the explorer in each state ----------

inline const narration::Text kElectionSafety{"election safety", "选举安全"};
inline const narration::Text kLeaderAppendOnly{"leader append-only", "领导者只追加"};
inline const narration::Text kLogMatching{"log matching", "日志匹配"};
inline const narration::Text kLeaderCompleteness{"leader completeness", "领导者完整性"};
inline const narration::Text kStateMachineSafety{"state machine safety", "状态机安全"};
inline const narration::Text kOnlyPossibleMessages{"servers send only possible messages",
                                                   "服务器只发送可能的消息"};

// `second` was elected in `term`, where `first` was elected first.
std::optional<narration::Text> two_leaders(raft::Term term, const NodeId& first,
                                           const NodeId& second);
// Leader `leader`, in its term `term`, had `had` from some index on and
// wrote `wrote` there.
std::optional<narration::Text> leader_overwrote(const NodeId& leader, raft::Term term,
                                                const std::vector<raft::LogEntry>& had,
                                                const std::vector<raft::LogEntry>& wrote);
// The logs of `a` and `b`, of which the first `same` entries are known to be
// identical (raised to all they share).
std::optional<narration::Text> logs_disagree(const NodeId& a, const raft::Log& la, const NodeId& b,
                                             const raft::Log& lb, std::uint64_t& same);
// Leader `leader` of term `term` with `log`, and the entry committed at
// `index`, first in term `committed_in`.
std::optional<narration::Text> leader_lacks(const NodeId& leader, raft::Term term,
                                            const raft::Log& log, raft::LogIndex index,
                                            const raft::LogEntry& entry, raft::Term committed_in);
// `index` committed as `first`, and now as `other`.
std::optional<narration::Text> committed_twice(raft::LogIndex index, const raft::LogEntry& first,
                                               const raft::LogEntry& other);
// `server` refused `message` from `from` as impossible, for `reason`.
narration::Text refused_impossible(const NodeId& server, const NodeId& from,
                                   const raft::Message& message, const narration::Text& reason);

// The checks of a server against itself, in the order they run.
const std::vector<ServerCheck<RaftServerSnapshot, raft::Rules>>& raft_server_checks();
// What those checks see of a live server (its disk is `state` while it is down).
RaftServerSnapshot snapshot_of(const raft::Server& server);
RaftServerSnapshot snapshot_of(const raft::RaftHardState& disk);

class RaftInvariants {
 public:
  // Reads `cluster` (which must outlive it) and its clients' history; takes
  // every server's first snapshot.
  RaftInvariants(const RaftCluster& cluster, ClientHistory& clients);
  RaftInvariants(const RaftInvariants&) = delete;
  RaftInvariants& operator=(const RaftInvariants&) = delete;

  // ---- what the driver reports (servers by position in the world) ----
  // Elections, commits and applications.
  void observe(std::size_t server, const raft::Event& event);
  // Server `server` is about to make `persist`, which changes its log, durable
  // over `disk`.
  void log_writing(std::size_t server, const raft::RaftHardState& disk,
                   const raft::Persist& persist);
  // A crash with rule persist off wiped the server's disk.
  void disk_wiped(std::size_t server) { log_changed(server, 1); }
  void refused(std::size_t server, const NodeId& from, const raft::Message& message,
               const narration::Text& reason);
  // A scenario's set-up (`set-log`, `set-term`) rewrote the server by hand:
  // it is compared with itself from its state now on.
  void rewritten(std::size_t server) {
    servers_.start_again(server);
    completeness_to_check_ = true;
  }

  // Every check below, run by `world` after every event.
  void install(RaftWorld& world);
  // Every check below, in order, after an event that happened to server
  // `event_node` (none: to no server in particular): the first that fails,
  // by name.
  std::optional<sim::Violated> first_violated(std::optional<std::size_t> event_node);

  std::optional<narration::Text> election_safety();
  std::optional<narration::Text> leader_append_only();
  std::optional<narration::Text> log_matching();
  std::optional<narration::Text> leader_completeness();
  std::optional<narration::Text> state_machine_safety();
  std::optional<narration::Text> only_possible_messages() const;

  // The history the rules are judged from: the first leader elected in each
  // term, and the earliest term each committed index was committed in (the
  // entries: RaftCluster::committed()). The explorer starts from these.
  const std::map<raft::Term, NodeId>& leaders() const { return leader_of_term_; }
  const std::map<raft::LogIndex, raft::Term>& committed_in() const { return committed_in_; }

 private:
  struct Election {
    raft::Term term;
    NodeId leader;
  };
  struct Commit {
    raft::LogIndex index;
    raft::LogEntry entry;
  };
  struct Application {
    NodeId server;
    raft::LogIndex index;
    Command command;
  };
  // A leader's write to its log in its term: the entries it had from index
  // `from` on, and the ones it wrote there.
  struct LeaderWrite {
    std::size_t server;
    raft::Term term;
    std::vector<raft::LogEntry> had, wrote;
  };
  struct Refusal {
    std::size_t server;
    NodeId from;
    raft::Message message;
    narration::Text reason;
  };
  // Leader Completeness, per server while it leads: the committed entries up
  // to index `up_to` have been found in its log, in term `term`.
  struct FoundCommitted {
    raft::Term term;
    std::uint64_t up_to = 0;
  };

  RaftServerSnapshot snapshot(std::size_t i) const;
  // Server `server`'s log changes from index `from` on (1: all of it).
  void log_changed(std::size_t server, std::uint64_t from);

  const RaftCluster& cluster_;
  ClientHistory& clients_;
  std::map<raft::Term, NodeId> leader_of_term_;        // the first leader elected in each term
  std::map<raft::LogIndex, raft::Term> committed_in_;  // the earliest term of each commit
  std::map<raft::LogIndex, Command> first_applied_;    // the first command applied at each index
  // Facts since the checks last looked; each check compares them with what
  // came before and forgets them.
  std::vector<Election> new_elections_;
  std::vector<Commit> new_commits_;
  std::vector<Application> new_applications_;
  std::vector<LeaderWrite> new_leader_writes_;
  std::vector<Refusal> refusals_;  // every message a server refused as impossible
  // Log Matching can break only where a log changed, and a log changes only
  // by a write (or a wiped disk): the servers whose logs changed since the
  // last check; and for each pair a < b, how many leading entries of their
  // logs are known identical (lowered when either log changes there).
  std::vector<std::size_t> logs_changed_;
  std::vector<std::vector<std::uint64_t>> identical_prefix_;
  std::vector<FoundCommitted> found_committed_;
  // Leader Completeness can break only when an entry is committed, a log
  // changes or a leader is elected: whether one of these happened since it
  // last held.
  bool completeness_to_check_ = true;
  ServerChecks<RaftServerSnapshot, raft::Rules> servers_;
  LeaderStability stability_;
  RaftSnapshotInvariants snapshots_;  // log compaction (paper §7)
};

}  // namespace consensus_lab::cluster
