// A page (viewer/page.h) for a run of each protocol's simulated cluster:
// record(cluster, page) names the cards' words and the protocol's rules in
// `page`, and from then on puts every event of the cluster's world into it.
// Call it right after the cluster is built, before anything happens.
#pragma once

#include <optional>
#include <string>

#include "cluster/multipaxos_cluster.h"
#include "cluster/paxos_cluster.h"
#include "cluster/raft_cluster.h"
#include "multipaxos/replica.h"
#include "raft/server.h"
#include "viewer/page.h"

namespace consensus_lab::viewer {

void record(cluster::PaxosCluster& cluster, Page& page);
void record(cluster::MultiPaxosCluster& cluster, Page& page);
void record(cluster::RaftCluster& cluster, Page& page);

// ---- a real node's side of the live view (docs/viewer.md §5) ----
// The page's words and rules for a protocol's cards ("raft", "multipaxos").
void describe_raft(Page& page);
void describe_multipaxos(Page& page);
// A node's card now, and the rule (a key of the page's rules) behind an event.
Card card_of(const raft::Server& server);
Card card_of(const multipaxos::Replica& replica);
// (`at`: the server after the event, or none: then a commit names no rule.)
std::optional<std::string> rule_of(const raft::Event& event, const raft::Server* at);
std::optional<std::string> rule_of(const multipaxos::Event& event);

}  // namespace consensus_lab::viewer
