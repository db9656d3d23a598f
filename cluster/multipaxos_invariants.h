// The safety invariants of a simulated Multi-Paxos cluster, checked by the
// simulator after every event. Each slot is an instance of Basic Paxos (notes,
// Multi-Paxos: "通过多个 Basic Paxos 实例实现一系列值的共识"), so Paxos's own
// statements hold slot by slot; Chubby adds a master, leases and reads:
//
//   at most one command chosen per slot
//   at most one master per ballot
//   replicas learn only chosen commands
//   a master knows chosen only the values it proposed under its ballot
//   at most one master holds a lease
//   a master that reads locally has applied all that any replica applied
//   client operations are linearizable
//   replicas send only possible messages
//   a slot once known chosen never changes      (each write to a replica's disk)
//   a replica's promise never goes down         each replica against itself
//   a replica's commit never goes down…         after the previous event
//                                               (server_checks.h)
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/client_history.h"
#include "cluster/server_checks.h"
#include "multipaxos/replica.h"
#include "sim/world.h"

namespace consensus_lab::cluster {

class MultiPaxosCluster;
using MultiPaxosWorld = sim::World<multipaxos::Message, multipaxos::Event>;

// A replica as its checks against itself see it after an event.
struct ReplicaSnapshot {
  bool up = false;
  std::optional<multipaxos::Ballot> promised;  // durable: live, or on its disk while down
  multipaxos::Slot commit{0};                  // volatile: only while up
  friend bool operator==(const ReplicaSnapshot&, const ReplicaSnapshot&) = default;
};

// ---- A replica against itself: pure functions of two snapshots ---------------

std::optional<narration::Text> promise_never_goes_down(const NodeId& replica,
                                                       const ReplicaSnapshot& before,
                                                       const ReplicaSnapshot& now,
                                                       const multipaxos::Rules& rules);
std::optional<narration::Text> commit_never_goes_down(const NodeId& replica,
                                                      const ReplicaSnapshot& before,
                                                      const ReplicaSnapshot& now,
                                                      const multipaxos::Rules& rules);
// A write to `replica`'s disk in `slot`: what the disk held there, what it
// was given.
std::optional<narration::Text> chosen_slot_never_changes(const NodeId& replica,
                                                         multipaxos::Slot slot,
                                                         const std::optional<Command>& held,
                                                         const Command& written);

// The checks of a replica against itself, in the order they run
// (cluster/multipaxos_replica_checks.cpp).
const std::vector<ServerCheck<ReplicaSnapshot, multipaxos::Rules>>& replica_checks();
// What those checks see of a live replica (its disk is `state` while it is down).
ReplicaSnapshot snapshot_of(const multipaxos::Replica& replica);
ReplicaSnapshot snapshot_of(const multipaxos::ReplicaHardState& disk);

// ---- The cluster's rules as pure functions: MultiPaxosInvariants keeps the
// history they are judged from in the simulator, the explorer in each state --

inline const narration::Text kOneCommandPerSlot{"at most one command chosen per slot",
                                                "每个槽位最多选定一条命令"};
inline const narration::Text kOneMasterPerBallot{"at most one master per ballot",
                                                 "每个编号最多一个主节点"};
inline const narration::Text kLearnOnlyChosen{"replicas learn only chosen commands",
                                              "副本只学到已选定的命令"};
inline const narration::Text kMastersLearnOwnValues{
    "a master knows chosen only the values it proposed under its ballot",
    "主节点只把自己以本编号提议的值当作已选定"};
inline const narration::Text kOneLeaseHolder{"at most one master holds a lease",
                                             "最多一个主节点持有租约"};
inline const narration::Text kLocalReadsUpToDate{
    "a master that reads locally has applied all that any replica applied",
    "本地读的主节点已执行任何副本执行过的命令"};
inline const narration::Text kReplicasSendPossible{"replicas send only possible messages",
                                                   "副本只发送可能的消息"};
inline const narration::Text kChosenSlotsStay{"a slot once known chosen never changes",
                                              "已知选定的槽位不再改变"};

// A majority accepted `other` in `slot`, where `first` was chosen first.
std::optional<narration::Text> two_commands_chosen(multipaxos::Slot slot, const Command& first,
                                                   const Command& other);
// `other` became master with `ballot`, which `first` became master with first.
std::optional<narration::Text> two_masters(multipaxos::Ballot ballot, const NodeId& first,
                                           const NodeId& other);
// `replica` learned `command` in `slot`, where `chosen` is chosen (nullptr:
// nothing is).
std::optional<narration::Text> learned_unchosen(const NodeId& replica, multipaxos::Slot slot,
                                                const Command& command, const Command* chosen);
// Master `master` learned `command` in `slot`, where its `ballot` proposed
// `own`, accepted `by` these replicas (nullptr: it proposed nothing there).
std::optional<narration::Text> master_learned_another(const NodeId& master, multipaxos::Slot slot,
                                                      const Command& command,
                                                      multipaxos::Ballot ballot, const Command* own,
                                                      const std::set<NodeId>& by);
// The replicas that may serve reads locally at `now`.
std::optional<narration::Text> two_lease_holders(const std::vector<NodeId>& reading, Millis now);
// Replica `reader` may serve reads locally with `applied` slots applied;
// `most` is the most any replica applied, first by `by`.
std::optional<narration::Text> stale_local_reads(const NodeId& reader, multipaxos::Slot applied,
                                                 multipaxos::Slot most, const NodeId& by);
// `replica` refused `message` from `from` as impossible, for `reason`.
narration::Text refused_impossible(const NodeId& replica, const NodeId& from,
                                   const multipaxos::Message& message,
                                   const narration::Text& reason);

class MultiPaxosInvariants {
 public:
  // Reads `cluster` (which must outlive it) and its clients' history; takes
  // every replica's first snapshot.
  MultiPaxosInvariants(const MultiPaxosCluster& cluster, ClientHistory& clients);
  MultiPaxosInvariants(const MultiPaxosInvariants&) = delete;
  MultiPaxosInvariants& operator=(const MultiPaxosInvariants&) = delete;

  // ---- what the driver reports ----
  // A majority of `slot`'s members accepted `command` under one ballot.
  void chosen_by_majority(multipaxos::Slot slot, const Command& command);
  // `replica` learned `command` chosen in `slot` (as master under `ballot`).
  void learned(const NodeId& replica, multipaxos::Slot slot, const Command& command,
               std::optional<multipaxos::Ballot> ballot);
  void became_master(const NodeId& replica, multipaxos::Ballot ballot);
  void applied(const NodeId& replica, multipaxos::Slot slot);
  // `replica` is about to store `persist` over `disk`.
  void disk_writing(const NodeId& replica, const multipaxos::ReplicaHardState& disk,
                    const multipaxos::Persist& persist);
  // `replica` refused `message` from `from` as impossible, for `reason`.
  void refused(const NodeId& replica, const NodeId& from, const multipaxos::Message& message,
               const narration::Text& reason);

  // Every check below, run by `world` after every event.
  void install(MultiPaxosWorld& world);
  // Every check below, in order, after an event that happened to replica
  // `event_node` (none: to no replica in particular): the first that fails,
  // by name.
  std::optional<sim::Violated> first_violated(std::optional<std::size_t> event_node);

  std::optional<narration::Text> one_command_per_slot();
  std::optional<narration::Text> one_master_per_ballot();
  std::optional<narration::Text> learned_commands_were_chosen();
  std::optional<narration::Text> masters_learn_their_own_values();
  std::optional<narration::Text> one_lease_holder() const;
  std::optional<narration::Text> local_reads_are_up_to_date() const;
  std::optional<narration::Text> only_possible_messages() const;
  std::optional<narration::Text> chosen_slots_stay();

  // The history the explorer starts from: the first master of each ballot,
  // and the most any replica has applied, first by whom.
  const std::map<multipaxos::Ballot, NodeId>& masters() const { return master_of_ballot_; }
  multipaxos::Slot most_applied() const { return most_applied_; }
  const NodeId& most_applied_by() const { return most_applied_by_; }

 private:
  struct Learning {
    NodeId replica;
    multipaxos::Slot slot;
    Command command;
    std::optional<multipaxos::Ballot> ballot;  // it was master under this ballot
  };
  struct ChosenWrite {
    NodeId replica;
    multipaxos::Slot slot;
    std::optional<Command> held;
    Command written;
  };
  struct Election {
    multipaxos::Ballot ballot;
    NodeId master;
  };
  struct Refusal {
    NodeId replica, from;
    multipaxos::Message message;
    narration::Text reason;
  };

  ReplicaSnapshot snapshot(std::size_t i) const;

  const MultiPaxosCluster& cluster_;
  ClientHistory& clients_;
  // Facts since the checks last looked; each check compares them with what
  // came before and forgets them.
  std::vector<std::pair<multipaxos::Slot, Command>> new_chosen_;
  std::vector<Learning> new_learnings_;
  std::vector<Learning> new_learnings_by_masters_;
  std::vector<Election> new_masters_;
  std::vector<ChosenWrite> new_chosen_writes_;
  std::map<multipaxos::Ballot, NodeId> master_of_ballot_;  // the first master of each ballot
  // The highest slot any replica has applied (live or before it crashed), by whom.
  multipaxos::Slot most_applied_{0};
  NodeId most_applied_by_;
  std::vector<Refusal> refusals_;  // every message a replica refused as impossible
  ServerChecks<ReplicaSnapshot, multipaxos::Rules> replicas_;
};

}  // namespace consensus_lab::cluster
