#include "common/command.h"

#include <string_view>
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

namespace {

void save_string(std::string& out, std::string_view s) {
  out += std::to_string(s.size()) + ":";
  out += s;
}

// A decimal number ended by `end`, taken off the front of `text`.
std::optional<std::uint64_t> take_number(std::string_view& text, char end) {
  const auto stop = text.find(end);
  if (stop == std::string_view::npos || stop == 0 || stop > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (const char c : text.substr(0, stop)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  text.remove_prefix(stop + 1);
  return n;
}

std::optional<std::string> take_string(std::string_view& text) {
  const auto length = take_number(text, ':');
  if (!length || *length > text.size()) return std::nullopt;
  std::string s(text.substr(0, *length));
  text.remove_prefix(*length);
  return s;
}

// `count` pairs of strings into `into` (the second through `convert`).
template <class Value, class Convert>
bool take_pairs(std::string_view& text, std::map<std::string, Value>& into, Convert convert) {
  const auto count = take_number(text, ';');
  if (!count) return false;
  for (std::uint64_t i = 0; i < *count; ++i) {
    auto key = take_string(text), value = take_string(text);
    if (!key || !value) return false;
    auto converted = convert(*value);
    if (!converted) return false;
    into[*key] = *converted;
  }
  return true;
}

}  // namespace

std::string KeyValueStore::save() const {
  std::string out = std::to_string(data_.size()) + ";";
  for (const auto& [key, value] : data_) {
    save_string(out, key);
    save_string(out, value);
  }
  out += std::to_string(last_sequence_.size()) + ";";
  for (const auto& [client, sequence] : last_sequence_) {
    save_string(out, client);
    save_string(out, std::to_string(sequence));
  }
  return out;
}

bool KeyValueStore::restore(std::string_view text) {
  KeyValueStore restored;
  const auto as_string = [](const std::string& s) { return std::optional<std::string>(s); };
  const auto as_number = [](const std::string& s) {
    const std::string ended = s + ";";
    std::string_view view = ended;
    return take_number(view, ';');
  };
  if (!take_pairs(text, restored.data_, as_string) ||
      !take_pairs(text, restored.last_sequence_, as_number) || !text.empty()) {
    return false;
  }
  *this = std::move(restored);
  return true;
}

}  // namespace consensus_lab
