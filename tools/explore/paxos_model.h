// Basic Paxos as the explorer sees it (docs/explore.md): the nodes of a
// scenario's cluster, and every message in flight, after its set-up.
//
// The model runs the protocol's own classes — paxos::Acceptor, Learner and
// Proposer — exactly as the simulator's driver (cluster/paxos_cluster.cpp)
// does: persist, then send; an acceptor's Accepted to its own node's learner
// handled at once. Each distinct node state is kept once and named by a
// number; what a node does with a message is worked out once per (node state,
// message) and remembered, so that the search mostly compares numbers.
//
// Actions: deliver one message in flight; within the budgets, drop one,
// duplicate one, fire a waiting proposer's timer (as if its deadline had
// come: the model is asynchronous), crash a server (its volatile state and
// the messages to and from it are lost) or restart a crashed one (free:
// recovering is no fault). Crashes are for servers that are not proposers.
// The start must have no partition and every proposer up (the command says
// so otherwise), and no back-off (a random pause cannot be enumerated).
#pragma once

#include <cstdint>
#include <memory>

#include "cluster/paxos_cluster.h"
#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

// The model of `start` (a scenario's cluster after its set-up), with
// `budget`. The cluster must outlive nothing: what the model needs is copied.
std::unique_ptr<Model> paxos_model(const cluster::PaxosCluster& start, const Budget& budget);

}  // namespace consensus_lab::explore
