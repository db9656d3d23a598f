// Raft snapshots in real mode (paper §7; 快照): `conlab node --snapshot-every`
// keeps a snapshot in its data directory instead of the log it covers; a
// node killed with SIGKILL comes back from it; and a follower that was down
// while the leader compacted past its log is sent the leader's snapshot, in
// chunks, over TCP (InstallSnapshot).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "net/storage.h"
#include "tests/net/local_cluster.h"

using namespace consensus_lab;
using namespace consensus_lab::tests;

namespace {

// Values a snapshot must carry intact, over the wire and on disk.
std::string value_of(int i) {
  return "value " + std::to_string(i) + " — 值 ✓ with spaces%20and a percent";
}

// A stopped node's durable state.
raft::RaftHardState durable(LocalCluster& cluster, const NodeId& id) {
  net::Store store((cluster.folder() / id).string(), {"raft", id, cluster.ids()});
  return store.load_raft();
}

// The state machine a node's snapshot holds.
KeyValueStore snapshot_machine(const raft::RaftHardState& state) {
  KeyValueStore machine;
  CHECK(machine.restore(state.snapshot.state));
  return machine;
}

void put_all(net::Client& client, int from, int to, std::map<std::string, std::string>& written) {
  for (int i = from; i <= to; ++i) {
    const auto result = client.put("k" + std::to_string(i), value_of(i));
    REQUIRE_MESSAGE(result.done, result.error.en);
    written["k" + std::to_string(i)] = value_of(i);
  }
}

void check_reads(net::Client& client, const std::map<std::string, std::string>& written) {
  for (const auto& [key, value] : written) {
    const auto got = client.get(key);
    REQUIRE_MESSAGE(got.done, got.error.en);
    CHECK(got.reply.kind == net::Reply::Kind::value);
    CHECK(got.reply.text == value);
  }
}

}  // namespace

TEST_CASE("real raft cluster with snapshots: kill -9 every node, restart, the same values") {
  LocalCluster cluster("raft", 3, {"--snapshot-every", "10"});
  auto client = cluster.client();
  std::map<std::string, std::string> written;
  put_all(client, 1, 35, written);
  std::this_thread::sleep_for(500ms);  // the followers apply (and snapshot) the last entries too
  for (const NodeId& id : cluster.ids()) cluster.kill9(id);

  // On disk: a snapshot, and only the log after it.
  for (const NodeId& id : cluster.ids()) {
    CAPTURE(id);
    const auto state = durable(cluster, id);
    CHECK(state.snapshot.last_included_index.value >= 30);
    CHECK(state.log.base_index() == state.snapshot.last_included_index);
    CHECK(state.log.entries().size() < 20);
    CHECK(snapshot_machine(state).get("k20") == value_of(20));
  }

  for (const NodeId& id : cluster.ids()) cluster.start(id);
  auto after = cluster.client();
  check_reads(after, written);
  put_all(after, 36, 40, written);
  check_reads(after, written);
}

TEST_CASE("real raft cluster with snapshots: a follower behind the snapshot gets it over TCP") {
  // Small chunks: the snapshot (about 3 KB) goes over in many of them.
  LocalCluster cluster("raft", 3, {"--snapshot-every", "10", "--snapshot-chunk", "200"});
  auto client = cluster.client();
  std::map<std::string, std::string> written;
  put_all(client, 1, 3, written);
  const NodeId leader = cluster.leader();
  const NodeId behind = leader == "A" ? "B" : "A";
  const NodeId other = leader != "C" && behind != "C" ? "C" : (leader == "B" ? "A" : "B");
  cluster.kill9(behind);
  put_all(client, 4, 40, written);  // the leader compacts past the log `behind` holds

  // `behind` comes back; with `other` down the leader commits nothing
  // until `behind` holds its log again — from the snapshot.
  cluster.start(behind);
  cluster.kill9(other);
  put_all(client, 41, 45, written);
  check_reads(client, written);

  cluster.stop(leader, SIGTERM);
  cluster.stop(behind, SIGTERM);
  const auto state = durable(cluster, behind);
  CHECK(state.snapshot.last_included_index.value >= 30);
  const KeyValueStore machine = snapshot_machine(state);
  CHECK(machine.get("k1") == value_of(1));
  CHECK(machine.get("k30") == value_of(30));
  CHECK(cluster.log(behind).find("installs the snapshot up to") != std::string::npos);
}
