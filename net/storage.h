// A node's durable state in its data directory: one SQLite database,
// `state.db`, that a student can open with `sqlite3 DIR/state.db`:
//
//   meta         format, protocol, node id, the cluster's members
//   raft_state   current_term, voted_for            (raft)
//   raft_log     log_index, term, command           (raft)
//   raft_snapshot          last_index, last_term, voters, learners   (raft)
//   raft_snapshot_kv       key, value                                (raft)
//   raft_snapshot_clients  client, sequence                          (raft)
//   mp_promise   ballot                             (multipaxos)
//   mp_accepted  slot, ballot, command              (multipaxos)
//   mp_chosen    slot, command                      (multipaxos)
//
// Commands are stored in the wire format's words ("put x 3 c7 12").
//
// A Raft snapshot (paper §7; 快照) is the one row of raft_snapshot — its last
// included index and term, and the configuration then in effect (voters and
// learners as "A,B,C") — with the state machine it holds: every key's value
// (raft_snapshot_kv) and every client's last applied request number
// (raft_snapshot_clients: without it a request repeated after a restart
// would apply twice). raft_log then holds only the entries after last_index.
// A new snapshot is written in the same transaction as the rest of its
// batch, and replaces the old one and the log rows it covers at once: a
// crash leaves the old snapshot and log, or the new ones, never a mix.
// The format is "consensus-lab state 2"; a format-1 directory (no snapshot
// tables) is given them, empty, when it is opened.
//
// Writes go into one open transaction; sync() commits it, and the commit is
// fsynced (WAL journal, synchronous=FULL) before sync() returns. The node
// calls sync() once per batch of events, before any message of that batch
// leaves (durable before visible, DESIGN.md §1.5): many entries per fsync.
//
// Opening refuses — with a StorageError that says what is wrong — a directory
// that holds other files, a database that is not ours or is corrupt, or one
// that belongs to another node, protocol or cluster. It never starts empty
// over state it cannot read.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "multipaxos/replica.h"
#include "narration/text.h"
#include "raft/server.h"

struct sqlite3;
struct sqlite3_stmt;

namespace consensus_lab::net {

// What is wrong with a data directory, in English (what()) and in the notes'
// Chinese (reason()); a reason from SQLite or the system stays as they give it.
class StorageError : public narration::TextError {
 public:
  using TextError::TextError;
};

// Who a data directory belongs to.
struct Identity {
  std::string protocol;  // raft or multipaxos
  NodeId node;
  std::vector<NodeId> cluster;
};

class Store {
 public:
  // Open (or create) DIR/state.db for `identity`. Throws StorageError.
  Store(const std::string& directory, const Identity& identity);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  raft::RaftHardState load_raft();
  multipaxos::ReplicaHardState load_multipaxos();

  // Buffered in the open transaction until sync().
  void write(const raft::Persist& persist);
  void write(const multipaxos::Persist& persist);
  // Commit and fsync what was written since the last sync (if anything).
  void sync();

  const std::string& path() const { return path_; }

 private:
  // Opening, step by step (each throws StorageError).
  bool claim_directory(const std::string& directory);  // true: no state.db yet
  void open_database(bool fresh);
  void create_schema(const Identity& identity);
  void check_owner(const Identity& identity);
  void prepare_writes();
  // The snapshot's tables and statements (net/raft_store.cpp).
  void create_snapshot_tables();
  void prepare_snapshot_writes();
  raft::Snapshot load_snapshot(const raft::RaftHardState& state);
  void load_log(raft::RaftHardState& state);
  void write_snapshot(const raft::Snapshot& snapshot);
  void close();

  void exec(const char* sql);
  sqlite3_stmt* prepare(const char* sql);
  // A write; `what` names it if it fails.
  void run(sqlite3_stmt* statement, const narration::Text& what);
  Command command_at(sqlite3_stmt* statement, int column, const narration::Text& where) const;
  void begin();
  [[noreturn]] void fail(const narration::Text& what);
  // "PATH is corrupt: WHAT".
  StorageError corrupt(const narration::Text& what) const;

  std::string path_;
  int lock_ = -1;  // DIR/lock, held (flock) while the store is open
  sqlite3* db_ = nullptr;
  bool in_transaction_ = false;
  std::vector<sqlite3_stmt*> statements_;
  sqlite3_stmt* raft_state_ = nullptr;
  sqlite3_stmt* raft_truncate_ = nullptr;
  sqlite3_stmt* raft_append_ = nullptr;
  sqlite3_stmt* snapshot_row_ = nullptr;
  sqlite3_stmt* snapshot_kv_ = nullptr;
  sqlite3_stmt* snapshot_client_ = nullptr;
  sqlite3_stmt* log_term_at_ = nullptr;
  sqlite3_stmt* log_compact_ = nullptr;
  sqlite3_stmt* mp_promise_ = nullptr;
  sqlite3_stmt* mp_accepted_ = nullptr;
  sqlite3_stmt* mp_chosen_ = nullptr;
};

}  // namespace consensus_lab::net
