// A replica against itself (cluster/multipaxos_invariants.h): pure functions
// of two snapshots of one replica, run after every event by the simulator
// (server_checks.h) and by the explorer (tools/explore/multipaxos_model.cpp).
#include "cluster/multipaxos_invariants.h"

namespace consensus_lab::cluster {

using multipaxos::Ballot;
using multipaxos::Slot;

namespace {

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

const std::vector<ServerCheck<ReplicaSnapshot, multipaxos::Rules>>& replica_checks() {
  static const std::vector<ServerCheck<ReplicaSnapshot, multipaxos::Rules>> checks{
      {"a replica's promise never goes down", "副本的承诺从不减小", promise_never_goes_down},
      {"a replica's commit never goes down while it is up", "副本运行期间，已提交的槽位从不后退",
       commit_never_goes_down},
  };
  return checks;
}

ReplicaSnapshot snapshot_of(const multipaxos::Replica& replica) {
  return {.up = true, .promised = replica.hard_state().promised, .commit = replica.commit()};
}

ReplicaSnapshot snapshot_of(const multipaxos::ReplicaHardState& disk) {
  return {.up = false, .promised = disk.promised};
}

}  // namespace consensus_lab::cluster
