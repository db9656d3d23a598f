// The history the Raft invariants are judged from, as the explorer keeps it
// in each state (tools/explore/raft_model.cpp) — what RaftInvariants keeps in
// the simulator: the first leader elected in each term, and the first entry
// committed at each index with the earliest term in which any server
// committed that index. Each fact is a numbered entry; a state holds sorted
// rows of them.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "raft/server.h"
#include "tools/explore/interner.h"

namespace consensus_lab::explore {

struct Election {
  raft::Term term;
  Word server;  // its position
  friend bool operator==(const Election&, const Election&) = default;
};
struct Commit {
  raft::LogIndex index;
  raft::LogEntry entry;
  raft::Term in;  // the earliest term of a commit at this index
  friend bool operator==(const Commit&, const Commit&) = default;
};
std::uint64_t hash_of(const Election& e);
std::uint64_t hash_of(const Commit& c);

class RaftHistory {
 public:
  explicit RaftHistory(std::vector<NodeId> ids) : ids_(std::move(ids)) {}

  Word election(Election e) { return elections_.id(e); }
  Word commit(Commit c) { return commits_.id(std::move(c)); }

  // `elections` after server `self` became leader of `term`; `violation`
  // when another server was elected in it first (election safety).
  std::vector<Word> elect(Key elections, raft::Term term, Word self,
                          std::optional<Violation>& violation);
  // `commits` after a server, now in term `term`, committed `committed`;
  // `violation` when an index was committed as another entry before (state
  // machine safety).
  std::vector<Word> commit(Key commits,
                           const std::vector<std::pair<raft::LogIndex, raft::LogEntry>>& committed,
                           raft::Term term, std::optional<Violation>& violation);
  // Leader Completeness: every live leader (by position; none: not a live
  // leader) against every committed entry, in the order of their indexes.
  std::optional<Violation> leader_completeness(const std::vector<const raft::Server*>& leaders,
                                               Key commits) const;

  std::size_t bytes() const {
    return elections_.bytes(sizeof(Election)) + commits_.bytes(sizeof(Commit) + 32);
  }

 private:
  std::vector<NodeId> ids_;
  Interner<Election> elections_;
  Interner<Commit> commits_;
};

}  // namespace consensus_lab::explore
