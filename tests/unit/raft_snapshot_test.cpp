// Log compaction (the Raft paper, §7, Figures 12 and 13): snapshots, the log
// after them, restart from a snapshot, and InstallSnapshot in chunks.
#include "raft/snapshot.h"

#include <doctest/doctest.h>

#include "net/raft_wire.h"
#include "net/wire.h"
#include "tests/unit/raft_test_support.h"

namespace consensus_lab::raft_testing {
namespace {

using raft::InstallSnapshot;
using raft::Snapshot;
using raft::SnapshotReply;

// A one-server cluster that leads term 1 and has committed and applied its
// noop and these puts (a cluster of one commits at once).
Server single_leader(const std::vector<Command>& commands, raft::Features features = {}) {
  Server server = elected("A", {"A"});
  server.set_features(features);
  for (const Command& command : commands) server.submit(0, command);
  return server;
}

// The snapshot `from` has, as a leader's InstallSnapshot chunks of `chunk` bytes.
std::vector<InstallSnapshot> chunks_of(const Snapshot& snapshot, Term term, std::size_t chunk) {
  const std::string data = raft::snapshot_data(snapshot);
  std::vector<InstallSnapshot> out;
  for (std::size_t offset = 0; offset < data.size(); offset += chunk) {
    out.push_back(InstallSnapshot{.term = term,
                                  .leader_id = "A",
                                  .last_included_index = snapshot.last_included_index,
                                  .last_included_term = snapshot.last_included_term,
                                  .offset = offset,
                                  .data = data.substr(offset, chunk),
                                  .done = offset + chunk >= data.size()});
  }
  return out;
}

Snapshot snapshot_of(LogIndex index, Term term, const std::vector<Command>& commands) {
  KeyValueStore store;
  for (const Command& command : commands) store.apply(command);
  return Snapshot{index, term, raft::Configuration{abc, {}}, store.save()};
}

}  // namespace

TEST_CASE("taking a snapshot discards the applied prefix and keeps the state") {
  Server leader = single_leader({Command::put("x", "1"), Command::put("y", "2")});
  REQUIRE(leader.last_applied() == LogIndex{3});
  const Effects effects = leader.take_snapshot();
  CHECK(leader.log().base_index() == LogIndex{3});
  CHECK(leader.log().base_term() == Term{1});
  CHECK(leader.log().entries().empty());
  CHECK(leader.last_log_index() == LogIndex{3});
  CHECK(leader.snapshot().last_included_index == LogIndex{3});
  CHECK(leader.store().get("x") == "1");
  // Durable: the Persist carries the snapshot.
  REQUIRE(effects.persist);
  REQUIRE(effects.persist->snapshot);
  CHECK(effects.persist->snapshot->state == leader.store().save());
  CHECK(events<event::SnapshotTaken>(effects).size() == 1);
  // Nothing applied since: no second snapshot.
  CHECK(events<event::SnapshotTaken>(leader.take_snapshot()).empty());
}

TEST_CASE("snapshot_every takes a snapshot after N entries applied") {
  raft::Features features;
  features.snapshot_every = 2;
  Server leader = single_leader({}, features);
  const Effects effects = leader.submit(0, Command::put("x", "1"));
  CHECK(events<event::SnapshotTaken>(effects).size() == 1);
  CHECK(leader.log().base_index() == LogIndex{2});
}

TEST_CASE("restart from a snapshot and the log suffix") {
  Server leader = elected("A", {"A"});
  RaftHardState disk = leader.hard_state();  // what the election made durable
  const auto persist = [&](const Effects& e) {
    if (e.persist) raft::write(*e.persist, disk);
  };
  persist(leader.submit(0, Command::put("x", "1")));
  persist(leader.take_snapshot());
  persist(leader.submit(0, Command::put("x", "2")));
  CHECK(disk.snapshot.last_included_index == LogIndex{2});
  CHECK(disk.log.base_index() == LogIndex{2});
  CHECK(disk == leader.hard_state());

  Server restarted(config_for("A", {"A"}), disk);
  // Only the snapshot is applied: the suffix is replayed once committed again.
  CHECK(restarted.commit_index() == LogIndex{2});
  CHECK(restarted.last_applied() == LogIndex{2});
  CHECK(restarted.store().get("x") == "1");
  CHECK(restarted.last_log_index() == LogIndex{3});
}

TEST_CASE("InstallSnapshot in chunks: a chunk out of order is refused with the expected offset") {
  LowestDraw low;
  Server follower(config_for("B", abc), RaftHardState{.current_term = Term{2}});
  const Snapshot snapshot = snapshot_of(LogIndex{5}, Term{2}, {Command::put("x", "1")});
  const auto chunks = chunks_of(snapshot, Term{2}, 4);
  REQUIRE(chunks.size() >= 3);

  Effects e = follower.handle(0, "A", chunks[0], low);
  CHECK(sent<SnapshotReply>(e).at(0).second.offset == 4);
  e = follower.handle(0, "A", chunks[2], low);  // chunk 1 was lost
  const auto reply = sent<SnapshotReply>(e).at(0).second;
  CHECK_FALSE(reply.done);
  CHECK(reply.offset == 4);
  for (std::size_t i = 1; i < chunks.size(); ++i) e = follower.handle(0, "A", chunks[i], low);
  CHECK(sent<SnapshotReply>(e).at(0).second.done);
  CHECK(follower.snapshot() == snapshot);
  CHECK(follower.commit_index() == LogIndex{5});
  CHECK(follower.last_applied() == LogIndex{5});
  CHECK(follower.store().get("x") == "1");
  REQUIRE(e.persist);
  CHECK(e.persist->snapshot == snapshot);
}

TEST_CASE("InstallSnapshot keeps the entries after the snapshot when the log holds its last one") {
  LowestDraw low;
  SUBCASE("retained: same index and term") {
    Server follower(config_for("B", abc),
                    RaftHardState{.current_term = Term{2}, .log = raft::Log{noops({1, 2, 2, 2})}});
    const Snapshot snapshot = snapshot_of(LogIndex{2}, Term{2}, {});
    Effects e;
    for (const auto& chunk : chunks_of(snapshot, Term{2}, 1000)) {
      e = follower.handle(0, "A", chunk, low);
    }
    CHECK(events<event::SnapshotInstalled>(e).at(0).kept_suffix);
    CHECK(follower.log().base_index() == LogIndex{2});
    CHECK(terms_of(follower.log()) == std::vector<std::uint64_t>{2, 2});
  }
  SUBCASE("discarded: a different term there") {
    Server follower(config_for("B", abc),
                    RaftHardState{.current_term = Term{3}, .log = raft::Log{noops({1, 1, 1})}});
    const Snapshot snapshot = snapshot_of(LogIndex{2}, Term{3}, {});
    Effects e;
    for (const auto& chunk : chunks_of(snapshot, Term{3}, 1000)) {
      e = follower.handle(0, "A", chunk, low);
    }
    CHECK_FALSE(events<event::SnapshotInstalled>(e).at(0).kept_suffix);
    CHECK(follower.log().entries().empty());
    CHECK(follower.last_log_index() == LogIndex{2});
    RaftHardState disk{.current_term = Term{3}, .log = raft::Log{noops({1, 1, 1})}};
    raft::write(*e.persist, disk);
    CHECK(disk.log == follower.log());
  }
}

TEST_CASE(
    "the leader sends its snapshot to a follower behind its first entry, then AppendEntries") {
  LowestDraw low;
  Server leader = elected("A", abc, noops({1, 1}), Term{1});
  leader.handle(0, "B", reply_success(Term{2}, LogIndex{3}, LogIndex{3}), low);
  REQUIRE(leader.commit_index() == LogIndex{3});
  leader.take_snapshot();
  leader.submit(0, Command::put("x", "1"));  // index 4
  // C refuses prev 3: its log is empty. Next index 3 is in the snapshot.
  Effects e = leader.handle(0, "C", reply_refusal(Term{2}, LogIndex{3}, LogIndex{0}), low);
  REQUIRE(sent<InstallSnapshot>(e).size() == 1);
  const InstallSnapshot first = sent<InstallSnapshot>(e).at(0).second;
  CHECK(first.last_included_index == LogIndex{3});
  CHECK(first.offset == 0);
  e = leader.handle(
      0, "C", SnapshotReply{.term = Term{2}, .last_included_index = LogIndex{3}, .done = true},
      low);
  const auto appends = sent<AppendEntries>(e);
  REQUIRE(appends.size() == 1);
  CHECK(appends.at(0).second.prev_log_index == LogIndex{3});
  CHECK(appends.at(0).second.entries.size() == 1);
}

TEST_CASE("a snapshot carries the de-duplication table: a repeat after it applies once") {
  KeyValueStore store;
  CHECK(store.apply(Command::put("x", "1", "c1", 1)));
  KeyValueStore restored;
  REQUIRE(restored.restore(store.save()));
  CHECK(restored == store);
  CHECK_FALSE(restored.apply(Command::put("x", "2", "c1", 1)));  // the same request again
  CHECK(restored.get("x") == "1");
  CHECK_FALSE(restored.restore("1;3:ab"));  // not what save() writes
  CHECK(restored.get("x") == "1");
}

TEST_CASE("an AppendEntries before the base is taken after it") {
  LowestDraw low;
  Server follower(config_for("B", abc), RaftHardState{.current_term = Term{2}});
  for (const auto& chunk : chunks_of(snapshot_of(LogIndex{3}, Term{2}, {}), Term{2}, 1000)) {
    follower.handle(0, "A", chunk, low);
  }
  const Effects e = follower.handle(
      0, "A", append_entries(Term{2}, "A", LogIndex{1}, Term{1}, noops({2, 2, 2})), low);
  const auto reply = sent<AppendReply>(e).at(0).second;
  CHECK(reply.success);
  CHECK(reply.match_index == LogIndex{4});
  CHECK(follower.last_log_index() == LogIndex{4});
}

TEST_CASE("InstallSnapshot and SnapshotReply on the wire: the data percent-encoded, one line") {
  const InstallSnapshot install{.term = Term{3},
                                .leader_id = "A",
                                .last_included_index = LogIndex{7},
                                .last_included_term = Term{2},
                                .offset = 16,
                                .data = "1;1:x3:a b\n%;",
                                .done = true};
  const std::string line = net::encode(Message{install});
  CHECK(line.find('\n') == std::string::npos);
  const Message back = net::decode_raft(line);
  REQUIRE(std::holds_alternative<InstallSnapshot>(back));
  CHECK(std::get<InstallSnapshot>(back).data == install.data);
  CHECK(std::get<InstallSnapshot>(back).offset == 16);
  const SnapshotReply reply{.term = Term{3}, .last_included_index = LogIndex{7}, .offset = 32};
  const Message reply_back = net::decode_raft(net::encode(Message{reply}));
  CHECK(std::get<SnapshotReply>(reply_back).offset == 32);
  CHECK_THROWS_AS(
      net::decode_raft("InstallSnapshot term 3 leader A last 7 2 offset x data a done yes"),
      net::DecodeError);
  CHECK_THROWS_AS(net::decode_raft("SnapshotReply term 3 last 7 offset 1"), net::DecodeError);
}

TEST_CASE("impossible InstallSnapshot and SnapshotReply messages are refused") {
  Server follower(config_for("B", abc), RaftHardState{.current_term = Term{2}});
  const InstallSnapshot good{.term = Term{2},
                             .leader_id = "A",
                             .last_included_index = LogIndex{3},
                             .last_included_term = Term{2},
                             .data = "x",
                             .done = false};
  CHECK_FALSE(follower.check("A", good));
  InstallSnapshot no_entry = good;
  no_entry.last_included_index = LogIndex{0};
  no_entry.last_included_term = Term{0};
  CHECK(follower.check("A", no_entry));
  InstallSnapshot later_term = good;
  later_term.last_included_term = Term{3};
  CHECK(follower.check("A", later_term));
  CHECK(follower.check("C", good));  // C sends it in A's name
  const SnapshotReply done_with_offset{
      .term = Term{2}, .last_included_index = LogIndex{3}, .offset = 5, .done = true};
  CHECK(follower.check("A", done_with_offset));
}

TEST_CASE("a lost snapshot chunk is sent again on the heartbeat") {
  LowestDraw low;
  Server leader = elected("A", abc, noops({1, 1}), Term{1});
  leader.handle(0, "B", reply_success(Term{2}, LogIndex{3}, LogIndex{3}), low);
  leader.take_snapshot();
  Effects e = leader.handle(0, "C", reply_refusal(Term{2}, LogIndex{3}, LogIndex{0}), low);
  const InstallSnapshot lost = sent<InstallSnapshot>(e).at(0).second;  // never arrives
  e = leader.tick(leader.config().timing.heartbeat, low);
  const auto again = sent<InstallSnapshot>(e);
  REQUIRE(again.size() == 1);
  CHECK(again.at(0).first == "C");
  CHECK(again.at(0).second.offset == lost.offset);
  CHECK(again.at(0).second.data == lost.data);
}

}  // namespace consensus_lab::raft_testing
