// `protocol raft` in scenario files (shared/SCENARIOS.md): `timeout ID`, `transfer-leadership ID`,
// `put [ID] KEY VALUE`, `read [ID] KEY`, `set-log ID T1 T2 …`, `set-term ID T`, the settings
// `election-timeout` and `heartbeat`, the rules of raft/server.h (kRuleNames), and the
// expectations leader / role / term / voted / log / log-length / commit / kv / read.
// Log compaction (paper §7): `snapshot ID`, `expect snapshot ID INDEX [TERM]`.
// Message types: request-vote, vote, append-entries, append-reply, pre-vote, pre-vote-reply,
// timeout-now, install-snapshot, snapshot-reply, removed.
#include <algorithm>
#include <iterator>
#include <memory>
#include <utility>

#include "cluster/raft_cluster.h"
#include "narration/describers.h"
#include "tools/scenario/leader_based.h"
#include "tools/scenario/raft_membership.h"
#include "tools/scenario/world_scenario.h"
#include "viewer/views.h"

namespace consensus_lab::scenario {

namespace {

using cluster::RaftCluster;
using raft::Term;
using raft::to_string;

class RaftScenario final
    : public LeaderBasedScenario<raft::Message, raft::Event, narration::RaftDescriber, RaftCluster,
                                 raft::Server> {
 public:
  RaftScenario() : LeaderBasedScenario("raft", raft::kRuleNames) {}

  bool header(const Line& line) override {
    if (line.command() == "proposers") {
      fail({"proposers is for paxos: raft servers take puts",
            "`proposers` 属于 `paxos`：`raft` 的服务器接收 `put`"});
    }
    return membership_.header(line);  // `members ID…`
  }

  void start(const std::vector<NodeId>& nodes, std::uint64_t seed,
             const Narration& narration) override {
    cluster_ = std::make_unique<RaftCluster>(cluster::RaftOptions{
        .servers = nodes, .members = membership_.first_members(nodes), .seed = seed});
    attach_narration(narration);
    if (narration.page) viewer::record(*cluster_, *narration.page);
  }

 protected:
  std::vector<std::string> message_types() const override {
    return {"request-vote",   "vote",        "append-entries",   "append-reply",   "pre-vote",
            "pre-vote-reply", "timeout-now", "install-snapshot", "snapshot-reply", "removed"};
  }
  bool names_by_content() const override { return true; }
  std::vector<std::string> words_of(const raft::Message& m) const override {
    return raft::message_words(m);
  }

  Text leader_title() const override { return {"leader", "领导者"}; }
  const raft::Server* live_node(const NodeId& id) const override { return cluster_->server(id); }
  bool believes_it_leads(const raft::Server& server) const override {
    return server.role() == raft::Role::leader;
  }

  // The features of raft/rules.h: `set pre-vote on|off`, `set check-quorum
  // on|off`, `set read-mode log|read-index|lease`, `set snapshot-every N`,
  // `set snapshot-chunk BYTES`.
  bool set_protocol(const Line& line) override {
    if (LeaderBasedScenario::set_protocol(line)) return true;
    const std::string& what = line[1];
    raft::Features features = cluster_->options().features;
    if (what == "leader-stability") {  // the checker's property (raft_stability_invariant.h)
      require_words(line, 3, 3, "set leader-stability on|off");
      if (line[2] != "off" && line[2] != "on")
        fail({"set leader-stability takes on or off, not '" + line[2] + "'",
              "`set leader-stability` 后面跟 `on` 或 `off`，而不是 '" + line[2] + "'"});
      cluster_->set_leader_stability(line[2] == "on");
      return true;
    }
    if (what == "pre-vote" || what == "check-quorum") {
      require_words(line, 3, 3, "set " + what + " on|off");
      if (line[2] != "off" && line[2] != "on")
        fail({"set " + what + " takes on or off, not '" + line[2] + "'",
              "`set " + what + "` 后面跟 `on` 或 `off`，而不是 '" + line[2] + "'"});
      (what == "pre-vote" ? features.pre_vote : features.check_quorum) = line[2] == "on";
    } else if (what == "read-mode") {
      require_words(line, 3, 3, "set read-mode log|read-index|lease");
      const auto mode = raft::read_mode_named(line[2]);
      if (!mode)
        fail({"a read mode is log, read-index or lease, not '" + line[2] + "'",
              "读的方式是 `log`、`read-index` 或 `lease`，而不是 '" + line[2] + "'"});
      features.read_mode = *mode;
    } else if (what == "snapshot-every") {
      require_words(line, 3, 3, "set snapshot-every N");
      features.snapshot_every = parse_number(line[2], {"the number of entries", "日志项数"});
    } else if (what == "snapshot-chunk") {
      require_words(line, 3, 3, "set snapshot-chunk BYTES");
      features.snapshot_chunk_bytes = parse_number(line[2], {"the chunk size", "分块大小"});
      if (features.snapshot_chunk_bytes == 0)
        fail({"a snapshot chunk holds at least 1 byte", "快照分块至少 1 个字节"});
    } else {
      return false;
    }
    cluster_->set_features(features);
    return true;
  }

  bool execute_protocol(const Line& line) override {
    if (execute_common(line)) return true;
    if (membership_.execute(
            line, *cluster_, [&](const std::string& word) { return node(word); },
            [&] {
              return current_leader({"send the membership change to", "接收成员变更"});
            })) {
      return true;
    }
    const std::string& command = line.command();
    if (command == "set-log") {
      if (line.size() < 2) fail_usage("set-log ID T1 T2 …");
      const NodeId& id = node(line[1]);
      require_up(id);
      std::vector<Term> terms;
      for (std::size_t i = 2; i < line.size(); ++i) {
        terms.push_back(Term{parse_number(line[i], {"a term", "任期"})});
        if (terms.size() > 1 && terms.back() < terms[terms.size() - 2]) {
          fail({"the terms of a log never go down (" + line[i - 1] + " then " + line[i] + ")",
                "日志中的任期只增不减（" + line[i - 1] + " 之后是 " + line[i] + "）"});
        }
      }
      cluster_->set_log(id, terms);
      return true;
    }
    if (command == "set-term") {
      require_words(line, 3, 3, "set-term ID T");
      const NodeId& id = node(line[1]);
      require_up(id);
      cluster_->set_term(id, Term{parse_number(line[2], {"the term", "任期"})});
      return true;
    }
    if (command == "transfer-leadership") return transfer_leadership(line);
    if (command == "snapshot") {  // paper §7: a snapshot now, at its last applied index
      require_words(line, 2, 2, "snapshot ID");
      const NodeId& id = node(line[1]);
      require_up(id);
      cluster_->snapshot(id);
      return true;
    }
    if (command == "propose") {
      fail({"propose is a paxos command (raft uses put)",
            "`propose` 是 `paxos` 的命令（`raft` 用 `put`）"});
    }
    return false;
  }

  bool expect_protocol(const Line& line) override {
    if (expect_common(line) || membership_.expect(line, *cluster_)) return true;
    const std::string& what = line[1];
    const std::string expected = line.text().substr(7);
    if (what == "role") {
      require_words(line, 4, 4, "expect role ID follower|candidate|leader|pre-candidate");
      const NodeId& id = node(line[2]);
      if (std::find(std::begin(raft::kRoleNames), std::end(raft::kRoleNames), line[3]) ==
          std::end(raft::kRoleNames)) {
        fail({"a role is follower, candidate, leader or pre-candidate, not '" + line[3] + "'",
              "角色是 `follower`、`candidate`、`leader` 或 `pre-candidate`，而不是 '" + line[3] +
                  "'"});
      }
      const auto* server = cluster_->server(id);
      const std::string actual = server ? std::string(raft::to_string(server->role())) : "down";
      if (actual != line[3]) expect_failed(expected, "role " + id + " " + actual);
      return true;
    }
    if (what == "term") {
      require_words(line, 4, 4, "expect term ID T");
      const NodeId& id = node(line[2]);
      const auto term = parse_number(line[3], {"the term", "任期"});
      const auto actual = cluster_->state(id).current_term.value;
      if (actual != term) expect_failed(expected, "term " + id + " " + std::to_string(actual));
      return true;
    }
    if (what == "voted") {
      require_words(line, 4, 4, "expect voted ID CANDIDATE|none");
      const NodeId& id = node(line[2]);
      if (line[3] != "none") node(line[3]);
      const auto& voted = cluster_->state(id).voted_for;
      const std::string actual = voted ? *voted : "none";
      if (actual != line[3]) expect_failed(expected, "voted " + id + " " + actual);
      return true;
    }
    if (what == "log") {
      if (line.size() < 3) fail_usage("expect log ID ITEM…");
      const NodeId& id = node(line[2]);
      // After a snapshot: the entries after its last included index.
      const raft::Log& whole = cluster_->state(id).log;
      const auto& log = whole.entries();
      // ITEM is `T` or `T:CMD`: compare each item in the form it was written.
      bool holds = log.size() == line.size() - 3;
      std::string actual;
      if (whole.base_index().value > 0)
        actual = " (after snapshot " + to_string(whole.base_index()) + ")";
      for (std::size_t i = 0; i < log.size(); ++i) {
        const std::string term = raft::to_string(log[i].term);
        const std::string full = term + ":" + to_scenario_word(log[i].command);
        actual += " " + full;
        if (i + 3 < line.size()) {
          const std::string& item = line[i + 3];
          holds = holds && (item.find(':') == std::string::npos ? item == term : item == full);
        }
      }
      if (!holds) expect_failed(expected, "log " + id + actual);
      return true;
    }
    if (what == "log-length" || what == "commit") {
      require_words(line, 4, 4, "expect " + what + " ID N");
      const NodeId& id = node(line[2]);
      const auto number = parse_number(line[3], {"the count", "数目"});
      std::uint64_t actual = cluster_->state(id).log.last_index().value;
      if (what == "commit") {
        const auto* server = cluster_->server(id);
        actual = server ? server->commit_index().value : 0;
      }
      if (actual != number) expect_failed(expected, what + " " + id + " " + std::to_string(actual));
      return true;
    }
    if (what == "read") return expect_read(line);
    if (what == "snapshot") return expect_snapshot(line, expected);
    if (what == "chosen" || what == "learned" || what == "promised" || what == "accepted") {
      fail({"expect " + what + " is for paxos, not raft",
            "`expect " + what + "` 属于 `paxos`，不属于 `raft`"});
    }
    return false;
  }

 public:
  // Membership changes for the checker (tools/scenario/raft_membership.cpp).
  std::vector<std::string> check_header(const std::vector<NodeId>& nodes) const override {
    return RaftMembership::check_header(nodes);
  }
  std::vector<std::string> membership_lines(std::uint64_t pick) override {
    return membership_.lines(*cluster_, pick);
  }
  // Any live server but the leader: a learner or a removed server too (it
  // gets TimeoutNow and, not a voter, does not stand; the leader gives the
  // transfer up after an election timeout).
  std::optional<std::string> transfer_line(std::uint64_t pick) override {
    const auto leader = cluster_->leader();
    std::vector<NodeId> targets;
    for (const NodeId& id : cluster_->participants()) {
      if (id != leader && cluster_->server(id)) targets.push_back(id);
    }
    if (!leader || targets.empty()) return std::nullopt;
    return "transfer-leadership " + targets[pick % targets.size()];
  }

 private:
  // `transfer-leadership TARGET`: the current leader hands its leadership to
  // TARGET (thesis §3.10).
  bool transfer_leadership(const Line& line) {
    require_words(line, 2, 2, "transfer-leadership TARGET");
    const NodeId& target = node(line[1]);
    const auto leader = cluster_->leader();
    if (!leader) {
      fail({"transfer-leadership: no server leads now", "`transfer-leadership`：现在没有领导者"});
    }
    if (*leader == target) {
      fail({"transfer-leadership: " + target + " is the leader already",
            "`transfer-leadership`：" + target + " 已经是领导者"});
    }
    if (!cluster_->server(target)) {
      fail({"transfer-leadership: " + target + " is down",
            "`transfer-leadership`：" + target + " 已宕机"});
    }
    cluster_->transfer_leadership(*leader, target);
    return true;
  }

  // `expect read N VALUE|none|unanswered`: the answer to the N-th read taken
  // without a log entry (read mode read-index or lease), counted from 1.
  bool expect_read(const Line& line) const {
    require_words(line, 4, 4, "expect read N VALUE|none|unanswered");
    const auto n = parse_number(line[2], {"the read's number", "读请求的编号"});
    const std::uint64_t taken = cluster_->reads_taken();
    if (n == 0 || n > taken) {
      const std::string count = std::to_string(taken);
      fail({"there is no read " + line[2] + " without a log entry (reads taken so far: " + count +
                ")",
            "没有不经过日志的第 " + line[2] + " 个读请求（目前共有 " + count + " 个）"});
    }
    const auto answer = cluster_->read_index_answer(n);
    const std::string actual = !answer ? "unanswered" : answer->value_or("none");
    if (actual != line[3]) expect_failed(line.text().substr(7), "read " + line[2] + " " + actual);
    return true;
  }

  std::vector<NodeId> members_now() const override { return RaftMembership::voters_now(*cluster_); }
  RaftMembership membership_;

  // `expect snapshot ID INDEX [TERM]`: ID's snapshot's last included index
  // (0: none) and term.
  bool expect_snapshot(const Line& line, const std::string& expected) {
    require_words(line, 4, 5, "expect snapshot ID INDEX [TERM]");
    const NodeId& id = node(line[2]);
    const auto index = parse_number(line[3], {"the snapshot's index", "快照的索引"});
    const raft::Snapshot& snapshot = cluster_->state(id).snapshot;
    bool holds = snapshot.last_included_index.value == index;
    if (line.size() == 5) {
      const auto term = parse_number(line[4], {"the snapshot's term", "快照的任期"});
      holds = holds && snapshot.last_included_term.value == term;
    }
    if (!holds) {
      expect_failed(expected, "snapshot " + id + " " + to_string(snapshot.last_included_index) +
                                  " " + to_string(snapshot.last_included_term));
    }
    return true;
  }

  std::vector<Command> committed_commands() const override {
    std::vector<Command> commands;
    for (const auto& [index, entry] : cluster_->committed()) commands.push_back(entry.command);
    return commands;
  }
};

}  // namespace

std::unique_ptr<ProtocolScenario> make_raft_scenario() {
  return std::make_unique<RaftScenario>();
}

}  // namespace consensus_lab::scenario
