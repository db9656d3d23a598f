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

// A promise, or "none" (en) / "（无）" (zh).
std::string describe(const std::optional<Ballot>& ballot,
                     narration::Lang lang = narration::Lang::en) {
  return ballot ? paxos::to_string(*ballot) : (lang == narration::Lang::zh ? "（无）" : "none");
}

}  // namespace

// ---- A replica against itself ------------------------------------------------

// Promise 1, for every slot at once (one promise covers every slot from a
// Prepare's first slot on) — notes, 小结 (三个承诺): "如果准备请求的提案编号，小于等于
// 接受者已经响应的准备请求的提案编号，那么接受者将承诺不响应这个准备请求。" — "a Prepare
// numbered at or below one already answered is not answered": the promise
// only goes up. It is durable, so across a crash too — unless rule persist
// is off and the crash wiped the disk.
std::optional<narration::Text> promise_never_goes_down(const NodeId& replica,
                                                       const ReplicaSnapshot& before,
                                                       const ReplicaSnapshot& now,
                                                       const multipaxos::Rules& rules) {
  const bool kept = rules.persist || (before.up && now.up);
  if (kept && before.promised && (!now.promised || *now.promised < *before.promised)) {
    return went_down(replica, {"promise", "的承诺"},
                     {describe(before.promised), describe(before.promised)},
                     {describe(now.promised), describe(now.promised, narration::Lang::zh)});
  }
  return std::nullopt;
}

// A replica's commit is the highest slot n such that it knows every slot
// 1..n chosen, and what is chosen stays chosen (Paxos Made Simple §2.1:
// "only a single value is chosen"; 只有一个值被选定). It is volatile — rebuilt
// after a restart — so it is compared only while the replica stays up.
std::optional<narration::Text> commit_never_goes_down(const NodeId& replica,
                                                      const ReplicaSnapshot& before,
                                                      const ReplicaSnapshot& now,
                                                      const multipaxos::Rules&) {
  if (before.up && now.up && now.commit < before.commit) {
    const std::string from = multipaxos::to_string(before.commit),
                      to = multipaxos::to_string(now.commit);
    return went_down(replica, {"commit", "的已提交槽位"}, {"slot " + from, from},
                     {"slot " + to, to});
  }
  return std::nullopt;
}

// notes, Basic Paxos: "学习者（Learner）：被告知投票的结果，接受达成共识的值，存储保存"
// — "the learner is told the outcome, takes the value agreed on and stores
// it". A value once chosen stays chosen, so what a replica stored as chosen
// in a slot is never replaced by something else.
std::optional<narration::Text> chosen_slot_never_changes(const NodeId& replica, Slot slot,
                                                         const std::optional<Command>& held,
                                                         const Command& written) {
  if (held && !(*held == written)) {
    const std::string at = multipaxos::to_string(slot);
    return narration::Text{replica + " knew " + to_string(*held) + " chosen in slot " + at +
                               ", then stored " + to_string(written) + " there",
                           replica + " 已知槽位 " + at + " 选定了 " + to_string(*held) +
                               "，后来却在那里存了 " + to_string(written)};
  }
  return std::nullopt;
}

// ---- The whole cluster ---------------------------------------------------------

MultiPaxosInvariants::MultiPaxosInvariants(const MultiPaxosCluster& cluster, ClientHistory& clients)
    : cluster_(cluster),
      clients_(clients),
      replicas_(cluster.options().replicas, [this](std::size_t i) { return snapshot(i); },
                {
                    {"a replica's promise never goes down", "副本的承诺从不减小",
                     promise_never_goes_down},
                    {"a replica's commit never goes down while it is up",
                     "副本运行期间，已提交的槽位从不后退", commit_never_goes_down},
                }) {}

ReplicaSnapshot MultiPaxosInvariants::snapshot(std::size_t i) const {
  if (const Replica* r = cluster_.replica_at(i)) {
    return {.up = true, .promised = r->hard_state().promised, .commit = r->commit()};
  }
  return {.up = false, .promised = cluster_.state_at(i).promised};
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
    return sim::violated({"at most one command chosen per slot", "每个槽位最多选定一条命令"},
                         std::move(*problem));
  if (auto problem = one_master_per_ballot())
    return sim::violated({"at most one master per ballot", "每个编号最多一个主节点"},
                         std::move(*problem));
  if (auto problem = learned_commands_were_chosen())
    return sim::violated({"replicas learn only chosen commands", "副本只学到已选定的命令"},
                         std::move(*problem));
  if (auto problem = masters_learn_their_own_values())
    return sim::violated({"a master knows chosen only the values it proposed under its ballot",
                          "主节点只把自己以本编号提议的值当作已选定"},
                         std::move(*problem));
  if (auto problem = one_lease_holder())
    return sim::violated({"at most one master holds a lease", "最多一个主节点持有租约"},
                         std::move(*problem));
  if (auto problem = local_reads_are_up_to_date())
    return sim::violated({"a master that reads locally has applied all that any replica applied",
                          "本地读的主节点已执行任何副本执行过的命令"},
                         std::move(*problem));
  if (auto problem = clients_.violation())
    return sim::violated(ClientHistory::kInvariant, std::move(*problem));
  if (auto problem = only_possible_messages())
    return sim::violated({"replicas send only possible messages", "副本只发送可能的消息"},
                         std::move(*problem));
  if (auto problem = chosen_slots_stay())
    return sim::violated({"a slot once known chosen never changes", "已知选定的槽位不再改变"},
                         std::move(*problem));
  // Read the rules at each check: a scenario may switch one off or on mid-run.
  return replicas_.run(cluster_.options().rules, event_node);
}

// Each slot is one Basic Paxos instance — Paxos Made Simple §2.1: "Only a
// single value is chosen" (只有一个值被选定), slot by slot.
std::optional<narration::Text> MultiPaxosInvariants::one_command_per_slot() {
  for (const auto& [slot, command] : new_chosen_) {
    const Command& first = cluster_.chosen().at(slot);
    if (!(first == command)) {
      const std::string at = multipaxos::to_string(slot), one = to_string(first),
                        other = to_string(command);
      return narration::Text{
          "slot " + at + ": " + one + " and " + other + " were each accepted by a majority",
          "槽位 " + at + "：" + in_chinese(first) + " 和 " + in_chinese(command) +
              " 都被大多数副本通过"};
    }
  }
  new_chosen_.clear();
  return std::nullopt;
}

// notes, 落地：Chubby: "主节点是通过Basic Paxos算法来进行leader选举的" — the master is
// elected by Basic Paxos: a majority promised its ballot, and a majority
// promises a ballot to one candidate only (replica k of n owns the ballots
// k, k + n, …), so no two replicas become master with one ballot.
std::optional<narration::Text> MultiPaxosInvariants::one_master_per_ballot() {
  for (const Election& election : new_masters_) {
    const NodeId& first = master_of_ballot_.at(election.ballot);
    if (first != election.master) {
      const std::string ballot = paxos::to_string(election.ballot);
      return narration::Text{
          first + " and " + election.master + " both became master with ballot " + ballot,
          first + " 和 " + election.master + " 都以编号 " + ballot + " 成为主节点"};
    }
  }
  new_masters_.clear();
  return std::nullopt;
}

// notes, Basic Paxos: "当学习者发现大多数的接受者都通过了某个提案，那么它也通过该提案，接受
// 该提案的值" — "when a learner finds that a majority of acceptors accepted a
// proposal, it accepts that proposal's value"; Paxos Made Simple §2.1: "A
// process never learns that a value has been chosen unless it actually has
// been." Every acceptance is recorded before the reply that reports it
// leaves, so a slot a replica learns is chosen already — or it never was.
std::optional<narration::Text> MultiPaxosInvariants::learned_commands_were_chosen() {
  for (const Learning& learning : new_learnings_) {
    const auto chosen = cluster_.chosen().find(learning.slot);
    const std::string slot = multipaxos::to_string(learning.slot),
                      command = to_string(learning.command);
    const std::string what = learning.replica + " learned " + command + " in slot " + slot;
    const std::string what_zh =
        learning.replica + " 在槽位 " + slot + " 学到 " + in_chinese(learning.command);
    if (chosen == cluster_.chosen().end()) {
      return narration::Text{
          what + ", where no majority of the slot's members has accepted anything",
          what_zh + "，但该槽位的成员中没有大多数通过任何提案"};
    }
    if (!(chosen->second == learning.command)) {
      return narration::Text{what + ", but " + to_string(chosen->second) + " was chosen there",
                             what_zh + "，但那里选定的是 " + in_chinese(chosen->second)};
    }
  }
  new_learnings_.clear();
  return std::nullopt;
}

// A master's commit index tells its followers: every slot up to here is
// chosen with the value you accepted from me under my ballot. So a master
// may know a slot chosen only with the value it proposed there itself, if it
// proposed one (and some replica accepted it) under its current ballot.
std::optional<narration::Text> MultiPaxosInvariants::masters_learn_their_own_values() {
  for (const Learning& learning : new_learnings_by_masters_) {
    const auto* own = cluster_.accepted_under(learning.slot, *learning.ballot);
    if (own == nullptr || own->by.empty() || own->command == learning.command) continue;
    std::string by;  // who accepted it: another replica, if any (the master itself, if not)
    for (const NodeId& acceptor : own->by) {
      if (by.empty() || by == learning.replica) by = acceptor;
    }
    const std::string slot = multipaxos::to_string(learning.slot),
                      ballot = paxos::to_string(*learning.ballot);
    return narration::Text{
        "master " + learning.replica + " learned " + to_string(learning.command) + " in slot " +
            slot + ", where its ballot " + ballot + " proposed " + to_string(own->command) +
            " (accepted by " + by + "): its commit index would say so",
        "主节点 " + learning.replica + " 在槽位 " + slot + " 学到 " + in_chinese(learning.command) +
            "，而它以编号 " + ballot + " 在这个槽位提议的是 " + in_chinese(own->command) + "（" +
            by + " 已通过）：按它的提交位置，跟随者会以为选定的是 " + in_chinese(own->command)};
  }
  new_learnings_by_masters_.clear();
  return std::nullopt;
}

// notes, 落地：Chubby: "实现强一致性，读写请求都是有主节点执行" — strong consistency:
// the master serves reads and writes. A master serves a read from its own
// state machine only under a lease, and leases never overlap: were two
// masters to read locally at once, one could answer with stale data.
std::optional<narration::Text> MultiPaxosInvariants::one_lease_holder() const {
  std::vector<NodeId> reading;
  for (std::size_t i = 0; i < cluster_.options().replicas.size(); ++i) {
    const Replica* r = cluster_.replica_at(i);
    if (r != nullptr && r->can_read_locally(cluster_.world().now())) {
      reading.push_back(cluster_.options().replicas[i]);
    }
  }
  if (reading.size() <= 1) return std::nullopt;
  const std::string now = std::to_string(cluster_.world().now());
  return narration::Text{
      reading[0] + " and " + reading[1] + " may both serve reads locally at " + now + " ms",
      reading[0] + " 和 " + reading[1] + " 在 " + now + " ms 时都可能在本地执行读请求"};
}

// Chubby, and Raft §8: a replica that may answer reads from its own state
// machine has applied every command that any replica has applied (live or
// before it crashed) — or a client could read a value older than one it
// was already told was written. Catches a master that reads before it has
// recovered, and two masters under leases, with one comparison.
std::optional<narration::Text> MultiPaxosInvariants::local_reads_are_up_to_date() const {
  for (std::size_t i = 0; i < cluster_.options().replicas.size(); ++i) {
    const Replica* r = cluster_.replica_at(i);
    if (r == nullptr || !r->can_read_locally(cluster_.world().now())) continue;
    if (r->applied() < most_applied_) {
      const NodeId& master = cluster_.options().replicas[i];
      const std::string applied = multipaxos::to_string(r->applied()),
                        most = multipaxos::to_string(most_applied_);
      return narration::Text{master + " may serve reads locally, but has applied up to slot " +
                                 applied + " while " + most_applied_by_ + " applied slot " + most,
                             master + " 可以在本地执行读请求，但它只执行到槽位 " + applied +
                                 "，而 " + most_applied_by_ + " 已执行槽位 " + most};
    }
  }
  return std::nullopt;
}

// Replicas that follow the protocol never send each other a message that
// Replica::check finds impossible: a refusal here is a bug in one or the other.
std::optional<narration::Text> MultiPaxosInvariants::only_possible_messages() const {
  if (refusals_.empty()) return std::nullopt;
  const Refusal& first = refusals_.front();
  return narration::Text{
      first.replica + " refused " + multipaxos::to_string(first.message) + " from " + first.from +
          ": " + first.reason.en,
      first.replica + " 拒绝了 " + first.from + " 发来的" +
          narration::MultiPaxosDescriber::message(first.message, narration::Lang::zh) + "：" +
          first.reason.in(narration::Lang::zh)};
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
