#include "net/protocol_runner.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "common/node_ids.h"
#include "common/overloaded.h"
#include "narration/describers.h"
#include "net/node.h"
#include "net/storage.h"
#include "net/wire.h"

namespace consensus_lab::net {

namespace {

// How each protocol's messages are read, its events told and its applied
// commands found: the same words for both, so that one carry_out serves.
raft::Message decode_for(const raft::Server&, std::string_view line) {
  return decode_raft(line);
}
multipaxos::Message decode_for(const multipaxos::Replica&, std::string_view line) {
  return decode_multipaxos(line);
}

// What a quiet node still tells: elections and terms (and a leader's
// snapshot installed: its state machine replaced at once).
bool notable(const raft::Event& e) {
  return std::holds_alternative<raft::event::BecameLeader>(e) ||
         std::holds_alternative<raft::event::SnapshotInstalled>(e) ||
         std::holds_alternative<raft::event::BecameCandidate>(e) ||
         std::holds_alternative<raft::event::TermRaised>(e);
}
bool notable(const multipaxos::Event& e) {
  return std::holds_alternative<multipaxos::event::BecameMaster>(e) ||
         std::holds_alternative<multipaxos::event::CampaignStarted>(e) ||
         std::holds_alternative<multipaxos::event::SteppedDown>(e);
}

std::optional<narration::Line> describe(const NodeId& node, const raft::Event& e,
                                        narration::Lang lang) {
  return narration::RaftDescriber::event(node, e, lang);
}
std::optional<narration::Line> describe(const NodeId& node, const multipaxos::Event& e,
                                        narration::Lang lang) {
  return narration::MultiPaxosDescriber::event(node, e, lang);
}

const raft::event::Applied* applied_in(const raft::Event& e) {
  return std::get_if<raft::event::Applied>(&e);
}
const multipaxos::event::Applied* applied_in(const multipaxos::Event& e) {
  return std::get_if<multipaxos::event::Applied>(&e);
}

std::optional<ReadDone> read_done_in(const raft::Event& e) {
  if (const auto* a = std::get_if<raft::event::ReadAnswered>(&e)) return ReadDone{a->id, a->value};
  if (const auto* r = std::get_if<raft::event::ReadRefused>(&e)) return ReadDone{r->id, {}};
  return std::nullopt;
}
std::optional<ReadDone> read_done_in(const multipaxos::Event&) {
  return std::nullopt;
}

}  // namespace

ProtocolRunner::ProtocolRunner(const NodeOptions& options, const std::vector<NodeId>& cluster,
                               Store* store)
    : options_(options), store_(store), role_(make_role(options, cluster, store)) {}

ProtocolRunner::Role ProtocolRunner::make_role(const NodeOptions& options,
                                               const std::vector<NodeId>& cluster, Store* store) {
  if (options.protocol == "raft") {
    const raft::Server::Config config{
        .self = options.id,
        .servers = cluster,
        .first_configuration = options.members.empty()
                                   ? std::nullopt
                                   : std::optional(raft::Configuration{options.members, {}}),
        .timing = {.election_timeout_min = options.election_timeout_min,
                   .election_timeout_max = options.election_timeout_max,
                   .heartbeat = options.heartbeat},
        .features = options.raft_features,
        .back_off_to_log_end = true,
        .max_entries_per_append = 256,
    };
    return Role(std::in_place_type<raft::Server>, config,
                store ? store->load_raft() : raft::RaftHardState{});
  }
  const auto self = std::find(cluster.begin(), cluster.end(), options.id);
  const multipaxos::Replica::Config config{
      .self = options.id,
      .members = cluster,
      .index = static_cast<std::uint64_t>(self - cluster.begin() + 1),
      .count = cluster.size(),
      .timing = {.election_timeout_min = options.election_timeout_min,
                 .election_timeout_max = options.election_timeout_max,
                 .heartbeat = options.heartbeat,
                 // More slots in flight than the simulator's 4: each round trip to the
                 // replicas (and each fsync) then carries many commands. The window is
                 // also α, how late a membership change takes effect; real mode has none.
                 .window = 256,
                 // Up to 256 consecutive slots in one Accept, answered by one Accepted:
                 // the commands of a batch cost one message each way, not one per slot.
                 .slots_per_accept = 256},
  };
  return Role(std::in_place_type<multipaxos::Replica>, config,
              store ? store->load_multipaxos() : multipaxos::ReplicaHardState{});
}

// Durable before visible (DESIGN.md §1.5): the state is written first; the
// node sends the messages only after its next sync().
template <class Effects>
NodeEffects ProtocolRunner::carry_out(Effects effects) {
  if (effects.persist && store_ != nullptr) store_->write(*effects.persist);
  NodeEffects out;
  for (const auto& event : effects.events) {
    if (report_) {
      using Event = std::decay_t<decltype(event)>;
      using Doer =
          std::conditional_t<std::is_same_v<Event, raft::Event>, raft::Server, multipaxos::Replica>;
      report_->event(event, std::get<Doer>(role_), out.report);
    }
    if (!options_.quiet || notable(event)) {
      if (auto line = describe(options_.id, event, options_.lang)) out.narration.push_back(*line);
    }
    if (const auto* applied = applied_in(event)) {
      out.applied.push_back({.command = applied->command, .value = applied->value});
    }
    if (auto read = read_done_in(event)) out.reads.push_back(std::move(*read));
  }
  for (auto& outgoing : effects.send) {
    std::string line = encode(outgoing.message);
    if (report_) report_->sent(outgoing.to, outgoing.message, line, out.report);
    using consensus_lab::multipaxos::may_leave_before_write;
    using consensus_lab::raft::may_leave_before_write;
    if (may_leave_before_write(outgoing.message)) {
      out.send_before_sync.emplace_back(outgoing.to, std::move(line));
    } else {
      out.send.emplace_back(outgoing.to, std::move(line));
    }
  }
  out.wake_at = effects.wake_at;
  return out;
}

NodeEffects ProtocolRunner::start(Millis now) {
  return std::visit([&](auto& role) { return carry_out(role.start(now, random_)); }, role_);
}

NodeEffects ProtocolRunner::receive(Millis now, const NodeId& from, std::string_view line) {
  return std::visit(
      [&](auto& role) {
        const auto message = decode_for(role, line);
        std::vector<std::string> delivered;
        if (report_) report_->received(from, message, std::string(line), delivered);
        auto effects = role.handle(now, from, message, random_);
        // The role checks a message before it changes anything: a refused
        // one has nothing to persist or send.
        if (effects.refused) {
          return NodeEffects{.report = std::move(delivered), .refused = std::move(effects.refused)};
        }
        NodeEffects out = carry_out(std::move(effects));
        out.report.insert(out.report.begin(), delivered.begin(), delivered.end());
        return out;
      },
      role_);
}

NodeEffects ProtocolRunner::tick(Millis now) {
  return std::visit([&](auto& role) { return carry_out(role.tick(now, random_)); }, role_);
}

NodeEffects ProtocolRunner::submit(Millis now, const std::vector<Command>& commands) {
  return std::visit([&](auto& role) { return carry_out(role.submit_all(now, commands)); }, role_);
}

bool ProtocolRunner::leads() const {
  return std::visit(Overloaded{
                        [](const raft::Server& s) { return s.role() == raft::Role::leader; },
                        [](const multipaxos::Replica& r) { return r.is_master(); },
                    },
                    role_);
}

std::optional<NodeId> ProtocolRunner::leader_hint() const {
  return std::visit(Overloaded{
                        [](const raft::Server& s) { return s.leader_hint(); },
                        [](const multipaxos::Replica& r) { return r.master_hint(); },
                    },
                    role_);
}

std::optional<LocalRead> ProtocolRunner::read_locally(Millis now, const std::string& key) const {
  return std::visit(Overloaded{
                        [](const raft::Server&) -> std::optional<LocalRead> {
                          return std::nullopt;  // Raft reads go through the log
                        },
                        [&](const multipaxos::Replica& r) -> std::optional<LocalRead> {
                          if (!r.can_read_locally(now)) return std::nullopt;
                          return LocalRead{r.store().get(key)};
                        },
                    },
                    role_);
}

// ---- the live view -------------------------------------------------------------------

void ProtocolRunner::watch() {
  if (!report_) report_.emplace(options_.id);
  report_->forget();
}

std::optional<std::string> ProtocolRunner::card_report() {
  if (!report_) return std::nullopt;
  return std::visit([&](const auto& role) { return report_->card(role); }, role_);
}

// ---- Raft reads without the log ----------------------------------------------------

bool ProtocolRunner::reads_without_log() const {
  const auto* server = std::get_if<raft::Server>(&role_);
  return server != nullptr && server->config().features.read_mode != raft::ReadMode::log;
}

NodeEffects ProtocolRunner::read_without_log(Millis now, std::uint64_t id, const std::string& key) {
  auto* server = std::get_if<raft::Server>(&role_);
  assert(server != nullptr && reads_without_log());
  return carry_out(server->read(now, raft::Server::ReadRequest{.id = id, .key = key}));
}

// ---- Raft membership changes and handing over ---------------------------------------

namespace {

// A list, or "-" for none: one word either way.
std::string joined(const std::vector<NodeId>& ids) {
  return ids.empty() ? "-" : join_ids(ids);
}

}  // namespace

bool ProtocolRunner::changes_membership() const {
  return std::holds_alternative<raft::Server>(role_);
}

void ProtocolRunner::know_server(const NodeId& id) {
  if (auto* server = std::get_if<raft::Server>(&role_)) server->know_server(id);
}

std::pair<NodeEffects, bool> ProtocolRunner::change(Millis now, const Command& change) {
  auto* server = std::get_if<raft::Server>(&role_);
  assert(server != nullptr);
  const raft::LogIndex before = server->last_log_index();
  NodeEffects effects = carry_out(server->submit(now, change));
  return {std::move(effects), server->last_log_index() > before};
}

std::string ProtocolRunner::members_text() const {
  const auto* server = std::get_if<raft::Server>(&role_);
  if (server == nullptr) return {};
  const bool committed = server->configuration_index() <= server->commit_index();
  return joined(server->configuration().voters) + " " + joined(server->configuration().learners) +
         (committed ? " committed" : " pending");
}

std::optional<std::pair<NodeEffects, NodeId>> ProtocolRunner::hand_over(Millis now) {
  auto* server = std::get_if<raft::Server>(&role_);
  if (server == nullptr || server->role() != raft::Role::leader) return std::nullopt;
  const auto target = server->best_transfer_target();
  if (!target) return std::nullopt;
  return std::pair{carry_out(server->transfer_leadership(now, *target)), *target};
}

}  // namespace consensus_lab::net
