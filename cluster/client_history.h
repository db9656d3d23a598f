// The clients of a simulated Multi-Paxos or Raft cluster, as a history: every
// put and read a client made (scenario `put` and `read`, the checker's
// workload), when it was invoked, when its answer came back — if it did —
// and what a read returned. The cluster checks after every answer that the
// history is linearizable (common/linearizability.h): that the replicated
// store behaved like one copy of the data, what a client may rely on.
//
// An operation that goes through the log returns when the node the client
// asked applies its command (each operation's command carries a client id of
// its own, so the answer is found without ambiguity). If that node crashes
// first, or steps down before, the client never hears: the operation stays
// pending — it may have taken effect, or not.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/command.h"
#include "common/linearizability.h"
#include "narration/line.h"

namespace consensus_lab::cluster {

class ClientHistory {
 public:
  // An operation that goes into the log at `node`: the command to submit.
  Command begin_put(const NodeId& node, const std::string& key, const std::string& value,
                    Millis now);
  Command begin_read(const NodeId& node, const std::string& key, Millis now);
  // The submission did not happen (the node was not the leader after all).
  void cancel(const Command& command);
  // A read answered at once from `node`'s state machine (a master under its lease).
  void read_locally(const NodeId& node, const std::string& key,
                    const std::optional<std::string>& value, Millis now);
  // `node` applied `command` (a read: with the value it found).
  void applied(const NodeId& node, const Command& command, bool repeat,
               const std::optional<std::string>& value, Millis now);
  // `node` crashed: the clients it was to answer never hear back.
  void crashed(const NodeId& node);

  const std::vector<Operation>& operations() const { return operations_; }
  // The invariant this history checks, named once for every protocol.
  static inline const narration::Text kInvariant{"client operations are linearizable",
                                                 "客户端操作是线性一致的"};
  // The first time the history stops being linearizable: why, in one line
  // (in English and in the notes' Chinese). Searched again only when an
  // answer came back since the last call.
  std::optional<narration::Text> violation();

 private:
  Command begin(Operation operation, const NodeId& node);

  std::vector<Operation> operations_;
  std::uint64_t clock_ = 0;                     // logical ticks: call and return
  std::map<std::string, std::size_t> pending_;  // command's client id → operation
  std::map<std::string, NodeId> asked_;         // command's client id → node asked
  bool answered_since_check_ = false;
  std::optional<narration::Text> violation_;
};

}  // namespace consensus_lab::cluster
