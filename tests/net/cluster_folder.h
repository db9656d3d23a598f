// A local cluster as a person starts it (`conlab cluster start` in a fresh
// folder), for real mode's tests (tests/net/): its nodes' pids, logs, kills
// and restarts, and `conlab cluster` actions on it.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "net/admin_wire.h"
#include "net/client.h"
#include "net/client_connection.h"
#include "net/endpoint.h"
#include "net/wire.h"

namespace consensus_lab::tests {

namespace fs = std::filesystem;

// A free loopback port for `conlab view`: `conlab cluster start --viewer-port`
// keeps its nodes off it.
inline unsigned short free_port_for_view() {
  return net::free_ports(1).front();
}
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A cluster started by `conlab cluster start` in a fresh folder, stopped
// (and the folder removed) at the end.
class ClusterFolder {
 public:
  explicit ClusterFolder(const std::string& options = "") {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("consensus_lab_members_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(dir_);
    const auto [status, out] = conlab("start " + options);
    REQUIRE_MESSAGE(status == 0, out);
  }
  ~ClusterFolder() {
    conlab("stop");
    // The nodes exit on their own time, removing their SQLite side files:
    // try again until the folder is gone.
    std::error_code error;
    eventually([&] { return fs::remove_all(dir_, error), !fs::exists(dir_); }, 5s);
  }

  // `conlab cluster ACTION --dir DIR`: its exit status and what it printed.
  std::pair<int, std::string> conlab(const std::string& action) const {
    const std::string command =
        std::string(CONLAB_PATH) + " cluster " + action + " --dir " + dir_.string() + " 2>&1";
    std::FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
  }

  std::map<NodeId, net::Endpoint> cluster() const {
    std::ifstream file(dir_ / "cluster.txt");
    std::string text;
    std::getline(file, text);
    return net::parse_cluster(text).value_or(std::map<NodeId, net::Endpoint>{});
  }
  net::Client client(Millis deadline = 10'000) const {
    const auto nodes = cluster();
    REQUIRE(!nodes.empty());  // (add-node and remove-node replace cluster.txt at once)
    return net::Client(
        net::ClientOptions{.cluster = nodes, .deadline = deadline, .tls = tools_tls()});
  }
  std::string log(const NodeId& id) const {
    std::ifstream in(dir_ / (id + ".log"));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // The pid of node `id`, if it runs (from DIR/pids and /proc).
  std::optional<pid_t> pid(const NodeId& id) const {
    std::ifstream pids(dir_ / "pids");
    for (long pid; pids >> pid;) {
      std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
      std::string args((std::istreambuf_iterator<char>(cmdline)), {});
      std::replace(args.begin(), args.end(), '\0', ' ');
      if (args.find(" node ") != std::string::npos && args.find(" --id " + id + " ") != args.npos)
        return static_cast<pid_t>(pid);
    }
    return std::nullopt;
  }
  // (No REQUIRE in these two: the nemesis thread below calls them.)
  bool kill9(const NodeId& id) const {
    const auto p = pid(id);
    if (!p) return false;
    kill(*p, SIGKILL);
    return eventually([&] { return !pid(id); }, 5s);
  }
  // sh DIR/restart-ID.sh, in the background (a grandchild: nobody waits for it).
  bool restart(const NodeId& id) const {
    const std::string script = (dir_ / ("restart-" + id + ".sh")).string();
    const pid_t child = fork();
    if (child == 0) {
      if (fork() == 0) {
        setsid();
        execl("/bin/sh", "sh", script.c_str(), static_cast<char*>(nullptr));
      }
      _exit(0);
    }
    waitpid(child, nullptr, 0);
    return eventually([&] { return pid(id).has_value(); }, 5s);
  }

  // The leader's `members` reply: "VOTERS LEARNERS committed|pending".
  std::string members() const {
    for (const auto& [id, where] : cluster()) {
      const auto tls = tools_tls();
      net::ClientConnection connection(id, where, tls ? &tls->client() : nullptr);
      const auto reply =
          connection.exchange(encode(net::AdminRequest{net::MembersRequest{}}) + "\n", 2'000);
      if (reply && reply->kind == net::Reply::Kind::value) return reply->text;
    }
    return {};
  }

  static bool eventually(const std::function<bool()>& holds, Clock::duration within) {
    const auto until = Clock::now() + within;
    while (!holds()) {
      if (Clock::now() > until) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  const fs::path& dir() const { return dir_; }
  // A client's TLS settings for this folder (none when it runs --plaintext).
  std::shared_ptr<net::Tls> tools_tls() const {
    if (!fs::exists(dir_ / "tls" / "client.crt")) return nullptr;
    return net::Tls::load(dir_ / "tls", "client");
  }

 private:
  fs::path dir_;
};

}  // namespace consensus_lab::tests
