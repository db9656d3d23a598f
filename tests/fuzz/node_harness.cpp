// The node harness (node_harness.h): how the bytes become steps, and what is
// checked after each one.
//
// Bytes: the first one sets the node up (Raft: the back-off and the batch
// size real mode can use; Multi-Paxos: the window). Then each step starts
// with a byte that picks what happens — most often a message — and the
// message's fields take the bytes after it (Input::number). When the bytes
// run out the run ends.
//
// Invariants, after every step (a name in brackets is the paper's):
//   both       the simulated disk, after applying every Effects.persist,
//              equals hard_state(); nothing is sent to the node itself; a
//              refused message persisted, sent and reported nothing and
//              changed nothing; every number in the durable state fits in
//              SQLite (at most 2^63 - 1).
//   Raft       current_term never decreases; voted_for does not change
//              within a term; log terms are >= 1, non-decreasing and
//              <= current_term (what net/storage.cpp checks when it loads a
//              log); commit_index <= last_log_index; last_applied ==
//              commit_index; a committed entry never changes, and a leader
//              never changes its log within its term [Leader Append-Only];
//              every message it sends passes a peer's check().
//   Multi-Paxos  the promise never decreases; every accepted ballot is <= the
//              promise; commit() is the highest n with slots 1..n all chosen;
//              applied() <= commit(); chosen and accepted slots are >= 1; a
//              slot known chosen never changes; a replica that reads locally
//              is master.
#include "tests/fuzz/node_harness.h"

#include <algorithm>
#include <array>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "multipaxos/replica.h"
#include "raft/server.h"

namespace consensus_lab::fuzzing {

RunStats& RunStats::operator+=(const RunStats& other) {
  steps += other.steps;
  messages += other.messages;
  refused += other.refused;
  restarts += other.restarts;
  became_leader += other.became_leader;
  highest_commit = std::max(highest_commit, other.highest_commit);
  if (!other.last_refusal.empty()) last_refusal = other.last_refusal;
  return *this;
}

namespace {

constexpr std::uint64_t kStorable = 9'223'372'036'854'775'807;  // 2^63 - 1: SQLite's largest

const NodeId kSelf = "A";
const std::vector<NodeId> kMembers{"A", "B", "C", "D", "E"};

// The fuzzer's bytes, one decision at a time (zeros once they run out).
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return position_ >= size_; }
  std::uint8_t byte() { return done() ? 0 : data_[position_++]; }
  std::size_t below(std::size_t n) { return byte() % n; }
  bool flag() { return (byte() & 1) != 0; }

  // A term, index, slot or ballot: half the time small (0..small: the real
  // cases), often next to `near` — the node's own term, log end, commit or
  // ballot, so that messages meet its present — and sometimes at the edges
  // of 32 and 64 bits.
  std::uint64_t number(std::uint64_t near, std::uint64_t small = 10) {
    const std::uint8_t b = byte();
    if (b < 128) return b % (small + 1);
    if (b < 246) {  // near - 2 … near + 2
      const std::uint64_t offset = b % 5;
      if (offset >= 2) return near + (offset - 2);
      return near >= 2 - offset ? near - (2 - offset) : 0;
    }
    static constexpr std::array<std::uint64_t, 6> kEdges{
        std::uint64_t{1} << 32, kStorable - 1,     kStorable,
        kStorable + 1,          ~std::uint64_t{1}, ~std::uint64_t{0}};
    return kEdges[b % kEdges.size()];
  }

  // Who a message comes from: mostly the other members, sometimes the
  // stranger Z or the node itself.
  NodeId node() {
    static const std::array<const char*, 16> kWho{"B", "C", "D", "E", "B", "C", "D", "E",
                                                  "B", "C", "D", "E", "B", "C", "Z", "A"};
    return kWho[below(kWho.size())];
  }

  Command command(bool membership) {
    switch (below(8)) {
      case 0:
        return Command::noop();
      case 1:
        return Command::read("x", "reader", number(1));
      case 2:
        if (membership) return Command::add(node());
        break;
      case 3:
        if (membership) return Command::remove(node());
        break;
      default:
        break;
    }
    return Command::put(flag() ? "x" : "y", std::to_string(below(10)),
                        "client" + std::to_string(below(3)), number(1));
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

// The role's randomness (its election timeouts): a fixed sequence, so that
// one input is always the same run.
class FixedRandom final : public RandomSource {
 public:
  std::uint64_t between(std::uint64_t low, std::uint64_t high) override {
    state_ = state_ * 6364136223846793005U + 1442695040888963407U;
    const std::uint64_t span = high - low;
    return span == ~std::uint64_t{0} ? state_ : low + (state_ >> 11) % (span + 1);
  }

 private:
  std::uint64_t state_ = 1;
};

std::string describe(const raft::Message& m) {
  return raft::to_string(m);
}
std::string describe(const multipaxos::Message& m) {
  return multipaxos::to_string(m);
}

// One step, kept to say what led to a violation.
template <class Message>
struct Step {
  Millis now = 0;
  std::string action;  // what happened, unless it was a message
  NodeId from;
  std::optional<Message> message;
  std::string text() const {
    return "at " + std::to_string(now) +
           " ms: " + (message ? "from " + from + ": " + describe(*message) : action);
  }
};

// Everything a message could change in a node: a refused message must leave
// it as it was.
auto state_of(const raft::Server& s) {
  return std::make_tuple(s.hard_state(), s.role(), s.commit_index(), s.last_applied(),
                         s.leader_hint());
}
auto state_of(const multipaxos::Replica& r) {
  return std::make_tuple(r.hard_state(), r.role(), r.commit(), r.applied(), r.ballot(),
                         r.master_hint());
}

// What both runs share: the input, the clock, the last steps, the verdict —
// and the steps both protocols take alike. A step that each protocol takes
// its own way (an election, a message, what a restart forgets) and the
// invariants are the subclass's (RaftRun, MultiPaxosRun).
template <class Node, class Message, class Effects>
class Run {
 public:
  virtual ~Run() = default;

  RunStats run() {
    while (!in_.done()) {
      step();
      ++stats_.steps;
      check_invariants();
    }
    return stats_;
  }

 protected:
  // `noun` names the node in a violation ("server", "replica");
  // `membership` says whether its clients submit membership changes.
  Run(const std::uint8_t* data, std::size_t size, const Options& options, std::string noun,
      bool membership)
      : in_(data, size), options_(options), noun_(std::move(noun)), membership_(membership) {}

  virtual Node& node() = 0;
  // Its election timer fires (Raft) or it campaigns (Multi-Paxos); when it
  // `wins`, B and C answer yes.
  virtual void stand_for_election(bool wins) = 0;
  virtual Message message(const NodeId& from) = 0;
  virtual void carry_out(const Effects& effects) = 0;
  // Rebuild the node from its disk and forget what only held until now.
  virtual void reload() = 0;
  virtual void check_invariants() = 0;

  void deliver(const NodeId& from, const Message& message) {
    record({now_, {}, from, message});
    const auto before = state_of(node());
    const Effects effects = node().handle(now_, from, message, random_);
    ++stats_.messages;
    check_refused(effects);
    if (effects.refused && state_of(node()) != before) {
      violated("a refused message changed the " + noun_);
    }
    carry_out(effects);
  }

  void record(Step<Message> step) {
    if (options_.trace) std::cerr << "step " << stats_.steps << ", " << step.text() << '\n';
    last_.push_back(std::move(step));
    if (last_.size() > kKept) last_.pop_front();
  }
  [[noreturn]] void violated(const std::string& what) const {
    std::string text = what + "\n  at step " + std::to_string(stats_.steps) + "; the last steps:";
    for (const auto& step : last_) text += "\n    " + step.text();
    if (options_.fail) options_.fail(text);
    throw std::logic_error(text);
  }
  template <class Outgoing>
  void check_not_to_self(const Outgoing& outgoing) const {
    if (outgoing.to == kSelf) violated("it sent " + describe(outgoing.message) + " to itself");
  }

  Input in_;
  const Options& options_;
  RunStats stats_;
  Millis now_ = 0;
  FixedRandom random_;

 private:
  // One step: its first byte picks what happens.
  void step() {
    const std::size_t pick = in_.below(16);
    switch (pick) {
      case 9:
      case 10:
        now_ += static_cast<Millis>(in_.below(64)) * 5;
        record({now_, "tick"});
        return carry_out(node().tick(now_, random_));
      case 11:
        return stand_for_election(/*wins=*/false);
      case 12:
      case 13: {
        std::vector<Command> batch(pick == 13 ? 1 + in_.below(4) : 1);
        for (Command& command : batch) command = in_.command(membership_);
        record({now_, "a client submits " + to_string(batch[0]) +
                          (batch.size() > 1 ? " and " + std::to_string(batch.size() - 1) + " more"
                                            : "")});
        if (batch.size() == 1) return carry_out(node().submit(now_, batch[0]));
        return carry_out(node().submit_all(now_, batch));
      }
      case 14:
        return restart();
      case 15:
        return stand_for_election(/*wins=*/true);
      default: {
        const NodeId from = in_.node();
        return deliver(from, message(from));
      }
    }
  }

  void restart() {
    record({now_, "it crashes and restarts from its disk"});
    reload();
    ++stats_.restarts;
    carry_out(node().start(now_, random_));
  }

  void check_refused(const Effects& effects) {
    if (!effects.refused) return;
    ++stats_.refused;
    stats_.last_refusal = effects.refused->en;
    if (effects.persist || !effects.send.empty() || !effects.events.empty()) {
      violated("a refused message (" + effects.refused->en + ") still persisted, sent or reported");
    }
  }

  static constexpr std::size_t kKept = 12;
  const std::string noun_;
  const bool membership_;
  std::deque<Step<Message>> last_;
};

// ---- Raft ---------------------------------------------------------------------------

class RaftRun final : public Run<raft::Server, raft::Message, raft::Effects> {
 public:
  RaftRun(const std::uint8_t* data, std::size_t size, const Options& options)
      : Run(data, size, options, "server", /*membership=*/false) {
    config_.self = kSelf;
    config_.servers = kMembers;
    const std::uint8_t setup = in_.byte();
    config_.back_off_to_log_end = (setup & 1) != 0;     // real mode: on
    config_.max_entries_per_append = (setup >> 1) % 4;  // 0: no limit; real mode: 256
    server_.emplace(config_, disk_);
    carry_out(server_->start(now_, random_));
  }

 private:
  raft::Server& node() override { return *server_; }

  raft::Term term_at(std::uint64_t index) const {
    const auto& log = server_->log().entries();
    if (index >= 1 && index <= log.size()) return log[index - 1].term;
    return server_->last_log_term();
  }

  void stand_for_election(bool wins) override {
    record({now_, wins ? "its election timer fires (B and C will vote for it)"
                       : "its election timer fires"});
    carry_out(server_->timeout(now_, random_));
    if (!wins) return;
    for (const char* peer : {"B", "C"})
      deliver(peer, raft::Vote{.term = server_->current_term(), .vote_granted = true});
  }

  raft::Message message(const NodeId& from) override {
    const raft::Server& s = *server_;
    const std::uint64_t term = in_.number(s.current_term().value);
    const std::uint64_t last = s.last_log_index().value;
    const NodeId speaker = in_.below(16) == 0 ? in_.node() : from;  // a node speaks for itself
    switch (in_.below(5)) {
      case 4:
        return production_message(term, speaker);
      case 0: {
        const std::uint64_t index = in_.number(last);
        return raft::RequestVote{.term = {term},
                                 .candidate_id = speaker,
                                 .last_log_index = {index},
                                 .last_log_term = {in_.number(term_at(index).value)}};
      }
      case 1:
        return raft::Vote{.term = {term}, .vote_granted = in_.flag()};
      case 2: {
        raft::AppendEntries m{
            .term = {term}, .leader_id = speaker, .prev_log_index = {in_.number(last)}};
        m.prev_log_term = {in_.number(term_at(m.prev_log_index.value).value)};
        m.leader_commit = {in_.number(s.commit_index().value)};
        m.entries.resize(in_.below(4));
        std::uint64_t entry_term = std::max<std::uint64_t>(m.prev_log_term.value, 1);
        for (raft::LogEntry& entry : m.entries) {
          if (const std::size_t pick = in_.below(4); pick < 2) {
            entry_term = pick == 0 ? term : in_.number(term);
          }
          entry = raft::LogEntry{{entry_term}, in_.command(false)};
        }
        return m;
      }
      default: {
        const bool success = in_.flag();
        const raft::LogIndex index{in_.number(last)};
        raft::AppendReply m{
            .term = {term}, .success = success, .last_log_index = {in_.number(last)}};
        if (success) {
          m.match_index = index;
        } else if (index.value != 0) {
          m.refused_prev_index = index;  // 0: a refusal for an old term alone
        }
        return m;
      }
    }
  }

  // What production Raft adds (Ongaro's thesis): pre-vote, leadership
  // transfer, and the notice to a removed server.
  raft::Message production_message(std::uint64_t term, const NodeId& speaker) {
    const std::uint64_t last = server_->last_log_index().value;
    switch (in_.below(4)) {
      case 0: {
        const std::uint64_t index = in_.number(last);
        return raft::PreVote{.term = {term},
                             .candidate_id = speaker,
                             .last_log_index = {index},
                             .last_log_term = {in_.number(term_at(index).value)}};
      }
      case 1:
        return raft::PreVoteReply{.term = {term}, .granted = in_.flag()};
      case 2:
        return raft::TimeoutNow{.term = {term}};
      default:
        return raft::Removed{.term = {term}, .configuration_index = {in_.number(last)}};
    }
  }

  void carry_out(const raft::Effects& effects) override {
    if (effects.persist) raft::write(*effects.persist, disk_);
    for (const raft::Outgoing& outgoing : effects.send) {
      check_not_to_self(outgoing);
      // Whatever it sends, a peer's check() accepts — here a peer that knows
      // nothing yet, so only the rules that hold for any message apply.
      const raft::Server peer(raft::Server::Config{.self = outgoing.to, .servers = kMembers}, {});
      if (auto reason = peer.check(kSelf, outgoing.message)) {
        violated("it sent " + describe(outgoing.message) + " to " + outgoing.to +
                 ", which refuses it: " + reason->en);
      }
    }
    for (const raft::Event& event : effects.events) {
      if (std::holds_alternative<raft::event::BecameLeader>(event)) ++stats_.became_leader;
    }
  }

  void reload() override {
    server_.emplace(config_, disk_);
    committed_.clear();
    leading_.reset();
  }

  void check_invariants() override {
    const raft::Server& s = *server_;
    if (!(disk_ == s.hard_state())) violated("the disk (every persist applied) != hard_state()");
    const raft::Term term = s.current_term();
    if (term < term_) violated("current_term went down from " + to_string(term_));
    if (term.value > kStorable) violated("current_term " + to_string(term) + " cannot be stored");
    if (term == term_ && voted_for_ && s.voted_for() != voted_for_) {
      violated("voted_for changed within term " + to_string(term) + " (it was " + *voted_for_ +
               ")");
    }
    term_ = term;
    voted_for_ = s.voted_for();

    const auto& log = s.log().entries();
    raft::Term previous;
    for (std::size_t i = 0; i < log.size(); ++i) {
      if (log[i].term.value == 0 || log[i].term < previous || log[i].term > term) {
        violated("entry " + std::to_string(i + 1) + " has term " + to_string(log[i].term) +
                 " (the one before: " + to_string(previous) + ", current term " + to_string(term) +
                 ")");
      }
      previous = log[i].term;
    }
    if (s.commit_index() > s.last_log_index()) violated("commit_index is past the log");
    if (s.last_applied() != s.commit_index()) violated("last_applied != commit_index");
    stats_.highest_commit = std::max(stats_.highest_commit, s.commit_index().value);

    // What it has committed (since its last restart) never changes.
    if (committed_.size() > log.size() ||
        !std::equal(committed_.begin(), committed_.end(), log.begin())) {
      violated("a committed entry changed or disappeared");
    }
    committed_.assign(log.begin(),
                      log.begin() + static_cast<std::ptrdiff_t>(s.commit_index().value));
    // Leader Append-Only: "a leader never overwrites or deletes entries in its log".
    if (s.role() == raft::Role::leader) {
      if (leading_ == term && (leader_log_.size() > log.size() ||
                               !std::equal(leader_log_.begin(), leader_log_.end(), log.begin()))) {
        violated("the leader of term " + to_string(term) + " changed its own log");
      }
      leading_ = term;
      leader_log_ = log;
    } else {
      leading_.reset();
    }
  }

  raft::Server::Config config_;
  raft::RaftHardState disk_;
  std::optional<raft::Server> server_;
  raft::Term term_;
  std::optional<NodeId> voted_for_;
  std::vector<raft::LogEntry> committed_;  // since the last restart
  std::optional<raft::Term> leading_;      // the term it was seen leading
  std::vector<raft::LogEntry> leader_log_;
};

// ---- Multi-Paxos ---------------------------------------------------------------------

class MultiPaxosRun final
    : public Run<multipaxos::Replica, multipaxos::Message, multipaxos::Effects> {
 public:
  MultiPaxosRun(const std::uint8_t* data, std::size_t size, const Options& options)
      : Run(data, size, options, "replica", /*membership=*/true) {
    config_.self = kSelf;
    config_.members = kMembers;
    config_.index = 1;
    config_.count = kMembers.size();
    static constexpr std::array<std::size_t, 4> kWindows{1, 2, 4, 256};  // 256: real mode
    config_.timing.window = kWindows[in_.below(kWindows.size())];
    replica_.emplace(config_, disk_);
    carry_out(replica_->start(now_, random_));
  }

 private:
  using Ballot = multipaxos::Ballot;
  using Slot = multipaxos::Slot;

  multipaxos::Replica& node() override { return *replica_; }

  void stand_for_election(bool wins) override {
    record({now_, wins ? "it campaigns (B and C will promise)" : "it campaigns"});
    carry_out(replica_->campaign(now_, random_));
    if (!wins) return;
    const auto ballot = replica_->ballot();
    if (!ballot || replica_->is_master()) return;
    const Slot from = replica_->commit().next();
    for (const char* peer : {"B", "C"}) deliver(peer, multipaxos::Promise{*ballot, from, {}});
  }

  std::uint64_t own_ballot() const {
    if (replica_->ballot()) return replica_->ballot()->value;
    const auto& promised = replica_->hard_state().promised;
    return promised ? promised->value : 0;
  }
  Ballot ballot() { return Ballot{in_.number(own_ballot(), 20)}; }
  Slot slot() { return Slot{in_.number(replica_->commit().value + 1)}; }
  Millis sent_at() {
    const std::uint8_t b = in_.byte();
    if (b < 224) return std::max<Millis>(0, now_ - (b % 8) * 25);
    static constexpr std::array<Millis, 4> kEdges{0, Millis{1} << 32, INT64_MAX - 1, INT64_MAX};
    return kEdges[b % kEdges.size()];
  }

  multipaxos::Message message(const NodeId& /*from*/) override {
    const Ballot b = ballot();
    switch (in_.below(9)) {
      case 0:
        return multipaxos::Prepare{b, slot()};
      case 1: {
        multipaxos::Promise m{b, slot(), {}};
        m.accepted.resize(in_.below(4));
        for (auto& [s, proposal] : m.accepted) {
          s = slot();
          proposal = multipaxos::SlotProposal{ballot(), in_.command(true)};
        }
        return m;
      }
      case 2:
        return multipaxos::Reject{b, ballot()};
      case 3: {
        const Slot s = slot();
        const Command command = in_.command(true);
        multipaxos::Accept m{b, s, command, Slot{in_.number(replica_->commit().value)}};
        for (std::size_t more = in_.below(12); more > 0; --more) {  // a batch of slots
          m.more.push_back(in_.command(true));
        }
        return m;
      }
      case 4:
        return multipaxos::Accepted{b, slot(), in_.number(0, 3)};
      case 5: {
        const Slot commit{in_.number(replica_->commit().value)};
        return multipaxos::Heartbeat{b, commit, sent_at()};
      }
      case 6:
        return multipaxos::HeartbeatOk{b, sent_at()};
      case 7:
        return multipaxos::CatchUp{slot()};
      default: {
        multipaxos::Chosen m;
        m.slots.resize(in_.below(4));
        for (auto& [s, command] : m.slots) {
          s = slot();
          command = in_.command(true);
        }
        return m;
      }
    }
  }

  void carry_out(const multipaxos::Effects& effects) override {
    if (effects.persist) multipaxos::write(*effects.persist, disk_);
    for (const multipaxos::Outgoing& outgoing : effects.send) check_not_to_self(outgoing);
    for (const multipaxos::Event& event : effects.events) {
      if (std::holds_alternative<multipaxos::event::BecameMaster>(event)) ++stats_.became_leader;
    }
  }

  void reload() override { replica_.emplace(config_, disk_); }

  void check_invariants() override {
    const multipaxos::Replica& r = *replica_;
    const multipaxos::ReplicaHardState& hard = r.hard_state();
    if (!(disk_ == hard)) violated("the disk (every persist applied) != hard_state()");
    if (promised_ && (!hard.promised || *hard.promised < *promised_)) {
      violated("the promise went down from " + to_string(*promised_));
    }
    promised_ = hard.promised;
    if (hard.promised && hard.promised->value > kStorable) {
      violated("the promise " + to_string(*hard.promised) + " cannot be stored");
    }
    for (const auto& [slot, proposal] : hard.accepted) {
      if (slot.value == 0 || slot.value > kStorable) {
        violated("accepted slot " + to_string(slot) + " (slots are 1.." +
                 std::to_string(kStorable) + ")");
      }
      if (!hard.promised || proposal.ballot > *hard.promised) {
        violated("slot " + to_string(slot) + " accepted ballot " + to_string(proposal.ballot) +
                 ", above the promise");
      }
    }
    for (const auto& [slot, command] : hard.chosen) {
      if (slot.value == 0 || slot.value > kStorable) {
        violated("chosen slot " + to_string(slot) + " (slots are 1.." + std::to_string(kStorable) +
                 ")");
      }
    }
    Slot contiguous{0};
    while (hard.chosen.count(contiguous.next()) != 0) contiguous = contiguous.next();
    if (r.commit() != contiguous) {
      violated("commit() is " + to_string(r.commit()) + ", but slots 1.." + to_string(contiguous) +
               " are chosen");
    }
    if (r.applied() > r.commit()) violated("applied() is past commit()");
    stats_.highest_commit = std::max(stats_.highest_commit, r.commit().value);
    for (const auto& [slot, command] : chosen_) {
      const auto it = hard.chosen.find(slot);
      if (it == hard.chosen.end() || !(it->second == command)) {
        violated("slot " + to_string(slot) + ", known chosen, changed or disappeared");
      }
    }
    chosen_ = hard.chosen;
    if (r.can_read_locally(now_) && !r.is_master()) violated("it reads locally but is not master");
  }

  multipaxos::Replica::Config config_;
  multipaxos::ReplicaHardState disk_;
  std::optional<multipaxos::Replica> replica_;
  std::optional<Ballot> promised_;
  std::map<Slot, Command> chosen_;
};

}  // namespace

RunStats run_raft(const std::uint8_t* data, std::size_t size, const Options& options) {
  return RaftRun(data, size, options).run();
}

RunStats run_multipaxos(const std::uint8_t* data, std::size_t size, const Options& options) {
  return MultiPaxosRun(data, size, options).run();
}

}  // namespace consensus_lab::fuzzing
