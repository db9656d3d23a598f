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
//               answers no other candidate until it ends; the master's own
//               lease ends earlier, and it serves reads locally only while it
//               holds one (Chubby).
//
// Like every role here it does no I/O: it takes messages and ticks and
// returns Effects — persist, then send.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <variant>
#include <vector>

#include "multipaxos/messages.h"

namespace consensus_lab::multipaxos {

// Safety rules that can be switched off (all on by default).
struct Rules {
  // Durable before visible: ReplicaHardState survives a crash.
  bool persist = true;
  // Chubby's lease: replicas refuse other candidates while they have granted
  // the master a lease, and the master reads locally only under its lease.
  bool lease = true;
  // The master may skip Prepare only while it is stable (notes, 优化 Basic
  // Paxos 执行): once a replica has promised a higher ballot, it answers the
  // old master's Accept with a Reject (promise 2, for every later slot), and
  // that Reject ends the skipping. Off, the replica accepts it anyway, and
  // the old master goes on choosing without a Prepare.
  bool skip_prepare_stops_on_reject = true;
};

struct Timing {
  Millis election_timeout_min = 150;  // a fresh random timeout from this range…
  Millis election_timeout_max = 300;  // …each time the timer is reset
  Millis heartbeat = 50;              // the master's heartbeat interval
  Millis lease = 200;                 // a replica's lease grant, from when it hears the master
  Millis lease_margin = 20;           // the master's lease ends this much earlier
  // Slots the master may have in flight beyond the highest contiguous chosen
  // slot — and α, the delay of a membership change: a replica added or
  // removed by the command in slot s counts from slot s + window on, so the
  // master always knows who the members are for every slot it proposes.
  std::size_t window = 4;
};

// What survives a crash.
struct ReplicaHardState {
  std::optional<Ballot> promised;         // one promise for every slot (see Prepare::from)
  std::map<Slot, SlotProposal> accepted;  // per slot: the last proposal accepted
  std::map<Slot, Command> chosen;         // per slot: what this replica knows chosen
  friend bool operator==(const ReplicaHardState&, const ReplicaHardState&) = default;
};

// What must be made durable before the step's messages leave: the promise,
// and only the slots that changed (not the whole log again).
struct Persist {
  std::optional<Ballot> promised;
  std::map<Slot, SlotProposal> accepted;  // slots accepted in this step
  std::map<Slot, Command> chosen;         // slots learned chosen in this step
  friend bool operator==(const Persist&, const Persist&) = default;
};

// Carry out a Persist on durable state (what a driver's disk does).
void apply(const Persist& persist, ReplicaHardState& disk);

// Who the members are for `slot`: the first configuration, changed by the
// membership commands among `changes` (chosen slot → command) chosen in
// slots <= slot - window (α, see Timing::window).
std::vector<NodeId> members_at(Slot slot, std::vector<NodeId> first,
                               const std::map<Slot, Command>& changes, std::size_t window);
bool is_membership_change(const Command& command);

struct Outgoing {
  NodeId to;
  Message message;
};

namespace event {
struct CampaignStarted {  // Prepare sent: trying to become master
  Ballot ballot;
  Slot from;
};
struct PromiseGranted {
  Ballot ballot;
  NodeId candidate;
  std::size_t reported;  // accepted slots reported
};
struct PrepareRefused {  // ballot <= promised: Reject sent
  Ballot ballot;
  Ballot promised;
};
struct PrepareIgnoredForLease {  // a lease for another master still holds
  Ballot ballot;
  NodeId master;  // empty: granted before a restart, to a master it no longer knows
  Millis until;
};
struct BecameMaster {
  Ballot ballot;
  Slot from;
  std::size_t reproposed;  // open slots given the highest-numbered value reported
  std::size_t filled;      // gaps filled with noop
  Slot next;               // the slot the next command gets
};
struct SteppedDown {
  Ballot ballot;
  Ballot higher;
};
struct CommandProposed {  // steady state: straight to phase 2
  Slot slot;
  Command command;
};
struct SlotAccepted {
  Slot slot;
  Ballot ballot;
  Command command;
};
struct AcceptRefused {
  Slot slot;
  Ballot ballot;
  Ballot promised;
};
struct SlotChosen {
  Slot slot;
  Command command;
};
struct Applied {
  Slot slot;
  Command command;
  bool repeat;                       // a client's re-submitted command: skipped
  std::optional<std::string> value;  // a read's answer: the value when it applied
};
struct LeaseHeld {  // the master holds a lease until this time
  Millis until;
};
struct CatchingUp {
  Slot from;
};
struct CampaignDeferred {  // its own lease grant to a master still holds
  NodeId master;           // empty: granted before a restart
  Millis until;
};
}  // namespace event

using Event = std::variant<event::CampaignStarted, event::PromiseGranted, event::PrepareRefused,
                           event::PrepareIgnoredForLease, event::BecameMaster, event::SteppedDown,
                           event::CommandProposed, event::SlotAccepted, event::AcceptRefused,
                           event::SlotChosen, event::Applied, event::LeaseHeld, event::CatchingUp,
                           event::CampaignDeferred>;

struct Effects {
  std::optional<Persist> persist;
  std::vector<Outgoing> send;
  std::optional<Millis> wake_at;
  std::vector<Event> events;
};

enum class Role { follower, candidate, master };

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
  std::vector<NodeId> members_at(Slot slot) const;

  // A read served from this replica's own state machine: only by a master
  // that holds its lease (otherwise it must go through the log).
  bool can_read_locally(Millis now) const;

  Role role() const { return role_; }
  bool is_master() const { return role_ == Role::master; }
  std::optional<Ballot> ballot() const { return ballot_; }  // as candidate or master
  std::optional<NodeId> master_hint() const { return master_hint_; }
  Millis lease_until() const { return lease_until_; }  // the master's own lease
  const ReplicaHardState& hard_state() const { return hard_; }
  // The highest slot n such that every slot 1..n is known chosen here.
  Slot commit() const { return commit_; }
  Slot applied() const { return applied_; }
  const KeyValueStore& store() const { return store_; }
  const Config& config() const { return config_; }
  void set_rules(const Rules& rules) { config_.rules = rules; }
  void set_timing(const Timing& timing) { config_.timing = timing; }
  void set_fixed_election_timeout(std::optional<Millis> timeout) {
    config_.fixed_election_timeout = timeout;
  }
  // Start the election timer again from now (after its timeout was changed).
  Effects restart_election_timer(Millis now, RandomSource& random);

 private:
  struct InFlight {
    Command command;
    std::set<NodeId> accepted_by;
    bool sent = false;
    int heartbeats_waited = 0;  // since it was last sent
    bool from_client = false;   // a client's command (not a recovered value or noop)
  };

  bool is_member(Slot slot) const;
  std::size_t majority_at(Slot slot) const { return paxos::majority(members_at(slot).size()); }
  void send_to_members(Slot slot, const Message& message, Effects& effects) const;
  void reset_election_timer(Millis now, RandomSource& random);
  void become_follower(Effects& effects, Ballot higher);
  void become_master(Millis now, Effects& effects);
  void propose(Slot slot, const Command& command, Effects& effects, bool from_client);
  void settle(Slot slot, InFlight& flight, Effects& effects);
  void request_promises(Slot slot, Effects& effects);
  std::size_t promised_count(Slot slot) const;
  void send_window(Effects& effects);
  void resend_unacknowledged(Effects& effects);
  void learn(Slot slot, const Command& command, Effects& effects);
  void learn_up_to(Slot commit, Ballot ballot, const NodeId& master, Effects& effects);
  void apply_chosen(Effects& effects);
  void note_ballot(Ballot ballot);
  void grant_lease(Millis now, const NodeId& master);
  void persist(Effects& effects, std::optional<Slot> accepted = std::nullopt,
               std::optional<Slot> chosen = std::nullopt) const;
  Effects finish(Effects effects) const;

  void on_prepare(Millis now, const NodeId& from, const Prepare& m, Effects& e, RandomSource& r);
  void on_promise(Millis now, const NodeId& from, const Promise& m, Effects& e);
  void on_reject(Millis now, const Reject& m, Effects& e, RandomSource& r);
  void on_accept(Millis now, const NodeId& from, const Accept& m, Effects& e, RandomSource& r);
  void on_accepted(const NodeId& from, const Accepted& m, Effects& e);
  void on_heartbeat(Millis now, const NodeId& from, const Heartbeat& m, Effects& e,
                    RandomSource& r);
  void on_heartbeat_ok(const NodeId& from, const HeartbeatOk& m, Effects& e);
  void on_catch_up(const NodeId& from, const CatchUp& m, Effects& e);
  void on_chosen(const Chosen& m, Effects& e);

  Config config_;
  ReplicaHardState hard_;
  // volatile
  Role role_ = Role::follower;
  std::optional<Ballot> ballot_;  // candidate's or master's ballot
  Ballot highest_seen_{0};
  std::optional<NodeId> master_hint_;
  Millis election_deadline_ = 0;
  Millis next_heartbeat_ = 0;
  // candidate
  Slot campaign_from_{1};
  // Who promised this ballot (candidate and master), and what they reported.
  std::map<NodeId, std::vector<std::pair<Slot, SlotProposal>>> promises_;
  std::set<NodeId> prepared_;  // members of a later configuration asked to promise
  // master
  Slot next_slot_{1};
  std::map<Slot, InFlight> in_flight_;
  std::map<Millis, std::set<NodeId>> heartbeat_oks_;
  Millis lease_until_ = 0;  // the master's own lease
  // replica side of the lease
  std::optional<NodeId> lease_holder_;
  Millis lease_granted_until_ = 0;
  // learner and state machine
  Slot commit_{0};
  Slot applied_{0};
  KeyValueStore store_;
  Slot catch_up_asked_{0};
  std::map<Slot, Command> membership_;  // the membership commands in hard_.chosen
};

}  // namespace consensus_lab::multipaxos
