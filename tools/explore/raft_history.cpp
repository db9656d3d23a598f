#include "tools/explore/raft_history.h"

#include <algorithm>

#include "cluster/raft_invariants.h"

namespace consensus_lab::explore {

std::uint64_t hash_of(const Election& e) {
  return mix(e.term.value, e.server);
}
std::uint64_t hash_of(const Commit& c) {
  return mix(mix(c.index.value, c.entry.term.value), c.in.value);
}

std::vector<Word> RaftHistory::elect(Key elections, raft::Term term, Word self,
                                     std::optional<Violation>& violation) {
  std::vector<Word> next(elections.begin(), elections.end());
  const auto same =
      std::find_if(next.begin(), next.end(), [&](Word e) { return elections_[e].term == term; });
  if (same == next.end()) {
    const Word e = elections_.id({term, self});
    next.insert(std::upper_bound(next.begin(), next.end(), e), e);
  } else if (auto problem =
                 cluster::two_leaders(term, ids_[elections_[*same].server], ids_[self])) {
    violation = Violation{cluster::kElectionSafety, std::move(*problem)};
  }
  return next;
}

std::vector<Word> RaftHistory::commit(
    Key commits, const std::vector<std::pair<raft::LogIndex, raft::LogEntry>>& committed,
    raft::Term term, std::optional<Violation>& violation) {
  std::vector<Word> next(commits.begin(), commits.end());
  for (const auto& [index, entry] : committed) {
    const auto at =
        std::find_if(next.begin(), next.end(), [&](Word c) { return commits_[c].index == index; });
    if (at == next.end()) {
      next.push_back(commits_.id({index, entry, term}));
      continue;
    }
    Commit first = commits_[*at];  // (a copy: id() may move the entries)
    if (!violation) {
      if (auto problem = cluster::committed_twice(index, first.entry, entry))
        violation = Violation{cluster::kStateMachineSafety, std::move(*problem)};
    }
    if (term < first.in) {
      first.in = term;
      *at = commits_.id(std::move(first));
    }
  }
  std::sort(next.begin(), next.end());
  return next;
}

std::optional<Violation> RaftHistory::leader_completeness(
    const std::vector<const raft::Server*>& leaders, Key commits) const {
  std::vector<const Commit*> by_index;
  for (const Word c : commits) by_index.push_back(&commits_[c]);
  std::sort(by_index.begin(), by_index.end(),
            [](const Commit* x, const Commit* y) { return x->index < y->index; });
  for (std::size_t i = 0; i < leaders.size(); ++i) {
    const raft::Server* leader = leaders[i];
    if (leader == nullptr) continue;
    for (const Commit* c : by_index) {
      if (auto problem = cluster::leader_lacks(ids_[i], leader->current_term(), leader->log(),
                                               c->index, c->entry, c->in))
        return Violation{cluster::kLeaderCompleteness, std::move(*problem)};
    }
  }
  return std::nullopt;
}

}  // namespace consensus_lab::explore
