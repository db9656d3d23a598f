// Real mode, tested as a person uses it: `conlab node` processes on
// 127.0.0.1, started, killed with SIGKILL and restarted by the test itself,
// and clients that talk to them over TCP.
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <thread>
#include <utility>

#include "net/asio.h"
#include "net/client.h"
#include "net/storage.h"
#include "net/wire.h"
#include "tests/net/local_cluster.h"

using namespace consensus_lab;
using namespace consensus_lab::tests;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The commands in a stopped node's durable state, by kind put: key → value
// in log order (the last write wins).
std::map<std::string, std::string> durable_puts(const std::string& protocol, const fs::path& dir,
                                                const NodeId& id, std::vector<NodeId> cluster) {
  net::Store store(dir.string(), {protocol, id, cluster});
  std::map<std::string, std::string> puts;
  if (protocol == "raft") {
    const raft::RaftHardState state = store.load_raft();
    KeyValueStore snapshot;  // what the snapshot holds (paper §7), then the log after it
    snapshot.restore(state.snapshot.state);
    puts = snapshot.data();
    for (const auto& entry : state.log.entries()) {
      if (entry.command.kind == Command::Kind::put) puts[entry.command.key] = entry.command.value;
    }
  } else {
    for (const auto& [slot, command] : store.load_multipaxos().chosen) {
      if (command.kind == Command::Kind::put) puts[command.key] = command.value;
    }
  }
  return puts;
}

void failover(const std::string& protocol, std::vector<std::string> extra = {}) {
  LocalCluster cluster(protocol, 3, std::move(extra));
  auto writer = cluster.client();
  std::map<std::string, std::string> acknowledged;
  for (int i = 1; i <= 5; ++i) {
    const auto key = "k" + std::to_string(i), value = "v" + std::to_string(i);
    const auto result = writer.put(key, value);
    REQUIRE_MESSAGE(result.done, result.error.en);
    acknowledged[key] = value;
  }
  // Every node's point of view: a client that asks it first is redirected
  // to the leader, and reads what was written.
  for (const NodeId& id : cluster.ids()) {
    auto reader = cluster.client(id);
    const auto result = reader.get("k5");
    REQUIRE_MESSAGE(result.done, result.error.en);
    CHECK(result.reply.kind == net::Reply::Kind::value);
    CHECK(result.reply.text == "v5");
  }

  const NodeId old_leader = cluster.leader();
  cluster.kill9(old_leader);
  const auto killed_at = std::chrono::steady_clock::now();
  auto after = cluster.client(std::nullopt, 5'000);
  const auto put = after.put("after", "kill");
  REQUIRE_MESSAGE(put.done, put.error.en);
  const auto took = std::chrono::steady_clock::now() - killed_at;
  CHECK(put.served_by != old_leader);
  CHECK(took < 3s);  // a new leader within a few seconds (timeouts 150–300 ms)
  acknowledged["after"] = "kill";
  for (const auto& [key, value] : acknowledged) {
    const auto got = after.get(key);
    REQUIRE_MESSAGE(got.done, got.error.en);
    CHECK(got.reply.text == value);
  }

  // The killed node comes back from its data directory and catches up.
  cluster.start(old_leader);
  for (int i = 6; i <= 8; ++i) {
    const auto result = after.put("k" + std::to_string(i), "v" + std::to_string(i));
    REQUIRE_MESSAGE(result.done, result.error.en);
    acknowledged["k" + std::to_string(i)] = "v" + std::to_string(i);
  }
  std::this_thread::sleep_for(1500ms);
  for (const NodeId& id : cluster.ids()) cluster.stop(id, SIGTERM);
  for (const NodeId& id : cluster.ids()) {
    CAPTURE(id);
    const auto puts = durable_puts(protocol, cluster.folder() / id, id, cluster.ids());
    for (const auto& entry : acknowledged) {
      const std::string& key = entry.first;  // (clang 14 cannot capture a structured binding)
      CAPTURE(key);
      CHECK(puts.count(key) == 1);
      if (puts.count(key)) CHECK(puts.at(key) == entry.second);
    }
  }
}

// A raw connection: write bytes, and see whether the node closes it.
bool node_closes_after(const net::Endpoint& where, const std::string& bytes) {
  net::asio::io_context io;
  net::tcp::socket socket(io);
  socket.connect({net::asio::ip::make_address_v4(where.host), where.port});
  boost::system::error_code error;
  net::asio::write(socket, net::asio::buffer(bytes), error);
  // Wait at most 3 s for the close (poll: asio's blocking read would wait on
  // past a receive timeout, forever, if the node never closes).
  pollfd ready{socket.native_handle(), POLLIN, 0};
  if (::poll(&ready, 1, 3000) != 1) return false;
  char byte;
  const auto n = socket.read_some(net::asio::buffer(&byte, 1), error);
  return n == 0 && (error == net::asio::error::eof || error == net::asio::error::connection_reset);
}

}  // namespace

TEST_CASE("real raft cluster: put, get through every node, kill -9 the leader, restart it") {
  failover("raft");
}

TEST_CASE("real multipaxos cluster: put, get through every node, kill -9 the master, restart it") {
  failover("multipaxos");
}

// Thesis §6.4: the same, with every get answered by ReadIndex — and under
// the leader's lease, with pre-vote and check-quorum (the lease's other half).
TEST_CASE("real raft cluster, reads by ReadIndex: put, get, kill -9 the leader, get again") {
  failover("raft", {"--read", "read-index"});
}
TEST_CASE("real raft cluster, lease reads with check-quorum and pre-vote: the same") {
  failover("raft", {"--read", "lease", "--check-quorum", "--pre-vote"});
}
// Paper §7: the same with a snapshot every 3 entries: the restarted leader
// comes back from its snapshot, and the durable puts are in the snapshots.
TEST_CASE("real raft cluster with a snapshot every 3 entries: the same") {
  failover("raft", {"--snapshot-every", "3"});
}

namespace {

// Kills per run: 10 in CI; CONSENSUS_LAB_KILLS=200 for a longer run
// (docs/real-cluster.md).
int kills_wanted() {
  const char* text = std::getenv("CONSENSUS_LAB_KILLS");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : 10;
}

// Under a steady client load, kill -9 a random node again and again (and
// restart it): no acknowledged write is lost, and every read returns the
// latest acknowledged value — or a later one whose put was cut off before
// its answer, never an older one.
// `extra`: options every node gets; `after`: a last look at the cluster.
void kill_loop(const std::string& protocol, std::vector<std::string> extra = {},
               const std::function<void(LocalCluster&)>& after = {}) {
  LocalCluster cluster(protocol, 3, std::move(extra));
  std::mt19937 random(7);
  auto client = cluster.client(std::nullopt, 8'000);
  int last_acknowledged = 0, attempted = 0, kills = 0;
  const int wanted = kills_wanted();
  std::vector<int> acknowledged;
  auto next_kill = std::chrono::steady_clock::now() + 400ms;
  std::optional<NodeId> down;
  while (kills < wanted || down) {
    const int n = ++attempted;
    const auto put = client.put("x", std::to_string(n));
    if (put.done) {
      last_acknowledged = n;
      acknowledged.push_back(n);
      const auto own = client.put("k" + std::to_string(n), "1");  // a key of its own
      REQUIRE_MESSAGE(own.done, own.error.en);
    }
    const auto got = client.get("x");
    REQUIRE_MESSAGE(got.done, got.error.en);
    REQUIRE(got.reply.kind == net::Reply::Kind::value);
    const int seen = std::stoi(got.reply.text);
    CHECK(seen >= last_acknowledged);
    CHECK(seen <= attempted);
    // The nemesis: kill -9 a random node, restart it a little later.
    if (std::chrono::steady_clock::now() >= next_kill) {
      if (down) {
        cluster.start(*down);
        down.reset();
      } else {
        down = cluster.ids()[random() % cluster.ids().size()];
        cluster.kill9(*down);
        ++kills;
      }
      next_kill =
          std::chrono::steady_clock::now() + 300ms + std::chrono::milliseconds(random() % 400);
    }
  }
  CHECK(acknowledged.size() >= 10);
  // Every acknowledged write is there.
  for (int n : acknowledged) {
    const auto got = client.get("k" + std::to_string(n));
    REQUIRE_MESSAGE(got.done, got.error.en);
    CHECK(got.reply.kind == net::Reply::Kind::value);
  }
  MESSAGE(protocol << ": " << kills << " kills, " << acknowledged.size() << " of " << attempted
                   << " puts of x acknowledged");
  if (after) after(cluster);
}

}  // namespace

TEST_CASE("real raft cluster: kill -9 a random node again and again under load, nothing lost") {
  kill_loop("raft");
}

TEST_CASE(
    "real multipaxos cluster: kill -9 a random node again and again under load, nothing lost") {
  kill_loop("multipaxos");
}

// Paper §7: the same with a snapshot every 20 entries, so that the kills
// fall before, during and after snapshots, and restarted nodes come back
// from a snapshot and the log after it (or are sent the leader's).
TEST_CASE("real raft cluster with snapshots: kill -9 again and again under load, nothing lost") {
  kill_loop(
      "raft", {"--snapshot-every", "20", "--snapshot-chunk", "512"}, [](LocalCluster& cluster) {
        for (const NodeId& id : cluster.ids()) cluster.stop(id, SIGTERM);
        for (const NodeId& id : cluster.ids()) {
          CAPTURE(id);
          net::Store store((cluster.folder() / id).string(), {"raft", id, cluster.ids()});
          const raft::RaftHardState state = store.load_raft();
          CHECK(state.snapshot.last_included_index.value >= 60);  // three snapshots at least
          CHECK(state.log.entries().size() < 60);  // the log keeps only what follows the snapshot
        }
      });
}

TEST_CASE("real node: garbage on its port is rejected with a log line, and it keeps serving") {
  // The readable wire, as `nc` speaks it (tests/net/tls_test.cpp: the same over TLS).
  LocalCluster cluster("raft", 3, {"--plaintext"});
  const NodeId leader = cluster.leader();
  const auto& where = cluster.endpoint(leader);
  std::string random_bytes;
  std::mt19937 random(1);
  for (int i = 0; i < 200; ++i) random_bytes += static_cast<char>(random() % 256);
  CHECK(node_closes_after(where, random_bytes + "\n"));
  CHECK(node_closes_after(where, std::string(net::kMaxLine + 100, 'x')));
  CHECK(node_closes_after(where, "peer raft Z\n"));  // not a member
  // A connection that says it is one node, then speaks for another.
  std::vector<NodeId> others;
  for (const NodeId& id : cluster.ids()) {
    if (id != leader) others.push_back(id);
  }
  CHECK(node_closes_after(where, "peer raft " + others[0] + "\nRequestVote term 99 candidate " +
                                     others[1] + " last-log 0 0\n"));
  CHECK(node_closes_after(where, "client\nput c1 1 x\n"));  // a put without a value
  {  // A client that sends its requests and closes its side still gets every answer.
    net::asio::io_context io;
    net::tcp::socket socket(io);
    socket.connect({net::asio::ip::make_address_v4(where.host), where.port});
    net::asio::write(socket, net::asio::buffer(std::string("client\nput c9 1 w 5\nget w\n")));
    socket.shutdown(net::tcp::socket::shutdown_send);
    boost::system::error_code error;
    std::string answers;
    char chunk[256];
    for (std::size_t n; (n = socket.read_some(net::asio::buffer(chunk), error)) > 0 || !error;) {
      answers.append(chunk, n);
    }
    CHECK(answers == "ok\nvalue 5\n");
  }
  const std::string log = cluster.log(leader);
  CHECK(log.find("rejected a line from") != std::string::npos);
  CHECK(log.find("is not a member of this cluster") != std::string::npos);
  CHECK(log.find("a line longer than") != std::string::npos);
  // Still the leader, still serving.
  auto client = cluster.client();
  const auto put = client.put("still", "here");
  REQUIRE_MESSAGE(put.done, put.error.en);
  CHECK(client.get("still").reply.text == "here");
}

TEST_CASE("real node: a corrupt or foreign data directory stops it at start, with the reason") {
  const fs::path folder =
      fs::temp_directory_path() / ("consensus_lab_dir_" + std::to_string(getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  const std::string port = std::to_string(free_port());
  auto node = [&](const std::string& id, const fs::path& dir) {
    std::vector<std::string> args{
        "node",       "--protocol", "raft",    "--id",       id, "--listen", "127.0.0.1:" + port,
        "--data-dir", dir.string(), "--quiet", "--plaintext"};
    for (const std::string peer : {"A", "B", "C"}) {
      if (peer == id) continue;
      args.push_back("--peer");
      args.push_back(peer + "=127.0.0.1:1");
    }
    return run_conlab(args, folder / "out.txt");
  };
  {  // a state file that belongs to node A
    net::Store store((folder / "a").string(), {"raft", "A", {"A", "B", "C"}});
    store.write(raft::Persist{.current_term = raft::Term{3},
                              .voted_for = "A",
                              .log_from = raft::LogIndex{1},
                              .entries = {raft::LogEntry{raft::Term{3}, Command::put("x", "1")}}});
    store.sync();
  }
  SUBCASE("another node's directory") {
    const auto [status, out] = node("B", folder / "a");
    CHECK(status == 1);
    CHECK(out.find("belongs to raft node A of cluster A,B,C, not to raft node B") !=
          std::string::npos);
  }
  SUBCASE("another node's directory, named in a config file") {
    std::ofstream(folder / "B.conf")
        << "# node B\nprotocol=raft\nid=B\nlisten=127.0.0.1:" << port
        << "\npeer=A=127.0.0.1:1\npeer=C=127.0.0.1:2\nplaintext=\ndata-dir="
        << (folder / "a").string() << "\n";
    const auto [status, out] =
        run_conlab({"node", "--config", (folder / "B.conf").string()}, folder / "out.txt");
    CHECK(status == 1);
    CHECK(out.find("belongs to raft node A of cluster A,B,C, not to raft node B") !=
          std::string::npos);
  }
  SUBCASE("a directory another node process is using") {
    const net::Store open((folder / "a").string(), {"raft", "A", {"A", "B", "C"}});
    const auto [status, out] = node("A", folder / "a");
    CHECK(status == 1);
    CHECK(out.find("is in use by another node process") != std::string::npos);
  }
  SUBCASE("a folder with other files") {
    fs::create_directories(folder / "other");
    std::ofstream(folder / "other" / "notes.txt") << "mine\n";
    const auto [status, out] = node("A", folder / "other");
    CHECK(status == 1);
    CHECK(out.find("is not a consensus-lab data directory") != std::string::npos);
  }
  SUBCASE("garbage in state.db") {
    fs::create_directories(folder / "garbage");
    std::ofstream(folder / "garbage" / "state.db") << std::string(4096, 'z');
    const auto [status, out] = node("A", folder / "garbage");
    CHECK(status == 1);
    CHECK(out.find("cannot start") != std::string::npos);
  }
  SUBCASE("a log entry that does not decode") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((folder / "a" / "state.db").c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE raft_log SET command = 'put x' WHERE log_index = 1", nullptr,
                       nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    const auto [status, out] = node("A", folder / "a");
    CHECK(status == 1);
    CHECK(out.find("is corrupt: entry 1") != std::string::npos);
  }
  fs::remove_all(folder);
}

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Someone says `peer PROTOCOL MEMBER` — a real member's name: anyone who
// reaches the port can say it — and sends node `to` one impossible message
// per connection. Each is refused: the connection is closed and the node logs
// why. The node stays up, writes nothing of them to its data directory, the
// cluster keeps serving, and the node restarts from that directory.
void refused_and_survives(LocalCluster& cluster, const std::string& protocol, const NodeId& to,
                          const NodeId& member, const std::vector<std::string>& messages,
                          const std::vector<std::string>& reasons) {
  for (const std::string& message : messages) {
    CAPTURE(message);
    REQUIRE(node_closes_after(cluster.endpoint(to),
                              "peer " + protocol + " " + member + "\n" + message + "\n"));
  }
  CHECK(cluster.alive(to));
  const std::string log = cluster.log(to);
  CHECK(count(log, "refused a message from " + member + ": ") == messages.size());
  for (const std::string& reason : reasons) {
    CAPTURE(reason);
    CHECK(log.find(reason) != std::string::npos);
  }
  auto client = cluster.client();
  const auto put = client.put("after", "refusal");
  REQUIRE_MESSAGE(put.done, put.error.en);
  CHECK(client.get("after").reply.text == "refusal");
  // A restart from the data directory, and the node serves again (as leader,
  // or by redirecting to the leader).
  cluster.stop(to, SIGTERM);
  cluster.start(to);
  // Wait until it listens again (its data directory read back), so that the
  // client below reaches it and not only the others.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count(cluster.log(to), "listening on") < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(count(cluster.log(to), "listening on") == 2);
  auto through = cluster.client(to);
  const auto again = through.put("after", "restart");
  REQUIRE_MESSAGE(again.done, again.error.en);
  const auto got = through.get("after");
  REQUIRE_MESSAGE(got.done, got.error.en);
  CHECK(got.reply.text == "restart");
  CHECK(cluster.alive(to));
  CHECK(count(cluster.log(to), "listening on") == 2);
  CHECK(cluster.log(to).find("cannot start") == std::string::npos);
}

// The leader (or master) of `cluster`, and another node: A, or B when A leads.
std::pair<NodeId, NodeId> leader_and_another(LocalCluster& cluster) {
  const NodeId leader = cluster.leader();
  return {leader, leader == "A" ? "B" : "A"};
}

// The term a quiet raft node's log last says it leads.
std::string leader_term(const std::string& log) {
  const std::string words = "leader of term ";
  const auto at = log.rfind(words);
  REQUIRE(at != std::string::npos);
  return std::to_string(std::stoull(log.substr(at + words.size())));
}

}  // namespace

TEST_CASE(
    "real raft node: an AppendReply that claims a match past the leader's log is refused, and "
    "the leader goes on") {
  // This line used to kill the leader: an index past the end of its log.
  // (--plaintext: the test speaks as a member without a certificate.)
  LocalCluster cluster("raft", 3, {"--plaintext"});
  const auto [leader, member] = leader_and_another(cluster);
  const std::string term = leader_term(cluster.log(leader));
  refused_and_survives(
      cluster, "raft", leader, member,
      {"AppendReply term " + term + " success yes match 1000000 last 1000000",
       "AppendReply term " + term + " success no match 18446744073709551615 last 0"},
      {"AppendReply claims a match at 1000000, past the leader's last index",
       "the match index 18446744073709551615 is larger than a server can store"});
}

TEST_CASE(
    "real multipaxos node: a Heartbeat with commit 2^64 - 1 and an Accept for slot 0 are "
    "refused, and the replica goes on") {
  // Until multipaxos::Replica::check() refuses them, the Heartbeat makes the
  // replica count slots up to 2^64 - 1, and the Accept stores slot 0.
  // (--plaintext: the test speaks as a member without a certificate.)
  LocalCluster cluster("multipaxos", 3, {"--plaintext"});
  const auto [master, follower] = leader_and_another(cluster);
  // The master's name, and a ballot it owns (replica k of 3 owns k, k + 3, …)
  // far above any promise yet.
  const auto k = static_cast<std::uint64_t>(master[0] - 'A' + 1);
  const std::string ballot = std::to_string(k + 3 * 1000);
  refused_and_survives(cluster, "multipaxos", follower, master,
                       {"Heartbeat ballot " + ballot + " commit 18446744073709551615 sent-at 0",
                        "Accept ballot " + ballot + " slot 0 commit 0 [ noop ]"},
                       {});
}
