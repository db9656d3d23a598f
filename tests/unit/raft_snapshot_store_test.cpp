// A Raft snapshot in a node's data directory (net/raft_store.cpp): written
// with its batch, read back exactly as the server held it, the log rows it
// covers gone, and a snapshot that does not fit its log refused with the
// reason.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "net/storage.h"
#include "net/wire.h"

using namespace consensus_lab;
namespace fs = std::filesystem;

namespace {

const net::Identity kNodeA{"raft", "A", {"A", "B", "C"}};

raft::LogEntry entry(std::uint64_t term, const std::string& key, const std::string& value) {
  return {raft::Term{term}, Command::put(key, value, "c1", term)};
}

// A state machine with awkward keys and values: spaces, unicode, a NUL.
std::string machine_state() {
  KeyValueStore machine;
  machine.apply(Command::put("a key", "a value with spaces", "c1", 4));
  machine.apply(Command::put("快照", "值 ✓", "客户端", 9));
  machine.apply(Command::put("nul", std::string("x\0y", 3)));
  return machine.save();
}

// Run `sql` on the (closed) store's database.
void tamper(const fs::path& directory, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((directory / "state.db").c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

std::string refusal(const fs::path& directory) {
  try {
    net::Store store(directory.string(), kNodeA);
    store.load_raft();
  } catch (const net::StorageError& error) {
    CHECK(!error.reason().zh.empty());
    return error.what();
  }
  return {};
}

// Five entries in term 2, then a snapshot at entry 3: what raft::write makes
// of the simulator's disk, and the same written to a data directory.
raft::RaftHardState write_both(const fs::path& directory) {
  const raft::Persist log{.current_term = raft::Term{2},
                          .voted_for = "B",
                          .log_from = raft::LogIndex{1},
                          .entries = {entry(1, "x", "1"), entry(1, "y", "2"), entry(2, "x", "3"),
                                      entry(2, "z", "4"), entry(2, "w", "5")}};
  const raft::Persist snapshot{
      .current_term = raft::Term{2},
      .voted_for = "B",
      .snapshot = raft::Snapshot{raft::LogIndex{3}, raft::Term{2},
                                 raft::Configuration{{"A", "B", "C"}, {"D"}}, machine_state()}};
  raft::RaftHardState disk;
  net::Store store(directory.string(), kNodeA);
  for (const auto& persist : {log, snapshot}) {
    raft::write(persist, disk);
    store.write(persist);
    store.sync();
  }
  return disk;
}

}  // namespace

TEST_CASE("real mode: a raft snapshot in the data directory, read back as it was written") {
  const fs::path folder =
      fs::temp_directory_path() / ("consensus_lab_snapshot_store_" + std::to_string(getpid()));
  fs::remove_all(folder);
  const raft::RaftHardState expected = write_both(folder / "a");
  REQUIRE(expected.log.base_index() == raft::LogIndex{3});
  {
    net::Store store((folder / "a").string(), kNodeA);
    const raft::RaftHardState loaded = store.load_raft();
    CHECK(loaded == expected);
    CHECK(loaded.log.entries().size() == 2);  // entries 4 and 5: 1–3 are in the snapshot
    KeyValueStore machine;
    REQUIRE(machine.restore(loaded.snapshot.state));
    CHECK(machine.get("快照") == "值 ✓");
    CHECK(machine.get("nul") == std::string("x\0y", 3));
    CHECK(machine.clients().at("客户端") == 9);

    // A leader's snapshot past this log's end (InstallSnapshot, no entry of
    // the log kept), then an entry after it.
    raft::Persist install{.current_term = raft::Term{3},
                          .log_from = raft::LogIndex{11},
                          .entries = {entry(3, "after", "install")},
                          .snapshot = raft::Snapshot{raft::LogIndex{10}, raft::Term{3},
                                                     raft::Configuration{{"A", "B", "C"}, {}},
                                                     KeyValueStore{}.save()}};
    raft::RaftHardState disk = loaded;
    raft::write(install, disk);
    store.write(install);
    store.sync();
    CHECK(store.load_raft() == disk);
    CHECK(disk.log.base_index() == raft::LogIndex{10});
    CHECK(disk.log.entries().size() == 1);
  }
  fs::remove_all(folder);
}

TEST_CASE("real mode: a raft snapshot that does not fit its log is refused with the reason") {
  const fs::path folder =
      fs::temp_directory_path() / ("consensus_lab_snapshot_corrupt_" + std::to_string(getpid()));
  const struct {
    const char* sql;
    const char* reason;
  } cases[] = {
      {"INSERT INTO raft_log VALUES (2, 1, 'put y 2 c1 1')",
       "is corrupt: entry 2 is in the snapshot (last index 3)"},
      {"DELETE FROM raft_log WHERE log_index = 4", "is corrupt: the log has no entry 4"},
      {"UPDATE raft_snapshot SET voters = 'A,,B'",
       "is corrupt: the snapshot's voters / learners 'A,,B' / 'D'"},
      {"UPDATE raft_snapshot SET learners = 'B'",
       "is corrupt: the snapshot's voters / learners 'A,B,C' / 'B'"},
      {"UPDATE raft_snapshot SET last_index = -1",
       "is corrupt: the snapshot's last index and term (18446744073709551615, 2)"},
      {"UPDATE raft_snapshot SET last_term = 9",
       "is corrupt: the snapshot's last index and term (3, 9)"},
      {"UPDATE raft_log SET term = 1 WHERE log_index = 4", "is corrupt: entry 4 has term 1"},
      {"DELETE FROM raft_snapshot",
       "is corrupt: raft_snapshot_kv or raft_snapshot_clients has rows, but raft_snapshot has "
       "none"},
  };
  for (const auto& [sql, reason] : cases) {
    CAPTURE(sql);
    fs::remove_all(folder);
    write_both(folder);
    tamper(folder, sql);
    CHECK(refusal(folder) == (folder / "state.db").string() + " " + reason);
  }
  fs::remove_all(folder);
}

TEST_CASE("real mode: a data directory from before snapshots opens, and gets their tables") {
  const fs::path folder =
      fs::temp_directory_path() / ("consensus_lab_snapshot_format_" + std::to_string(getpid()));
  fs::remove_all(folder);
  write_both(folder);
  // Format 1 had no snapshot: its log starts at entry 1.
  tamper(folder,
         "DROP TABLE raft_snapshot; DROP TABLE raft_snapshot_kv; DROP TABLE raft_snapshot_clients;"
         "INSERT INTO raft_log VALUES (1, 1, 'put x 1 c1 1'), (2, 1, 'put y 2 c1 1'),"
         "(3, 2, 'put x 3 c1 2');"
         "UPDATE meta SET value = 'consensus-lab state 1' WHERE key = 'format'");
  {
    net::Store store(folder.string(), kNodeA);
    const raft::RaftHardState loaded = store.load_raft();
    CHECK(loaded.snapshot.last_included_index == raft::LogIndex{0});
    CHECK(loaded.log.last_index() == raft::LogIndex{5});
    CHECK(loaded.log.entry(raft::LogIndex{3}).command.value == "3");
  }
  tamper(folder, "UPDATE meta SET value = 'consensus-lab state 7' WHERE key = 'format'");
  CHECK(refusal(folder) ==
        (folder / "state.db").string() +
            " is not a consensus-lab state file (format 'consensus-lab state 7')");
  fs::remove_all(folder);
}

TEST_CASE("real mode: a snapshot cut into chunks mid-character goes over the wire intact") {
  const raft::Snapshot snapshot{raft::LogIndex{9}, raft::Term{2},
                                raft::Configuration{{"A", "B", "C"}, {"D"}}, machine_state()};
  const std::string data = raft::snapshot_data(snapshot);
  std::string received;
  for (std::size_t offset = 0; offset < data.size(); offset += 5) {  // 5 bytes: cuts 值, ✓, …
    const raft::InstallSnapshot chunk{.term = raft::Term{2},
                                      .leader_id = "A",
                                      .last_included_index = raft::LogIndex{9},
                                      .last_included_term = raft::Term{2},
                                      .offset = offset,
                                      .data = data.substr(offset, 5),
                                      .done = offset + 5 >= data.size()};
    const std::string line = net::encode(raft::Message{chunk});
    CHECK(line.find('\n') == std::string::npos);
    const auto back = std::get<raft::InstallSnapshot>(net::decode_raft(line));
    CHECK(back.offset == offset);
    received += back.data;
  }
  CHECK(raft::snapshot_from_data(raft::LogIndex{9}, raft::Term{2}, received) == snapshot);
}
