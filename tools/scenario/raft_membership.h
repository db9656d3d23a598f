// Raft's membership words in scenario files (thesis §4; docs/scenarios.md):
// the header `members ID…` (the first configuration's voters; the other
// nodes are outside until added), the commands `add-server ID` (joins as a
// learner; the leader promotes it once it has caught up) and `remove-server
// ID`, the expectations `expect members ID…` and `expect learners ID…|none`,
// and the checker's membership changes (`--membership P`).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cluster/raft_cluster.h"
#include "tools/scenario/script.h"

namespace consensus_lab::scenario {

class RaftMembership {
 public:
  // `members ID…`; false for another header line.
  bool header(const Line& line);
  // The first configuration's voters, once every one is known to be a node
  // (empty: every node).
  std::vector<NodeId> first_members(const std::vector<NodeId>& nodes) const;

  // `add-server ID` / `remove-server ID` to the leader (`node` checks the
  // ID, `leader` fails when there is none); false for another command.
  bool execute(const Line& line, cluster::RaftCluster& cluster,
               const std::function<NodeId(const std::string&)>& node,
               const std::function<NodeId()>& leader);
  // `expect members ID…` / `expect learners ID…|none`, as the leader (or,
  // without one, the first live server) sees the configuration; false for
  // another expectation.
  bool expect(const Line& line, const cluster::RaftCluster& cluster) const;

  // The checker: with four nodes or more, all but the last are the first
  // members; then servers are added and removed, one change at a time.
  static std::vector<std::string> check_header(const std::vector<NodeId>& nodes);
  std::vector<std::string> lines(const cluster::RaftCluster& cluster, std::uint64_t pick) const;
  // The voters a leader (or the first live server) has in effect: the servers
  // that must hold every committed command once the cluster is healthy.
  static std::vector<NodeId> voters_now(const cluster::RaftCluster& cluster);

 private:
  std::vector<NodeId> members_;
};

}  // namespace consensus_lab::scenario
