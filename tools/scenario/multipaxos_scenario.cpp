// `protocol multipaxos` in scenario files: the commands `put [ID] KEY VALUE`,
// `read [ID] KEY` and `timeout ID`, the settings `election-timeout` and `heartbeat`, the rules
// of multipaxos/rules.h (kRuleNames), and the expectations leader / log / log-length / commit /
// kv (shared/SCENARIOS.md; docs/scenarios.md). Message types: prepare,
// promise, reject, accept, accepted, heartbeat, heartbeat-ok, catch-up, chosen.
// Documented extras: the header word `members ID…` (the first configuration),
// the commands `add-replica ID` and `remove-replica ID` (a membership command
// put into the log through the master), and the expectations
// `expect read ID KEY VALUE|none|redirect|through-log` and
// `expect members ID…` (the members for the next free slot).
#include <memory>
#include <utility>

#include "cluster/multipaxos_cluster.h"
#include "narration/describers.h"
#include "tools/scenario/leader_based.h"
#include "tools/scenario/world_scenario.h"
#include "viewer/views.h"

namespace consensus_lab::scenario {

namespace {

using cluster::MultiPaxosCluster;
using multipaxos::Command;
using multipaxos::Slot;

class MultiPaxosScenario final
    : public LeaderBasedScenario<multipaxos::Message, multipaxos::Event,
                                 narration::MultiPaxosDescriber, MultiPaxosCluster,
                                 multipaxos::Replica> {
 public:
  MultiPaxosScenario() : LeaderBasedScenario("multipaxos", multipaxos::kRuleNames) {}

  bool header(const Line& line) override {
    if (line.command() == "proposers") {
      fail({"proposers is for paxos: multipaxos replicas propose",
            "`proposers` 属于 `paxos`：`multipaxos` 由副本自己提议"});
    }
    if (line.command() != "members") return false;
    // An extra: the first configuration, when some nodes are to join later.
    if (!members_.empty()) fail({"members are given twice", "`members` 写了两次"});
    if (line.size() < 2) fail_usage("members ID…");
    for (std::size_t i = 1; i < line.size(); ++i) members_.push_back(line[i]);
    return true;
  }

  void start(const std::vector<NodeId>& nodes, std::uint64_t seed,
             const Narration& narration) override {
    // The narration must see the replicas' first timers being armed, so the
    // cluster is built with narration attached right after.
    for (const NodeId& member : members_) {
      if (std::find(nodes.begin(), nodes.end(), member) == nodes.end()) {
        fail({"member " + member + " is not one of the nodes",
              "成员 " + member + " 不在 `nodes` 一行中"});
      }
    }
    cluster_ = std::make_unique<MultiPaxosCluster>(
        cluster::MultiPaxosOptions{.replicas = nodes, .members = members_, .seed = seed});
    attach_narration(narration);
    if (narration.page) viewer::record(*cluster_, *narration.page);
  }

 protected:
  std::vector<std::string> message_types() const override {
    return {"prepare",   "promise",      "reject",   "accept", "accepted",
            "heartbeat", "heartbeat-ok", "catch-up", "chosen"};
  }
  bool names_by_content() const override { return true; }
  std::vector<std::string> words_of(const multipaxos::Message& m) const override {
    return multipaxos::message_words(m);
  }

  Text leader_title() const override { return {"master", "主节点"}; }
  const multipaxos::Replica* live_node(const NodeId& id) const override {
    return cluster_->replica(id);
  }
  bool believes_it_leads(const multipaxos::Replica& replica) const override {
    return replica.is_master();
  }

  // `set slots-per-accept N`: the master sends up to N consecutive slots in
  // one Accept, answered by one Accepted (multipaxos::Timing::slots_per_accept;
  // 1, one slot per Accept as in the notes, by default).
  bool set_protocol(const Line& line) override {
    if (LeaderBasedScenario::set_protocol(line)) return true;
    if (line[1] != "slots-per-accept") return false;
    require_words(line, 3, 3, "set slots-per-accept N");
    const auto slots = parse_number(line[2], {"the slots per Accept", "每个接受请求的槽位数"});
    if (slots < 1 || slots >= multipaxos::kMaxSlotsPerMessage) {
      fail({"set slots-per-accept: 1 to " + std::to_string(multipaxos::kMaxSlotsPerMessage - 1),
            "`set slots-per-accept`：1 到 " + std::to_string(multipaxos::kMaxSlotsPerMessage - 1)});
    }
    multipaxos::Timing timing = cluster_->options().timing;
    timing.slots_per_accept = slots;
    cluster_->set_timing(timing);
    return true;
  }

  bool execute_protocol(const Line& line) override {
    if (execute_common(line)) return true;
    const std::string& command = line.command();
    if (command == "add-replica" || command == "remove-replica") {
      require_words(line, 2, 2, command + " ID");
      const NodeId& id = node(line[1]);
      const NodeId leader = current_leader({"send the membership change to", "接收成员变更"});
      cluster_->submit(leader, command == "add-replica" ? Command::add(id) : Command::remove(id));
      return true;
    }
    if (command == "propose") {
      fail({"propose is a paxos command (multipaxos uses put)",
            "`propose` 是 `paxos` 的命令（`multipaxos` 用 `put`）"});
    }
    if (command == "set-log" || command == "set-term") {
      fail({command + " is a raft command, not multipaxos",
            "`" + command + "` 是 `raft` 的命令，不属于 `multipaxos`"});
    }
    return false;
  }

  bool expect_protocol(const Line& line) override {
    if (expect_common(line)) return true;
    const std::string& what = line[1];
    const std::string expected = line.text().substr(7);
    if (what == "log") {
      if (line.size() < 3) fail_usage("expect log ID ITEM…");
      const NodeId& id = node(line[2]);
      std::string wanted, actual;
      for (std::size_t i = 3; i < line.size(); ++i) wanted += " " + line[i];
      for (const auto& item : log_items(id)) actual += " " + item;
      if (wanted != actual) expect_failed(expected, "log " + id + actual);
      return true;
    }
    if (what == "log-length" || what == "commit") {
      require_words(line, 4, 4, "expect " + what + " ID N");
      const NodeId& id = node(line[2]);
      const auto number = parse_number(line[3], {"the slot count", "槽位数"});
      const std::uint64_t actual =
          what == "commit" ? commit_of(id) : static_cast<std::uint64_t>(log_items(id).size());
      if (actual != number) expect_failed(expected, what + " " + id + " " + std::to_string(actual));
      return true;
    }
    if (what == "read") {
      require_words(line, 5, 5, "expect read ID KEY VALUE|none|redirect|through-log");
      const NodeId& id = node(line[2]);
      const auto read = cluster_->read(id, line[3]);
      std::string actual;
      switch (read.outcome) {
        case MultiPaxosCluster::Read::Outcome::value:
          actual = read.value.value_or("none");
          break;
        case MultiPaxosCluster::Read::Outcome::redirect:
          actual = "redirect";
          break;
        case MultiPaxosCluster::Read::Outcome::through_log:
          actual = "through-log";
          break;
      }
      if (actual != line[4]) expect_failed(expected, "read " + id + " " + line[3] + " " + actual);
      return true;
    }
    if (what == "members") {
      const auto members = cluster_->members_at(
          Slot{cluster_->chosen().empty() ? 1 : cluster_->chosen().rbegin()->first.value + 1});
      std::string wanted, actual;
      for (std::size_t i = 2; i < line.size(); ++i) wanted += " " + line[i];
      for (const auto& m : members) actual += " " + m;
      if (wanted != actual) expect_failed(expected, "members" + actual);
      return true;
    }
    if (what == "chosen" || what == "learned" || what == "promised" || what == "accepted") {
      fail({"expect " + what + " is for paxos, not multipaxos",
            "`expect " + what + "` 属于 `paxos`，不属于 `multipaxos`"});
    }
    if (what == "role" || what == "term" || what == "voted") {
      fail({"expect " + what + " is for raft, not multipaxos",
            "`expect " + what + "` 属于 `raft`，不属于 `multipaxos`"});
    }
    return false;
  }

 public:
  // With four nodes or more, the checker starts with three members; the
  // others are added (and members removed) through the log as it goes.
  std::vector<std::string> check_header(const std::vector<NodeId>& nodes) const override {
    if (nodes.size() < 4) return {};
    return {"members " + nodes[0] + " " + nodes[1] + " " + nodes[2]};
  }

  // The checker's membership changes: remove one of three members or more,
  // add a node that is not one, or replace a member by a node that is
  // not (a removal and an addition back to back: two changes in one α
  // window). One change at a time: the next only once every earlier one is
  // chosen, so that the members never run out.
  std::vector<std::string> membership_lines(std::uint64_t pick) override {
    if (!cluster_->leader()) return {};
    std::size_t chosen = 0;
    for (const auto& [slot, command] : cluster_->chosen()) {
      chosen += multipaxos::is_membership_change(command);
    }
    if (chosen < membership_requests_) return {};
    // The members once every change chosen so far counts.
    const Slot last = cluster_->chosen().empty() ? Slot{0} : cluster_->chosen().rbegin()->first;
    const auto members =
        cluster_->members_at(Slot{last.value + cluster_->options().timing.window + 1});
    std::vector<NodeId> others;
    for (const NodeId& id : servers()) {
      if (!multipaxos::contains(members, id)) others.push_back(id);
    }
    const NodeId& member = members[pick % members.size()];
    std::vector<std::string> lines;
    if (!others.empty() && (members.size() < 3 || pick / 7 % 2 == 0)) {
      if (pick / 14 % 2 == 0 && members.size() >= 3) lines.push_back("remove-replica " + member);
      lines.push_back("add-replica " + others[pick / 28 % others.size()]);
    } else if (members.size() >= 3) {
      lines.push_back("remove-replica " + member);
    }
    membership_requests_ += lines.size();
    return lines;
  }

 private:
  std::vector<NodeId> members_now() const override {
    return cluster_->members_at(
        Slot{cluster_->chosen().empty() ? 1 : cluster_->chosen().rbegin()->first.value + 1});
  }

  std::vector<Command> committed_commands() const override {  // chosen, by slot
    std::vector<Command> commands;
    for (const auto& [slot, command] : cluster_->chosen()) commands.push_back(command);
    return commands;
  }

  // One item per slot from 1: the command chosen there, or `_`.
  std::vector<std::string> log_items(const NodeId& id) const {
    const auto& state = cluster_->state(id);
    std::uint64_t length = 0;
    if (!state.accepted.empty()) length = state.accepted.rbegin()->first.value;
    if (!state.chosen.empty()) length = std::max(length, state.chosen.rbegin()->first.value);
    std::vector<std::string> items;
    for (std::uint64_t s = 1; s <= length; ++s) {
      const auto it = state.chosen.find(Slot{s});
      items.push_back(it == state.chosen.end() ? "_" : multipaxos::to_scenario_word(it->second));
    }
    return items;
  }

  std::uint64_t commit_of(const NodeId& id) const {
    const auto& chosen = cluster_->state(id).chosen;
    std::uint64_t commit = 0;
    while (chosen.count(Slot{commit + 1}) != 0) ++commit;
    return commit;
  }

  std::vector<NodeId> members_;
  std::size_t membership_requests_ = 0;
};

}  // namespace

std::unique_ptr<ProtocolScenario> make_multipaxos_scenario() {
  return std::make_unique<MultiPaxosScenario>();
}

}  // namespace consensus_lab::scenario
