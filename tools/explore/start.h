// Where `conlab explore` may start from (docs/explore.md): the model of a
// scenario's cluster after its set-up, or — in one line, in English and in
// the notes' Chinese — why the model cannot explore it faithfully: a
// partition, a node down, a random back-off or timeout, a feature that reads the clock,
// an invariant the model does not check, a bound that names no such node.
#pragma once

#include <memory>
#include <variant>

#include "cluster/multipaxos_cluster.h"
#include "cluster/paxos_cluster.h"
#include "cluster/raft_cluster.h"
#include "narration/text.h"
#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

using Start = std::variant<std::unique_ptr<Model>, narration::Text>;

Start paxos_start(const cluster::PaxosCluster& start, const Budget& budget);
Start raft_start(const cluster::RaftCluster& start, const Budget& budget);
Start multipaxos_start(const cluster::MultiPaxosCluster& start, const Budget& budget);

}  // namespace consensus_lab::explore
