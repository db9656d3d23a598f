// A Raft cluster inside the simulator: servers A, B, C…, each a raft::Server,
// wired to a sim::World. The driver persists before it sends (DESIGN.md §8),
// keeps which entries were committed and what the clients saw, and tells the
// invariants (raft_invariants.h) what the servers did and wrote.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/client_history.h"
#include "cluster/log_reads.h"
#include "cluster/node_table.h"
#include "cluster/raft_invariants.h"
#include "raft/server.h"
#include "sim/world.h"

namespace consensus_lab::cluster {

struct RaftOptions {
  std::vector<NodeId> servers;  // every server that may ever take part
  // The first configuration's voters (thesis §4); empty: every server. The
  // others join through membership changes (`add-server`).
  std::vector<NodeId> members;
  raft::Rules rules;
  raft::Features features;  // pre-vote, check-quorum, reads, snapshots
  raft::Timing timing;
  std::uint64_t seed = 1;
  std::map<NodeId, Millis> fixed_election_timeouts;  // the notes: A=150, B=200, C=300
  bool back_off_to_log_end = false;                  // raft::Server::Config's faster back-off
  // Check "a leader that keeps its majority is not deposed"
  // (raft_stability_invariant.h; `set leader-stability on`).
  bool leader_stability = false;
};

class RaftNode;

class RaftCluster {
 public:
  explicit RaftCluster(RaftOptions options);
  ~RaftCluster();
  RaftCluster(const RaftCluster&) = delete;
  RaftCluster& operator=(const RaftCluster&) = delete;

  RaftWorld& world() { return world_; }
  const RaftWorld& world() const { return world_; }
  const RaftOptions& options() const { return options_; }
  std::vector<NodeId> participants() const { return options_.servers; }

  // `id`'s election timer fires now.
  void timeout(const NodeId& id);
  // A client command to `id`; false if `id` is down or not leader.
  bool submit(const NodeId& id, const Command& command);
  // Leader `leader` hands its leadership to `target` (thesis §3.10).
  void transfer_leadership(const NodeId& leader, const NodeId& target);
  // Scenario set-up: `set-log ID T1 T2 …` and `set-term ID T`.
  void set_log(const NodeId& id, const std::vector<raft::Term>& terms);
  void set_term(const NodeId& id, raft::Term term);
  // `snapshot ID`: `id` takes a snapshot now, at its last applied index (paper
  // §7); false if `id` is down.
  bool snapshot(const NodeId& id);

  // A read ordered through the log: `id`, if it leads, puts a read of `key`
  // into the log; the answer is the state machine's value when the read is
  // applied. Returns the request's number (none: `id` does not lead).
  std::optional<std::uint64_t> read_through_log(const NodeId& id, const std::string& key);
  // The answer to read request `request`, once a server applied it (the
  // outer optional); the value, or none if the key was not set.
  std::optional<std::optional<std::string>> read_answer(std::uint64_t request) const;

  // A client's put of KEY=VALUE at `id`, recorded in the history; false (and
  // nothing recorded) if `id` is down or not leader.
  bool client_put(const NodeId& id, const std::string& key, const std::string& value);
  // A client's read of `key` at `id`, the way features.read_mode says: read
  // mode log — a leader puts it into the log (answered when applied);
  // read-index or lease — the leader answers without a log entry
  // (raft::Server::read: at once, or when its heartbeat round is confirmed).
  // Either way the answer is recorded in the history. Any other server
  // redirects the client — nothing is recorded. Returns whether a leader
  // took the read.
  bool client_read(const NodeId& id, const std::string& key);
  // Reads without a log entry, numbered from 1 in the order clients made
  // them (scenario `expect read`).
  // The answer to read `id` (the n-th read taken without a log entry, from
  // 1), once a leader answered it (the outer optional): the value, or none.
  std::optional<std::optional<std::string>> read_index_answer(std::uint64_t id) const;
  std::uint64_t reads_taken() const { return last_read_id_; }
  const ClientHistory& history() const { return history_; }

  // The live leader with the highest term, if any.
  std::optional<NodeId> leader() const;
  // A live server (nullptr when it is down).
  const raft::Server* server(const NodeId& id) const;
  // A server's persistent state: live, or as on its disk while it is down.
  const raft::RaftHardState& state(const NodeId& id) const;
  // The same two by position in options().servers (= the world's node
  // order): no name lookup.
  const raft::Server* server_at(std::size_t i) const;
  const raft::RaftHardState& state_at(std::size_t i) const;
  // Every entry committed so far, by index (from any server's commit).
  const std::map<raft::LogIndex, raft::LogEntry>& committed() const { return committed_; }
  const RaftInvariants& invariants() const { return *invariants_; }

  void set_rules(const raft::Rules& rules);
  void set_features(const raft::Features& features);
  void set_leader_stability(bool on) { options_.leader_stability = on; }
  void set_timing(const raft::Timing& timing);
  // A fixed election timeout for `id`, or none: random from the timing's range.
  void set_fixed_election_timeout(const NodeId& id, std::optional<Millis> timeout);

 private:
  friend class RaftNode;
  void observe(std::size_t server, const raft::Event& event);
  void observe_read(std::size_t server, const raft::Event& event);

  RaftOptions options_;
  RaftWorld world_;
  NodeTable<RaftNode> nodes_{"server"};  // in options_.servers order
  LogReads log_reads_;
  std::map<raft::LogIndex, raft::LogEntry> committed_;  // the first entry committed at each index
  ClientHistory history_;
  // Reads without a log entry: the history's command for each read id
  // (raft::Server::ReadRequest), and their answers.
  std::map<std::uint64_t, Command> reads_;
  std::uint64_t last_read_id_ = 0;
  std::map<std::uint64_t, std::optional<std::string>> read_answers_;
  std::unique_ptr<RaftInvariants> invariants_;  // made once the nodes are
};

}  // namespace consensus_lab::cluster
