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
// returns Effects — persist, then send. Its rooms: replica.cpp (the steady
// state, dispatch), election.cpp (phase 1, recovery), learner.cpp (learning,
// catching up, applying), lease.cpp (the lease, heartbeats), check.cpp (what
// messages are impossible), membership.h (who the members are).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <variant>
#include <vector>

#include "multipaxos/membership.h"
#include "multipaxos/messages.h"

namespace consensus_lab::multipaxos {

// Safety rules that can be switched off (all on by default). Each is
// documented in docs/multi-paxos.md with the scenario that breaks without it.
struct Rules {
  // Durable before visible: ReplicaHardState survives a crash.
  bool persist = true;
  // Chubby's lease: while a replica's grant to a master holds, it takes no
  // orders (Prepare, Accept, Heartbeat) from another; the master reads locally
  // only under its own lease, which ends before the grants do.
  bool lease = true;
  // The master may skip Prepare only while it is stable (notes, 优化 Basic
  // Paxos 执行): once a replica has promised a higher ballot, it answers the
  // old master's Accept with a Reject (promise 2, for every later slot), and
  // that Reject ends the skipping. Off, the replica accepts it anyway, and
  // the old master goes on choosing without a Prepare.
  bool skip_prepare_stops_on_reject = true;
  // Raft §8 and Chubby: a new master answers reads locally only once it has
  // applied every slot it recovered — every slot any Promise reported.
  bool read_after_recovery = true;
  // Only a slot's members count: the master's own acceptance, and its own
  // lease grant, count only where it is a member. A removed master steps down.
  bool members_only_count = true;
  // The lease and phase 1 must cover every configuration that can still
  // choose a slot (the slots after the commit index, up to α ahead), not
  // just the configuration of the next free slot.
  bool lease_every_configuration = true;
  // A master learns a slot only from a majority of Accepted for its own
  // ballot — never from a Chosen reply — so the commit index it announces
  // speaks only of values it proposed, which is what followers assume.
  bool learn_only_chosen = true;
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

// Bounds that keep every message a correct replica sends far below the
// wire's line limit (net/wire.h): a Promise reports at most kMaxSlotsPerMessage
// accepted slots (a replica that would have to report more catches the
// candidate up instead: event::PromiseWithheld), and a Chosen carries at most
// that many slots and about kMaxBytesPerMessage bytes of commands.
inline constexpr std::size_t kMaxSlotsPerMessage = 512;
inline constexpr std::size_t kMaxBytesPerMessage = 1 << 20;
// No slot or ballot reaches 2^62: a cluster choosing a million slots a second
// would need 146,000 years. A larger number in a message is impossible, and
// every number below it can be stored (SQLite integers are signed 64-bit)
// and incremented without overflow.
inline constexpr std::uint64_t kMaxNumber = std::uint64_t{1} << 62;

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
struct OrderIgnoredForLease {  // an Accept or Heartbeat from another master, under a lease
  std::string what;            // "Accept", "Heartbeat"
  Ballot ballot;
  NodeId master;  // the lease holder; empty: granted before a restart; self: a master's own
  Millis until;
};
struct PromiseWithheld {  // the candidate is too far behind: caught up instead
  Ballot ballot;
  NodeId candidate;
  std::size_t accepted;  // accepted slots it would have had to report
};
struct ChosenIgnored {  // a master learns only from its own Accepted
  std::size_t slots;
};
struct LeftConfiguration {  // a master no longer among the members: steps down
  Ballot ballot;
  Slot slot;  // the first chosen slot of a configuration without it
};
struct PhaseOneStalled {  // a master without promises from a majority of a configuration
  Ballot ballot;
  Millis since;
};
}  // namespace event

using Event =
    std::variant<event::CampaignStarted, event::PromiseGranted, event::PrepareRefused,
                 event::PrepareIgnoredForLease, event::BecameMaster, event::SteppedDown,
                 event::CommandProposed, event::SlotAccepted, event::AcceptRefused,
                 event::SlotChosen, event::Applied, event::LeaseHeld, event::CatchingUp,
                 event::CampaignDeferred, event::OrderIgnoredForLease, event::PromiseWithheld,
                 event::ChosenIgnored, event::LeftConfiguration, event::PhaseOneStalled>;

struct Effects {
  std::optional<Persist> persist;
  std::vector<Outgoing> send;
  std::optional<Millis> wake_at;
  std::vector<Event> events;
  // The message handed to handle() was impossible — no peer following the
  // protocol could have sent it (slot 0, a Promise reporting slots before its
  // own start…): nothing else was done. A real node logs this reason and
  // closes the connection it came on.
  std::optional<std::string> refused;
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
  // that holds its lease and has applied everything it recovered (otherwise
  // the read must go through the log).
  bool can_read_locally(Millis now) const;

  // Why `message` is impossible — no replica following the protocol could
  // have sent it to this one now — or none. handle() refuses such a message
  // before it changes anything (Effects::refused); a real node also closes
  // the connection it came on (multipaxos/check.cpp).
  std::optional<std::string> check(Millis now, const NodeId& from, const Message& message) const;

  Role role() const { return role_; }
  bool is_master() const { return role_ == Role::master; }
  std::optional<Ballot> ballot() const { return ballot_; }  // as candidate or master
  std::optional<NodeId> master_hint() const { return master_hint_; }
  Millis lease_until() const { return lease_until_; }  // the master's own lease
  // The last slot a new master recovered (re-proposed or filled) from the
  // promises: it reads locally only once it has applied this far.
  Slot recovered_until() const { return recovered_until_; }
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
  void step_down(Effects& effects);
  void propose(Slot slot, const Command& command, Effects& effects, bool from_client);
  void settle(Slot slot, InFlight& flight, Effects& effects);
  void request_promises(const std::vector<NodeId>& members, Effects& effects);
  std::size_t promised_count(const std::vector<NodeId>& members) const;
  void recover_reported(const std::vector<std::pair<Slot, SlotProposal>>& reported,
                        Effects& effects);
  void send_window(Effects& effects);
  void resend_unacknowledged(Effects& effects);
  void learn(Slot slot, const Command& command, Effects& effects);
  void learn_up_to(Slot commit, Ballot ballot, const NodeId& master, Effects& effects);
  void apply_chosen(Effects& effects);
  void send_chosen(const NodeId& to, Slot from, Effects& effects) const;
  void note_ballot(Ballot ballot);
  void persist(Effects& effects, std::optional<Slot> accepted = std::nullopt,
               std::optional<Slot> chosen = std::nullopt) const;
  Effects finish(Effects effects) const;

  // The lease (multipaxos/lease.cpp).
  std::vector<std::vector<NodeId>> open_configurations() const;
  std::vector<std::vector<NodeId>> lease_configurations() const;
  bool phase_one_complete() const;
  void heartbeat(Millis now, Effects& effects);
  void update_lease(Effects& effects);
  void check_phase_one(Millis now, Effects& effects, RandomSource& random);
  void grant_lease(Millis now, const NodeId& master);
  bool follow(Millis now, const NodeId& from, Ballot ballot, const char* what, Effects& effects,
              RandomSource& random);
  struct LeaseBar {
    NodeId holder;  // self: a master's own lease
    Millis until;
  };
  // Whether a lease this replica granted (or, as master, holds) bars `from`
  // from giving it orders now.
  std::optional<LeaseBar> lease_bars(Millis now, const NodeId& from) const;

  void on_prepare(Millis now, const NodeId& from, const Prepare& m, Effects& e, RandomSource& r);
  void on_promise(Millis now, const NodeId& from, const Promise& m, Effects& e);
  void on_reject(Millis now, const Reject& m, Effects& e, RandomSource& r);
  void on_accept(Millis now, const NodeId& from, const Accept& m, Effects& e, RandomSource& r);
  void on_accepted(const NodeId& from, const Accepted& m, Effects& e);
  void on_heartbeat(Millis now, const NodeId& from, const Heartbeat& m, Effects& e,
                    RandomSource& r);
  void on_heartbeat_ok(Millis now, const NodeId& from, const HeartbeatOk& m, Effects& e);
  void on_catch_up(const NodeId& from, const CatchUp& m, Effects& e);
  void on_chosen(Millis now, const Chosen& m, Effects& e);
  void rerun_phase_one(Millis now, Effects& effects);

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
  Slot recovered_until_{0};
  std::map<Slot, InFlight> in_flight_;
  std::map<Millis, std::set<NodeId>> heartbeat_oks_;  // heartbeat sent at → who answered
  Millis lease_until_ = 0;                            // the master's own lease
  std::optional<Millis> phase_one_incomplete_since_;
  // replica side of the lease: whom it granted one, until when; and, after a
  // restart, until when it promises nothing (it may have granted one before)
  std::optional<NodeId> lease_holder_;
  Millis lease_granted_until_ = 0;
  Millis restarted_until_ = 0;
  // learner and state machine
  Slot commit_{0};
  Slot applied_{0};
  KeyValueStore store_;
  Slot catch_up_asked_{0};
  std::map<Slot, Command> membership_;  // the membership commands in hard_.chosen
};

}  // namespace consensus_lab::multipaxos
