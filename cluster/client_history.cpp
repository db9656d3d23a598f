#include "cluster/client_history.h"

namespace consensus_lab::cluster {

Command ClientHistory::begin(Operation operation, const NodeId& node) {
  const std::string id = "c" + std::to_string(operations_.size() + 1);
  operation.client = id;
  operation.call = ++clock_;
  pending_[id] = operations_.size();
  asked_[id] = node;
  Command command = operation.kind == Operation::Kind::put
                        ? Command::put(operation.key, operation.value, id, 1)
                        : Command::read(operation.key, id, 1);
  operations_.push_back(std::move(operation));
  return command;
}

Command ClientHistory::begin_put(const NodeId& node, const std::string& key,
                                 const std::string& value, Millis now) {
  Operation operation;
  operation.kind = Operation::Kind::put;
  operation.key = key;
  operation.value = value;
  operation.call_ms = now;
  return begin(std::move(operation), node);
}

Command ClientHistory::begin_read(const NodeId& node, const std::string& key, Millis now) {
  Operation operation;
  operation.kind = Operation::Kind::read;
  operation.key = key;
  operation.call_ms = now;
  return begin(std::move(operation), node);
}

void ClientHistory::cancel(const Command& command) {
  const auto it = pending_.find(command.client);
  if (it == pending_.end() || it->second + 1 != operations_.size()) return;
  operations_.pop_back();
  pending_.erase(it);
  asked_.erase(command.client);
}

void ClientHistory::read_locally(const NodeId& node, const std::string& key,
                                 const std::optional<std::string>& value, Millis now) {
  Operation operation;
  operation.kind = Operation::Kind::read;
  operation.client = "c" + std::to_string(operations_.size() + 1) + "@" + node;
  operation.key = key;
  operation.result = value;
  operation.call = ++clock_;
  operation.ret = ++clock_;
  operation.call_ms = operation.ret_ms = now;
  operations_.push_back(std::move(operation));
  answered_since_check_ = true;
}

void ClientHistory::applied(const NodeId& node, const Command& command, bool repeat,
                            const std::optional<std::string>& value, Millis now) {
  if (repeat || command.client.empty()) return;
  const auto it = pending_.find(command.client);
  if (it == pending_.end() || asked_[command.client] != node) return;
  Operation& operation = operations_[it->second];
  operation.ret = ++clock_;
  operation.ret_ms = now;
  if (operation.kind == Operation::Kind::read) operation.result = value;
  asked_.erase(command.client);
  pending_.erase(it);
  answered_since_check_ = true;
}

void ClientHistory::crashed(const NodeId& node) {
  for (auto it = asked_.begin(); it != asked_.end();) {
    if (it->second == node) {
      pending_.erase(it->first);
      it = asked_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<narration::Text> ClientHistory::violation() {
  if (violation_ || !answered_since_check_) return violation_;
  answered_since_check_ = false;
  const Linearizability result = check_linearizable(operations_);
  if (result.verdict == Linearizability::Verdict::not_linearizable) {
    violation_ = narration::Text{result.explanation, result.explanation_zh};
  }
  return violation_;
}

}  // namespace consensus_lab::cluster
