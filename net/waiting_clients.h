// The clients a leader (master) is serving that wait for the log: a put
// until its command is applied, a read through the log until its read
// command is. When the node stops leading, every one of them is told to
// retry (clients retry; a retried put is applied once).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/command.h"
#include "common/types.h"
#include "net/client_wire.h"

namespace consensus_lab::net {

class IncomingConnection;

class WaitingClients {
 public:
  struct Answer {
    std::shared_ptr<IncomingConnection> to;
    Reply reply;
  };

  explicit WaitingClients(const NodeId& self);

  // The command to propose for a request; `from` waits until it is applied.
  Command put(const PutRequest& put, std::shared_ptr<IncomingConnection> from);
  Command read(const GetRequest& get, std::shared_ptr<IncomingConnection> from);
  // `from` waits for a read: its number — a read command's sequence number
  // (read), or the id of a read the leader answers without the log
  // (ReadIndex or lease, Raft's `--read`; answered by read_done).
  std::uint64_t wait_for_read(std::shared_ptr<IncomingConnection> from);
  // Whom read `id` answers, and with what: the value, or (none: refused, the
  // leader stepped down) retry.
  std::vector<Answer> read_done(std::uint64_t id,
                                const std::optional<std::optional<std::string>>& value);
  // Whom an applied command answers, and with what.
  std::vector<Answer> applied(const Command& command, const std::optional<std::string>& value);
  // Everyone still waiting, told to retry; nobody waits afterwards.
  std::vector<Answer> retry_all();

 private:
  // Reads through the log carry this client id: one per run of the node, so
  // that the state machine's de-duplication never takes a read for a repeat.
  const std::string reader_;
  std::uint64_t reads_ = 0;
  std::map<std::pair<std::string, std::uint64_t>, std::vector<std::shared_ptr<IncomingConnection>>>
      puts_;  // by (client, sequence number)
  std::map<std::uint64_t, std::shared_ptr<IncomingConnection>> gets_;  // by read sequence number
};

}  // namespace consensus_lab::net
