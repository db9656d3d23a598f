// The three protocols' Describers (narration/describer.h), for the
// simulator's narrator and diagrams, the demos, the scenario runner and a
// real node's log. The words themselves, one function per message and per
// decision: narration/paxos.cpp, narration/multipaxos.cpp, narration/raft.cpp.
#pragma once

#include "multipaxos/effects.h"
#include "narration/describer.h"
#include "paxos/effects.h"
#include "raft/server.h"

namespace consensus_lab::narration {

struct PaxosWords;
struct MultiPaxosWords;
struct RaftWords;

using PaxosDescriber = Describer<paxos::Message, paxos::Event, PaxosWords>;
using MultiPaxosDescriber = Describer<multipaxos::Message, multipaxos::Event, MultiPaxosWords>;
using RaftDescriber = Describer<raft::Message, raft::Event, RaftWords>;

// Each is compiled once, in its protocol's file, where its words are.
extern template struct Describer<paxos::Message, paxos::Event, PaxosWords>;
extern template struct Describer<multipaxos::Message, multipaxos::Event, MultiPaxosWords>;
extern template struct Describer<raft::Message, raft::Event, RaftWords>;

}  // namespace consensus_lab::narration
