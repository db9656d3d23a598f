// What multipaxos and raft — the protocols with a leader — share in scenario
// files: `set election-timeout MIN..MAX`, `set election-timeout ID=MS…`,
// `set heartbeat MS`, `put [ID] KEY VALUE` and `timeout ID`. Cluster is
// MultiPaxosCluster or RaftCluster: both have options().timing with
// election_timeout_min/max and heartbeat, set_timing(),
// set_fixed_election_timeout(), leader(), submit() and timeout().
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
  cluster.submit(target, Command::put(line[line.size() - 2], line[line.size() - 1]));
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

// The randomized checker's client for multipaxos and raft: request N is
// `put kN N`, to the leader.
inline std::string put_line(std::uint64_t number) {
  const std::string n = std::to_string(number);
  return "put k" + n + " " + n;
}

// What the liveness phase expects of multipaxos and raft: every put committed
// (or chosen) — every write a client saw acknowledged — and the probe put are
// in every server's state machine.
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
  std::vector<std::string> check_header() const override { return {}; }
  std::vector<std::string> check_settings() const override { return {}; }
  std::vector<NodeId> servers() const override { return cluster_->participants(); }
  std::optional<NodeId> leader() const override { return cluster_->leader(); }
  std::optional<std::string> client_line(std::uint64_t number, std::uint64_t) override {
    if (!cluster_->leader()) return std::nullopt;
    return put_line(number);
  }
  std::vector<std::string> probe_lines(std::uint64_t number) override {
    probe_ = number;
    return {"expect leader any", put_line(number)};
  }
  std::vector<std::string> progress_lines() const override {
    return every_put_applied(servers(), committed_commands(), probe_);
  }
  std::uint64_t committed() const override { return puts_in(committed_commands()); }

 protected:
  // Commands committed (raft) or chosen (multipaxos), in log order.
  virtual std::vector<Command> committed_commands() const = 0;

  std::unique_ptr<Cluster> cluster_;

 private:
  std::optional<std::uint64_t> probe_;
};

}  // namespace consensus_lab::scenario
