#include "raft/server.h"

#include <algorithm>

#include "common/overloaded.h"

namespace consensus_lab::raft {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::follower:
      return "follower";
    case Role::candidate:
      return "candidate";
    case Role::leader:
      return "leader";
  }
  return "?";
}

Server::Server(Config config, RaftHardState restored)
    : config_(std::move(config)), hard_(std::move(restored)) {}

Effects Server::start(Millis now, RandomSource& random) {
  reset_election_timer(now, random);
  return finish(Effects{});
}

Effects Server::finish(Effects effects) const {
  effects.wake_at = role_ == Role::leader ? next_heartbeat_ : election_deadline_;
  if (effects.persist && effects.persist->log_from) {
    // The log changes only at its end, so what changed is all from log_from on.
    const auto from = std::min(effects.persist->log_from->value - 1, last_log_index().value);
    effects.persist->entries.assign(hard_.log.begin() + static_cast<std::ptrdiff_t>(from),
                                    hard_.log.end());
  }
  return effects;
}

// Durable before visible: the term and vote as they are now, and the log from
// `log_from` on (the entries themselves are gathered by finish()).
void Server::persist(Effects& effects, std::optional<LogIndex> log_from) const {
  if (!effects.persist) effects.persist.emplace();
  Persist& p = *effects.persist;
  p.current_term = hard_.current_term;
  p.voted_for = hard_.voted_for;
  if (log_from && (!p.log_from || *log_from < *p.log_from)) p.log_from = log_from;
}

void apply(const Persist& persist, RaftHardState& disk) {
  disk.current_term = persist.current_term;
  disk.voted_for = persist.voted_for;
  if (!persist.log_from) return;
  disk.log.resize(std::min<std::size_t>(disk.log.size(), persist.log_from->value - 1));
  disk.log.insert(disk.log.end(), persist.entries.begin(), persist.entries.end());
}

// notes, 随机超时时间: "心跳信息超时的时间间隔，是随机的" — each reset draws a new one.
void Server::reset_election_timer(Millis now, RandomSource& random) {
  const Timing& t = config_.timing;
  election_deadline_ = now + draw_timeout(random, t.election_timeout_min, t.election_timeout_max,
                                          config_.fixed_election_timeout);
}

Effects Server::restart_election_timer(Millis now, RandomSource& random) {
  if (role_ != Role::leader) reset_election_timer(now, random);
  return finish(Effects{});
}

bool Server::is_peer(const NodeId& id) const {
  return id != config_.self &&
         std::find(config_.servers.begin(), config_.servers.end(), id) != config_.servers.end();
}

Term Server::term_at(LogIndex index) const {
  if (index.value == 0 || index.value > hard_.log.size()) return Term{};
  return hard_.log[index.value - 1].term;
}

Effects Server::tick(Millis now, RandomSource& random) {
  Effects effects;
  if (role_ == Role::leader) {
    if (now >= next_heartbeat_) {
      // notes, 选举的规则: "领导者发送心跳消息…阻止跟随者发起新的选举"
      broadcast_append_entries(effects);
      next_heartbeat_ = now + config_.timing.heartbeat;
    }
  } else if (now >= election_deadline_) {
    become_candidate(now, random, effects);
  }
  return finish(std::move(effects));
}

Effects Server::timeout(Millis now, RandomSource& random) {
  Effects effects;
  if (role_ != Role::leader) become_candidate(now, random, effects);
  return finish(std::move(effects));
}

// ---- role changes (only here) ---------------------------------------------------

void Server::become_follower(Term term, Effects& effects) {
  if (term > hard_.current_term) {
    effects.events.push_back(event::TermRaised{hard_.current_term, term});
    hard_.current_term = term;
    hard_.voted_for.reset();
    persist(effects);
    leader_hint_.reset();  // whoever led the old term does not lead this one
  }
  role_ = Role::follower;
  votes_.clear();
}

// notes, 选举领导者: "A 就增加自己的任期编号，并推举自己为候选人，先给自己投上一张选票，
// 然后向其他节点发送请求投票 RPC 消息" (A increases its term, stands as candidate,
// votes for itself first, then sends RequestVote to the others).
void Server::become_candidate(Millis now, RandomSource& random, Effects& effects) {
  reset_election_timer(now, random);  // a split vote: try again after a new random timeout
  // No term past what a data directory stores: after 2^63 - 1 elections (only
  // a peer that lied about its term brings a server here) it stops trying.
  if (hard_.current_term.value >= kLargestNumber) return;
  role_ = Role::candidate;
  ++hard_.current_term.value;
  hard_.voted_for = config_.self;
  persist(effects);
  votes_ = {config_.self};
  leader_hint_.reset();
  effects.events.push_back(event::BecameCandidate{hard_.current_term});
  for (const NodeId& peer : config_.servers) {
    if (peer == config_.self) continue;
    effects.send.push_back(
        {peer, RequestVote{hard_.current_term, config_.self, last_log_index(), last_log_term()}});
  }
  if (votes_.size() >= majority()) become_leader(now, effects);
}

// notes: "候选人在选举超时时间内赢得了大多数的选票，那么它就会成为本届任期内新的领导者。"
// Upon election (Figure 2): next_index = last + 1, match_index = 0; then a
// noop of its own term (paper §8) and AppendEntries to every follower at once.
void Server::become_leader(Millis now, Effects& effects) {
  role_ = Role::leader;
  leader_hint_ = config_.self;
  effects.events.push_back(event::BecameLeader{hard_.current_term, votes_.size()});
  for (const NodeId& peer : config_.servers) {
    next_index_[peer] = LogIndex{last_log_index().value + 1};
    match_index_[peer] = LogIndex{};
  }
  if (config_.rules.leader_noop) {
    hard_.log.push_back(LogEntry{hard_.current_term, Command::noop()});
    persist(effects, last_log_index());
    effects.events.push_back(event::EntryAppended{last_log_index(), hard_.log.back()});
  }
  broadcast_append_entries(effects);
  next_heartbeat_ = now + config_.timing.heartbeat;
  advance_commit_index(effects);  // a cluster of one commits alone
}

// ---- messages --------------------------------------------------------------------

Effects Server::handle(Millis now, const NodeId& from, const Message& message,
                       RandomSource& random) {
  // First of all: a message no server following the protocol could have sent
  // changes nothing (raft/validate.cpp).
  if (auto reason = check(from, message)) {
    Effects refused;
    refused.refused = std::move(reason);
    return refused;
  }
  Effects effects;
  const Term term = std::visit([](const auto& m) { return m.term; }, message);

  // Shared rule 1 — notes, 任期: "如果一个节点，发现自己的任期编号比其他节点小，那么它
  // 会更新自己的编号到较大的编号值" and "如果一个候选人或者领导者，发现自己的任期编号比
  // 其他节点小，那么它会立即恢复成跟随者状态" (a higher term makes any role a follower).
  if (term > hard_.current_term) {
    const bool stepping_down = role_ != Role::follower;
    become_follower(term, effects);
    if (stepping_down) reset_election_timer(now, random);
  }
  // Shared rule 2 — notes, 任期: "如果一个节点接收到一个包含较小的任期编号值的请求，那么
  // 它会直接拒绝这个请求" (a request from an older term is refused).
  if (term < hard_.current_term) {
    effects.events.push_back(event::StaleRefused{term, hard_.current_term});
    if (std::holds_alternative<RequestVote>(message)) {
      effects.send.push_back({from, Vote{hard_.current_term, false}});
    } else if (std::holds_alternative<AppendEntries>(message)) {
      // Match 0: refused for its term alone; no index of the sender's log is
      // in question (the sender steps down when the reply arrives).
      effects.send.push_back({from, AppendReply{hard_.current_term, false, {}, last_log_index()}});
    }
    return finish(std::move(effects));
  }

  std::visit(Overloaded{
                 [&](const RequestVote& m) { on_request_vote(now, from, m, effects, random); },
                 [&](const Vote& m) { on_vote(now, from, m, effects); },
                 [&](const AppendEntries& m) { on_append_entries(now, from, m, effects, random); },
                 [&](const AppendReply& m) { on_append_reply(from, m, effects); },
             },
             message);
  return finish(std::move(effects));
}

// The vote restriction — notes, 选举的规则 (对先来先服务的补充): "当任期编号相同时，日志
// 完整性高的跟随者（也就是最后一条日志项对应的任期编号值更大，索引号更大），拒绝投票给日志
// 完整性低的候选人。" (A follower whose log is more complete — its last entry has a
// larger term, or the same term and a larger index — refuses to vote for a
// candidate with a less complete log.) Paper §5.4.1.
bool Server::candidate_log_ok(const RequestVote& m) const {
  if (m.last_log_term != last_log_term()) return m.last_log_term > last_log_term();
  return m.last_log_index >= last_log_index();
}

// notes, 选举的规则: "每一个服务器节点最多会对一个任期编号投出一张选票，'先来先服务'"
// (at most one vote per term, first come, first served).
void Server::on_request_vote(Millis now, const NodeId& from, const RequestVote& m, Effects& effects,
                             RandomSource& random) {
  using Reason = event::VoteRefused::Reason;
  std::optional<Reason> refusal;
  if (hard_.voted_for && *hard_.voted_for != m.candidate_id) {
    refusal = Reason::already_voted;
  } else if (config_.rules.vote_restriction && !candidate_log_ok(m)) {
    refusal = Reason::less_complete_log;
  }
  if (refusal) {
    effects.events.push_back(
        event::VoteRefused{m.candidate_id, hard_.current_term, *refusal, hard_.voted_for});
  } else {
    hard_.voted_for = m.candidate_id;
    persist(effects);  // durable before the vote leaves
    reset_election_timer(now, random);
    effects.events.push_back(event::VoteGranted{m.candidate_id, hard_.current_term});
  }
  effects.send.push_back({from, Vote{hard_.current_term, !refusal}});
}

void Server::on_vote(Millis now, const NodeId& from, const Vote& m, Effects& effects) {
  if (role_ != Role::candidate || !m.vote_granted || !is_peer(from)) return;
  votes_.insert(from);
  if (votes_.size() >= majority()) become_leader(now, effects);
}

// notes, 如何实现日志的一致: "领导者通过日志复制 RPC 的一致性检查，找到跟随者节点上，与
// 自己相同日志项的最大索引值…领导者强制跟随者更新覆盖的不一致日志项".
void Server::on_append_entries(Millis now, const NodeId& from, const AppendEntries& m,
                               Effects& effects, RandomSource& random) {
  if (role_ == Role::candidate) become_follower(m.term, effects);  // a leader of my term exists
  leader_hint_ = m.leader_id;
  reset_election_timer(now, random);

  // The consistency check on (prev index, prev term).
  const LogIndex prev = m.prev_log_index;
  if (prev.value > 0) {
    const bool missing = prev > last_log_index();
    const bool mismatch =
        !missing && config_.rules.log_consistency_check && term_at(prev) != m.prev_log_term;
    if (missing || mismatch) {
      effects.events.push_back(event::AppendRefused{prev, m.prev_log_term, missing});
      effects.send.push_back(
          {from, AppendReply{hard_.current_term, false, prev, last_log_index()}});
      return;
    }
  }
  // Delete a conflicting entry and everything after it; append what is new.
  LogIndex index = prev;
  std::optional<LogIndex> first_stored;
  std::size_t stored = 0;
  for (const LogEntry& entry : m.entries) {
    ++index.value;
    if (index <= last_log_index()) {
      if (term_at(index) == entry.term) continue;  // already there
      const std::size_t removed = hard_.log.size() - (index.value - 1);
      hard_.log.resize(index.value - 1);
      effects.events.push_back(event::ConflictDeleted{index, removed});
    }
    hard_.log.push_back(entry);
    if (!first_stored) first_stored = index;
    ++stored;
  }
  if (stored > 0) {
    persist(effects, *first_stored);  // durable before the reply
    effects.events.push_back(event::EntriesStored{*first_stored, stored});
  }
  effects.send.push_back({from, AppendReply{hard_.current_term, true, index, last_log_index()}});
  // notes, 复制日志: followers learn what is committed from the next message
  // ("额外通过其他时候的日志复制 RPC 消息或心跳消息告知").
  if (m.leader_commit > commit_index_) commit_up_to(std::min(m.leader_commit, index), effects);
}

void Server::commit_up_to(LogIndex index, Effects& effects) {
  index = std::min(index, last_log_index());  // only what is in the log
  while (commit_index_ < index) {
    ++commit_index_.value;
    effects.events.push_back(event::Committed{commit_index_, hard_.log[commit_index_.value - 1]});
  }
  // Committed commands apply in order, each once (last_applied follows commit_index).
  while (last_applied_ < commit_index_) {
    ++last_applied_.value;
    const Command& command = hard_.log[last_applied_.value - 1].command;
    const bool fresh = store_.apply(command);
    std::optional<std::string> value;
    if (command.kind == Command::Kind::read) value = store_.get(command.key);
    effects.events.push_back(event::Applied{last_applied_, command, !fresh, value});
  }
}

// ---- scenario set-up ----------------------------------------------------------------

Effects Server::set_log(const std::vector<Term>& terms) {
  Effects effects;
  hard_.log.clear();
  for (const Term term : terms) hard_.log.push_back(LogEntry{term, Command::noop()});
  commit_index_ = std::min(commit_index_, last_log_index());
  last_applied_ = std::min(last_applied_, last_log_index());
  if (last_log_term() > hard_.current_term) become_follower(last_log_term(), effects);
  persist(effects, LogIndex{1});
  return finish(std::move(effects));
}

Effects Server::set_term(Term term) {
  Effects effects;
  if (term > hard_.current_term) {
    become_follower(term, effects);
  } else if (term < hard_.current_term) {
    hard_.current_term = term;
    hard_.voted_for.reset();
    persist(effects);
  }
  return finish(std::move(effects));
}

}  // namespace consensus_lab::raft
