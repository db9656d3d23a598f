// The history the Multi-Paxos invariants are judged from, as the explorer
// keeps it in each state (tools/explore/multipaxos_model.cpp) — what
// MultiPaxosCluster and MultiPaxosInvariants keep in the simulator: who
// accepted what in each slot under each ballot, what is chosen in each slot
// (the first command a majority accepted), the first master of each ballot,
// and the most any replica has applied. Each fact is a numbered entry; a
// state holds sorted rows of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "multipaxos/replica.h"
#include "tools/explore/interner.h"
#include "tools/explore/multipaxos_node.h"

namespace consensus_lab::explore {

struct Acceptance {
  multipaxos::Slot slot;
  multipaxos::Ballot ballot;
  Command command;   // the first accepted in this slot under this ballot
  std::uint64_t by;  // the slot's members that accepted it, one bit per position
  friend bool operator==(const Acceptance&, const Acceptance&) = default;
};
struct ChosenSlot {
  multipaxos::Slot slot;
  Command command;
  friend bool operator==(const ChosenSlot&, const ChosenSlot&) = default;
};
struct Mastery {
  multipaxos::Ballot ballot;
  Word replica;  // the first to become master with it, by position
  friend bool operator==(const Mastery&, const Mastery&) = default;
};
std::uint64_t hash_of(const Acceptance& a);
std::uint64_t hash_of(const ChosenSlot& c);
std::uint64_t hash_of(const Mastery& m);

// The rows of a state that hold the history, each sorted.
struct Ghost {
  std::vector<Word> acceptances, chosen, masters;
  Word most_applied = 0;     // the highest slot any replica applied…
  Word most_applied_by = 0;  // …first by this one (its position)
};

class MultiPaxosHistory {
 public:
  // `first`: the first configuration; `window`: α, the delay of a membership change.
  MultiPaxosHistory(std::vector<NodeId> ids, std::vector<NodeId> first, std::size_t window)
      : ids_(std::move(ids)), first_(std::move(first)), window_(window) {}

  Word acceptance(Acceptance a) { return acceptances_.id(std::move(a)); }
  Word chosen(ChosenSlot c) { return chosen_.id(std::move(c)); }
  Word mastery(Mastery m) { return masters_.id(m); }

  // `ghost` after replica `self` took `step`, as master with `ballot` after
  // it (none: not master); `violation`, the first of the cluster's rules the
  // step broke, in MultiPaxosInvariants' order: one command per slot, one
  // master per ballot, replicas learn only chosen commands, masters learn
  // their own values.
  void after(Ghost& ghost, Word self, const ReplicaStep& step,
             std::optional<multipaxos::Ballot> ballot, std::optional<Violation>& violation);

  std::size_t bytes() const {
    return acceptances_.bytes(sizeof(Acceptance) + 32) + chosen_.bytes(sizeof(ChosenSlot) + 32) +
           masters_.bytes(sizeof(Mastery));
  }

 private:
  // The row's entry for (slot, ballot), or none.
  std::optional<std::size_t> find(const std::vector<Word>& acceptances, multipaxos::Slot slot,
                                  multipaxos::Ballot ballot) const;
  const Command* chosen_in(const std::vector<Word>& chosen, multipaxos::Slot slot) const;
  std::vector<NodeId> members_at(multipaxos::Slot slot, const std::vector<Word>& chosen) const;

  std::vector<NodeId> ids_, first_;
  std::size_t window_;
  Interner<Acceptance> acceptances_;
  Interner<ChosenSlot> chosen_;
  Interner<Mastery> masters_;
};

}  // namespace consensus_lab::explore
