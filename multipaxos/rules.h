// What can be switched off, and how long things take — the Multi-Paxos
// counterpart of paxos/rules.h. Every safety rule is on by default; switching
// one off (`set rule NAME off` in a scenario, `--rule NAME=off` in the
// checker) shows what it prevents (docs/multi-paxos.md, docs/checker.md).
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/named_rule.h"
#include "common/types.h"

namespace consensus_lab::multipaxos {

// Safety rules that can be switched off (all on by default). Each is
// documented in docs/multi-paxos.md with the scenario that breaks without it.
struct Rules {
  // Durable before visible: ReplicaHardState survives a crash.
  bool persist = true;

  // The master, its lease and what it learns:
  //  - lease: Chubby's lease. While a replica's grant to a master holds, it
  //    takes no orders (Prepare, Accept, Heartbeat) from another; the master
  //    reads locally only under its own lease, which ends before the grants do.
  //  - skip_prepare_stops_on_reject: the master may skip Prepare only while it
  //    is stable (notes, 优化 Basic Paxos 执行). Once a replica has promised a
  //    higher ballot, it answers the old master's Accept with a Reject
  //    (promise 2, for every later slot), and that Reject ends the skipping.
  //    Off, the replica accepts it anyway, and the old master goes on choosing
  //    without a Prepare.
  //  - read_after_recovery: Raft §8 and Chubby. A new master answers reads
  //    locally only once it has applied every slot it recovered — every slot
  //    any Promise reported.
  //  - learn_only_chosen: a master learns a slot only from a majority of
  //    Accepted for its own ballot — never from a Chosen reply — so the commit
  //    index it announces speaks only of values it proposed, which is what
  //    followers assume.
  bool lease = true, skip_prepare_stops_on_reject = true, read_after_recovery = true,
       learn_only_chosen = true;

  // Membership (成员变更):
  //  - members_only_count: only a slot's members count. The master's own
  //    acceptance, and its own lease grant, count only where it is a member.
  //    A removed master steps down.
  //  - lease_every_configuration: the lease and phase 1 must cover every
  //    configuration that can still choose a slot (the slots after the commit
  //    index, up to α ahead), not just the configuration of the next free slot.
  bool members_only_count = true, lease_every_configuration = true;
  friend bool operator==(const Rules&, const Rules&) = default;
};

// Every rule by name (`set rule lease off`, `--rule lease=off`).
inline constexpr NamedRule<Rules> kRuleNames[] = {
    {"persist", &Rules::persist, "promises, accepted and chosen survive a crash",
     "承诺、已通过和已选定的槽位崩溃后仍在"},
    {"lease", &Rules::lease, "Chubby: no other master while a lease holds",
     "Chubby 的租约：租约期内不认别的主节点"},
    {"skip-prepare-stops-on-reject", &Rules::skip_prepare_stops_on_reject,
     "a Reject stops the master skipping Prepare", "主节点收到拒绝，就不再省掉准备阶段"},
    {"read-after-recovery", &Rules::read_after_recovery,
     "reads only once recovered slots are applied", "新主节点执行完恢复出的每个槽位，才本地读"},
    {"members-only-count", &Rules::members_only_count,
     "only a slot's members count (master included)", "只有槽位的成员才算数，主节点自己也一样"},
    {"lease-every-configuration", &Rules::lease_every_configuration,
     "lease and Prepare cover every configuration", "租约和准备阶段覆盖每个还能选定槽位的成员配置"},
    {"learn-only-chosen", &Rules::learn_only_chosen, "a master learns only from its own majorities",
     "主节点只从自己编号的大多数通过中得知选定"},
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
  // At most this many consecutive slots in one Accept (and its Accepted).
  // One, as in the notes: each command its own Accept round. Real mode sends
  // up to 256, about kMaxBytesPerMessage bytes of commands at most: the
  // commands that arrive together travel, are written and are fsynced
  // together (net/protocol_runner.cpp).
  std::size_t slots_per_accept = 1;
  friend bool operator==(const Timing&, const Timing&) = default;
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

}  // namespace consensus_lab::multipaxos
