#include "tools/jepsen/nodes.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>
#include <vector>

#include "net/certificates.h"
#include "net/endpoint.h"

namespace consensus_lab::tools::jepsen {

namespace fs = std::filesystem;

Nodes::Nodes(const NodesOptions& options) {
  std::map<NodeId, unsigned short> ports;
  const auto free = net::free_ports(options.nodes);
  for (std::size_t i = 0; i < options.nodes; ++i) {
    const NodeId id(1, static_cast<char>('A' + i));
    ports[id] = free[i];
    cluster_[id] = net::Endpoint{"127.0.0.1", ports[id]};
  }
  proxy_ = std::make_unique<Proxy>(ports);
  const fs::path certs = options.folder / "tls";
  if (!options.plaintext) {
    std::vector<net::Certified> members{{net::Certified::Role::client, "client"}};
    for (const auto& [id, port] : ports) members.push_back({net::Certified::Role::node, id});
    net::make_missing(certs, members);
    tls_ = net::Tls::load(certs, "client");
  }
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  for (const auto& [id, port] : ports) {
    NodeLaunch launch{.conlab = self,
                      .protocol = options.protocol,
                      .id = id,
                      .port = port,
                      .quiet = true,
                      .features = options.features,
                      .lang = options.lang};
    for (const auto& [peer, peer_port] : ports) {
      if (peer != id) launch.peers.emplace_back(peer, proxy_->port(id, peer));
    }
    if (!options.in_memory) launch.data_dir = (options.folder / id).string();
    if (!options.plaintext) launch.certs = certs.string();
    NodeProcess& node = processes_[id];
    node.id = id;
    node.port = port;
    node.log = (options.folder / (id + ".log")).string();
    set_command(node, launch);
  }
}

Nodes::~Nodes() {
  stop_all();
}

bool Nodes::start(const NodeId& id) {
  const pid_t pid = spawn(processes_.at(id));
  if (pid <= 0) return false;
  pids_[id] = pid;
  return true;
}

bool Nodes::start_all() {
  for (const auto& [id, process] : processes_) {
    if (!start(id)) return false;
  }
  return true;
}

void Nodes::kill(const NodeId& id) {
  const auto found = pids_.find(id);
  if (found == pids_.end()) return;
  ::kill(found->second, SIGKILL);
  waitpid(found->second, nullptr, 0);
  pids_.erase(found);
}

void Nodes::pause(const NodeId& id) {
  if (pids_.count(id) != 0) ::kill(pids_.at(id), SIGSTOP);
}

void Nodes::resume(const NodeId& id) {
  if (pids_.count(id) != 0) ::kill(pids_.at(id), SIGCONT);
}

void Nodes::stop_all() {
  for (const auto& [id, pid] : pids_) {
    ::kill(pid, SIGCONT);
    ::kill(pid, SIGINT);
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (const auto& [id, pid] : pids_) {
    while (waitpid(pid, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > give_up) {
        ::kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  pids_.clear();
}

}  // namespace consensus_lab::tools::jepsen
