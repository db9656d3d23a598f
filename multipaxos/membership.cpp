#include "multipaxos/membership.h"

#include <algorithm>
#include <iterator>

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

bool is_membership_change(const Command& command) {
  return command.kind == Command::Kind::add_replica ||
         command.kind == Command::Kind::remove_replica;
}

void Membership::chosen(Slot slot, const Command& command) {
  if (!is_membership_change(command)) return;
  changes_[slot] = command;
  rebuild();
}

void Membership::rebuild() {
  configurations_.assign(1, {Slot{0}, first_});
  std::vector<NodeId> members = first_;
  for (const auto& [chosen_slot, command] : changes_) {
    change(members, command);
    if (members != configurations_.back().second) {
      configurations_.emplace_back(Slot{chosen_slot.value + window_}, members);
    }
  }
}

const std::vector<NodeId>& Membership::at(Slot slot) const {
  // The last configuration that starts at or before `slot` (the first starts at 0).
  const auto after = std::upper_bound(
      configurations_.begin(), configurations_.end(), slot,
      [](Slot s, const std::pair<Slot, std::vector<NodeId>>& c) { return s < c.first; });
  return std::prev(after)->second;
}

Configurations Membership::between(Slot from, Slot to) const {
  Configurations out;
  if (to < from) return out;
  out.push_back(std::cref(at(from)));
  for (const auto& [start, members] : configurations_) {
    if (start > from && start <= to) out.push_back(std::cref(members));
  }
  return out;
}

bool contains(const std::vector<NodeId>& members, const NodeId& id) {
  return std::find(members.begin(), members.end(), id) != members.end();
}

}  // namespace consensus_lab::multipaxos
