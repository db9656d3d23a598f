#include "tools/explore/paxos_history.h"

#include <algorithm>
#include <bit>

#include "cluster/paxos_invariants.h"

namespace consensus_lab::explore {

namespace {

using paxos::Proposal;

std::optional<Violation> as_violation(const narration::Text& name,
                                      std::optional<narration::Text> detail) {
  if (!detail) return std::nullopt;
  return Violation{name, std::move(*detail)};
}

}  // namespace

bool History::chosen(Word entry) const {
  return static_cast<std::size_t>(std::popcount(entries_[entry].acceptors)) >= needed_;
}

std::vector<Word> History::accept(Key history, Word self, const std::vector<Proposal>& accepted,
                                  std::optional<Violation>& violation) {
  std::vector<Word> updated(history.begin(), history.end());
  std::optional<Violation> unproposed, second_chosen, second_under_number;
  auto majority = [&](std::uint32_t bits) {
    return static_cast<std::size_t>(std::popcount(bits)) >= needed_;
  };
  for (const Proposal& p : accepted) {
    const auto same = std::find_if(updated.begin(), updated.end(),
                                   [&](Word g) { return entries_[g].number == p.number; });
    const std::uint32_t before = same == updated.end() ? 0 : entries_[*same].acceptors;
    if (same != updated.end() && entries_[*same].value != p.value) {
      // Counting goes on under the first value, as in PaxosCluster.
      if (!second_under_number) {
        second_under_number =
            as_violation(cluster::kOneValuePerProposalNumber,
                         cluster::second_value_under_one_number(p, entries_[*same].value));
      }
      continue;
    }
    const Word now = entries_.id({p.number, p.value, before | 1u << self});
    if (same == updated.end()) {
      updated.push_back(now);
    } else {
      *same = now;
    }
    if (majority(before) || !majority(before | 1u << self)) continue;  // not newly chosen
    if (!unproposed) {
      unproposed = as_violation(cluster::kOnlyAProposedValueIsChosen,
                                cluster::chosen_but_never_proposed(p, proposed_));
    }
    for (const Word g : history) {
      const Accepted& other = entries_[g];
      if (second_chosen || other.number == p.number || !majority(other.acceptors)) continue;
      second_chosen = as_violation(cluster::kAtMostOneValueChosen,
                                   cluster::second_value_chosen({other.number, other.value}, p));
    }
  }
  violation = unproposed ? unproposed : second_chosen ? second_chosen : second_under_number;
  std::sort(updated.begin(), updated.end());
  return updated;
}

std::optional<Violation> History::check_learned(Key history, const NodeId& learner,
                                                const std::vector<Proposal>& learned) const {
  if (learned.empty()) return std::nullopt;
  std::vector<Proposal> chosen;
  for (const Word g : history) {
    if (this->chosen(g)) chosen.push_back({entries_[g].number, entries_[g].value});
  }
  for (const Proposal& p : learned) {
    if (auto v = as_violation(cluster::kLearnedValuesWereChosen,
                              cluster::learned_but_not_chosen(learner, p, chosen)))
      return v;
  }
  return std::nullopt;
}

}  // namespace consensus_lab::explore
