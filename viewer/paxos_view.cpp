// Basic Paxos on the page: a server's card shows its acceptor (what it
// promised, what it accepted) and its learner (what it learned); a
// proposer's card shows its round. The three promises are the rules.
#include <algorithm>

#include "narration/describers.h"
#include "paxos/rules.h"
#include "viewer/recorder.h"
#include "viewer/rules.h"
#include "viewer/views.h"

namespace consensus_lab::viewer {

namespace {

using paxos::Proposer;

std::string or_dash(const auto& value) {
  return value ? paxos::to_string(*value) : "—";
}

constexpr std::string_view kPhaseKeys[] = {"idle", "preparing", "accepting", "backing-off", "done"};

void add_proposer(Card& card, const Proposer& proposer) {
  card.badge = std::string(kPhaseKeys[static_cast<std::size_t>(proposer.phase())]);
  card.fields.emplace_back("number", or_dash(proposer.number()));
  card.fields.emplace_back("value", proposer.own_value().empty() ? "—" : proposer.own_value());
  card.fields.emplace_back("promises", std::to_string(proposer.promises()));
  card.fields.emplace_back("proposal", or_dash(proposer.proposal()));
  card.fields.emplace_back("chosen", or_dash(proposer.chosen()));
}

Card card_of(const cluster::PaxosCluster& cluster, const NodeId& id) {
  const auto& servers = cluster.options().servers;
  const auto& proposers = cluster.options().proposers;
  const bool server = std::find(servers.begin(), servers.end(), id) != servers.end();
  const bool proposes = std::find(proposers.begin(), proposers.end(), id) != proposers.end();
  Card card{.role = server ? "acceptor" : "proposer"};
  if (server) {
    const paxos::AcceptorState state = cluster.acceptor_state(id);
    card.fields.emplace_back("promised", or_dash(state.promised));
    card.fields.emplace_back("accepted", or_dash(state.accepted));
    const auto learned = cluster.learned(id);
    card.fields.emplace_back("learned", learned ? learned->value : "—");
  }
  if (proposes) add_proposer(card, cluster.proposer(id));
  return card;
}

// The rule behind a decision: the acceptor's three promises (三个承诺).
std::optional<std::string> rule_of(const paxos::Event& event) {
  if (std::holds_alternative<paxos::event::PrepareIgnored>(event)) return "promise1";
  if (std::holds_alternative<paxos::event::AcceptRefused>(event)) return "promise2";
  if (const auto* promised = std::get_if<paxos::event::Promised>(&event)) {
    if (promised->reported || promised->withheld) return "promise3";
  }
  return std::nullopt;
}

void add_labels(Page& page) {
  page.label("acceptor", {"acceptor · learner", "接受者 · 学习者"});
  page.label("proposer", {"proposer", "提议者"});
  page.label("promised", {"promised", "已承诺"});
  page.label("accepted", {"accepted", "已通过"});
  page.label("learned", {"learned", "已学到"});
  page.label("number", {"proposal number", "提案编号"});
  page.label("value", {"its value", "自己的值"});
  page.label("promises", {"promises", "准备响应"});
  page.label("proposal", {"Accept sent", "已发接受请求"});
  page.label("chosen", {"chosen", "已选定"});
  page.label("idle", {"idle", "空闲"});
  page.label("preparing", {"preparing", "准备阶段"});
  page.label("accepting", {"accepting", "接受阶段"});
  page.label("backing-off", {"backing off", "退避"});
  page.label("done", {"done", "完成"});
}

}  // namespace

void record(cluster::PaxosCluster& cluster, Page& page) {
  add_labels(page);
  add_rules(page, "paxos", paxos::kRuleNames);
  const cluster::PaxosCluster* watched = &cluster;
  ProtocolView<paxos::Event> view{
      .card = [watched](const NodeId& id) { return card_of(*watched, id); },
      .rule_of = [](const NodeId&, const paxos::Event& e) { return rule_of(e); }};
  cluster.world().add_listener(Recorder<paxos::Message, paxos::Event, narration::PaxosDescriber>(
      page, cluster.participants(), std::move(view)));
}

}  // namespace consensus_lab::viewer
