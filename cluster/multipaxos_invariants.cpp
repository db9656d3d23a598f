#include "cluster/multipaxos_invariants.h"

#include "cluster/multipaxos_cluster.h"
#include "narration/describers.h"

namespace consensus_lab::cluster {

using multipaxos::Ballot;
using multipaxos::Replica;
using multipaxos::Slot;

namespace {

// A command as the Chinese narration writes it ("读 x", "增加成员 D").
std::string in_chinese(const Command& command) {
  return narration::command_text(command, narration::Lang::zh);
}

}  // namespace

// ---- The whole cluster ---------------------------------------------------------

MultiPaxosInvariants::MultiPaxosInvariants(const MultiPaxosCluster& cluster, ClientHistory& clients)
    : cluster_(cluster),
      clients_(clients),
      replicas_(
          cluster.options().replicas, [this](std::size_t i) { return snapshot(i); },
          replica_checks()) {}

ReplicaSnapshot MultiPaxosInvariants::snapshot(std::size_t i) const {
  if (const Replica* r = cluster_.replica_at(i)) return snapshot_of(*r);
  return snapshot_of(cluster_.state_at(i));
}

void MultiPaxosInvariants::chosen_by_majority(Slot slot, const Command& command) {
  new_chosen_.push_back({slot, command});
}

void MultiPaxosInvariants::learned(const NodeId& replica, Slot slot, const Command& command,
                                   std::optional<Ballot> ballot) {
  new_learnings_.push_back({replica, slot, command, ballot});
  if (ballot) new_learnings_by_masters_.push_back({replica, slot, command, ballot});
}

void MultiPaxosInvariants::became_master(const NodeId& replica, Ballot ballot) {
  master_of_ballot_.try_emplace(ballot, replica);
  new_masters_.push_back({ballot, replica});
}

void MultiPaxosInvariants::applied(const NodeId& replica, Slot slot) {
  if (slot > most_applied_) {
    most_applied_ = slot;
    most_applied_by_ = replica;
  }
}

void MultiPaxosInvariants::disk_writing(const NodeId& replica,
                                        const multipaxos::ReplicaHardState& disk,
                                        const multipaxos::Persist& persist) {
  for (const auto& [slot, command] : persist.chosen) {
    const auto held = disk.chosen.find(slot);
    new_chosen_writes_.push_back(
        {replica, slot,
         held == disk.chosen.end() ? std::nullopt : std::optional<Command>(held->second), command});
  }
}

void MultiPaxosInvariants::refused(const NodeId& replica, const NodeId& from,
                                   const multipaxos::Message& message,
                                   const narration::Text& reason) {
  refusals_.push_back({replica, from, message, reason});
}

void MultiPaxosInvariants::install(MultiPaxosWorld& world) {
  world.add_invariants([this, &world] { return first_violated(world.event_node()); });
}

std::optional<sim::Violated> MultiPaxosInvariants::first_violated(
    std::optional<std::size_t> event_node) {
  if (auto problem = one_command_per_slot())
    return sim::violated(kOneCommandPerSlot, std::move(*problem));
  if (auto problem = one_master_per_ballot())
    return sim::violated(kOneMasterPerBallot, std::move(*problem));
  if (auto problem = learned_commands_were_chosen())
    return sim::violated(kLearnOnlyChosen, std::move(*problem));
  if (auto problem = masters_learn_their_own_values())
    return sim::violated(kMastersLearnOwnValues, std::move(*problem));
  if (auto problem = one_lease_holder()) return sim::violated(kOneLeaseHolder, std::move(*problem));
  if (auto problem = local_reads_are_up_to_date())
    return sim::violated(kLocalReadsUpToDate, std::move(*problem));
  if (auto problem = clients_.violation())
    return sim::violated(ClientHistory::kInvariant, std::move(*problem));
  if (auto problem = only_possible_messages())
    return sim::violated(kReplicasSendPossible, std::move(*problem));
  if (auto problem = chosen_slots_stay())
    return sim::violated(kChosenSlotsStay, std::move(*problem));
  // Read the rules at each check: a scenario may switch one off or on mid-run.
  return replicas_.run(cluster_.options().rules, event_node);
}

// ---- The rules, as pure functions --------------------------------------------

// Each slot is one Basic Paxos instance — Paxos Made Simple §2.1: "Only a
// single value is chosen" (只有一个值被选定), slot by slot.
std::optional<narration::Text> two_commands_chosen(Slot slot, const Command& first,
                                                   const Command& other) {
  if (first == other) return std::nullopt;
  const std::string at = multipaxos::to_string(slot), one = to_string(first),
                    two = to_string(other);
  return narration::Text{
      "slot " + at + ": " + one + " and " + two + " were each accepted by a majority",
      "槽位 " + at + "：" + in_chinese(first) + " 和 " + in_chinese(other) + " 都被大多数副本通过"};
}

// notes, 落地：Chubby: "主节点是通过Basic Paxos算法来进行leader选举的" — the master is
// elected by Basic Paxos: a majority promised its ballot, and a majority
// promises a ballot to one candidate only (replica k of n owns the ballots
// k, k + n, …), so no two replicas become master with one ballot.
std::optional<narration::Text> two_masters(Ballot ballot, const NodeId& first,
                                           const NodeId& other) {
  if (first == other) return std::nullopt;
  const std::string number = paxos::to_string(ballot);
  return narration::Text{first + " and " + other + " both became master with ballot " + number,
                         first + " 和 " + other + " 都以编号 " + number + " 成为主节点"};
}

// notes, Basic Paxos: "当学习者发现大多数的接受者都通过了某个提案，那么它也通过该提案，接受
// 该提案的值" — "when a learner finds that a majority of acceptors accepted a
// proposal, it accepts that proposal's value"; Paxos Made Simple §2.1: "A
// process never learns that a value has been chosen unless it actually has
// been." Every acceptance is recorded before the reply that reports it
// leaves, so a slot a replica learns is chosen already — or it never was.
std::optional<narration::Text> learned_unchosen(const NodeId& replica, Slot slot,
                                                const Command& command, const Command* chosen) {
  if (chosen != nullptr && *chosen == command) return std::nullopt;
  const std::string at = multipaxos::to_string(slot);
  const std::string what = replica + " learned " + to_string(command) + " in slot " + at;
  const std::string what_zh = replica + " 在槽位 " + at + " 学到 " + in_chinese(command);
  if (chosen == nullptr) {
    return narration::Text{what + ", where no majority of the slot's members has accepted anything",
                           what_zh + "，但该槽位的成员中没有大多数通过任何提案"};
  }
  return narration::Text{what + ", but " + to_string(*chosen) + " was chosen there",
                         what_zh + "，但那里选定的是 " + in_chinese(*chosen)};
}

// A master's commit index tells its followers: every slot up to here is
// chosen with the value you accepted from me under my ballot. So a master
// may know a slot chosen only with the value it proposed there itself, if it
// proposed one (and some replica accepted it) under its current ballot.
std::optional<narration::Text> master_learned_another(const NodeId& master, Slot slot,
                                                      const Command& command, Ballot ballot,
                                                      const Command* own,
                                                      const std::set<NodeId>& by) {
  if (own == nullptr || by.empty() || *own == command) return std::nullopt;
  std::string who;  // who accepted it: another replica, if any (the master itself, if not)
  for (const NodeId& acceptor : by) {
    if (who.empty() || who == master) who = acceptor;
  }
  const std::string at = multipaxos::to_string(slot), number = paxos::to_string(ballot);
  return narration::Text{"master " + master + " learned " + to_string(command) + " in slot " + at +
                             ", where its ballot " + number + " proposed " + to_string(*own) +
                             " (accepted by " + who + "): its commit index would say so",
                         "主节点 " + master + " 在槽位 " + at + " 学到 " + in_chinese(command) +
                             "，而它以编号 " + number + " 在这个槽位提议的是 " + in_chinese(*own) +
                             "（" + who + " 已通过）：按它的提交位置，跟随者会以为选定的是 " +
                             in_chinese(*own)};
}

// notes, 落地：Chubby: "实现强一致性，读写请求都是有主节点执行" — strong consistency:
// the master serves reads and writes. A master serves a read from its own
// state machine only under a lease, and leases never overlap: were two
// masters to read locally at once, one could answer with stale data.
std::optional<narration::Text> two_lease_holders(const std::vector<NodeId>& reading, Millis now) {
  if (reading.size() <= 1) return std::nullopt;
  const std::string at = std::to_string(now);
  return narration::Text{
      reading[0] + " and " + reading[1] + " may both serve reads locally at " + at + " ms",
      reading[0] + " 和 " + reading[1] + " 在 " + at + " ms 时都可能在本地执行读请求"};
}

// Chubby, and Raft §8: a replica that may answer reads from its own state
// machine has applied every command that any replica has applied (live or
// before it crashed) — or a client could read a value older than one it
// was already told was written. Catches a master that reads before it has
// recovered, and two masters under leases, with one comparison.
std::optional<narration::Text> stale_local_reads(const NodeId& reader, Slot applied, Slot most,
                                                 const NodeId& by) {
  if (applied >= most) return std::nullopt;
  const std::string done = multipaxos::to_string(applied), at = multipaxos::to_string(most);
  if (by == reader) {  // what it applied is gone: it crashed since (applied never goes down)
    return narration::Text{reader + " may serve reads locally, but has applied up to slot " + done +
                               " while it had applied slot " + at + " before it crashed",
                           reader + " 可以在本地执行读请求，但它只执行到槽位 " + done +
                               "，而它崩溃之前已执行到槽位 " + at};
  }
  return narration::Text{reader + " may serve reads locally, but has applied up to slot " + done +
                             " while " + by + " applied slot " + at,
                         reader + " 可以在本地执行读请求，但它只执行到槽位 " + done + "，而 " + by +
                             " 已执行槽位 " + at};
}

// Replicas that follow the protocol never send each other a message that
// Replica::check finds impossible: a refusal here is a bug in one or the other.
narration::Text refused_impossible(const NodeId& replica, const NodeId& from,
                                   const multipaxos::Message& message,
                                   const narration::Text& reason) {
  return narration::Text{
      replica + " refused " + multipaxos::to_string(message) + " from " + from + ": " + reason.en,
      replica + " 拒绝了 " + from + " 发来的" +
          narration::MultiPaxosDescriber::message(message, narration::Lang::zh) + "：" +
          reason.in(narration::Lang::zh)};
}

// ---- The same rules, over the history the simulator keeps ------------------------

std::optional<narration::Text> MultiPaxosInvariants::one_command_per_slot() {
  for (const auto& [slot, command] : new_chosen_) {
    if (auto problem = two_commands_chosen(slot, cluster_.chosen().at(slot), command))
      return problem;
  }
  new_chosen_.clear();
  return std::nullopt;
}

std::optional<narration::Text> MultiPaxosInvariants::one_master_per_ballot() {
  for (const Election& election : new_masters_) {
    if (auto problem =
            two_masters(election.ballot, master_of_ballot_.at(election.ballot), election.master))
      return problem;
  }
  new_masters_.clear();
  return std::nullopt;
}

std::optional<narration::Text> MultiPaxosInvariants::learned_commands_were_chosen() {
  for (const Learning& learning : new_learnings_) {
    const auto chosen = cluster_.chosen().find(learning.slot);
    if (auto problem =
            learned_unchosen(learning.replica, learning.slot, learning.command,
                             chosen == cluster_.chosen().end() ? nullptr : &chosen->second))
      return problem;
  }
  new_learnings_.clear();
  return std::nullopt;
}

std::optional<narration::Text> MultiPaxosInvariants::masters_learn_their_own_values() {
  for (const Learning& learning : new_learnings_by_masters_) {
    const auto* own = cluster_.accepted_under(learning.slot, *learning.ballot);
    if (own == nullptr) continue;
    if (auto problem = master_learned_another(learning.replica, learning.slot, learning.command,
                                              *learning.ballot, &own->command, own->by))
      return problem;
  }
  new_learnings_by_masters_.clear();
  return std::nullopt;
}

std::optional<narration::Text> MultiPaxosInvariants::one_lease_holder() const {
  std::vector<NodeId> reading;
  for (std::size_t i = 0; i < cluster_.options().replicas.size(); ++i) {
    const Replica* r = cluster_.replica_at(i);
    if (r != nullptr && r->can_read_locally(cluster_.world().now())) {
      reading.push_back(cluster_.options().replicas[i]);
    }
  }
  return two_lease_holders(reading, cluster_.world().now());
}

std::optional<narration::Text> MultiPaxosInvariants::local_reads_are_up_to_date() const {
  for (std::size_t i = 0; i < cluster_.options().replicas.size(); ++i) {
    const Replica* r = cluster_.replica_at(i);
    if (r == nullptr || !r->can_read_locally(cluster_.world().now())) continue;
    if (auto problem = stale_local_reads(cluster_.options().replicas[i], r->applied(),
                                         most_applied_, most_applied_by_))
      return problem;
  }
  return std::nullopt;
}

std::optional<narration::Text> MultiPaxosInvariants::only_possible_messages() const {
  if (refusals_.empty()) return std::nullopt;
  const Refusal& first = refusals_.front();
  return refused_impossible(first.replica, first.from, first.message, first.reason);
}

std::optional<narration::Text> MultiPaxosInvariants::chosen_slots_stay() {
  for (const ChosenWrite& write : new_chosen_writes_) {
    if (auto problem =
            chosen_slot_never_changes(write.replica, write.slot, write.held, write.written)) {
      return problem;
    }
  }
  new_chosen_writes_.clear();
  return std::nullopt;
}

}  // namespace consensus_lab::cluster
