// The protocol a real node runs: one raft::Server or one multipaxos::Replica
// (the classes the simulator drives), fed the node's messages, ticks and
// client commands. What each step asks of the node comes back as one batch
// (NodeEffects), in the node's terms: its state already written to the data
// directory, its messages already encoded as lines, its events as log lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/command.h"
#include "common/types.h"
#include "multipaxos/replica.h"
#include "narration/line.h"
#include "net/live_report.h"
#include "net/system_random.h"
#include "raft/server.h"

namespace consensus_lab::net {

struct NodeOptions;
class Store;

// A command the state machine applied, and a read's answer.
struct AppliedCommand {
  Command command;
  std::optional<std::string> value;
};

// A read answered without the log (Raft's ReadIndex or lease): the value
// (the outer none: refused — the leader stepped down; the client retries).
struct ReadDone {
  std::uint64_t id = 0;
  std::optional<std::optional<std::string>> value;
};

// What one step asks of the node.
struct NodeEffects {
  std::vector<narration::Line> narration;  // what the node logs (a quiet node: only the notable)
  std::vector<AppliedCommand> applied;
  std::vector<ReadDone> reads;
  std::vector<std::pair<NodeId, std::string>> send;  // one line (without '\n') to a peer
  // Lines that may leave before the batch's sync: a leader's log, which it
  // writes in parallel with sending it (may_leave_before_write).
  std::vector<std::pair<NodeId, std::string>> send_before_sync;
  std::optional<Millis> wake_at;
  // For the live view (net/live_report.h), when the node is watched: what
  // happened, in the view's lines.
  std::vector<std::string> report;
  // The message was impossible — no node following the protocol could have
  // sent it (the role's check()) — and nothing at all was done: why.
  std::optional<narration::Text> refused;
};

// A read the leader answers from its own state, without the log.
struct LocalRead {
  std::optional<std::string> value;  // none: the key holds nothing
};

class ProtocolRunner {
 public:
  // The protocol `options` names, over `cluster`, restored from `store`
  // (none: state in memory only). Throws StorageError when the data
  // directory cannot be read. Every step writes what the role asks to
  // persist into `store` (throwing StorageError when it cannot).
  ProtocolRunner(const NodeOptions& options, const std::vector<NodeId>& cluster, Store* store);

  NodeEffects start(Millis now);
  // A peer's line (throws DecodeError if it does not decode).
  NodeEffects receive(Millis now, const NodeId& from, std::string_view line);
  NodeEffects tick(Millis now);
  NodeEffects submit(Millis now, const std::vector<Command>& commands);

  bool leads() const;  // the Raft leader, the Multi-Paxos master
  std::optional<NodeId> leader_hint() const;
  // None: the read must go through the log (always in Raft; in Multi-Paxos
  // unless the master holds its lease).
  std::optional<LocalRead> read_locally(Millis now, const std::string& key) const;
  // Raft with read mode read-index or lease (`--read`): reads are answered
  // without the log (thesis §6.4).
  bool reads_without_log() const;
  // Then the leader takes read `id` of `key`: its answer comes in this step's
  // or a later one's NodeEffects::reads.
  NodeEffects read_without_log(Millis now, std::uint64_t id, const std::string& key);

  // ---- the live view (net/live_report.h) ----
  // From now on every step also tells what happened (NodeEffects::report).
  void watch();
  void unwatch() { report_.reset(); }
  // "card CARD" when the node's card changed since it was last told.
  std::optional<std::string> card_report();

  // ---- Raft membership changes and handing over (docs/real-cluster.md §3.1) ----
  bool changes_membership() const;  // Raft: yes; Multi-Paxos: not in real mode
  // A server this node can now reach joins those the protocol may address.
  void know_server(const NodeId& id);
  // The leader appends the membership change (learner, add, remove): the
  // step's effects, and whether the entry went into the log (else refused).
  std::pair<NodeEffects, bool> change(Millis now, const Command& change);
  // The leader's configuration in effect: "VOTERS LEARNERS committed|pending".
  std::string members_text() const;
  // A Raft leader hands its leadership to its most up-to-date voter
  // (thesis §3.10): the step, and the target — none when there is nobody.
  std::optional<std::pair<NodeEffects, NodeId>> hand_over(Millis now);

 private:
  using Role = std::variant<raft::Server, multipaxos::Replica>;
  static Role make_role(const NodeOptions& options, const std::vector<NodeId>& cluster,
                        Store* store);
  template <class Effects>
  NodeEffects carry_out(Effects effects);

  const NodeOptions& options_;
  Store* store_;
  SystemRandom random_;
  Role role_;
  std::optional<LiveReport> report_;
};

}  // namespace consensus_lab::net
