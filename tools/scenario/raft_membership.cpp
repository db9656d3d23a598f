#include "tools/scenario/raft_membership.h"

#include <algorithm>

namespace consensus_lab::scenario {

namespace {

// The server whose configuration the expectations read: the leader, or the
// first live server.
const raft::Server* viewpoint(const cluster::RaftCluster& cluster) {
  if (const auto leader = cluster.leader()) return cluster.server(*leader);
  for (const NodeId& id : cluster.participants()) {
    if (const raft::Server* s = cluster.server(id)) return s;
  }
  return nullptr;
}

std::string words(const std::vector<NodeId>& ids) {
  std::string out;
  for (const NodeId& id : ids) out += " " + id;
  return out;
}

}  // namespace

bool RaftMembership::header(const Line& line) {
  if (line.command() != "members") return false;
  // As multipaxos: the first configuration, when some nodes are to join later.
  if (!members_.empty()) fail({"members are given twice", "`members` 写了两次"});
  if (line.size() < 2) fail_usage("members ID…");
  for (std::size_t i = 1; i < line.size(); ++i) members_.push_back(line[i]);
  return true;
}

std::vector<NodeId> RaftMembership::first_members(const std::vector<NodeId>& nodes) const {
  for (const NodeId& member : members_) {
    if (std::find(nodes.begin(), nodes.end(), member) == nodes.end()) {
      fail({"member " + member + " is not one of the nodes",
            "成员 " + member + " 不在 `nodes` 一行中"});
    }
  }
  return members_;
}

bool RaftMembership::execute(const Line& line, cluster::RaftCluster& cluster,
                             const std::function<NodeId(const std::string&)>& node,
                             const std::function<NodeId()>& leader) {
  const std::string& command = line.command();
  if (command != "add-server" && command != "remove-server") return false;
  require_words(line, 2, 2, command + " ID");
  const NodeId id = node(line[1]);
  const NodeId to = leader();
  cluster.submit(to, command == "add-server" ? Command::learner(id) : Command::remove(id));
  return true;
}

bool RaftMembership::expect(const Line& line, const cluster::RaftCluster& cluster) const {
  const std::string& what = line[1];
  if (what != "members" && what != "learners") return false;
  if (line.size() < 3) fail_usage("expect " + what + " ID…" + (what == "learners" ? "|none" : ""));
  std::string wanted;
  for (std::size_t i = 2; i < line.size(); ++i) {
    if (!(what == "learners" && line[i] == "none" && line.size() == 3)) wanted += " " + line[i];
  }
  const raft::Server* s = viewpoint(cluster);
  if (s == nullptr) fail({"every server is down", "所有服务器都已宕机"});
  const auto& ids = what == "members" ? s->configuration().voters : s->configuration().learners;
  std::string actual = words(ids);
  if (wanted != actual) {
    if (actual.empty()) actual = " none";
    expect_failed(line.text().substr(7), what + actual);
  }
  return true;
}

std::vector<std::string> RaftMembership::check_header(const std::vector<NodeId>& nodes) {
  if (nodes.size() < 4) return {};
  return {"members" + words(std::vector<NodeId>(nodes.begin(), nodes.end() - 1))};
}

// With a first configuration: one change at a time, at the leader: add a server outside the
// configuration, or remove a voter (of three or more) or a learner. The
// leader itself refuses a change it may not make now (an earlier one not
// committed, or none of its term): the refusal is part of what is checked.
std::vector<std::string> RaftMembership::lines(const cluster::RaftCluster& cluster,
                                               std::uint64_t pick) const {
  const auto leader = cluster.leader();
  // Only with a first configuration (the checker's header with four nodes or
  // more): a cluster of three runs the paper's Raft as it always did.
  if (!leader || members_.empty()) return {};
  const raft::Configuration& now = cluster.server(*leader)->configuration();
  std::vector<NodeId> outside;
  for (const NodeId& id : cluster.participants()) {
    if (!raft::is_member(now, id)) outside.push_back(id);
  }
  if (!outside.empty() && (now.voters.size() < 3 || pick % 2 == 0)) {
    return {"add-server " + outside[pick / 2 % outside.size()]};
  }
  std::vector<NodeId> removable = now.learners;
  if (now.voters.size() >= 3)
    removable.insert(removable.end(), now.voters.begin(), now.voters.end());
  if (removable.empty()) return {};
  return {"remove-server " + removable[pick / 2 % removable.size()]};
}

std::vector<NodeId> RaftMembership::voters_now(const cluster::RaftCluster& cluster) {
  const raft::Server* s = viewpoint(cluster);
  return s ? s->configuration().voters : cluster.participants();
}

}  // namespace consensus_lab::scenario
