// Real mode, tested as a person uses it: `conlab node` processes on
// 127.0.0.1, started, killed with SIGKILL and restarted by the test itself,
// and clients that talk to them over TCP.
#include <doctest/doctest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "net/asio.h"
#include "net/client.h"
#include "net/storage.h"
#include "net/wire.h"

using namespace consensus_lab;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

unsigned short free_port() {
  net::asio::io_context io;
  net::tcp::acceptor acceptor(io, net::tcp::endpoint(net::asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Run `conlab ARGS…` to completion; its exit status and what it printed.
std::pair<int, std::string> run_conlab(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::FILE* out = std::fopen(log.c_str(), "w");
    dup2(fileno(out), STDOUT_FILENO);
    dup2(fileno(out), STDERR_FILENO);
    std::vector<std::string> all{CONLAB_PATH};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : all) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(CONLAB_PATH, raw.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, read_file(log)};
}

// A cluster of `conlab node` processes in a fresh folder.
class LocalCluster {
 public:
  LocalCluster(std::string protocol, std::size_t size) : protocol_(std::move(protocol)) {
    static int counter = 0;
    folder_ = fs::temp_directory_path() /
              ("consensus_lab_net_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    for (std::size_t i = 0; i < size; ++i) {
      const NodeId id(1, static_cast<char>('A' + i));
      ids_.push_back(id);
      endpoints_[id] = net::Endpoint{"127.0.0.1", free_port()};
    }
    for (const auto& id : ids_) start(id);
  }
  ~LocalCluster() {
    for (const auto& id : ids_) stop(id, SIGTERM);
    fs::remove_all(folder_);
  }

  void start(const NodeId& id) {
    std::vector<std::string> args{
        CONLAB_PATH, "node",     "--protocol",          protocol_,    "--id",
        id,          "--listen", endpoints_[id].text(), "--data-dir", (folder_ / id).string(),
        "--quiet"};
    for (const auto& [peer, endpoint] : endpoints_) {
      if (peer != id) {
        args.push_back("--peer");
        args.push_back(peer + "=" + endpoint.text());
      }
    }
    const auto log = (folder_ / (id + ".log")).string();
    const pid_t pid = fork();
    if (pid == 0) {
      std::FILE* out = std::fopen(log.c_str(), "a");
      dup2(fileno(out), STDOUT_FILENO);
      dup2(fileno(out), STDERR_FILENO);
      std::vector<char*> raw;
      for (auto& a : args) raw.push_back(a.data());
      raw.push_back(nullptr);
      execv(CONLAB_PATH, raw.data());
      _exit(127);
    }
    pids_[id] = pid;
  }
  // SIGKILL: no goodbye, no flush — only what was fsynced survives.
  void kill9(const NodeId& id) { stop(id, SIGKILL); }
  void stop(const NodeId& id, int signal) {
    const auto it = pids_.find(id);
    if (it == pids_.end()) return;
    ::kill(it->second, signal);
    waitpid(it->second, nullptr, 0);
    pids_.erase(it);
  }
  bool running(const NodeId& id) const { return pids_.count(id) != 0; }

  net::Client client(std::optional<NodeId> first = std::nullopt, Millis deadline = 10'000) {
    return net::Client({endpoints_, {}, deadline, 500, first});
  }
  // Wait until some node answers a get as leader.
  NodeId leader() {
    auto c = client();
    const auto result = c.get("__probe__");
    REQUIRE_MESSAGE(result.done, result.error);
    return result.served_by;
  }
  std::string log(const NodeId& id) const { return read_file(folder_ / (id + ".log")); }
  const fs::path& folder() const { return folder_; }
  const std::vector<NodeId>& ids() const { return ids_; }
  const net::Endpoint& endpoint(const NodeId& id) { return endpoints_[id]; }
  std::vector<NodeId> sorted_ids() const { return ids_; }

 private:
  std::string protocol_;
  fs::path folder_;
  std::vector<NodeId> ids_;
  std::map<NodeId, net::Endpoint> endpoints_;
  std::map<NodeId, pid_t> pids_;
};

// The commands in a stopped node's durable state, by kind put: key → value
// in log order (the last write wins).
std::map<std::string, std::string> durable_puts(const std::string& protocol, const fs::path& dir,
                                                const NodeId& id, std::vector<NodeId> cluster) {
  net::Store store(dir.string(), {protocol, id, cluster});
  std::map<std::string, std::string> puts;
  if (protocol == "raft") {
    for (const auto& entry : store.load_raft().log) {
      if (entry.command.kind == Command::Kind::put) puts[entry.command.key] = entry.command.value;
    }
  } else {
    for (const auto& [slot, command] : store.load_multipaxos().chosen) {
      if (command.kind == Command::Kind::put) puts[command.key] = command.value;
    }
  }
  return puts;
}

void failover(const std::string& protocol) {
  LocalCluster cluster(protocol, 3);
  auto writer = cluster.client();
  std::map<std::string, std::string> acknowledged;
  for (int i = 1; i <= 5; ++i) {
    const auto key = "k" + std::to_string(i), value = "v" + std::to_string(i);
    const auto result = writer.put(key, value);
    REQUIRE_MESSAGE(result.done, result.error);
    acknowledged[key] = value;
  }
  // Every node's point of view: a client that asks it first is redirected
  // to the leader, and reads what was written.
  for (const NodeId& id : cluster.ids()) {
    auto reader = cluster.client(id);
    const auto result = reader.get("k5");
    REQUIRE_MESSAGE(result.done, result.error);
    CHECK(result.reply.kind == net::Reply::Kind::value);
    CHECK(result.reply.text == "v5");
  }

  const NodeId old_leader = cluster.leader();
  cluster.kill9(old_leader);
  const auto killed_at = std::chrono::steady_clock::now();
  auto after = cluster.client(std::nullopt, 5'000);
  const auto put = after.put("after", "kill");
  REQUIRE_MESSAGE(put.done, put.error);
  const auto took = std::chrono::steady_clock::now() - killed_at;
  CHECK(put.served_by != old_leader);
  CHECK(took < 3s);  // a new leader within a few seconds (timeouts 150–300 ms)
  acknowledged["after"] = "kill";
  for (const auto& [key, value] : acknowledged) {
    const auto got = after.get(key);
    REQUIRE_MESSAGE(got.done, got.error);
    CHECK(got.reply.text == value);
  }

  // The killed node comes back from its data directory and catches up.
  cluster.start(old_leader);
  for (int i = 6; i <= 8; ++i) {
    const auto result = after.put("k" + std::to_string(i), "v" + std::to_string(i));
    REQUIRE_MESSAGE(result.done, result.error);
    acknowledged["k" + std::to_string(i)] = "v" + std::to_string(i);
  }
  std::this_thread::sleep_for(1500ms);
  for (const NodeId& id : cluster.ids()) cluster.stop(id, SIGTERM);
  for (const NodeId& id : cluster.ids()) {
    CAPTURE(id);
    const auto puts = durable_puts(protocol, cluster.folder() / id, id, cluster.ids());
    for (const auto& [key, value] : acknowledged) {
      CAPTURE(key);
      CHECK(puts.count(key) == 1);
      if (puts.count(key)) CHECK(puts.at(key) == value);
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
  char byte;
  socket.non_blocking(false);
  struct timeval timeout {
    3, 0
  };
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
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
void kill_loop(const std::string& protocol) {
  LocalCluster cluster(protocol, 3);
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
      REQUIRE_MESSAGE(own.done, own.error);
    }
    const auto got = client.get("x");
    REQUIRE_MESSAGE(got.done, got.error);
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
    REQUIRE_MESSAGE(got.done, got.error);
    CHECK(got.reply.kind == net::Reply::Kind::value);
  }
  MESSAGE(protocol << ": " << kills << " kills, " << acknowledged.size() << " of " << attempted
                   << " puts of x acknowledged");
}

}  // namespace

TEST_CASE("real raft cluster: kill -9 a random node again and again under load, nothing lost") {
  kill_loop("raft");
}

TEST_CASE(
    "real multipaxos cluster: kill -9 a random node again and again under load, nothing lost") {
  kill_loop("multipaxos");
}

TEST_CASE("real node: garbage on its port is rejected with a log line, and it keeps serving") {
  LocalCluster cluster("raft", 3);
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
  REQUIRE_MESSAGE(put.done, put.error);
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
        "node",     "--protocol",        "raft",       "--id",       id,
        "--listen", "127.0.0.1:" + port, "--data-dir", dir.string(), "--quiet"};
    for (const std::string peer : {"A", "B", "C"}) {
      if (peer == id) continue;
      args.push_back("--peer");
      args.push_back(peer + "=127.0.0.1:1");
    }
    return run_conlab(args, folder / "out.txt");
  };
  {  // a state file that belongs to node A
    net::Store store((folder / "a").string(), {"raft", "A", {"A", "B", "C"}});
    store.write(raft::Persist{raft::Term{3},
                              "A",
                              raft::LogIndex{1},
                              {raft::LogEntry{raft::Term{3}, Command::put("x", "1")}}});
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
        << "\npeer=A=127.0.0.1:1\npeer=C=127.0.0.1:2\ndata-dir=" << (folder / "a").string() << "\n";
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
