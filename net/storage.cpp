#include "net/storage.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "net/wire.h"

namespace consensus_lab::net {

namespace {

namespace fs = std::filesystem;

// Resets a one-off statement when it goes out of scope: a statement left
// stepped keeps a read transaction open, and SQLite can then never fold the
// write-ahead log back into the database (it would grow without end).
class Done {
 public:
  explicit Done(sqlite3_stmt* statement) : statement_(statement) {}
  ~Done() { sqlite3_reset(statement_); }
  Done(const Done&) = delete;
  Done& operator=(const Done&) = delete;

 private:
  sqlite3_stmt* statement_;
};

constexpr const char* kFormat = "consensus-lab state 1";
constexpr const char* kFile = "state.db";

std::string join(const std::vector<NodeId>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

void bind(sqlite3_stmt* statement, int column, std::uint64_t number) {
  sqlite3_bind_int64(statement, column, static_cast<sqlite3_int64>(number));
}
void bind(sqlite3_stmt* statement, int column, const std::string& text) {
  sqlite3_bind_text(statement, column, text.c_str(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}
std::uint64_t number_at(sqlite3_stmt* statement, int column) {
  return static_cast<std::uint64_t>(sqlite3_column_int64(statement, column));
}
std::string text_at(sqlite3_stmt* statement, int column) {
  return reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
}

}  // namespace

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
    throw StorageError(directory + " is not a directory");
  }
  const bool fresh = !fs::exists(path_, error);
  if (fresh) {
    fs::create_directories(dir, error);
    if (error) throw StorageError("cannot create " + directory + ": " + error.message());
    // A directory that already holds files, but not ours, belongs to
    // something else: never write our state into it.
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      if (entry.path().filename() == "lock") continue;  // ours, from a start that failed
      throw StorageError(directory + " is not a consensus-lab data directory (it holds " +
                         entry.path().filename().string() + " but no " + kFile + ")");
    }
  }
  // One node process per data directory: a second one (the same id started
  // twice) would write over the first one's promises.
  lock_ = ::open((dir / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_ < 0 || ::flock(lock_, LOCK_EX | LOCK_NB) != 0) {
    close();
    throw StorageError(directory + " is in use by another node process (" +
                       (dir / "lock").string() + " is locked)");
  }
  return fresh;
}

void Store::open_database(bool fresh) {
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | (fresh ? SQLITE_OPEN_CREATE : 0),
                      nullptr) != SQLITE_OK) {
    fail("cannot open");
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
  sqlite3_stmt* meta = prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
  const std::pair<std::string, std::string> rows[] = {{"format", kFormat},
                                                      {"protocol", identity.protocol},
                                                      {"node", identity.node},
                                                      {"cluster", join(identity.cluster)}};
  for (const auto& [key, value] : rows) {
    bind(meta, 1, key);
    bind(meta, 2, value);
    run(meta, "cannot write its identity");
  }
  exec("COMMIT");
}

void Store::check_owner(const Identity& identity) {
  std::map<std::string, std::string> meta;
  sqlite3_stmt* read = prepare("SELECT key, value FROM meta");
  const Done read_done(read);
  while (sqlite3_step(read) == SQLITE_ROW) meta[text_at(read, 0)] = text_at(read, 1);
  if (meta["format"] != kFormat) {
    throw StorageError(path_ + " is not a consensus-lab state file (format '" + meta["format"] +
                       "')");
  }
  const std::string expected =
      identity.protocol + " node " + identity.node + " of cluster " + join(identity.cluster);
  const std::string found =
      meta["protocol"] + " node " + meta["node"] + " of cluster " + meta["cluster"];
  if (found != expected) {
    throw StorageError(path_ + " belongs to " + found + ", not to " + expected);
  }
  sqlite3_stmt* check = prepare("PRAGMA quick_check");
  const Done check_done(check);
  if (sqlite3_step(check) != SQLITE_ROW || text_at(check, 0) != "ok") {
    throw StorageError(path_ + " is corrupt (sqlite quick_check failed)");
  }
}

void Store::prepare_writes() {
  raft_state_ = prepare(
      "INSERT INTO raft_state (id, current_term, voted_for) VALUES (1, ?, ?) "
      "ON CONFLICT(id) DO UPDATE SET current_term = excluded.current_term, "
      "voted_for = excluded.voted_for");
  raft_truncate_ = prepare("DELETE FROM raft_log WHERE log_index >= ?");
  raft_append_ = prepare("INSERT INTO raft_log (log_index, term, command) VALUES (?, ?, ?)");
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

void Store::fail(const std::string& what) {
  throw StorageError(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

void Store::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw StorageError(path_ + " cannot be used: " + text);
  }
}

sqlite3_stmt* Store::prepare(const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) {
    throw StorageError(path_ + " is not a consensus-lab state file: " + sqlite3_errmsg(db_));
  }
  statements_.push_back(statement);
  return statement;
}

void Store::run(sqlite3_stmt* statement, const char* what) {
  if (sqlite3_step(statement) != SQLITE_DONE) fail(what);
  sqlite3_reset(statement);
}

Command Store::command_at(sqlite3_stmt* statement, int column, const std::string& where) const {
  try {
    return decode_command(text_at(statement, column));
  } catch (const DecodeError& error) {
    throw StorageError(path_ + " is corrupt: " + where + ": " + error.what());
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

// ---- raft ---------------------------------------------------------------------------

raft::RaftHardState Store::load_raft() {
  raft::RaftHardState state;
  sqlite3_stmt* s = prepare("SELECT current_term, voted_for FROM raft_state WHERE id = 1");
  const Done s_done(s);
  if (sqlite3_step(s) == SQLITE_ROW) {
    state.current_term.value = number_at(s, 0);
    if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
      const std::string voted = text_at(s, 1);
      if (!is_node_id(voted)) throw StorageError(path_ + " is corrupt: voted_for '" + voted + "'");
      state.voted_for = voted;
    }
  }
  sqlite3_stmt* log = prepare("SELECT log_index, term, command FROM raft_log ORDER BY log_index");
  const Done log_done(log);
  while (sqlite3_step(log) == SQLITE_ROW) {
    const auto index = number_at(log, 0);
    const auto term = number_at(log, 1);
    if (index != state.log.last_index().next().value) {
      throw StorageError(path_ + " is corrupt: the log has no entry " +
                         raft::to_string(state.log.last_index().next()));
    }
    if (term == 0 || term > state.current_term.value || term < state.log.last_term().value) {
      throw StorageError(path_ + " is corrupt: entry " + std::to_string(index) + " has term " +
                         std::to_string(term));
    }
    state.log.append(
        raft::LogEntry{raft::Term{term}, command_at(log, 2, "entry " + std::to_string(index))});
  }
  return state;
}

void Store::write(const raft::Persist& persist) {
  begin();
  bind(raft_state_, 1, persist.current_term.value);
  if (persist.voted_for) {
    bind(raft_state_, 2, *persist.voted_for);
  } else {
    sqlite3_bind_null(raft_state_, 2);
  }
  run(raft_state_, "cannot write the term");
  if (!persist.log_from) return;
  std::uint64_t index = persist.log_from->value;
  bind(raft_truncate_, 1, index);
  run(raft_truncate_, "cannot truncate the log");
  for (const auto& entry : persist.entries) {
    bind(raft_append_, 1, index++);
    bind(raft_append_, 2, entry.term.value);
    bind(raft_append_, 3, encode(entry.command));
    run(raft_append_, "cannot append to the log");
  }
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
    if (slot.value == 0 || !state.promised || ballot > *state.promised) {
      throw StorageError(path_ + " is corrupt: slot " + std::to_string(slot.value) +
                         " was accepted above the promise");
    }
    state.accepted[slot] = {ballot, command_at(a, 2, "slot " + std::to_string(slot.value))};
  }
  sqlite3_stmt* c = prepare("SELECT slot, command FROM mp_chosen ORDER BY slot");
  const Done c_done(c);
  while (sqlite3_step(c) == SQLITE_ROW) {
    const multipaxos::Slot slot{number_at(c, 0)};
    if (slot.value == 0) throw StorageError(path_ + " is corrupt: slot 0");
    state.chosen[slot] = command_at(c, 1, "chosen slot " + std::to_string(slot.value));
  }
  return state;
}

void Store::write(const multipaxos::Persist& persist) {
  begin();
  if (persist.promised) {
    bind(mp_promise_, 1, persist.promised->value);
  } else {
    sqlite3_bind_null(mp_promise_, 1);
  }
  run(mp_promise_, "cannot write the promise");
  for (const auto& [slot, proposal] : persist.accepted) {
    bind(mp_accepted_, 1, slot.value);
    bind(mp_accepted_, 2, proposal.ballot.value);
    bind(mp_accepted_, 3, encode(proposal.command));
    run(mp_accepted_, "cannot write an acceptance");
  }
  for (const auto& [slot, command] : persist.chosen) {
    bind(mp_chosen_, 1, slot.value);
    bind(mp_chosen_, 2, encode(command));
    run(mp_chosen_, "cannot write a chosen slot");
  }
}

}  // namespace consensus_lab::net
