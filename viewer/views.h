// A page (viewer/page.h) for a run of each protocol's simulated cluster:
// record(cluster, page) names the cards' words and the protocol's rules in
// `page`, and from then on puts every event of the cluster's world into it.
// Call it right after the cluster is built, before anything happens.
#pragma once

#include "cluster/multipaxos_cluster.h"
#include "cluster/paxos_cluster.h"
#include "cluster/raft_cluster.h"
#include "viewer/page.h"

namespace consensus_lab::viewer {

void record(cluster::PaxosCluster& cluster, Page& page);
void record(cluster::MultiPaxosCluster& cluster, Page& page);
void record(cluster::RaftCluster& cluster, Page& page);

}  // namespace consensus_lab::viewer
