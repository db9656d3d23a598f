// Real mode's tests (tests/net/): a cluster of `conlab node` processes on
// 127.0.0.1 that a test starts, kills with SIGKILL and restarts itself, and
// `conlab` run to completion.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "net/asio.h"
#include "net/certificates.h"
#include "net/client.h"
#include "net/endpoint.h"

namespace consensus_lab::tests {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

inline unsigned short free_port() {
  return net::free_ports(1).front();
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Run `conlab ARGS…` to completion; its exit status and what it printed.
inline std::pair<int, std::string> run_conlab(const std::vector<std::string>& args,
                                              const fs::path& log) {
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
  // `extra`: options every node gets (e.g. --read lease --check-quorum).
  // TLS with certificates in FOLDER/tls, unless `extra` says --plaintext.
  LocalCluster(std::string protocol, std::size_t size, std::vector<std::string> extra = {})
      : protocol_(std::move(protocol)), extra_(std::move(extra)) {
    static int counter = 0;
    folder_ = fs::temp_directory_path() /
              ("consensus_lab_net_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    const auto ports = net::free_ports(size);  // all different (net/endpoint.h)
    for (std::size_t i = 0; i < size; ++i) {
      const NodeId id(1, static_cast<char>('A' + i));
      ids_.push_back(id);
      endpoints_[id] = net::Endpoint{"127.0.0.1", ports[i]};
    }
    plaintext_ = std::find(extra_.begin(), extra_.end(), "--plaintext") != extra_.end();
    if (!plaintext_) {
      std::vector<net::Certified> members{{net::Certified::Role::client, "client"}};
      for (const auto& id : ids_) members.push_back({net::Certified::Role::node, id});
      net::make_missing(folder_ / "tls", members);
      extra_.insert(extra_.end(), {"--certs", (folder_ / "tls").string()});
      tls_ = net::Tls::load(folder_ / "tls", "client");
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
    args.insert(args.end(), extra_.begin(), extra_.end());
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
  // A node that has not stopped 5 s after the signal (one that hangs) gets
  // SIGKILL.
  void stop(const NodeId& id, int signal) {
    const auto it = pids_.find(id);
    if (it == pids_.end()) return;
    ::kill(it->second, signal);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (waitpid(it->second, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(it->second, SIGKILL);
        waitpid(it->second, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    pids_.erase(it);
  }
  bool running(const NodeId& id) const { return pids_.count(id) != 0; }
  // Started by us and not exited since.
  bool alive(const NodeId& id) const {
    const auto it = pids_.find(id);
    return it != pids_.end() && waitpid(it->second, nullptr, WNOHANG) == 0;
  }

  net::Client client(std::optional<NodeId> first = std::nullopt, Millis deadline = 10'000) {
    return net::Client({endpoints_, {}, deadline, 500, first, tls_});
  }
  // Wait until some node answers a get as leader.
  NodeId leader() {
    auto c = client();
    const auto result = c.get("__probe__");
    REQUIRE_MESSAGE(result.done, result.error.en);
    return result.served_by;
  }
  std::string log(const NodeId& id) const { return read_file(folder_ / (id + ".log")); }
  const fs::path& folder() const { return folder_; }
  // The clients' TLS settings (CA and client certificate); none with --plaintext.
  const std::shared_ptr<net::Tls>& tls() const { return tls_; }
  const std::vector<NodeId>& ids() const { return ids_; }
  const net::Endpoint& endpoint(const NodeId& id) { return endpoints_[id]; }
  std::vector<NodeId> sorted_ids() const { return ids_; }

 private:
  std::string protocol_;
  std::vector<std::string> extra_;
  bool plaintext_ = false;
  std::shared_ptr<net::Tls> tls_;
  fs::path folder_;
  std::vector<NodeId> ids_;
  std::map<NodeId, net::Endpoint> endpoints_;
  std::map<NodeId, pid_t> pids_;
};

}  // namespace consensus_lab::tests
