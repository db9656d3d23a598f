// `protocol paxos` in scenario files: the header word `proposers`, the
// command `propose P N V`, the expectations chosen / learned / promised /
// accepted, the rules of paxos/rules.h (kRuleNames), and two documented extras
// (docs/scenarios.md): `set proposer-timeout MS` and `set backoff MIN..MAX|off`.
#include <memory>
#include <set>
#include <utility>

#include "cluster/paxos_cluster.h"
#include "narration/describers.h"
#include "tools/scenario/world_scenario.h"
#include "viewer/views.h"

namespace consensus_lab::scenario {

namespace {

using cluster::PaxosCluster;
using paxos::Proposal;
using paxos::ProposalNumber;

const Text proposal_number{"the proposal number", "提案编号"};

std::string proposal_words(const std::optional<Proposal>& proposal) {
  return proposal ? paxos::to_string(proposal->number) + " " + proposal->value : "none";
}

class PaxosScenario final : public ClusterScenario<paxos::Message, paxos::Event,
                                                   narration::PaxosDescriber, PaxosCluster> {
 public:
  PaxosScenario() : ClusterScenario("paxos", paxos::kRuleNames) {}

  bool header(const Line& line) override {
    if (line.command() == "learners") return learners(line);
    if (line.command() != "proposers") return false;
    if (!proposers_.empty()) fail({"proposers are given twice", "`proposers` 写了两次"});
    if (line.size() < 2) fail_usage("proposers ID…");
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (!is_node_id(line[i]))
        fail({"'" + line[i] + "' is not a node id", "'" + line[i] + "' 不是节点名"});
      if (std::find(proposers_.begin(), proposers_.end(), line[i]) != proposers_.end()) {
        fail({"proposer " + line[i] + " is named twice", "提议者 " + line[i] + " 写了两次"});
      }
      proposers_.push_back(line[i]);
    }
    return true;
  }

  void start(const std::vector<NodeId>& nodes, std::uint64_t seed,
             const Narration& narration) override {
    for (const NodeId& id : learners_.value_or(std::vector<NodeId>{})) {
      if (std::find(nodes.begin(), nodes.end(), id) == nodes.end()) {
        fail({"learner " + id + " is not one of the `nodes`",
              "学习者 " + id + " 不在 `nodes` 一行中"});
      }
    }
    cluster_ = std::make_unique<PaxosCluster>(cluster::PaxosOptions{.servers = nodes,
                                                                    .proposers = proposers_,
                                                                    .learners = learners_,
                                                                    .seed = seed,
                                                                    .round_timeout = 100});
    attach_narration(narration);
    if (narration.page) viewer::record(*cluster_, *narration.page);
  }

 protected:
  std::vector<std::string> message_types() const override {
    return {"prepare", "promise", "accept", "accepted"};
  }
  bool names_by_content() const override { return true; }
  std::vector<std::string> words_of(const paxos::Message& m) const override {
    return paxos::message_words(m);
  }

  bool set_protocol(const Line& line) override {
    const std::string& what = line[1];
    if (what == "proposer-timeout") {
      require_words(line, 3, 3, "set proposer-timeout MS");
      const Millis timeout = parse_millis(line[2], {"the proposer timeout", "提议者的超时时间"});
      if (timeout == 0) {
        fail({"the proposer timeout must be at least 1 ms", "提议者的超时时间至少是 1 ms"});
      }
      cluster_->set_round_timeout(timeout);
      return true;
    }
    if (what == "backoff") {
      require_words(line, 3, 3, "set backoff MIN..MAX | set backoff off");
      if (line[2] == "off") {
        cluster_->set_backoff(std::nullopt);
      } else {
        cluster_->set_backoff(parse_range(line[2], {"the back-off", "退避时间"}));
      }
      return true;
    }
    if (what == "election-timeout" || what == "heartbeat") {
      fail({"set " + what + " is for multipaxos and raft, not paxos",
            "`set " + what + "` 属于 `multipaxos` 和 `raft`，不属于 `paxos`"});
    }
    return false;
  }

  bool execute_protocol(const Line& line) override {
    const std::string& command = line.command();
    if (command == "propose") {
      require_words(line, 4, 4, "propose P N V");
      const NodeId& proposer = node(line[1]);
      if (std::find(proposers_.begin(), proposers_.end(), proposer) == proposers_.end()) {
        fail({proposer + " is not a proposer (add it to the `proposers` line)",
              proposer + " 不是提议者（把它加到 `proposers` 一行中）"});
      }
      const auto number = parse_number(line[2], proposal_number);
      if (number == 0) fail({"proposal numbers start at 1", "提案编号从 1 开始"});
      require_up(proposer);
      guarded([&] { cluster_->propose(proposer, ProposalNumber{number}, line[3]); });
      return true;
    }
    if (command == "timeout") {  // an extension: proposer P's timer fires now
      require_words(line, 2, 2, "timeout P");
      const NodeId& proposer = node(line[1]);
      if (std::find(proposers_.begin(), proposers_.end(), proposer) == proposers_.end()) {
        fail({proposer + " is not a proposer (add it to the `proposers` line)",
              proposer + " 不是提议者（把它加到 `proposers` 一行中）"});
      }
      require_up(proposer);
      guarded([&] { cluster_->fire_timer(proposer); });
      return true;
    }
    if (command == "put" || command == "set-log" || command == "set-term") {
      const bool raft_only = command == "set-log" || command == "set-term";
      fail({command + " is not a paxos command (it is for " +
                (raft_only ? "raft" : "multipaxos and raft") + ")",
            "`" + command + "` 不是 `paxos` 的命令（它属于" +
                (raft_only ? " `raft`" : " `multipaxos` 和 `raft`") + "）"});
    }
    return false;
  }

  bool expect_protocol(const Line& line) override {
    const std::string& what = line[1];
    const std::string expected = line.text().substr(7);  // without "expect "
    if (what == "chosen") {
      require_words(line, 3, 3, "expect chosen V | expect chosen none | expect chosen any");
      const auto values = cluster_->chosen_values();
      const std::string actual = values.empty() ? "none" : *values.begin();
      // The extra `expect chosen any`: some value is chosen (the checker's
      // liveness phase asks it).
      const bool holds = line[2] == "none"  ? values.empty()
                         : line[2] == "any" ? !values.empty()
                                            : values.size() == 1 && *values.begin() == line[2];
      if (!holds) expect_failed(expected, "chosen " + actual);
      return true;
    }
    if (what == "learned") {
      require_words(line, 4, 4, "expect learned ID V | expect learned ID none");
      const NodeId& id = server(line[2], {"a learner", "学习者"});
      const auto& learners = cluster_->learners();
      if (std::find(learners.begin(), learners.end(), id) == learners.end()) {
        fail({id + " hosts no learner (see `learners`)", id + " 上没有学习者（见 `learners`）"});
      }
      const auto learned = cluster_->learned(id);
      const std::string actual = learned ? learned->value : "none";
      if (actual != line[3]) expect_failed(expected, "learned " + id + " " + actual);
      return true;
    }
    if (what == "promised") {
      require_words(line, 4, 4, "expect promised ID N | expect promised ID none");
      const NodeId& id = server(line[2], {"an acceptor", "接受者"});
      std::optional<ProposalNumber> expected_number;
      if (line[3] != "none")
        expected_number = ProposalNumber{parse_number(line[3], proposal_number)};
      const auto promised = cluster_->acceptor_state(id).promised;
      if (promised != expected_number) {
        expect_failed(expected,
                      "promised " + id + " " + (promised ? paxos::to_string(*promised) : "none"));
      }
      return true;
    }
    if (what == "accepted") {
      require_words(line, 4, 5, "expect accepted ID N V | expect accepted ID none");
      const NodeId& id = server(line[2], {"an acceptor", "接受者"});
      const auto accepted = cluster_->acceptor_state(id).accepted;
      bool holds = false;
      if (line.size() == 4) {
        if (line[3] != "none") fail_usage("expect accepted ID N V | expect accepted ID none");
        holds = !accepted;
      } else {
        const auto number = parse_number(line[3], proposal_number);
        holds = accepted == Proposal{ProposalNumber{number}, line[4]};
      }
      if (!holds) expect_failed(expected, "accepted " + id + " " + proposal_words(accepted));
      return true;
    }
    if (what == "leader" || what == "role" || what == "term" || what == "voted" || what == "log" ||
        what == "log-length" || what == "commit" || what == "kv") {
      fail({"expect " + what + " is for multipaxos and raft, not paxos",
            "`expect " + what + "` 属于 `multipaxos` 和 `raft`，不属于 `paxos`"});
    }
    return false;
  }

  // ---- Checkable ----
  // Three proposer clients; a random back-off before each retry, so that
  // dueling proposers do not keep each other from ever finishing (demo 05).
  std::vector<std::string> check_header(const std::vector<NodeId>&) const override {
    return {"proposers client1 client2 client3"};
  }
  std::vector<std::string> check_settings() const override { return {"set backoff 0..150"}; }
  std::vector<NodeId> servers() const override { return cluster_->options().servers; }
  std::optional<NodeId> leader() const override { return std::nullopt; }  // none in Basic Paxos
  std::optional<std::string> client_line(std::uint64_t number, std::uint64_t pick) override {
    const auto& proposers = cluster_->options().proposers;
    if (proposers.empty()) return std::nullopt;
    return propose_line(proposers[pick % proposers.size()], number);
  }
  std::vector<std::string> probe_lines(std::uint64_t number) override {
    const auto& proposers = cluster_->options().proposers;
    if (proposers.empty()) return {};
    return {propose_line(proposers[number % proposers.size()], number)};
  }
  // A value is chosen, and every learner has learned it.
  std::vector<std::string> progress_lines() const override {
    const auto values = cluster_->chosen_values();
    if (values.empty()) return {"expect chosen any"};
    std::vector<std::string> lines{"expect chosen " + *values.begin()};
    for (const NodeId& id : cluster_->learners())
      lines.push_back("expect learned " + id + " " + *values.begin());
    return lines;
  }
  std::uint64_t committed() const override { return cluster_->chosen_values().size(); }

 private:
  // `propose P N vK`: the next unused proposal number, and a value of its own.
  std::string propose_line(const NodeId& proposer, std::uint64_t request) const {
    return "propose " + proposer + " " + std::to_string(cluster_->highest_number_used() + 1) +
           " v" + std::to_string(request);
  }

  // A node that hosts an acceptor and a learner (one named on `nodes`).
  const NodeId& server(const std::string& word, const Text& role) const {
    const NodeId& id = node(word);
    const auto& servers = cluster_->options().servers;
    if (std::find(servers.begin(), servers.end(), id) == servers.end()) {
      fail({id + " is not " + role.en + " (only the `nodes` are)",
            id + " 不是" + role.zh + "（只有 `nodes` 一行中的节点才是）"});
    }
    return id;
  }

  // `learners ID…` (an extension, docs/scenarios.md): the servers that host
  // a learner; `learners none`: no server does.
  bool learners(const Line& line) {
    if (learners_) fail({"learners are given twice", "`learners` 写了两次"});
    if (line.size() < 2) fail_usage("learners ID… | learners none");
    learners_.emplace();
    if (line.size() == 2 && line[1] == "none") return true;
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (!is_node_id(line[i]))
        fail({"'" + line[i] + "' is not a node id", "'" + line[i] + "' 不是节点名"});
      if (std::find(learners_->begin(), learners_->end(), line[i]) != learners_->end())
        fail({"learner " + line[i] + " is named twice", "学习者 " + line[i] + " 写了两次"});
      learners_->push_back(line[i]);
    }
    return true;
  }

  std::vector<NodeId> proposers_;
  std::optional<std::vector<NodeId>> learners_;
};

}  // namespace

std::unique_ptr<ProtocolScenario> make_paxos_scenario() {
  return std::make_unique<PaxosScenario>();
}

const std::map<std::string, ProtocolFactory>& protocols() {
  static const std::map<std::string, ProtocolFactory> known{
      {"paxos", make_paxos_scenario},
      {"multipaxos", make_multipaxos_scenario},
      {"raft", make_raft_scenario},
  };
  return known;
}

}  // namespace consensus_lab::scenario
