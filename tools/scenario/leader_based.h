// What multipaxos and raft — the protocols with a leader — share in scenario
// files: `set election-timeout MIN..MAX`, `set election-timeout ID=MS…`,
// `set heartbeat MS`, `put [ID] KEY VALUE`, `read [ID] KEY` and `timeout ID`.
// Cluster is MultiPaxosCluster or RaftCluster: both have options().timing
// with election_timeout_min/max and heartbeat, set_timing(),
// set_fixed_election_timeout(), leader(), client_put(), client_read() and
// timeout().
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/command.h"

#include "tools/scenario/script.h"

namespace consensus_lab::scenario {

// Handles line if it is one of those settings; false otherwise. `node`
// checks a node id and returns it (or fails).
template <class Cluster>
bool set_timing(const Line& line, Cluster& cluster,
                const std::function<NodeId(const std::string&)>& node) {
  const std::string& what = line[1];
  if (what == "election-timeout") {
    if (line.size() < 3) fail("usage: set election-timeout MIN..MAX | set election-timeout ID=MS…");
    if (line[2].find('=') == std::string::npos) {
      require_words(line, 3, 3, "set election-timeout MIN..MAX");
      const auto [low, high] = parse_range(line[2], "the election timeout");
      if (low == 0) fail("the election timeout must be at least 1 ms");
      auto timing = cluster.options().timing;
      timing.election_timeout_min = low;
      timing.election_timeout_max = high;
      cluster.set_timing(timing);
      return true;
    }
    for (std::size_t i = 2; i < line.size(); ++i) {
      const auto equals = line[i].find('=');
      if (equals == std::string::npos) fail("usage: set election-timeout ID=MS…");
      const NodeId id = node(line[i].substr(0, equals));
      const Millis timeout = parse_millis(line[i].substr(equals + 1), "the election timeout");
      if (timeout == 0) fail("the election timeout must be at least 1 ms");
      cluster.set_fixed_election_timeout(id, timeout);
    }
    return true;
  }
  if (what == "heartbeat") {
    require_words(line, 3, 3, "set heartbeat MS");
    const Millis interval = parse_millis(line[2], "the heartbeat interval");
    if (interval == 0) fail("the heartbeat interval must be at least 1 ms");
    auto timing = cluster.options().timing;
    timing.heartbeat = interval;
    cluster.set_timing(timing);
    return true;
  }
  return false;
}

// `put [ID] KEY VALUE`: to ID, which must be up and believe it leads, or to
// the current leader. `leads(id)` says whether a live node believes it leads
// (none: it is down); `title` is "master" or "leader".
template <class Cluster>
void put(const Line& line, Cluster& cluster, const std::string& title,
         const std::function<NodeId(const std::string&)>& node,
         const std::function<std::optional<bool>(const NodeId&)>& leads) {
  require_words(line, 3, 4, "put [ID] KEY VALUE");
  NodeId target;
  if (line.size() == 4) {
    target = node(line[1]);
    const auto leading = leads(target);
    if (!leading) fail(target + " is down");
    if (!*leading) fail(target + " does not believe it is " + title);
  } else {
    const auto leader = cluster.leader();
    if (!leader) fail("there is no " + title + " to put to");
    target = *leader;
  }
  cluster.client_put(target, line[line.size() - 2], line[line.size() - 1]);
}

// `read [ID] KEY`: a client reads KEY at ID (which must be up), or at the
// current leader. The leader answers (at once under a lease, else through the
// log); another node redirects the client, who then hears nothing. Every
// answer goes into the client history that is checked for linearizability.
template <class Cluster>
void read(const Line& line, Cluster& cluster, const std::string& title,
          const std::function<NodeId(const std::string&)>& node,
          const std::function<bool(const NodeId&)>& up) {
  require_words(line, 2, 3, "read [ID] KEY");
  NodeId target;
  if (line.size() == 3) {
    target = node(line[1]);
    if (!up(target)) fail(target + " is down");
  } else {
    const auto leader = cluster.leader();
    if (!leader) fail("there is no " + title + " to read from");
    target = *leader;
  }
  cluster.client_read(target, line[line.size() - 1]);
}

// `expect leader ID`, `expect leader none`, and the extra `expect leader any`
// (some live node leads: what the checker's liveness phase asks).
template <class Cluster>
void expect_leader(const Line& line, const Cluster& cluster,
                   const std::function<NodeId(const std::string&)>& node) {
  require_words(line, 3, 3, "expect leader ID | expect leader none | expect leader any");
  const auto leader = cluster.leader();
  const std::string actual = leader ? *leader : "none";
  if (line[2] == "any") {
    if (!leader) expect_failed("leader any", "leader none");
    return;
  }
  if (line[2] != "none") node(line[2]);
  if (actual != line[2]) expect_failed(line.text().substr(7), "leader " + actual);
}

// The randomized checker's client for multipaxos and raft: request N writes
// the value N to one of a few keys (k1, k2, k3: reads then have something to
// disagree about), or reads one of them — at the leader, or at a node picked
// at random (a follower redirects). `pick` is a random number.
inline std::string put_line(std::uint64_t number, std::uint64_t pick = 0) {
  return "put k" + std::to_string(1 + pick / 10'000 % 3) + " " + std::to_string(number);
}
inline std::string client_request_line(std::uint64_t number, std::uint64_t pick,
                                       const std::vector<NodeId>& servers) {
  const std::string key = "k" + std::to_string(1 + pick / 10'000 % 3);
  const std::uint64_t kind = pick % 100;
  if (kind < 50) return put_line(number, pick);
  if (kind < 80 || servers.empty()) return "read " + key;
  return "read " + servers[pick / 100 % servers.size()] + " " + key;
}

// What the liveness phase expects of multipaxos and raft: every put committed
// (or chosen) — every write a client saw acknowledged — and the probe put are
// in every server's state machine.
// Keys are written many times: the last value committed for each is the one
// every server must hold.
inline std::vector<std::string> every_put_applied(const std::vector<NodeId>& servers,
                                                  const std::vector<Command>& committed,
                                                  std::optional<std::uint64_t> probe) {
  std::map<std::string, std::string> puts;
  for (const Command& command : committed) {
    if (command.kind == Command::Kind::put) puts[command.key] = command.value;
  }
  if (probe) puts["k" + std::to_string(*probe)] = std::to_string(*probe);
  std::vector<std::string> lines;
  for (const auto& [key, value] : puts) {
    for (const NodeId& id : servers) lines.push_back("expect kv " + id + " " + key + " " + value);
  }
  return lines;
}

inline std::uint64_t puts_in(const std::vector<Command>& committed) {
  std::uint64_t count = 0;
  for (const Command& command : committed) count += command.kind == Command::Kind::put;
  return count;
}

// What the randomized checker asks of multipaxos and raft (Checkable), the
// same for both: a client puts `kN N` to the leader; the liveness phase
// probes with one more put and expects every committed put, and the probe,
// applied on every server. Base is the protocol's WorldScenario; the derived
// scenario builds cluster_ and says which commands are committed.
template <class Base, class Cluster>
class LeaderBasedScenario : public Base {
 public:
  std::vector<std::string> check_header(const std::vector<NodeId>&) const override { return {}; }
  std::vector<std::string> check_settings() const override { return {}; }
  std::vector<NodeId> servers() const override { return cluster_->participants(); }
  std::optional<NodeId> leader() const override { return cluster_->leader(); }
  std::optional<std::string> client_line(std::uint64_t number, std::uint64_t pick) override {
    if (!cluster_->leader()) return std::nullopt;
    std::vector<NodeId> up;
    for (const NodeId& id : servers()) {
      if (this->is_up(id)) up.push_back(id);
    }
    return client_request_line(number, pick, up);
  }
  std::vector<std::string> probe_lines(std::uint64_t number) override {
    probe_ = number;
    return {"expect leader any", "put k" + std::to_string(number) + " " + std::to_string(number)};
  }
  std::vector<std::string> progress_lines() const override {
    return every_put_applied(members_now(), committed_commands(), probe_);
  }
  std::uint64_t committed() const override { return puts_in(committed_commands()); }

 protected:
  // Commands committed (raft) or chosen (multipaxos), in log order.
  virtual std::vector<Command> committed_commands() const = 0;
  // The servers that must hold every committed command (a removed
  // Multi-Paxos replica stops where it was removed).
  virtual std::vector<NodeId> members_now() const { return servers(); }

  std::unique_ptr<Cluster> cluster_;

 private:
  std::optional<std::uint64_t> probe_;
};

}  // namespace consensus_lab::scenario
