#include "multipaxos/membership.h"

#include <algorithm>

namespace consensus_lab::multipaxos {

namespace {

void change(std::vector<NodeId>& members, const Command& command) {
  const auto it = std::find(members.begin(), members.end(), command.key);
  if (command.kind == Command::Kind::add_replica && it == members.end()) {
    members.push_back(command.key);
  } else if (command.kind == Command::Kind::remove_replica && it != members.end() &&
             members.size() > 1) {
    members.erase(it);  // never the last member: a log with no members could choose nothing
  }
}

}  // namespace

std::vector<NodeId> members_at(Slot slot, std::vector<NodeId> members,
                               const std::map<Slot, Command>& changes, std::size_t window) {
  for (const auto& [chosen_slot, command] : changes) {
    if (chosen_slot.value + window > slot.value) break;
    change(members, command);
  }
  return members;
}

std::vector<std::vector<NodeId>> configurations(Slot from, Slot to, std::vector<NodeId> first,
                                                const std::map<Slot, Command>& changes,
                                                std::size_t window) {
  std::vector<std::vector<NodeId>> out;
  if (to < from) return out;
  std::vector<NodeId> members = std::move(first);
  auto it = changes.begin();
  // The changes that already count at `from`…
  for (; it != changes.end() && it->first.value + window <= from.value; ++it) {
    change(members, it->second);
  }
  out.push_back(members);
  // …then each later one that counts at or before `to` starts a configuration.
  for (; it != changes.end() && it->first.value + window <= to.value; ++it) {
    change(members, it->second);
    if (members != out.back()) out.push_back(members);
  }
  return out;
}

bool is_membership_change(const Command& command) {
  return command.kind == Command::Kind::add_replica ||
         command.kind == Command::Kind::remove_replica;
}

void Membership::chosen(Slot slot, const Command& command) {
  if (is_membership_change(command)) changes_[slot] = command;
}

bool contains(const std::vector<NodeId>& members, const NodeId& id) {
  return std::find(members.begin(), members.end(), id) != members.end();
}

}  // namespace consensus_lab::multipaxos
