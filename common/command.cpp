#include "common/command.h"

#include <utility>

namespace consensus_lab {

Command Command::put(std::string key, std::string value, std::string client,
                     std::uint64_t sequence) {
  Command command;
  command.kind = Kind::put;
  command.key = std::move(key);
  command.value = std::move(value);
  command.client = std::move(client);
  command.sequence = sequence;
  return command;
}

Command Command::add(NodeId replica) {
  Command command;
  command.kind = Kind::add_replica;
  command.key = std::move(replica);
  return command;
}

Command Command::remove(NodeId replica) {
  Command command;
  command.kind = Kind::remove_replica;
  command.key = std::move(replica);
  return command;
}

Command Command::learner(NodeId server) {
  Command command;
  command.kind = Kind::add_learner;
  command.key = std::move(server);
  return command;
}

Command Command::read(std::string key, std::string client, std::uint64_t sequence) {
  Command command;
  command.kind = Kind::read;
  command.key = std::move(key);
  command.client = std::move(client);
  command.sequence = sequence;
  return command;
}

std::string spell(const Command& command, const Spelling& spelling) {
  switch (command.kind) {
    case Command::Kind::put:
      return command.key + spelling.assign + command.value;
    case Command::Kind::noop:
      return "noop";
    case Command::Kind::add_replica:
      return spelling.add + std::string(spelling.before_key) + command.key;
    case Command::Kind::remove_replica:
      return spelling.remove + std::string(spelling.before_key) + command.key;
    case Command::Kind::read:
      return spelling.read + std::string(spelling.before_key) + command.key;
    case Command::Kind::add_learner:
      return spelling.learner + std::string(spelling.before_key) + command.key;
  }
  return "?";
}

std::string to_string(const Command& command) {
  return spell(
      command,
      {.assign = "←", .add = "add", .remove = "remove", .read = "read", .before_key = " "});
}

std::string to_scenario_word(const Command& command) {
  return spell(
      command,
      {.assign = "=", .add = "add", .remove = "remove", .read = "read", .before_key = ":"});
}

bool KeyValueStore::apply(const Command& command) {
  if (command.kind != Command::Kind::put) return true;  // noop and membership: nothing to store
  if (!command.client.empty()) {
    auto [it, fresh] = last_sequence_.try_emplace(command.client, 0);
    if (!fresh && command.sequence <= it->second) return false;  // a repeat: applied already
    it->second = command.sequence;
  }
  data_[command.key] = command.value;
  return true;
}

std::optional<std::string> KeyValueStore::get(const std::string& key) const {
  const auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

}  // namespace consensus_lab
