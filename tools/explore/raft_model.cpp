#include "tools/explore/raft_model.h"

#include <algorithm>
#include <cassert>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "cluster/raft_invariants.h"
#include "tools/explore/actions.h"
#include "tools/explore/interner.h"
#include "tools/explore/raft_history.h"
#include "tools/explore/raft_node.h"

namespace consensus_lab::explore {

namespace {

using raft::LogEntry;
using raft::LogIndex;
using raft::Term;

// What a server does in one step (a message, its timer, a crash, a restart).
struct Transition {
  Word node;               // its state afterwards
  std::vector<Word> sent;  // the messages it sent
  std::optional<Term> elected;
  std::vector<std::pair<LogIndex, LogEntry>> committed;
  Term term;                     // its term after the step (a commit's "when")
  bool log_changed = false;      // its log is not the one before
  std::optional<Violation> own;  // leader append-only, an impossible message, itself
};

// The parts of a state: [used, puts submitted, server…, #elections,
// elections…, #commits, commits…, messages in flight…]; each list sorted.
struct Parts {
  Word used, puts;
  Key servers, elections, commits, flight;
};

class RaftModel final : public Model {
 public:
  RaftModel(const cluster::RaftCluster& start, const Budget& budget)
      : ids_(start.options().servers), budget_(budget), time_(start.world().now()), history_(ids_) {
    // The puts, as the scenario's `put` makes them: the client history
    // numbers each operation (ClientHistory::begin).
    for (const std::string& put : budget.puts) {
      const auto equals = put.find('=');
      const std::size_t number = start.history().operations().size() + puts_.size() + 1;
      puts_.push_back(Command::put(put.substr(0, equals), put.substr(equals + 1),
                                   "c" + std::to_string(number), 1));
    }
    std::vector<Word> servers, elections, commits, flight;
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      configs_.push_back(start.server_at(i)->config());
      servers.push_back(nodes_.id({*start.server_at(i), start.state_at(i)}));
    }
    for (const auto& [term, leader] : start.invariants().leaders())
      elections.push_back(history_.election({term, position(leader)}));
    for (const auto& [index, entry] : start.committed())
      commits.push_back(
          history_.commit({index, entry, start.invariants().committed_in().at(index)}));
    start.world().for_each_queued(
        [&](const NodeId& from, const NodeId& to, const raft::Message& m) {
          flight.push_back(messages_.id({position(from), position(to), m}));
        });
    std::sort(elections.begin(), elections.end());
    std::sort(commits.begin(), commits.end());
    std::sort(flight.begin(), flight.end());
    first_ = assemble(0, 0, servers, elections, commits, flight);
  }

  std::vector<Word> initial() override { return first_; }

  void expand(Key state, Successors& out) override {
    const Parts p = parts(state);
    for (std::size_t i = 0; i < p.flight.size(); ++i) {
      const Word m = p.flight[i];
      if (i > 0 && p.flight[i - 1] == m) continue;  // copies of one message lead to one state
      step(p, i, messages_[m].to, kDeliver, m, p.used, out);
      if (used_of(p.used, kDropUsed) < budget_.drops) {
        out.add(action(kDrop, m), assemble(p.used + kDropUsed, p.puts, p.servers, p.elections,
                                           p.commits, without(p.flight, i)));
      }
      if (used_of(p.used, kCopyUsed) < budget_.duplicates) {
        std::vector<Word> more(p.flight.begin(), p.flight.end());
        more.insert(std::upper_bound(more.begin(), more.end(), m), m);
        out.add(action(kDuplicate, m),
                assemble(p.used + kCopyUsed, p.puts, p.servers, p.elections, p.commits, more));
      }
    }
    for (Word i = 0; i < ids_.size(); ++i) {
      // (Copied: a step may add server states, and move them.)
      const bool up = nodes_[p.servers[i]].server.has_value();
      const bool leads = up && nodes_[p.servers[i]].server->role() == raft::Role::leader;
      if (up && !leads && used_of(p.used, kTimerUsed) < budget_.timers &&
          budget_.may_time_out(ids_[i])) {
        step(p, p.flight.size(), i, kTimer, 0, p.used + kTimerUsed, out);
      }
      if (up && used_of(p.used, kCrashUsed) < budget_.crashes) {
        step(p, p.flight.size(), i, kCrash, 0, p.used + kCrashUsed, out);
      } else if (!up) {
        step(p, p.flight.size(), i, kRestart, 0, p.used, out);
      }
      if (leads && p.puts < puts_.size()) step(p, p.flight.size(), i, kPut, p.puts, p.used, out);
    }
  }

  // Nothing in flight, nobody down, and no election timer to fire: only
  // when every server leads, which the protocol never reaches.
  bool idle(Key state) const override {
    const Parts p = parts(state);
    if (!p.flight.empty()) return false;
    return std::all_of(p.servers.begin(), p.servers.end(), [&](Word s) {
      return nodes_[s].server && nodes_[s].server->role() == raft::Role::leader;
    });
  }

  bool fault(Word a) const override { return is_fault(a); }

  bool goal(Key state) const override {
    const Parts p = parts(state);
    return std::any_of(p.servers.begin(), p.servers.end(), [&](Word s) {
      return nodes_[s].server && nodes_[s].server->role() == raft::Role::leader;
    });
  }
  std::string goal_missed_line() const override { return "expect leader none"; }
  GoalWords goal_words() const override {
    return {{"a leader can still be elected", "都还能选出领导者"},
            {"no leader is elected", "选不出领导者"},
            {"no leader can be elected any more", "再不能选出领导者"}};
  }

  std::string line(Word a) const override {
    const Word what = what_of(a);
    const Kind kind = kind_of(a);
    if (kind == kCrash || kind == kRestart || kind == kTimer) return node_line(a, ids_[what]);
    if (kind == kPut) {
      const Command& put = puts_[what >> 8];
      return "put " + ids_[what & 0xFF] + " " + put.key + " " + put.value;
    }
    const RaftSent& sent = messages_[what];
    return message_line(a, ids_[sent.from], ids_[sent.to], raft::message_type(sent.message),
                        raft::message_words(sent.message));
  }

  std::vector<std::string> expectations(Key state) const override {
    const Parts p = parts(state);
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      const ServerNode& node = nodes_[p.servers[i]];
      const raft::RaftHardState& hard = node.server ? node.server->hard_state() : node.disk;
      const NodeId& id = ids_[i];
      lines.push_back("expect term " + id + " " + raft::to_string(hard.current_term));
      lines.push_back("expect voted " + id + " " + hard.voted_for.value_or("none"));
      std::string log = "expect log-length " + id + " 0";
      if (!hard.log.entries().empty()) {
        log = "expect log " + id;
        for (const auto& entry : hard.log.entries())
          log += " " + raft::to_string(entry.term) + ":" + to_scenario_word(entry.command);
      }
      lines.push_back(log);
      if (!node.server) continue;  // down: its role and commit index are gone
      lines.push_back("expect role " + id + " " +
                      std::string(raft::to_string(node.server->role())));
      lines.push_back("expect commit " + id + " " +
                      std::to_string(node.server->commit_index().value));
    }
    return lines;
  }

  std::size_t bytes() const override {
    return nodes_.bytes(sizeof(ServerNode) + 1024) + messages_.bytes(sizeof(RaftSent) + 64) +
           history_.bytes() + memo_.size() * (sizeof(Transition) + 64);
  }

 private:
  Word position(const NodeId& id) const {
    return static_cast<Word>(std::find(ids_.begin(), ids_.end(), id) - ids_.begin());
  }

  Parts parts(Key state) const {
    const std::size_t n = ids_.size();
    const Key elections = state.subspan(n + 3, state[n + 2]);
    const std::size_t c = n + 3 + elections.size();
    const Key commits = state.subspan(c + 1, state[c]);
    return {state[0],  state[1], state.subspan(2, n),
            elections, commits,  state.subspan(c + 1 + commits.size())};
  }

  static std::vector<Word> assemble(Word used, Word puts, Key servers, Key elections, Key commits,
                                    Key flight) {
    std::vector<Word> s{used, puts};
    s.insert(s.end(), servers.begin(), servers.end());
    s.push_back(static_cast<Word>(elections.size()));
    s.insert(s.end(), elections.begin(), elections.end());
    s.push_back(static_cast<Word>(commits.size()));
    s.insert(s.end(), commits.begin(), commits.end());
    s.insert(s.end(), flight.begin(), flight.end());
    return s;
  }
  static std::vector<Word> without(Key flight, std::size_t i) {
    std::vector<Word> rest(flight.begin(), flight.end());
    if (i < rest.size()) rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
    return rest;
  }

  const raft::Log& log_of(Word node) const {
    const ServerNode& s = nodes_[node];
    return s.server ? s.server->log() : s.disk.log;
  }

  // What server `self`, in state `before`, does in one step: worked out
  // once, then remembered (a message names its receiver; the other steps
  // are remembered per server, since two crashed servers may share a state).
  const Transition& transition(Word self, Word before, Kind kind, Word m) {
    assert(m < 0x10000000 && self < 0x100 && (kind == kDeliver || m < 0x10000));
    const std::uint64_t key = std::uint64_t{before} << 32 |
                              (kind == kDeliver ? m : 0xF0000000 | kind << 24 | m << 8 | self);
    if (const auto found = memo_.find(key); found != memo_.end()) return found->second;
    ServerNode node = nodes_[before];
    ServerStep step;
    if (kind == kDeliver) {
      const RaftSent& sent = messages_[m];
      deliver_to(node, self, ids_, ids_[sent.from], sent.message, time_, step);
    } else if (kind == kTimer) {
      time_out(node, self, ids_, time_, step);
    } else if (kind == kCrash) {
      crash(node);
    } else if (kind == kPut) {
      submit(node, self, ids_, puts_[m], time_, step);
    } else {
      restart(node, configs_[self], ids_, time_, step);
    }
    Transition t;
    for (auto& [to, message] : step.sent)
      t.sent.push_back(messages_.id({self, to, std::move(message)}));
    t.elected = step.elected;
    t.committed = std::move(step.committed);
    t.term = node.server ? node.server->current_term() : node.disk.current_term;
    t.log_changed = !((node.server ? node.server->log() : node.disk.log) == log_of(before));
    if (step.overwrote) t.own = Violation{cluster::kLeaderAppendOnly, std::move(*step.overwrote)};
    // (Checked in RaftInvariants' order; an impossible message comes after
    // the cluster's rules, a server against itself last.)
    if (!t.own && step.refused) t.own = Violation{cluster::kOnlyPossibleMessages, *step.refused};
    const ServerNode& was = nodes_[before];
    const auto a = was.server ? cluster::snapshot_of(*was.server) : cluster::snapshot_of(was.disk);
    const auto b =
        node.server ? cluster::snapshot_of(*node.server) : cluster::snapshot_of(node.disk);
    for (const auto& check : cluster::raft_server_checks()) {
      if (t.own || a == b) break;
      if (auto problem = check.check(ids_[self], a, b, configs_[self].rules))
        t.own = Violation{{check.name, check.name_zh}, std::move(*problem)};
    }
    t.node = nodes_.id(std::move(node));
    return memo_.emplace(key, std::move(t)).first->second;
  }

  // Server `self` takes a step; every invariant is checked, in RaftInvariants' order.
  void step(const Parts& p, std::size_t skip, Word self, Kind kind, Word m, Word used,
            Successors& out) {
    const Transition& t = transition(self, p.servers[self], kind, m);
    std::vector<Word> servers(p.servers.begin(), p.servers.end());
    servers[self] = t.node;
    std::optional<Violation> violation, twice;
    const std::vector<Word> elections =
        t.elected ? history_.elect(p.elections, *t.elected, self, violation)
                  : std::vector<Word>(p.elections.begin(), p.elections.end());
    if (!violation && t.own && t.own->invariant.en == cluster::kLeaderAppendOnly.en)
      violation = t.own;
    if (!violation && t.log_changed) violation = log_matching(servers, self);
    const std::vector<Word> commits = history_.commit(p.commits, t.committed, t.term, twice);
    std::vector<const raft::Server*> leaders;
    for (const Word node : servers) {
      const auto& server = nodes_[node].server;
      leaders.push_back(server && server->role() == raft::Role::leader ? &*server : nullptr);
    }
    if (!violation) violation = history_.leader_completeness(leaders, commits);
    if (!violation) violation = twice;
    if (!violation) violation = t.own;
    // A crash loses the messages to and from the server; a message to a
    // server that is down is lost; a dead answer is left out.
    std::vector<Word> flight;
    for (std::size_t i = 0; i < p.flight.size(); ++i) {
      const RaftSent& sent = messages_[p.flight[i]];
      if (i == skip || (kind == kCrash && (sent.from == self || sent.to == self))) continue;
      if (sent.to == self && dead(p.flight[i], servers)) continue;
      flight.push_back(p.flight[i]);
    }
    for (const Word sent : t.sent) {
      if (nodes_[servers[messages_[sent].to]].server && !dead(sent, servers))
        flight.push_back(sent);
    }
    std::sort(flight.begin(), flight.end());
    const Word what = kind == kDeliver ? m : kind == kPut ? m << 8 | self : self;
    out.add(action(kind, what),
            assemble(used, kind == kPut ? p.puts + 1 : p.puts, servers, elections, commits, flight),
            std::move(violation));
  }

  // Dead-state reduction (exact: docs/explore.md §4). An answer — Vote,
  // AppendReply, PreVoteReply, SnapshotReply — of a term older than its
  // receiver's is refused as stale: nothing changes, nothing is sent. With
  // rule persist on a server's term never goes down, not even across a
  // crash, so it stays stale for ever: every run that delivers, drops or
  // copies it has a twin without it that reaches the same server states
  // with as much budget left. (With persist off a restarted server starts
  // again from term 0, and an old answer can count again: no reduction.)
  bool dead(Word m, const std::vector<Word>& servers) {
    const RaftSent& sent = messages_[m];
    if (!configs_[sent.to].rules.persist) return false;
    const bool answer = std::visit(
        [](const auto& message) {
          using T = std::decay_t<decltype(message)>;
          return std::is_same_v<T, raft::Vote> || std::is_same_v<T, raft::AppendReply> ||
                 std::is_same_v<T, raft::PreVoteReply> || std::is_same_v<T, raft::SnapshotReply>;
        },
        sent.message);
    const ServerNode& to = nodes_[servers[sent.to]];
    if (!answer || !to.server) return false;
    const Term term = std::visit([](const auto& message) { return message.term; }, sent.message);
    if (term >= to.server->current_term()) return false;
    const Word before = servers[sent.to];
    const Transition& t = transition(sent.to, before, kDeliver, m);
    return t.node == before && t.sent.empty() && !t.own;
  }

  // Log Matching between the server whose log changed and each other one.
  std::optional<Violation> log_matching(const std::vector<Word>& servers, Word changed) const {
    for (Word other = 0; other < servers.size(); ++other) {
      if (other == changed) continue;
      const Word a = std::min(other, changed), b = std::max(other, changed);
      std::uint64_t same = 0;
      if (auto problem = cluster::logs_disagree(ids_[a], log_of(servers[a]), ids_[b],
                                                log_of(servers[b]), same))
        return Violation{cluster::kLogMatching, std::move(*problem)};
    }
    return std::nullopt;
  }

  std::vector<NodeId> ids_;
  std::vector<raft::Server::Config> configs_;
  Budget budget_;
  StillTime time_;
  std::vector<Command> puts_;  // submitted in this order
  std::vector<Word> first_;
  Interner<ServerNode> nodes_;
  Interner<RaftSent> messages_;
  RaftHistory history_;
  std::unordered_map<std::uint64_t, Transition> memo_;
};

}  // namespace

std::unique_ptr<Model> raft_model(const cluster::RaftCluster& start, const Budget& budget) {
  return std::make_unique<RaftModel>(start, budget);
}

}  // namespace consensus_lab::explore
