// A node's durable state in its data directory: one SQLite database,
// `state.db`, that a student can open with `sqlite3 DIR/state.db`:
//
//   meta         format, protocol, node id, the cluster's members
//   raft_state   current_term, voted_for            (raft)
//   raft_log     log_index, term, command           (raft)
//   mp_promise   ballot                             (multipaxos)
//   mp_accepted  slot, ballot, command              (multipaxos)
//   mp_chosen    slot, command                      (multipaxos)
//
// Commands are stored in the wire format's words ("put x 3 c7 12").
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
  sqlite3_stmt* mp_promise_ = nullptr;
  sqlite3_stmt* mp_accepted_ = nullptr;
  sqlite3_stmt* mp_chosen_ = nullptr;
};

}  // namespace consensus_lab::net
