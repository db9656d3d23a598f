// Chubby-style Multi-Paxos on the page: a replica's card shows its role, the
// ballot it promised, its log of slots (ballot, command; chosen ones marked),
// its commit (every slot up to it chosen), the master's lease and the members.
#include <algorithm>
#include <set>

#include "multipaxos/rules.h"
#include "narration/describers.h"
#include "viewer/recorder.h"
#include "viewer/rules.h"
#include "viewer/views.h"

namespace consensus_lab::viewer {

namespace {

using multipaxos::Slot;

constexpr std::string_view kRoleKeys[] = {"follower", "candidate", "master"};

// The last kShownEntries slots this replica accepted or knows chosen; how
// many more it holds goes to `omitted`.
std::vector<LogRow> rows(const multipaxos::ReplicaHardState& state, std::uint64_t& omitted) {
  std::set<std::uint64_t> slots;
  for (const auto& [slot, proposal] : state.accepted) slots.insert(slot.value);
  for (const auto& [slot, command] : state.chosen) slots.insert(slot.value);
  for (; slots.size() > kShownEntries; ++omitted) slots.erase(slots.begin());
  std::vector<LogRow> out;
  for (const std::uint64_t value : slots) {
    const Slot slot{value};
    const auto accepted = state.accepted.find(slot);
    const auto chosen = state.chosen.find(slot);
    LogRow row{.index = value};
    row.committed = chosen != state.chosen.end();
    // A slot learned chosen (from the master's catch-up) may hold another
    // proposal it accepted earlier: its ballot is not the chosen one's.
    if (accepted != state.accepted.end() &&
        (!row.committed || accepted->second.command == chosen->second)) {
      row.term = paxos::to_string(accepted->second.ballot);
    }
    row.command = to_string(row.committed ? chosen->second : accepted->second.command);
    out.push_back(std::move(row));
  }
  return out;
}

Card card_of(const multipaxos::Replica* replica, const multipaxos::ReplicaHardState& state) {
  Card card{.role = replica ? std::string(kRoleKeys[static_cast<std::size_t>(replica->role())])
                            : "down"};
  card.fields.emplace_back("promised", state.promised ? paxos::to_string(*state.promised) : "—");
  if (replica) {
    card.fields.emplace_back("commit", multipaxos::to_string(replica->commit()));
    if (replica->is_master()) {
      // No lease yet (0): its first heartbeat round has not been answered.
      const Millis lease = replica->lease_until();
      card.fields.emplace_back("lease", lease == 0 ? "—" : std::to_string(lease) + " ms");
    }
    std::string members;
    for (const NodeId& member : replica->members_at(Slot{replica->commit().value + 1})) {
      members += (members.empty() ? "" : " ") + member;
    }
    card.fields.emplace_back("members", members);
  }
  card.log = rows(state, card.omitted);
  return card;
}

}  // namespace

Card card_of(const multipaxos::Replica& replica) {
  return card_of(&replica, replica.hard_state());
}

// The rule behind a decision (multipaxos/rules.h).
std::optional<std::string> rule_of(const multipaxos::Event& event) {
  namespace e = multipaxos::event;
  if (std::holds_alternative<e::PrepareIgnoredForLease>(event) ||
      std::holds_alternative<e::OrderIgnoredForLease>(event) ||
      std::holds_alternative<e::CampaignDeferred>(event)) {
    return "lease";
  }
  if (std::holds_alternative<e::ChosenIgnored>(event)) return "learn-only-chosen";
  return std::nullopt;
}

void describe_multipaxos(Page& page) {
  page.label("follower", {"follower", "跟随者"});
  page.label("candidate", {"candidate", "候选人"});
  page.label("master", {"master", "主节点"});
  page.label("down", {"down", "宕机"});
  page.label("promised", {"promised ballot", "已承诺的编号"});
  page.label("commit", {"chosen up to", "已选定到"});
  page.label("lease", {"lease until", "租约到"});
  page.label("members", {"members", "成员"});
  add_rules(page, "multipaxos", multipaxos::kRuleNames);
}

void record(cluster::MultiPaxosCluster& cluster, Page& page) {
  describe_multipaxos(page);
  const cluster::MultiPaxosCluster* watched = &cluster;
  ProtocolView<multipaxos::Event> view{
      .card =
          [watched](const NodeId& id) { return card_of(watched->replica(id), watched->state(id)); },
      .rule_of = [](const NodeId&, const multipaxos::Event& e) { return rule_of(e); }};
  cluster.world().add_listener(
      Recorder<multipaxos::Message, multipaxos::Event, narration::MultiPaxosDescriber>(
          page, cluster.participants(), std::move(view)));
}

}  // namespace consensus_lab::viewer
