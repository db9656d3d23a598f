// Chubby-style Multi-Paxos as the explorer sees it (docs/explore.md): the
// replicas of a scenario's cluster, their timers, and every message in
// flight, after its set-up.
//
// The model runs multipaxos::Replica itself, as the simulator's driver does
// (tools/explore/multipaxos_node.h). Each distinct replica state is kept once
// and named by a number; what a replica does in one step is worked out once
// per (replica state, step, time) and remembered.
//
// A master's lease ends only as time passes, so here — unlike Raft's model —
// time is a step: `advance` moves the clock to the next timer due and fires
// every timer due then, in the simulator's order (by due time, then in the
// order the timers were set), with the invariants checked after each. Steps
// happen only at those instants; the election timeouts must be fixed, so
// that no random draw is made.
//
// Actions: deliver one message in flight; within the budgets, drop one,
// duplicate one, let time pass (`advance`, budget `timers`), fire a listed
// replica's election timer early (`timeout A`, for the replicas named by
// `timeouts`; budget `timers`), crash a replica or restart a crashed one
// (free), or hand a master the next listed client put. The history the
// invariants are judged from (tools/explore/multipaxos_history.h) is part of
// the state, as the simulator keeps it. The start must have every replica
// up, a whole network, fixed election timeouts and no client read: the
// command says so otherwise.
#pragma once

#include <memory>

#include "cluster/multipaxos_cluster.h"
#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

// The model of `start` (a scenario's cluster after its set-up), with `budget`.
// What the model needs of the cluster is copied.
std::unique_ptr<Model> multipaxos_model(const cluster::MultiPaxosCluster& start,
                                        const Budget& budget);

}  // namespace consensus_lab::explore
