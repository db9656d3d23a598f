// A Raft node's durable state in its data directory (net/storage.h): the
// term and vote, the log, and the snapshot that replaced the log's prefix
// (paper §7; 快照) — its metadata, configuration and state machine as rows
// a student can read with sqlite3.
//
// Why a crash cannot lose or mix anything: a Persist is written inside the
// batch's one transaction, the snapshot before the log's changes (as
// raft::write does to the simulator's disk), and the commit is fsynced
// before any message of the batch leaves. The server takes a snapshot of
// applied — hence committed — entries only, so the log rows it deletes can
// never be needed again by this server; a follower that needs them gets the
// snapshot instead (InstallSnapshot).
#include <algorithm>
#include <limits>

#include "common/node_ids.h"
#include "net/sqlite_rows.h"
#include "net/storage.h"
#include "net/wire.h"

namespace consensus_lab::net {

using namespace sqlite_rows;

namespace {

// "A,B" → {A, B}; "" → {}; nothing when a name is not a node id.
std::optional<std::vector<NodeId>> node_ids(const std::string& text) {
  auto ids = split_ids(text);
  if (ids &&
      !std::all_of(ids->begin(), ids->end(), [](const NodeId& id) { return is_node_id(id); }))
    return std::nullopt;
  return ids;
}

// No server twice, as a voter or a learner.
bool distinct(std::vector<NodeId> voters, const std::vector<NodeId>& learners) {
  voters.insert(voters.end(), learners.begin(), learners.end());
  std::sort(voters.begin(), voters.end());
  return std::adjacent_find(voters.begin(), voters.end()) == voters.end();
}

// An index SQLite's signed column can hold, with room for the log after it.
constexpr std::uint64_t kMaxIndex = std::uint64_t{1} << 62;

}  // namespace

void Store::create_snapshot_tables() {
  exec(
      "CREATE TABLE raft_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), "
      "last_index INTEGER NOT NULL, last_term INTEGER NOT NULL, "
      "voters TEXT NOT NULL, learners TEXT NOT NULL)");
  exec("CREATE TABLE raft_snapshot_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  exec("CREATE TABLE raft_snapshot_clients (client TEXT PRIMARY KEY, sequence INTEGER NOT NULL)");
}

void Store::prepare_snapshot_writes() {
  snapshot_row_ = prepare(
      "INSERT OR REPLACE INTO raft_snapshot (id, last_index, last_term, voters, learners) "
      "VALUES (1, ?, ?, ?, ?)");
  snapshot_kv_ = prepare("INSERT INTO raft_snapshot_kv (key, value) VALUES (?, ?)");
  snapshot_client_ = prepare("INSERT INTO raft_snapshot_clients (client, sequence) VALUES (?, ?)");
  log_term_at_ = prepare("SELECT term FROM raft_log WHERE log_index = ?");
  log_compact_ = prepare("DELETE FROM raft_log WHERE log_index <= ?");
}

raft::RaftHardState Store::load_raft() {
  raft::RaftHardState state;
  sqlite3_stmt* s = prepare("SELECT current_term, voted_for FROM raft_state WHERE id = 1");
  const Done s_done(s);
  if (sqlite3_step(s) == SQLITE_ROW) {
    state.current_term.value = number_at(s, 0);
    if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
      const std::string voted = text_at(s, 1);
      if (!is_node_id(voted))
        throw corrupt({"voted_for '" + voted + "'", "voted_for 为 '" + voted + "'"});
      state.voted_for = voted;
    }
  }
  state.snapshot = load_snapshot(state);
  state.log = raft::Log(state.snapshot.last_included_index, state.snapshot.last_included_term, {});
  load_log(state);
  return state;
}

// The snapshot's row and its state machine's rows (none: no snapshot, and
// then no state machine rows either).
raft::Snapshot Store::load_snapshot(const raft::RaftHardState& state) {
  sqlite3_stmt* s =
      prepare("SELECT last_index, last_term, voters, learners FROM raft_snapshot WHERE id = 1");
  const Done s_done(s);
  sqlite3_stmt* kv = prepare("SELECT key, value FROM raft_snapshot_kv");
  const Done kv_done(kv);
  sqlite3_stmt* clients = prepare("SELECT client, sequence FROM raft_snapshot_clients");
  const Done clients_done(clients);
  std::map<std::string, std::string> data;
  while (sqlite3_step(kv) == SQLITE_ROW) data[text_at(kv, 0)] = text_at(kv, 1);
  std::map<std::string, std::uint64_t> sequences;
  while (sqlite3_step(clients) == SQLITE_ROW)
    sequences[text_at(clients, 0)] = number_at(clients, 1);
  if (sqlite3_step(s) != SQLITE_ROW) {
    if (data.empty() && sequences.empty()) return {};
    throw corrupt({"raft_snapshot_kv or raft_snapshot_clients has rows, but raft_snapshot has none",
                   "raft_snapshot_kv 或 raft_snapshot_clients 有数据行，raft_snapshot 却没有"});
  }
  const std::uint64_t index = number_at(s, 0), term = number_at(s, 1);
  const std::string at = " (" + std::to_string(index) + ", " + std::to_string(term) + ")";
  if (index == 0 || index > kMaxIndex || term == 0 || term > state.current_term.value) {
    throw corrupt({"the snapshot's last index and term" + at, "快照的最后索引和任期编号" + at});
  }
  const auto voters = node_ids(text_at(s, 2)), learners = node_ids(text_at(s, 3));
  if (!voters || voters->empty() || !learners || !distinct(*voters, *learners)) {
    const std::string servers = "'" + text_at(s, 2) + "' / '" + text_at(s, 3) + "'";
    throw corrupt(
        {"the snapshot's voters / learners " + servers, "快照的投票成员 / 学习者 " + servers});
  }
  const KeyValueStore machine(std::move(data), std::move(sequences));
  return raft::Snapshot{raft::LogIndex{index}, raft::Term{term},
                        raft::Configuration{*voters, *learners}, machine.save()};
}

// The log's rows, which start right after the snapshot (if there is one).
void Store::load_log(raft::RaftHardState& state) {
  const std::uint64_t base = state.log.base_index().value;
  sqlite3_stmt* log = prepare("SELECT log_index, term, command FROM raft_log ORDER BY log_index");
  const Done log_done(log);
  while (sqlite3_step(log) == SQLITE_ROW) {
    const auto index = number_at(log, 0);
    const auto term = number_at(log, 1);
    const std::string entry = std::to_string(index);
    if (index <= base) {
      const std::string last = std::to_string(base);
      throw corrupt({"entry " + entry + " is in the snapshot (last index " + last + ")",
                     "日志项 " + entry + " 已在快照之内（快照的最后索引是 " + last + "）"});
    }
    if (index != state.log.last_index().next().value) {
      const std::string missing = raft::to_string(state.log.last_index().next());
      throw corrupt({"the log has no entry " + missing, "日志里没有日志项 " + missing});
    }
    if (term == 0 || term > state.current_term.value || term < state.log.last_term().value) {
      throw corrupt({"entry " + entry + " has term " + std::to_string(term),
                     "日志项 " + entry + " 的任期编号是 " + std::to_string(term)});
    }
    state.log.append(raft::LogEntry{raft::Term{term},
                                    command_at(log, 2, {"entry " + entry, "日志项 " + entry})});
  }
}

void Store::write(const raft::Persist& persist) {
  begin();
  bind_column(raft_state_, 1, persist.current_term.value);
  if (persist.voted_for) {
    bind_column(raft_state_, 2, *persist.voted_for);
  } else {
    sqlite3_bind_null(raft_state_, 2);
  }
  run(raft_state_, {"cannot write the term", "无法写入任期编号"});
  if (persist.snapshot) write_snapshot(*persist.snapshot);  // before the log's changes
  if (!persist.log_from) return;
  std::uint64_t index = persist.log_from->value;
  bind_column(raft_truncate_, 1, index);
  run(raft_truncate_, {"cannot truncate the log", "无法截断日志"});
  for (const auto& entry : persist.entries) {
    bind_column(raft_append_, 1, index++);
    bind_column(raft_append_, 2, entry.term.value);
    bind_column(raft_append_, 3, encode(entry.command));
    run(raft_append_, {"cannot append to the log", "无法追加日志项"});
  }
}

// The new snapshot replaces the old one, then the log gives up the entries
// it covers — all of them when the log does not hold its last included
// entry (Figure 13, receiver 6 and 7; raft::Log::compact_to).
void Store::write_snapshot(const raft::Snapshot& snapshot) {
  KeyValueStore machine;
  if (!machine.restore(snapshot.state)) {
    throw StorageError({path_ + ": cannot write the snapshot: its state machine is unreadable",
                        path_ + "：无法写入快照：它的状态机无法读取"});
  }
  const narration::Text what{"cannot write the snapshot", "无法写入快照"};
  bind_column(snapshot_row_, 1, snapshot.last_included_index.value);
  bind_column(snapshot_row_, 2, snapshot.last_included_term.value);
  bind_column(snapshot_row_, 3, join_ids(snapshot.configuration.voters));
  bind_column(snapshot_row_, 4, join_ids(snapshot.configuration.learners));
  run(snapshot_row_, what);
  exec("DELETE FROM raft_snapshot_kv");
  exec("DELETE FROM raft_snapshot_clients");
  for (const auto& [key, value] : machine.data()) {
    bind_column(snapshot_kv_, 1, key);
    bind_column(snapshot_kv_, 2, value);
    run(snapshot_kv_, what);
  }
  for (const auto& [client, sequence] : machine.clients()) {
    bind_column(snapshot_client_, 1, client);
    bind_column(snapshot_client_, 2, sequence);
    run(snapshot_client_, what);
  }
  bind_column(log_term_at_, 1, snapshot.last_included_index.value);
  const bool kept = sqlite3_step(log_term_at_) == SQLITE_ROW &&
                    number_at(log_term_at_, 0) == snapshot.last_included_term.value;
  sqlite3_reset(log_term_at_);
  bind_column(log_compact_, 1,
              kept ? snapshot.last_included_index.value : std::numeric_limits<std::int64_t>::max());
  run(log_compact_, {"cannot compact the log", "无法压缩日志"});
}

}  // namespace consensus_lab::net
