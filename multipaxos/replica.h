// A Chubby-style Multi-Paxos replica: an acceptor for every slot of the
// replicated log, a learner, a key-value state machine, and — when it is the
// master — the one proposer (notes, Multi-Paxos › 领导者: "领导者节点作为唯一
// 提议者", the leader is the only proposer).
//
//   election    A replica that hears nothing from a master for its election
//               timeout runs Basic Paxos phase 1 with a higher ballot (notes,
//               落地：Chubby: "主节点是通过Basic Paxos算法来进行leader选举的").
//               One Prepare covers every slot from the first one it does not
//               know to be chosen; a majority of Promises makes it master.
//   recovery    The new master re-proposes, in every open slot, the value of
//               the highest-numbered proposal reported, fills the remaining
//               gaps with noop, and gives the next command the next free slot
//               (Lamport, "Paxos Made Simple" §3).
//   steady      While it is master it skips phase 1 (notes, 优化 Basic Paxos
//               执行: "当领导者处于稳定状态时，省掉准备阶段，直接进入接受阶段"):
//               one Accept round per command, for slots up to `window`
//               beyond the highest contiguous chosen slot.
//               A Reject ends that: the master steps down.
//   lease       A replica that hears from the master grants it a lease and
//               takes orders from no other master until it ends; the master's
//               own lease ends earlier, and it serves reads locally only
//               while it holds one (Chubby).
//
// Like every role here it does no I/O: it takes messages and ticks and
// returns Effects — persist, then send. The class only routes, by message
// and by role (replica.cpp); each role has a room of its own:
//   acceptor.cpp    promises and acceptances, for every slot
//   election.cpp    the candidate: phase 1, and the recovery that makes it master
//   master.cpp      the steady state: Accepts within the window, Accepted, Reject
//   lease.cpp       heartbeats, the master's lease and the replicas' grants
//   learner.cpp     learning what is chosen, catching up, applying
//   check.cpp       the messages no correct replica could send
//   membership.h    who the members are, slot by slot
// Role state lives in std::optional<Candidate> / std::optional<Master>:
// becoming a follower drops it whole, so it can never be half-reset.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "multipaxos/effects.h"
#include "multipaxos/membership.h"
#include "multipaxos/messages.h"
#include "multipaxos/rules.h"

namespace consensus_lab::multipaxos {

// What a Promise reported: the proposals its sender accepted, by slot.
using Reports = std::vector<std::pair<Slot, SlotProposal>>;

// Phase 1 of a candidate — and of the master it becomes, which goes on
// asking the members of later configurations (Basic Paxos: 准备阶段).
struct PhaseOne {
  Ballot ballot;
  Slot from;                           // the Prepare covers this slot and every later one
  std::map<NodeId, Reports> promises;  // who promised this ballot, and what they reported
  std::set<NodeId> asked;              // members asked again since the last heartbeat
  friend bool operator==(const PhaseOne&, const PhaseOne&) = default;
};

// A command planned for a slot by the master, until it is chosen.
struct InFlight {
  Command command;
  std::set<NodeId> accepted_by;
  bool sent = false;
  int heartbeats_waited = 0;  // since it was last sent
  bool from_client = false;   // a client's command (not a recovered value or noop)
  friend bool operator==(const InFlight&, const InFlight&) = default;
};

// Everything only a master has: volatile, gone when it steps down.
struct Master {
  PhaseOne phase_one;
  Slot next_slot{1};        // the slot the next client command gets
  Slot recovered_until{0};  // local reads wait until this is applied (read-after-recovery)
  std::map<Slot, InFlight> in_flight;
  std::map<Millis, std::set<NodeId>> heartbeat_answers;  // heartbeat sent at → who answered
  Millis lease_until = 0;                                // the master's own lease
  Millis next_heartbeat = 0;
  std::optional<Millis> phase_one_incomplete_since;
  friend bool operator==(const Master&, const Master&) = default;
};

// The replica side of the lease: whom it granted one, until when.
struct LeaseGrant {
  NodeId holder;
  Millis until = 0;
  friend bool operator==(const LeaseGrant&, const LeaseGrant&) = default;
};

class Replica {
 public:
  struct Config {
    NodeId self;
    std::vector<NodeId> members;  // the first configuration, self included (if a member)
    std::uint64_t index = 1;  // ballots: replica k of n owns k, k+n, … (paxos::next_owned_number)
    std::uint64_t count = 1;
    Timing timing;
    Rules rules;
    // Fixed election timeout for this replica (scenarios: A=150); none = random.
    std::optional<Millis> fixed_election_timeout;
    friend bool operator==(const Config&, const Config&) = default;
  };

  Replica(Config config, ReplicaHardState restored);

  // Arm the election timer (at creation and after a restart).
  Effects start(Millis now, RandomSource& random);
  Effects handle(Millis now, const NodeId& from, const Message& message, RandomSource& random);
  Effects tick(Millis now, RandomSource& random);
  // The election timer fires now: become a candidate with a higher ballot.
  Effects campaign(Millis now, RandomSource& random);
  // A client command; only the master takes one (others: see master_hint()).
  Effects submit(Millis now, const Command& command);
  // Several commands at once, in consecutive slots (one Accept per slot).
  Effects submit_all(Millis now, const std::vector<Command>& commands);

  // Who the members are for `slot`: the first configuration, changed by the
  // membership commands chosen in slots <= slot - window.
  const std::vector<NodeId>& members_at(Slot slot) const { return membership_.at(slot); }

  // A read served from this replica's own state machine: only by a master
  // that holds its lease and has applied everything it recovered (otherwise
  // the read must go through the log).
  bool can_read_locally(Millis now) const;

  // Why `message` is impossible — no replica following the protocol could
  // have sent it to this one now — or none. handle() refuses such a message
  // before it changes anything (Effects::refused); a real node also closes
  // the connection it came on (multipaxos/check.cpp).
  std::optional<narration::Text> check(Millis now, const NodeId& from,
                                       const Message& message) const;

  Role role() const;
  bool is_master() const { return master_.has_value(); }
  std::optional<Ballot> ballot() const;  // as candidate or master
  std::optional<NodeId> master_hint() const { return master_hint_; }
  Millis lease_until() const { return master_ ? master_->lease_until : 0; }  // the master's own
  // The last slot a new master recovered (re-proposed or filled) from the
  // promises: it reads locally only once it has applied this far.
  Slot recovered_until() const { return master_ ? master_->recovered_until : Slot{0}; }
  const ReplicaHardState& hard_state() const { return hard_; }
  // The highest slot n such that every slot 1..n is known chosen here.
  Slot commit() const { return commit_; }
  Slot applied() const { return applied_; }
  const KeyValueStore& store() const { return store_; }
  const Config& config() const { return config_; }
  void set_rules(const Rules& rules) { config_.rules = rules; }
  void set_timing(const Timing& timing);
  void set_fixed_election_timeout(std::optional<Millis> timeout) {
    config_.fixed_election_timeout = timeout;
  }
  // Start the election timer again from now (after its timeout was changed).
  Effects restart_election_timer(Millis now, RandomSource& random);

 private:
  // ---- role changes: only these change the role (replica.cpp) ----
  void become_candidate(Millis now, RandomSource& random, Effects& effects);
  void become_master(Millis now, Effects& effects);
  void become_follower(Effects& effects, Ballot higher);  // overtaken: SteppedDown
  void step_down();                                       // for any other reason
  PhaseOne& phase_one();
  const PhaseOne& phase_one() const;

  // ---- shared plumbing (replica.cpp) ----
  bool is_member(Slot slot) const { return membership_.includes(slot, config_.self); }
  void send_to_members(Slot slot, const Message& message, Effects& effects) const;
  void reset_election_timer(Millis now, RandomSource& random);
  void note_ballot(Ballot ballot);
  // The promise a message's ballot falls below, if it does (promise 1 and 2).
  std::optional<Ballot> higher_promise(Ballot ballot) const;
  void persist(Effects& effects, std::optional<Slot> accepted = std::nullopt,
               std::optional<Slot> chosen = std::nullopt) const;
  Effects finish(Effects effects) const;

  // ---- the acceptor (acceptor.cpp) ----
  void on_prepare(Millis now, const NodeId& from, const Prepare& m, Effects& e, RandomSource& r);
  void on_accept(Millis now, const NodeId& from, const Accept& m, Effects& e, RandomSource& r);
  bool follow(Millis now, const NodeId& from, Ballot theirs, const char* what, Effects& effects,
              RandomSource& random);

  // ---- the candidate, and a master's later phase 1 (election.cpp) ----
  void run_phase_one(Millis now, Effects& effects);
  void on_promise(Millis now, const NodeId& from, const Promise& m, Effects& e);
  std::size_t promised_count(const std::vector<NodeId>& members) const;
  bool promised_by_majority(const std::vector<NodeId>& members) const;
  void request_promises(const std::vector<NodeId>& members, Effects& effects);
  void plan_recovery(Effects& effects);
  void recover_reported(const Reports& reported, Effects& effects);

  // ---- the master's steady state (master.cpp) ----
  void send_window(Effects& effects);
  // The last slot the master may have in flight: `window` beyond the highest
  // contiguous chosen slot (Timing::window).
  Slot window_end() const { return Slot{commit_.value + config_.timing.window}; }
  void report_what_followed(Effects& effects) const;
  void settle(Slot slot, InFlight& flight, Effects& effects);
  void resend_unacknowledged(Effects& effects);
  void send_accepts(const std::vector<Slot>& slots, Effects& effects, bool again);
  void on_accepted(const NodeId& from, const Accepted& m, Effects& e);
  void on_reject(Millis now, const Reject& m, Effects& e, RandomSource& r);

  // ---- the lease and heartbeats (lease.cpp) ----
  Configurations open_configurations() const;
  Configurations lease_configurations() const;
  bool phase_one_complete() const;
  bool promised_in_all(const Configurations& configurations) const;
  void heartbeat(Millis now, Effects& effects);
  void on_heartbeat(Millis now, const NodeId& from, const Heartbeat& m, Effects& e,
                    RandomSource& r);
  void on_heartbeat_ok(Millis now, const NodeId& from, const HeartbeatOk& m, Effects& e);
  void update_lease(Effects& effects);
  void check_phase_one(Millis now, Effects& effects, RandomSource& random);
  void grant_lease(Millis now, const NodeId& master);
  struct LeaseBar {
    NodeId holder;  // self: a master's own lease
    Millis until;
  };
  // Whether a lease this replica granted (or, as master, holds) bars `from`
  // from giving it orders now.
  std::optional<LeaseBar> lease_bars(Millis now, const NodeId& from) const;

  // ---- the learner (learner.cpp) ----
  void learn(Slot slot, const Command& command, Effects& effects);
  void learn_up_to(Slot commit, Ballot ballot, const NodeId& master, Effects& effects);
  void apply_chosen(Effects& effects);
  void send_chosen(const NodeId& to, Slot from, Effects& effects) const;
  void on_catch_up(const NodeId& from, const CatchUp& m, Effects& e);
  void on_chosen(Millis now, const Chosen& m, Effects& e);
  void ask_members_what_is_chosen(Effects& effects);

  Config config_;
  ReplicaHardState hard_;  // durable: the promise, accepted and chosen slots
  // volatile
  std::optional<PhaseOne> candidate_;  // while it is a candidate
  std::optional<Master> master_;       // while it is master
  Ballot highest_seen_{0};
  std::optional<NodeId> master_hint_;
  Millis election_deadline_ = 0;
  std::optional<LeaseGrant> grant_;  // the lease it granted a master
  Millis restarted_until_ = 0;       // after a restart it promises nothing until then
  // learner and state machine
  Slot commit_{0};
  Slot applied_{0};
  KeyValueStore store_;
  Slot catch_up_asked_{0};
  Membership membership_;

  // Equal replicas are in the same state (the explorer keeps each state once).
  friend bool operator==(const Replica&, const Replica&) = default;
};

}  // namespace consensus_lab::multipaxos
