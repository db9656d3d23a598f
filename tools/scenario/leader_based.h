// What multipaxos and raft — the protocols with a leader — share in scenario
// files: `set election-timeout MIN..MAX`, `set election-timeout ID=MS…`,
// `set heartbeat MS`, `put [ID] KEY VALUE`, `read [ID] KEY`, `timeout ID`,
// `expect leader ID|none|any` and `expect kv ID KEY VALUE|none`; and what the
// randomized checker asks of both (Checkable).
// Cluster is MultiPaxosCluster or RaftCluster: both have options().timing
// with election_timeout_min/max and heartbeat, set_timing(),
// set_fixed_election_timeout(), leader(), client_put(), client_read(),
// timeout() and participants().
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/command.h"
#include "tools/scenario/script.h"
#include "tools/scenario/world_scenario.h"

namespace consensus_lab::scenario {

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

// The scenario of a protocol with a leader. The derived scenario builds
// cluster_ (start()), says what its leader is called, how to find a live
// node (a Node: multipaxos::Replica, raft::Server) and whether it leads, and
// which commands are committed; the shared commands and expectations are its
// execute_common() and expect_common().
//
// For the randomized checker the two protocols behave alike: a client puts
// `kN N` to the leader, or reads; the liveness phase probes with one more put
// and expects every committed put, and the probe, applied on every server.
template <class M, class E, class Describer, class Cluster, class Node>
class LeaderBasedScenario : public ClusterScenario<M, E, Describer, Cluster> {
 public:
  using ClusterScenario<M, E, Describer, Cluster>::ClusterScenario;

  // ---- Checkable ----
  std::vector<std::string> check_header(const std::vector<NodeId>&) const override { return {}; }
  std::vector<std::string> check_settings() const override { return {}; }
  std::vector<NodeId> servers() const override { return this->cluster_->participants(); }
  std::optional<NodeId> leader() const override { return this->cluster_->leader(); }
  std::optional<std::string> client_line(std::uint64_t number, std::uint64_t pick) override {
    if (!this->cluster_->leader()) return std::nullopt;
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
  // What the leader is called in errors: master / 主节点 (multipaxos),
  // leader / 领导者 (raft).
  virtual Text leader_title() const = 0;
  // Node `id`, or nullptr when it is down.
  virtual const Node* live_node(const NodeId& id) const = 0;
  virtual bool believes_it_leads(const Node& node) const = 0;
  // Commands committed (raft) or chosen (multipaxos), in log order.
  virtual std::vector<Command> committed_commands() const = 0;
  // The servers that must hold every committed command (a removed
  // Multi-Paxos replica stops where it was removed).
  virtual std::vector<NodeId> members_now() const { return servers(); }

  // The leader now; fails when there is none ("there is no master to put
  // to" / "现在没有主节点来接收写请求").
  NodeId current_leader(const Text& what_for) const {
    const auto leader = this->cluster_->leader();
    if (!leader) {
      fail({"there is no " + leader_title().en + " to " + what_for.en,
            "现在没有" + leader_title().zh + "来" + what_for.zh});
    }
    return *leader;
  }

  bool set_protocol(const Line& line) override {
    const std::string& what = line[1];
    if (what == "election-timeout") {
      if (line.size() < 3)
        fail_usage("set election-timeout MIN..MAX | set election-timeout ID=MS…");
      if (line[2].find('=') == std::string::npos) return set_timeout_range(line);
      for (std::size_t i = 2; i < line.size(); ++i) set_fixed_timeout(line[i]);
      return true;
    }
    if (what == "heartbeat") {
      require_words(line, 3, 3, "set heartbeat MS");
      const Millis interval = parse_millis(line[2], {"the heartbeat interval", "心跳间隔"});
      if (interval == 0)
        fail({"the heartbeat interval must be at least 1 ms", "心跳间隔至少是 1 ms"});
      auto timing = this->cluster_->options().timing;
      timing.heartbeat = interval;
      this->cluster_->set_timing(timing);
      return true;
    }
    return false;
  }

  // `put`, `read` and `timeout`; false for another command.
  bool execute_common(const Line& line) {
    const std::string& command = line.command();
    if (command == "put") {
      put(line);
    } else if (command == "read") {
      read(line);
    } else if (command == "timeout") {
      require_words(line, 2, 2, "timeout ID");
      const NodeId& id = this->node(line[1]);
      this->require_up(id);
      this->cluster_->timeout(id);
    } else {
      return false;
    }
    return true;
  }

  // `expect leader` and `expect kv`; false for another expectation.
  bool expect_common(const Line& line) {
    if (line[1] == "leader") {
      expect_leader(line);
      return true;
    }
    if (line[1] != "kv") return false;
    require_words(line, 5, 5, "expect kv ID KEY VALUE | expect kv ID KEY none");
    const NodeId& id = this->node(line[2]);
    const Node* server = live_node(id);
    if (server == nullptr) {
      fail({id + " is down: its state machine is gone until it restarts",
            id + " 已宕机：它的状态机要等它重启后才恢复"});
    }
    const auto value = server->store().get(line[3]);
    const std::string actual = value ? *value : "none";
    if (actual != line[4]) {
      expect_failed(line.text().substr(7), "kv " + id + " " + line[3] + " " + actual);
    }
    return true;
  }

 private:
  static Text election_timeout() { return {"the election timeout", "选举超时"}; }
  [[noreturn]] static void timeout_too_short() {
    fail({"the election timeout must be at least 1 ms", "选举超时至少是 1 ms"});
  }

  // `set election-timeout MIN..MAX`: a random timeout from the range.
  bool set_timeout_range(const Line& line) {
    require_words(line, 3, 3, "set election-timeout MIN..MAX");
    const auto [low, high] = parse_range(line[2], election_timeout());
    if (low == 0) timeout_too_short();
    auto timing = this->cluster_->options().timing;
    timing.election_timeout_min = low;
    timing.election_timeout_max = high;
    this->cluster_->set_timing(timing);
    return true;
  }

  // `ID=MS` of `set election-timeout ID=MS…`: a fixed timeout for ID.
  void set_fixed_timeout(const std::string& word) {
    const auto equals = word.find('=');
    if (equals == std::string::npos) fail_usage("set election-timeout ID=MS…");
    const NodeId id = this->node(word.substr(0, equals));
    const Millis timeout = parse_millis(word.substr(equals + 1), election_timeout());
    if (timeout == 0) timeout_too_short();
    this->cluster_->set_fixed_election_timeout(id, timeout);
  }

  // `put [ID] KEY VALUE`: to ID, which must be up and believe it leads, or
  // to the current leader.
  void put(const Line& line) {
    require_words(line, 3, 4, "put [ID] KEY VALUE");
    NodeId target;
    if (line.size() == 4) {
      target = this->node(line[1]);
      this->require_up(target);
      if (!believes_it_leads(*live_node(target))) {  // up: not nullptr
        fail({target + " does not believe it is " + leader_title().en,
              target + " 不认为自己是" + leader_title().zh});
      }
    } else {
      target = current_leader({"put to", "接收写请求"});
    }
    this->cluster_->client_put(target, line[line.size() - 2], line[line.size() - 1]);
  }

  // `read [ID] KEY`: a client reads KEY at ID (which must be up), or at the
  // current leader. The leader answers (at once under a lease, else through
  // the log); another node redirects the client, who then hears nothing.
  // Every answer goes into the client history that is checked for
  // linearizability.
  void read(const Line& line) {
    require_words(line, 2, 3, "read [ID] KEY");
    NodeId target;
    if (line.size() == 3) {
      target = this->node(line[1]);
      this->require_up(target);
    } else {
      target = current_leader({"read from", "接收读请求"});
    }
    this->cluster_->client_read(target, line[line.size() - 1]);
  }

  // `expect leader ID`, `expect leader none`, and the extra `expect leader
  // any` (some live node leads: what the checker's liveness phase asks).
  void expect_leader(const Line& line) const {
    require_words(line, 3, 3, "expect leader ID | expect leader none | expect leader any");
    const auto leader = this->cluster_->leader();
    const std::string actual = leader ? *leader : "none";
    if (line[2] == "any") {
      if (!leader) expect_failed("leader any", "leader none");
      return;
    }
    if (line[2] != "none") this->node(line[2]);
    if (actual != line[2]) expect_failed(line.text().substr(7), "leader " + actual);
  }

  std::optional<std::uint64_t> probe_;
};

}  // namespace consensus_lab::scenario
