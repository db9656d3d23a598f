// Raft on the page: a server's card shows its role, term and vote, the end of
// its log with the committed entries marked (and its snapshot's base), its
// commit index and the configuration it uses. The rules of raft/rules.h name
// the decisions they make.
#include <algorithm>

#include "narration/describers.h"
#include "raft/rules.h"
#include "viewer/recorder.h"
#include "viewer/rules.h"
#include "viewer/views.h"

namespace consensus_lab::viewer {

namespace {

std::string names(const std::vector<NodeId>& ids) {
  std::string out;
  for (const NodeId& id : ids) out += (out.empty() ? "" : " ") + id;
  return out.empty() ? "—" : out;
}

// The last kShownEntries entries of `log`, those up to `commit` marked.
std::vector<LogRow> rows(const raft::Log& log, raft::LogIndex commit) {
  std::vector<LogRow> out;
  const std::uint64_t last = log.last_index().value;
  const std::uint64_t first =
      std::max(log.base_index().value + 1, last >= kShownEntries ? last - kShownEntries + 1 : 1);
  for (std::uint64_t i = first; i <= last; ++i) {
    const raft::LogEntry& entry = log.entry(raft::LogIndex{i});
    out.push_back({i, raft::to_string(entry.term), to_string(entry.command), i <= commit.value});
  }
  return out;
}

Card card_of(const raft::Server* server, const raft::RaftHardState& state, const NodeId& id) {
  Card card{.role = server ? std::string(raft::to_string(server->role())) : "down"};
  card.fields.emplace_back("term", raft::to_string(state.current_term));
  card.fields.emplace_back("voted", state.voted_for.value_or("—"));
  const raft::LogIndex commit = server ? server->commit_index() : state.log.base_index();
  card.fields.emplace_back("commit", raft::to_string(commit));
  if (server) {
    const raft::Configuration& configuration = server->configuration();
    card.fields.emplace_back("voters", names(configuration.voters));
    if (!configuration.learners.empty()) {
      card.fields.emplace_back("learners", names(configuration.learners));
    }
    if (raft::is_learner(configuration, id)) card.badge = "learner";
  }
  card.log = rows(state.log, commit);
  card.base = state.log.base_index().value;
  if (!card.log->empty()) card.omitted = card.log->front().index - card.base - 1;
  return card;
}

}  // namespace

Card card_of(const raft::Server& server) {
  return card_of(&server, server.hard_state(), server.config().self);
}

// The rule behind a decision (raft/rules.h).
std::optional<std::string> rule_of(const raft::Event& event, const raft::Server* at) {
  namespace e = raft::event;
  if (const auto* refused = std::get_if<e::VoteRefused>(&event)) {
    if (refused->reason == e::VoteRefused::Reason::less_complete_log) return "vote-restriction";
  }
  if (std::holds_alternative<e::AppendRefused>(event)) return "log-consistency-check";
  // The leader's own decision, for an entry of its term; the entries before
  // it are committed along with it, and a follower learns the commit index.
  if (const auto* committed = std::get_if<e::Committed>(&event)) {
    if (at != nullptr && at->role() == raft::Role::leader &&
        committed->entry.term == at->current_term()) {
      return "commit-current-term-only";
    }
  }
  if (const auto* refused = std::get_if<e::ConfigurationRefused>(&event)) {
    using Reason = e::ConfigurationRefused::Reason;
    if (refused->reason == Reason::uncommitted_change) return "one-change-at-a-time";
    if (refused->reason == Reason::no_commit_in_term) return "config-after-own-term-commit";
  }
  if (const auto* read = std::get_if<e::ReadStarted>(&event)) {
    if (!read->read_index) return "read-after-own-term-commit";
  }
  return std::nullopt;
}

void describe_raft(Page& page) {
  page.label("follower", {"follower", "跟随者"});
  page.label("candidate", {"candidate", "候选人"});
  page.label("pre-candidate", {"pre-candidate", "预候选人"});
  page.label("leader", {"leader", "领导者"});
  page.label("down", {"down", "宕机"});
  page.label("learner", {"learner", "学习者"});
  page.label("term", {"term", "任期"});
  page.label("voted", {"voted for", "投票给"});
  page.label("commit", {"commit index", "已提交索引"});
  page.label("voters", {"voters", "投票成员"});
  page.label("learners", {"learners", "学习者"});
  add_rules(page, "raft", raft::kRuleNames);
}

void record(cluster::RaftCluster& cluster, Page& page) {
  describe_raft(page);
  const cluster::RaftCluster* watched = &cluster;
  ProtocolView<raft::Event> view{
      .card =
          [watched](const NodeId& id) {
            return card_of(watched->server(id), watched->state(id), id);
          },
      .rule_of = [watched](const NodeId& id,
                           const raft::Event& e) { return rule_of(e, watched->server(id)); }};
  cluster.world().add_listener(Recorder<raft::Message, raft::Event, narration::RaftDescriber>(
      page, cluster.participants(), std::move(view)));
}

}  // namespace consensus_lab::viewer
