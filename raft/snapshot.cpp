// Log compaction (the Raft paper, §7, Figures 12 and 13; notes: 快照): each
// server replaces the applied prefix of its log by a snapshot of its state
// machine, and a leader sends its snapshot, in chunks (InstallSnapshot), to a
// follower that needs an entry the leader's log no longer holds.
//
// Why it is safe: a snapshot covers only applied entries, hence committed
// ones (apply follows commit), so what it replaces can never change (State
// Machine Safety) and every later leader holds it too (Leader Completeness).
// A follower installs a leader's snapshot only past its own commit index,
// and keeps its entries after the snapshot only when it holds the snapshot's
// last entry (Log Matching: then they continue the leader's log).
#include <algorithm>
#include <cassert>
#include <utility>

#include "common/node_ids.h"
#include "raft/server.h"

namespace consensus_lab::raft {

namespace {

// "A,B;" — the list and its end.
std::string join(const std::vector<NodeId>& ids) {
  return join_ids(ids) + ";";
}

// The list up to the next ';' (taken from `data`); nothing without one.
std::optional<std::vector<NodeId>> split(std::string_view& data) {
  const auto end = data.find(';');
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view list = data.substr(0, end);
  data.remove_prefix(end + 1);
  return split_ids(list);
}

}  // namespace

// "<voters>;<learners>;<state>": the servers as comma-separated names.
std::string snapshot_data(const Snapshot& snapshot) {
  return join(snapshot.configuration.voters) + join(snapshot.configuration.learners) +
         snapshot.state;
}

std::optional<Snapshot> snapshot_from_data(LogIndex index, Term term, std::string_view data) {
  auto voters = split(data);
  if (!voters) return std::nullopt;
  auto learners = split(data);
  if (!learners || !KeyValueStore{}.restore(data)) return std::nullopt;
  return Snapshot{index, term, Configuration{std::move(*voters), std::move(*learners)},
                  std::string(data)};
}

// The configuration in effect at `index` (an applied entry of the log, or
// its base): the base's, changed by every configuration entry up to `index`
// — thesis §4.1, "the latest configuration in its log", as the log was then.
Configuration Server::configuration_at(LogIndex index) const {
  assert(base_index_ <= index && index <= last_applied_);
  LogConfiguration at{base_configuration_, base_index_, {}};
  for (LogIndex i = base_index_.next(); i <= index; i = i.next()) {
    const Command& command = hard_.log.entry(i).command;
    if (is_configuration_change(command)) at = with_change(std::move(at), i, command);
  }
  return at.configuration;
}

// The log now starts after the snapshot: the configurations of the log are
// counted from the snapshot's (thesis §4.1 with §7: "the snapshot also
// includes the latest configuration as of the last included index").
void Server::rebase_configuration() {
  if (hard_.snapshot.last_included_index.value > 0) {
    base_configuration_ = hard_.snapshot.configuration;
    base_index_ = hard_.snapshot.last_included_index;
  }
  std::vector<NodeId> removed = std::move(configuration_.removed);
  configuration_ = configuration_of(base_configuration_, base_index_, hard_.log);
  // The servers removed before the snapshot stay on the list, until they know
  // (replication_targets): a removed server that was down meanwhile would
  // otherwise never hear that it was removed, and would stand for election
  // again and again (thesis §4.2.3).
  for (NodeId& id : removed) {
    if (!is_member(configuration(), id) &&
        std::find(configuration_.removed.begin(), configuration_.removed.end(), id) ==
            configuration_.removed.end()) {
      configuration_.removed.push_back(std::move(id));
    }
  }
  // The same configuration, now held by the snapshot instead of an entry:
  // nothing to tell.
  if (told_configuration_.configuration == configuration_.configuration) {
    told_configuration_ = configuration_;
  }
}

// A restarted server: its state machine is the snapshot's, and everything
// the snapshot covers is applied (hence committed); only the suffix is
// replayed, as it is committed again.
void Server::restore_snapshot() {
  const Snapshot& snapshot = hard_.snapshot;
  assert(snapshot.last_included_index == hard_.log.base_index());
  if (snapshot.last_included_index.value == 0) return;
  [[maybe_unused]] const bool restored = store_.restore(snapshot.state);
  assert(restored);  // a snapshot's state was written by KeyValueStore::save
  commit_index_ = last_applied_ = snapshot.last_included_index;
}

Effects Server::take_snapshot() {
  Effects effects;
  compact(effects);
  return finish(std::move(effects));
}

// Paper §7: "Each server takes snapshots independently, covering just the
// committed entries in its log" — here everything applied, no more: never an
// entry that is not committed.
void Server::compact(Effects& effects) {
  const LogIndex index = last_applied_;
  if (index <= hard_.log.base_index()) return;  // nothing applied since the last one
  const Term term = hard_.log.term_at(index);
  const std::size_t before = hard_.log.entries().size();
  hard_.snapshot = Snapshot{index, term, configuration_at(index), store_.save()};
  hard_.log.compact_to(index, term);  // it holds the entry: the suffix stays
  rebase_configuration();
  unpersisted_.snapshot = true;  // durable before anything depends on it
  effects.events.push_back(event::SnapshotTaken{index, term, before - hard_.log.entries().size()});
}

// Figure 13, receiver 6–8: keep the entries after the snapshot when the log
// holds its last included entry, else discard the log; "reset state machine
// using snapshot contents". Only past the commit index (on_install_snapshot).
void Server::install(Snapshot snapshot, Effects& effects) {
  const LogIndex index = snapshot.last_included_index;
  const Term term = snapshot.last_included_term;
  assert(index > commit_index_);
  const bool kept = hard_.log.compact_to(index, term);
  if (!kept) unpersisted_.log_changed_at(index.next());  // the disk's entries after it go too
  hard_.snapshot = std::move(snapshot);
  rebase_configuration();  // the snapshot's configuration, then the kept suffix's
  unpersisted_.snapshot = true;
  [[maybe_unused]] const bool restored = store_.restore(hard_.snapshot.state);
  assert(restored);  // snapshot_from_data checked it
  commit_index_ = last_applied_ = index;
  effects.events.push_back(event::SnapshotInstalled{index, term, kept});
}

// Figure 13, InstallSnapshot receiver: chunks in order ("Create new snapshot
// file if first chunk (offset is 0)", "Write data into snapshot file at given
// offset", "Reply and wait for more data chunks if done is false"). A chunk
// that does not continue what arrived so far (lost, repeated, or of another
// snapshot) is not taken: the reply names the offset expected.
void Server::on_install_snapshot(Millis now, const NodeId& from, const InstallSnapshot& m,
                                 Effects& effects, RandomSource& random) {
  assert(m.term == hard_.current_term);  // the shared rules came first
  if (role_ == Role::candidate || role_ == Role::pre_candidate) {
    become_follower(m.term, effects);  // a leader of my term exists
  }
  leader_hint_ = m.leader_id;
  heard_from_leader_at_ = now;  // as AppendEntries: the lease (in_lease) starts again
  removed_at_.reset();          // a leader speaks to it: no longer told it was removed
  reset_election_timer(now, random);
  const auto reply = [&](std::uint64_t offset, bool done) {
    effects.send.push_back(
        {from, SnapshotReply{hard_.current_term, m.last_included_index, done ? 0 : offset, done}});
  };
  // Already committed here: the log matches the leader's up to there.
  if (m.last_included_index <= commit_index_) return reply(0, true);
  if (receiving_.index != m.last_included_index || receiving_.term != m.last_included_term) {
    receiving_ = {m.last_included_index, m.last_included_term, {}};
  }
  const std::uint64_t expected = receiving_.data.size();
  effects.events.push_back(
      event::SnapshotChunk{m.last_included_index, m.offset, m.data.size(), expected});
  if (m.offset != expected) return reply(expected, false);
  receiving_.data += m.data;
  if (!m.done) return reply(receiving_.data.size(), false);
  auto snapshot = snapshot_from_data(m.last_included_index, m.last_included_term, receiving_.data);
  receiving_ = {};
  if (!snapshot) return reply(0, false);  // not a snapshot: from the start again
  install(std::move(*snapshot), effects);
  reply(0, true);
}

// The next chunk of this leader's snapshot, from where the follower is.
// Re-sent on every heartbeat until the follower's reply moves on, so a lost
// chunk (or reply) costs one heartbeat.
void Server::send_snapshot(const NodeId& follower, Effects& effects) {
  assert(role_ == Role::leader && is_peer(follower));
  const Snapshot& snapshot = hard_.snapshot;
  auto& [index, offset] = snapshot_sent_[follower];
  if (index != snapshot.last_included_index) {  // a newer snapshot: from its start
    index = snapshot.last_included_index;
    offset = 0;
  }
  const std::string data = snapshot_data(snapshot);
  offset = std::min<std::uint64_t>(offset, data.size());
  const std::size_t chunk = std::max<std::size_t>(1, config_.features.snapshot_chunk_bytes);
  effects.send.push_back(
      {follower, InstallSnapshot{.term = hard_.current_term,
                                 .leader_id = config_.self,
                                 .last_included_index = index,
                                 .last_included_term = snapshot.last_included_term,
                                 .offset = offset,
                                 .data = data.substr(offset, chunk),
                                 .done = offset + chunk >= data.size()}});
}

// Done: the follower's log matches up to the snapshot's last entry — on with
// AppendEntries after it. Not done: the chunk at the offset it expects.
void Server::on_snapshot_reply(const NodeId& from, const SnapshotReply& m, Effects& effects) {
  assert(m.term == hard_.current_term && is_peer(from));  // check() and the shared rules came first
  if (role_ != Role::leader) return;
  LogIndex& next = next_index_[from];
  if (m.done) {
    LogIndex& match = match_index_[from];
    if (m.last_included_index <= match || m.last_included_index > last_log_index()) return;
    match = m.last_included_index;
    next = std::max(next, match.next());
    probing_.erase(from);
    snapshot_sent_.erase(from);
    advance_commit_index(effects);
    if (next <= last_log_index()) send_append_entries(from, effects);
    return;
  }
  const auto sent = snapshot_sent_.find(from);
  if (sent == snapshot_sent_.end() || sent->second.first != m.last_included_index) return;
  if (sent->second.second == m.offset && m.offset != 0) return;  // a repeated answer
  sent->second.second = m.offset;
  if (next <= hard_.log.base_index()) send_snapshot(from, effects);
}

AppendEntries Server::after_base(const AppendEntries& m) const {
  const LogIndex base = hard_.log.base_index();
  assert(m.prev_log_index < base);
  AppendEntries rest = m;
  const std::size_t skip =
      std::min<std::uint64_t>(base.value - m.prev_log_index.value, m.entries.size());
  rest.entries.erase(rest.entries.begin(),
                     rest.entries.begin() + static_cast<std::ptrdiff_t>(skip));
  rest.prev_log_index = LogIndex{m.prev_log_index.value + skip};
  if (skip > 0) rest.prev_log_term = m.entries[skip - 1].term;
  if (rest.prev_log_index < base) {  // all of it is in the snapshot
    rest.prev_log_index = base;
    rest.prev_log_term = hard_.log.base_term();
  }
  return rest;
}

}  // namespace consensus_lab::raft
