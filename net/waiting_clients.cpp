#include "net/waiting_clients.h"

#include <random>

namespace consensus_lab::net {

WaitingClients::WaitingClients(const NodeId& self)
    : reader_("read-" + self + "-" + std::to_string(std::random_device{}())) {}

Command WaitingClients::put(const PutRequest& put, std::shared_ptr<IncomingConnection> from) {
  puts_[{put.client, put.sequence}].push_back(std::move(from));
  return Command::put(put.key, put.value, put.client, put.sequence);
}

Command WaitingClients::read(const GetRequest& get, std::shared_ptr<IncomingConnection> from) {
  return Command::read(get.key, reader_, wait_for_read(std::move(from)));
}

std::uint64_t WaitingClients::wait_for_read(std::shared_ptr<IncomingConnection> from) {
  const std::uint64_t sequence = ++reads_;
  gets_[sequence] = std::move(from);
  return sequence;
}

std::vector<WaitingClients::Answer> WaitingClients::read_done(
    std::uint64_t id, const std::optional<std::optional<std::string>>& value) {
  std::vector<Answer> answers;
  const auto it = gets_.find(id);
  if (it == gets_.end()) return answers;
  answers.push_back({it->second, value ? Reply::to_read(*value) : Reply{Reply::Kind::retry, {}}});
  gets_.erase(it);
  return answers;
}

std::vector<WaitingClients::Answer> WaitingClients::applied(
    const Command& command, const std::optional<std::string>& value) {
  std::vector<Answer> answers;
  if (command.kind == Command::Kind::put) {
    const auto it = puts_.find({command.client, command.sequence});
    if (it == puts_.end()) return answers;
    for (auto& to : it->second) answers.push_back({to, Reply{Reply::Kind::ok, {}}});
    puts_.erase(it);
  } else if (command.kind == Command::Kind::read && command.client == reader_) {
    const auto it = gets_.find(command.sequence);
    if (it == gets_.end()) return answers;
    answers.push_back({it->second, Reply::to_read(value)});
    gets_.erase(it);
  }
  return answers;
}

std::vector<WaitingClients::Answer> WaitingClients::retry_all() {
  std::vector<Answer> answers;
  for (auto& [key, waiting] : puts_) {
    for (auto& to : waiting) answers.push_back({to, Reply{Reply::Kind::retry, {}}});
  }
  for (auto& [sequence, to] : gets_) answers.push_back({to, Reply{Reply::Kind::retry, {}}});
  puts_.clear();
  gets_.clear();
  return answers;
}

}  // namespace consensus_lab::net
