#include "net/storage.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "common/node_ids.h"
#include "net/sqlite_rows.h"
#include "net/wire.h"

namespace consensus_lab::net {

namespace {

namespace fs = std::filesystem;

// Format 2 adds the snapshot's tables (raft_snapshot*); a format-1 directory
// (written before snapshots were kept) gets them, empty, when it is opened.
constexpr const char* kFormat = "consensus-lab state 2";
constexpr const char* kFormatWithoutSnapshots = "consensus-lab state 1";
constexpr const char* kFile = "state.db";

// Whose a data directory is: "raft node A of cluster A,B,C".
narration::Text owner(const std::string& protocol, const std::string& node,
                      const std::string& cluster) {
  return {protocol + " node " + node + " of cluster " + cluster,
          "集群 " + cluster + " 的 " + protocol + " 节点 " + node};
}

}  // namespace

using namespace sqlite_rows;

Store::Store(const std::string& directory, const Identity& identity)
    : path_((fs::path(directory) / kFile).string()) {
  const bool fresh = claim_directory(directory);
  try {
    open_database(fresh);
    if (fresh) create_schema(identity);
    check_owner(identity);
    prepare_writes();
  } catch (...) {
    close();
    throw;
  }
}

Store::~Store() {
  close();
}

void Store::close() {
  for (auto* statement : statements_) sqlite3_finalize(statement);
  statements_.clear();
  sqlite3_close(db_);
  db_ = nullptr;
  if (lock_ >= 0) ::close(lock_);
  lock_ = -1;
}

bool Store::claim_directory(const std::string& directory) {
  std::error_code error;
  const fs::path dir(directory);
  if (fs::exists(dir, error) && !fs::is_directory(dir, error)) {
    throw StorageError({directory + " is not a directory", directory + " 不是目录"});
  }
  const bool fresh = !fs::exists(path_, error);
  if (fresh) {
    fs::create_directories(dir, error);
    if (error) {
      throw StorageError({"cannot create " + directory + ": " + error.message(),
                          "无法创建 " + directory + "：" + error.message()});
    }
    // A directory that already holds files, but not ours, belongs to
    // something else: never write our state into it.
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      if (entry.path().filename() == "lock") continue;  // ours, from a start that failed
      const std::string holds = entry.path().filename().string();
      throw StorageError({directory + " is not a consensus-lab data directory (it holds " + holds +
                              " but no " + kFile + ")",
                          directory + " 不是 consensus-lab 的数据目录（里面有 " + holds +
                              "，却没有 " + kFile + "）"});
    }
  }
  // One node process per data directory: a second one (the same id started
  // twice) would write over the first one's promises.
  lock_ = ::open((dir / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_ < 0 || ::flock(lock_, LOCK_EX | LOCK_NB) != 0) {
    close();
    const std::string lock = (dir / "lock").string();
    throw StorageError({directory + " is in use by another node process (" + lock + " is locked)",
                        directory + " 正被另一个节点进程使用（" + lock + " 已被锁住）"});
  }
  return fresh;
}

void Store::open_database(bool fresh) {
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | (fresh ? SQLITE_OPEN_CREATE : 0),
                      nullptr) != SQLITE_OK) {
    fail({"cannot open", "无法打开"});
  }
  sqlite3_busy_timeout(db_, 2000);
  // A file that is not a database fails here, on its first read.
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
}

void Store::create_schema(const Identity& identity) {
  exec("BEGIN");
  exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  exec(
      "CREATE TABLE raft_state (id INTEGER PRIMARY KEY CHECK (id = 1), "
      "current_term INTEGER NOT NULL, voted_for TEXT)");
  exec(
      "CREATE TABLE raft_log (log_index INTEGER PRIMARY KEY, term INTEGER NOT NULL, "
      "command TEXT NOT NULL)");
  exec("CREATE TABLE mp_promise (id INTEGER PRIMARY KEY CHECK (id = 1), ballot INTEGER)");
  exec(
      "CREATE TABLE mp_accepted (slot INTEGER PRIMARY KEY, ballot INTEGER NOT NULL, "
      "command TEXT NOT NULL)");
  exec("CREATE TABLE mp_chosen (slot INTEGER PRIMARY KEY, command TEXT NOT NULL)");
  create_snapshot_tables();
  sqlite3_stmt* meta = prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
  const std::pair<std::string, std::string> rows[] = {{"format", kFormat},
                                                      {"protocol", identity.protocol},
                                                      {"node", identity.node},
                                                      {"cluster", join_ids(identity.cluster)}};
  for (const auto& [key, value] : rows) {
    bind_column(meta, 1, key);
    bind_column(meta, 2, value);
    run(meta, {"cannot write its identity", "无法写入它属于谁"});
  }
  exec("COMMIT");
}

void Store::check_owner(const Identity& identity) {
  std::map<std::string, std::string> meta;
  sqlite3_stmt* read = prepare("SELECT key, value FROM meta");
  const Done read_done(read);
  while (sqlite3_step(read) == SQLITE_ROW) meta[text_at(read, 0)] = text_at(read, 1);
  const bool upgrade = meta["format"] == kFormatWithoutSnapshots;
  if (meta["format"] != kFormat && !upgrade) {
    const std::string format = "'" + meta["format"] + "'";
    throw StorageError({path_ + " is not a consensus-lab state file (format " + format + ")",
                        path_ + " 不是 consensus-lab 的状态文件（格式为 " + format + "）"});
  }
  const auto expected = owner(identity.protocol, identity.node, join_ids(identity.cluster));
  const auto found = owner(meta["protocol"], meta["node"], meta["cluster"]);
  if (found != expected) {
    throw StorageError({path_ + " belongs to " + found.en + ", not to " + expected.en,
                        path_ + " 属于" + found.zh + "，而不属于" + expected.zh});
  }
  sqlite3_stmt* check = prepare("PRAGMA quick_check");
  const Done check_done(check);
  if (sqlite3_step(check) != SQLITE_ROW || text_at(check, 0) != "ok") {
    throw StorageError({path_ + " is corrupt (sqlite quick_check failed)",
                        path_ + " 已损坏（sqlite quick_check 没有通过）"});
  }
  if (upgrade) {
    exec("BEGIN");
    create_snapshot_tables();
    exec(("UPDATE meta SET value = '" + std::string(kFormat) + "' WHERE key = 'format'").c_str());
    exec("COMMIT");
  }
}

void Store::prepare_writes() {
  raft_state_ = prepare(
      "INSERT INTO raft_state (id, current_term, voted_for) VALUES (1, ?, ?) "
      "ON CONFLICT(id) DO UPDATE SET current_term = excluded.current_term, "
      "voted_for = excluded.voted_for");
  raft_truncate_ = prepare("DELETE FROM raft_log WHERE log_index >= ?");
  raft_append_ = prepare("INSERT INTO raft_log (log_index, term, command) VALUES (?, ?, ?)");
  prepare_snapshot_writes();
  mp_promise_ = prepare(
      "INSERT INTO mp_promise (id, ballot) VALUES (1, ?) "
      "ON CONFLICT(id) DO UPDATE SET ballot = excluded.ballot");
  mp_accepted_ = prepare(
      "INSERT INTO mp_accepted (slot, ballot, command) VALUES (?, ?, ?) "
      "ON CONFLICT(slot) DO UPDATE SET ballot = excluded.ballot, command = excluded.command");
  mp_chosen_ = prepare(
      "INSERT INTO mp_chosen (slot, command) VALUES (?, ?) "
      "ON CONFLICT(slot) DO UPDATE SET command = excluded.command");
}

void Store::fail(const narration::Text& what) {
  const std::string sqlite = sqlite3_errmsg(db_);
  throw StorageError(
      {path_ + ": " + what.en + ": " + sqlite, path_ + "：" + what.zh + "：" + sqlite});
}

StorageError Store::corrupt(const narration::Text& what) const {
  return StorageError({path_ + " is corrupt: " + what.en, path_ + " 已损坏：" + what.zh});
}

void Store::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw StorageError({path_ + " cannot be used: " + text, path_ + " 无法使用：" + text});
  }
}

sqlite3_stmt* Store::prepare(const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) {
    const std::string sqlite = sqlite3_errmsg(db_);
    throw StorageError({path_ + " is not a consensus-lab state file: " + sqlite,
                        path_ + " 不是 consensus-lab 的状态文件：" + sqlite});
  }
  statements_.push_back(statement);
  return statement;
}

void Store::run(sqlite3_stmt* statement, const narration::Text& what) {
  if (sqlite3_step(statement) != SQLITE_DONE) fail(what);
  sqlite3_reset(statement);
}

Command Store::command_at(sqlite3_stmt* statement, int column, const narration::Text& where) const {
  try {
    return decode_command(text_at(statement, column));
  } catch (const DecodeError& error) {
    throw corrupt({where.en + ": " + error.reason().en, where.zh + "：" + error.reason().zh});
  }
}

void Store::begin() {
  if (in_transaction_) return;
  exec("BEGIN");
  in_transaction_ = true;
}

void Store::sync() {
  if (!in_transaction_) return;
  exec("COMMIT");  // synchronous=FULL: the WAL is fsynced before this returns
  in_transaction_ = false;
}

// ---- multipaxos ------------------------------------------------------------------------

multipaxos::ReplicaHardState Store::load_multipaxos() {
  multipaxos::ReplicaHardState state;
  sqlite3_stmt* p = prepare("SELECT ballot FROM mp_promise WHERE id = 1");
  const Done p_done(p);
  if (sqlite3_step(p) == SQLITE_ROW && sqlite3_column_type(p, 0) != SQLITE_NULL) {
    state.promised = multipaxos::Ballot{number_at(p, 0)};
  }
  sqlite3_stmt* a = prepare("SELECT slot, ballot, command FROM mp_accepted ORDER BY slot");
  const Done a_done(a);
  while (sqlite3_step(a) == SQLITE_ROW) {
    const multipaxos::Slot slot{number_at(a, 0)};
    const multipaxos::Ballot ballot{number_at(a, 1)};
    const std::string number = std::to_string(slot.value);
    if (slot.value == 0 || !state.promised || ballot > *state.promised) {
      throw corrupt({"slot " + number + " was accepted above the promise",
                     "槽位 " + number + " 接受的提案编号高于承诺的编号"});
    }
    state.accepted[slot] = {ballot, command_at(a, 2, {"slot " + number, "槽位 " + number})};
  }
  sqlite3_stmt* c = prepare("SELECT slot, command FROM mp_chosen ORDER BY slot");
  const Done c_done(c);
  while (sqlite3_step(c) == SQLITE_ROW) {
    const multipaxos::Slot slot{number_at(c, 0)};
    if (slot.value == 0) throw corrupt({"slot 0", "槽位 0"});
    const std::string number = std::to_string(slot.value);
    state.chosen[slot] = command_at(c, 1, {"chosen slot " + number, "已选定的槽位 " + number});
  }
  return state;
}

void Store::write(const multipaxos::Persist& persist) {
  begin();
  if (persist.promised) {
    bind_column(mp_promise_, 1, persist.promised->value);
  } else {
    sqlite3_bind_null(mp_promise_, 1);
  }
  run(mp_promise_, {"cannot write the promise", "无法写入承诺"});
  for (const auto& [slot, proposal] : persist.accepted) {
    bind_column(mp_accepted_, 1, slot.value);
    bind_column(mp_accepted_, 2, proposal.ballot.value);
    bind_column(mp_accepted_, 3, encode(proposal.command));
    run(mp_accepted_, {"cannot write an acceptance", "无法写入接受的提案"});
  }
  for (const auto& [slot, command] : persist.chosen) {
    bind_column(mp_chosen_, 1, slot.value);
    bind_column(mp_chosen_, 2, encode(command));
    run(mp_chosen_, {"cannot write a chosen slot", "无法写入已选定的槽位"});
  }
}

}  // namespace consensus_lab::net
