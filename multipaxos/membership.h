// Who the members are, slot by slot — notes, 落地：Chubby: "实现了成员变更"
// (membership changes). A membership command chosen in slot s takes effect
// α slots later, at slot s + α ("Paxos Made Simple" §3: "the set of servers
// for instance i + α is specified by the state after executing the i-th state
// machine command"). Here α is Timing::window, the number of slots a master
// may have in flight: so whenever a master proposes in a slot, every command
// that decides that slot's members is already chosen and known to it.
//
// Pure functions of the chosen membership commands, so that a replica, the
// simulated cluster's invariants and the tests all compute the same thing.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "multipaxos/messages.h"

namespace consensus_lab::multipaxos {

// Who the members are for `slot`: the first configuration, changed by the
// membership commands among `changes` (chosen slot → command) chosen in
// slots <= slot - window. Adding a member twice, or removing one that is not
// there — or the last one — changes nothing.
std::vector<NodeId> members_at(Slot slot, std::vector<NodeId> first,
                               const std::map<Slot, Command>& changes, std::size_t window);

bool is_membership_change(const Command& command);

// True if `id` is among `members`.
bool contains(const std::vector<NodeId>& members, const NodeId& id);

// What one replica knows of the membership: the first configuration and the
// membership commands it knows chosen (only chosen ones count: the members of
// a slot must be the same for every replica that asks).
// Configurations, each a reference to one a Membership keeps: valid until
// that Membership next changes (a membership command learned chosen).
using Configurations = std::vector<std::reference_wrapper<const std::vector<NodeId>>>;

class Membership {
 public:
  Membership(std::vector<NodeId> first, std::size_t window)
      : first_(std::move(first)), window_(window) {
    rebuild();
  }

  // `command` is known chosen in `slot`: remember it if it changes the members.
  void chosen(Slot slot, const Command& command);
  // members_at(): the configuration that decides `slot`.
  const std::vector<NodeId>& at(Slot slot) const;
  bool includes(Slot slot, const NodeId& id) const { return contains(at(slot), id); }
  // Every distinct configuration that decides a slot in [from, to], in slot
  // order (the same one twice in a row never appears). Its cost grows with
  // the number of changes, not with the number of slots: `to` may be far away.
  Configurations between(Slot from, Slot to) const;
  std::size_t window() const { return window_; }
  void set_window(std::size_t window) {
    window_ = window;
    rebuild();
  }

 private:
  void rebuild();

  std::vector<NodeId> first_;
  std::map<Slot, Command> changes_;  // the chosen membership commands, by slot
  std::size_t window_;
  // What members_at() computes slot by slot, worked out once per
  // change (a replica asks for every message): each configuration with the
  // first slot it decides, in slot order — the first configuration from slot
  // 0, then one for each change that changes the members, from its slot + α.
  std::vector<std::pair<Slot, std::vector<NodeId>>> configurations_;

  friend bool operator==(const Membership&, const Membership&) = default;
};

}  // namespace consensus_lab::multipaxos
