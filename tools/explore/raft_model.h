// Raft as the explorer sees it (docs/explore.md): the servers of a scenario's
// cluster, and every message in flight, after its set-up.
//
// The model runs raft::Server itself, as the simulator's driver does
// (tools/explore/raft_node.h), with the clock standing still as in manual
// mode. Each distinct server state is kept once and named by a number; what a
// server does with a message is worked out once per (server state, message)
// and remembered.
//
// Actions: deliver one message in flight; within the budgets, drop one,
// duplicate one, fire a server's election timer (`timeout A`; not a
// leader's: it has none), crash a server (its volatile state and the
// messages to and from it are lost) or restart a crashed one (free:
// recovering is no fault). The history the invariants are judged from — the
// leader of each term, each committed entry and the earliest term it was
// committed in — is part of the state, as the simulator keeps it.
//
// A leader sends no heartbeat (its timer is the clock's): "exhausted" speaks
// of the runs without heartbeats. The start must have every server up and a
// whole network, and no feature that reads the clock (check-quorum, lease
// reads), no snapshot and no client read, whose invariants the model does
// not check: the command says so otherwise.
#pragma once

#include <memory>

#include "cluster/raft_cluster.h"
#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

// The model of `start` (a scenario's cluster after its set-up), with `budget`.
// What the model needs of the cluster is copied.
std::unique_ptr<Model> raft_model(const cluster::RaftCluster& start, const Budget& budget);

}  // namespace consensus_lab::explore
