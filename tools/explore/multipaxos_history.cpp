#include "tools/explore/multipaxos_history.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <set>

#include "cluster/multipaxos_invariants.h"
#include "common/quorum.h"

namespace consensus_lab::explore {

using multipaxos::Ballot;
using multipaxos::Slot;

namespace {

std::uint64_t hash_of(const Command& command) {
  return mix(std::hash<std::string>{}(command.key), std::hash<std::string>{}(command.value));
}

void sort(std::vector<Word>& row) {
  std::sort(row.begin(), row.end());
}

}  // namespace

std::uint64_t hash_of(const Acceptance& a) {
  return mix(mix(a.slot.value, a.ballot.value), a.by);
}
std::uint64_t hash_of(const ChosenSlot& c) {
  return mix(c.slot.value, hash_of(c.command));
}
std::uint64_t hash_of(const Mastery& m) {
  return mix(m.ballot.value, m.replica);
}

std::optional<std::size_t> MultiPaxosHistory::find(const std::vector<Word>& acceptances, Slot slot,
                                                   Ballot ballot) const {
  for (std::size_t i = 0; i < acceptances.size(); ++i) {
    const Acceptance& a = acceptances_[acceptances[i]];
    if (a.slot == slot && a.ballot == ballot) return i;
  }
  return std::nullopt;
}

const Command* MultiPaxosHistory::chosen_in(const std::vector<Word>& chosen, Slot slot) const {
  for (const Word c : chosen) {
    if (chosen_[c].slot == slot) return &chosen_[c].command;
  }
  return nullptr;
}

// MultiPaxosCluster::members_at: the membership commands chosen so far.
std::vector<NodeId> MultiPaxosHistory::members_at(Slot slot,
                                                  const std::vector<Word>& chosen) const {
  std::map<Slot, Command> changes;
  for (const Word c : chosen) {
    if (multipaxos::is_membership_change(chosen_[c].command))
      changes.emplace(chosen_[c].slot, chosen_[c].command);
  }
  return multipaxos::members_at(slot, first_, changes, window_);
}

void MultiPaxosHistory::after(Ghost& ghost, Word self, const ReplicaStep& step,
                              std::optional<Ballot> ballot, std::optional<Violation>& violation) {
  // MultiPaxosCluster::observe_acceptance: a slot is chosen once a majority
  // of its members accepted one ballot's proposal there.
  std::vector<std::pair<Slot, Command>> new_chosen;
  for (const auto& accepted : step.accepted) {
    const auto at = find(ghost.acceptances, accepted.slot, accepted.ballot);
    Acceptance a = at ? acceptances_[ghost.acceptances[*at]]
                      : Acceptance{accepted.slot, accepted.ballot, accepted.command, 0};
    const std::vector<NodeId> members = members_at(accepted.slot, ghost.chosen);
    const bool member = std::find(members.begin(), members.end(), ids_[self]) != members.end();
    if (member) a.by |= std::uint64_t{1} << self;
    const Word id = acceptances_.id(a);
    if (at) {
      ghost.acceptances[*at] = id;
    } else {
      ghost.acceptances.push_back(id);
    }
    if (!member || static_cast<std::size_t>(std::popcount(a.by)) != majority(members.size()))
      continue;
    if (chosen_in(ghost.chosen, a.slot) == nullptr)
      ghost.chosen.push_back(chosen_.id({a.slot, a.command}));
    new_chosen.emplace_back(a.slot, a.command);
  }
  sort(ghost.acceptances);
  sort(ghost.chosen);
  for (const Ballot b : step.elected) {  // MultiPaxosInvariants::became_master
    const bool first = std::none_of(ghost.masters.begin(), ghost.masters.end(),
                                    [&](Word m) { return masters_[m].ballot == b; });
    if (first) ghost.masters.push_back(masters_.id({b, self}));
  }
  sort(ghost.masters);
  if (step.applied && step.applied->value > ghost.most_applied) {
    ghost.most_applied = static_cast<Word>(step.applied->value);
    ghost.most_applied_by = self;
  }

  // The checks, in MultiPaxosInvariants::first_violated's order.
  for (const auto& [slot, command] : new_chosen) {
    if (auto problem =
            cluster::two_commands_chosen(slot, *chosen_in(ghost.chosen, slot), command)) {
      violation = Violation{cluster::kOneCommandPerSlot, std::move(*problem)};
      return;
    }
  }
  for (const Ballot b : step.elected) {
    for (const Word m : ghost.masters) {
      if (masters_[m].ballot != b) continue;
      if (auto problem = cluster::two_masters(b, ids_[masters_[m].replica], ids_[self])) {
        violation = Violation{cluster::kOneMasterPerBallot, std::move(*problem)};
        return;
      }
    }
  }
  for (const auto& [slot, command] : step.learned) {
    if (auto problem =
            cluster::learned_unchosen(ids_[self], slot, command, chosen_in(ghost.chosen, slot))) {
      violation = Violation{cluster::kLearnOnlyChosen, std::move(*problem)};
      return;
    }
  }
  if (!ballot) return;
  for (const auto& [slot, command] : step.learned) {
    const auto at = find(ghost.acceptances, slot, *ballot);
    if (!at) continue;
    const Acceptance& own = acceptances_[ghost.acceptances[*at]];
    std::set<NodeId> by;
    for (Word i = 0; i < ids_.size(); ++i) {
      if (own.by >> i & 1) by.insert(ids_[i]);
    }
    if (auto problem =
            cluster::master_learned_another(ids_[self], slot, command, *ballot, &own.command, by)) {
      violation = Violation{cluster::kMastersLearnOwnValues, std::move(*problem)};
      return;
    }
  }
}

}  // namespace consensus_lab::explore
