#include "cluster/raft_snapshot_invariants.h"

#include <variant>

#include "cluster/raft_cluster.h"

namespace consensus_lab::cluster {

void RaftSnapshotInvariants::observe(std::size_t server, const raft::Event& event) {
  namespace ev = raft::event;
  if (std::holds_alternative<ev::SnapshotTaken>(event) ||
      std::holds_alternative<ev::SnapshotInstalled>(event)) {
    new_snapshots_.push_back(server);
  }
  if (std::holds_alternative<ev::Applied>(event) ||
      std::holds_alternative<ev::SnapshotInstalled>(event)) {
    applied_.push_back(server);
  }
}

// Paper §7: a snapshot covers "just the committed entries": its last included
// entry is committed, and its state is what applying the committed entries up
// to it in order makes. 快照只包含已提交的日志项。
std::optional<narration::Text> RaftSnapshotInvariants::snapshot_covers_committed() {
  const auto& committed = cluster_.committed();
  for (const std::size_t i : std::exchange(new_snapshots_, {})) {
    const raft::Server* s = cluster_.server_at(i);
    if (s == nullptr) continue;
    const raft::Snapshot& snapshot = s->snapshot();
    const NodeId& server = cluster_.options().servers[i];
    const std::string at = raft::to_string(snapshot.last_included_index);
    KeyValueStore expected;
    for (raft::LogIndex index{1}; index <= snapshot.last_included_index; index = index.next()) {
      const auto it = committed.find(index);
      const bool last = index == snapshot.last_included_index;
      if (it == committed.end() || (last && it->second.term != snapshot.last_included_term)) {
        const std::string entry = raft::to_string(index);
        return narration::Text{
            server + "'s snapshot up to index " + at + " covers entry " + entry +
                ", which is not committed",
            server + " 的快照（到索引 " + at + "）包含了未提交的日志项（索引 " + entry + "）"};
      }
      expected.apply(it->second.command);
    }
    if (expected.save() != snapshot.state) {
      return narration::Text{
          server + "'s snapshot up to index " + at +
              " is not the state machine after the committed entries up to it",
          server + " 的快照（到索引 " + at + "）不等于依次执行到该索引的已提交日志项后的状态机"};
    }
  }
  return std::nullopt;
}

// State machines that applied the same committed entries in the same order
// are equal: at equal applied index, equal state. 应用到同一索引的状态机相同。
std::optional<narration::Text> RaftSnapshotInvariants::equal_state_at_equal_index() {
  for (const std::size_t i : std::exchange(applied_, {})) {
    const raft::Server* s = cluster_.server_at(i);
    if (s == nullptr) continue;
    const auto [first, fresh] = state_at_.try_emplace(s->last_applied(), s->store().save());
    if (!fresh && first->second != s->store().save()) {
      const NodeId& server = cluster_.options().servers[i];
      const std::string at = raft::to_string(s->last_applied());
      return narration::Text{
          server + "'s state machine at applied index " + at +
              " differs from another server's at that index",
          server + " 应用到索引 " + at + " 时的状态机与另一服务器在该索引的不同"};
    }
  }
  return std::nullopt;
}

}  // namespace consensus_lab::cluster
