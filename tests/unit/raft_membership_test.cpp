// Raft membership changes one server at a time (thesis §4.1–4.3;
// raft/membership.cpp), a test per rule: a configuration entry takes effect
// when appended and is undone when deleted; learners neither count nor
// campaign; a caught-up learner is promoted; one change at a time; a change
// only after an entry of the leader's term is committed; a removed leader
// steps down once its removal is committed; a removed server does not
// disrupt the cluster.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;
using raft::Configuration;

namespace {

using Reason = event::ConfigurationRefused::Reason;

const std::vector<NodeId> abcd{"A", "B", "C", "D"};

// Server `self` of A…E whose first configuration is `first`.
Server member(const NodeId& self, const Configuration& first, std::vector<LogEntry> log = {},
              raft::Rules rules = {}) {
  Server::Config config = config_for(self, abcde, rules);
  config.first_configuration = first;
  return Server(config, RaftHardState{.log = raft::Log{std::move(log)}});
}

// `self` elected by hand in term 1 of `first` (every voter votes for it); its
// noop is at index 1 and not committed yet.
Server leader_of(const NodeId& self, const Configuration& first, raft::Rules rules = {}) {
  LowestDraw low;
  Server server = member(self, first, {}, rules);
  server.start(0, low);
  server.timeout(0, low);
  for (const NodeId& voter : first.voters) {
    if (voter != self && server.role() != Role::leader) {
      server.handle(0, voter, Vote{.term = server.current_term(), .vote_granted = true}, low);
    }
  }
  REQUIRE(server.role() == Role::leader);
  return server;
}

Effects ack(Server& leader, const NodeId& from, LogIndex match) {
  LowestDraw low;
  return leader.handle(0, from, reply_success(leader.current_term(), match, match), low);
}

// The leader's noop committed by acknowledgements from `voters`.
void commit_noop(Server& leader, const std::vector<NodeId>& voters) {
  for (const NodeId& voter : voters) ack(leader, voter, LogIndex{1});
  REQUIRE(leader.commit_index() == LogIndex{1});
}

std::vector<Reason> refusals(const Effects& effects) {
  std::vector<Reason> out;
  for (const auto& r : events<event::ConfigurationRefused>(effects)) out.push_back(r.reason);
  return out;
}

}  // namespace

TEST_CASE("membership: a configuration entry takes effect as soon as it is appended") {
  LowestDraw low;
  Server d = member("D", Configuration{abcd, {}});
  d.start(0, low);
  // Thesis §4.1: in effect on each server once in its log, committed or not.
  const auto effects = d.handle(0, "A",
                                append_entries(Term{1}, "A", LogIndex{0}, Term{0},
                                               {LogEntry{Term{1}, Command::learner("E")}}),
                                low);
  CHECK(d.commit_index() == LogIndex{0});
  CHECK(d.configuration() == Configuration{abcd, {"E"}});
  CHECK(d.configuration_index() == LogIndex{1});
  REQUIRE(events<event::ConfigurationChanged>(effects).size() == 1);
  CHECK_FALSE(events<event::ConfigurationChanged>(effects)[0].reverted);
}

TEST_CASE("membership: a deleted configuration entry takes its configuration with it") {
  LowestDraw low;
  Server d = member("D", Configuration{abcd, {}}, {LogEntry{Term{1}, Command::add("E")}});
  CHECK(d.configuration().voters == abcde);  // restored from the log
  d.start(0, low);
  // A leader of term 2 replaces index 1: back to the first configuration.
  const auto effects = d.handle(
      0, "B",
      append_entries(Term{2}, "B", LogIndex{0}, Term{0}, {LogEntry{Term{2}, Command::noop()}}),
      low);
  CHECK(d.configuration() == Configuration{abcd, {}});
  CHECK(d.configuration_index() == LogIndex{0});
  REQUIRE(events<event::ConfigurationChanged>(effects).size() == 1);
  CHECK(events<event::ConfigurationChanged>(effects)[0].reverted);
}

TEST_CASE("membership: a learner's acknowledgement does not count towards a majority") {
  // Voters A, B, C; learner D. A's noop needs one of B and C.
  Server a = leader_of("A", Configuration{{"A", "B", "C"}, {"D"}});
  ack(a, "D", LogIndex{1});
  CHECK(a.commit_index() == LogIndex{0});
  ack(a, "B", LogIndex{1});
  CHECK(a.commit_index() == LogIndex{1});
}

TEST_CASE("membership: a learner's vote does not count either") {
  LowestDraw low;
  Server a = member("A", Configuration{{"A", "B", "C"}, {"D", "E"}});
  a.start(0, low);
  a.timeout(0, low);
  a.handle(0, "D", Vote{.term = Term{1}, .vote_granted = true}, low);
  a.handle(0, "E", Vote{.term = Term{1}, .vote_granted = true}, low);
  CHECK(a.role() == Role::candidate);  // two learners' votes: still 1 of 3 voters
  a.handle(0, "B", Vote{.term = Term{1}, .vote_granted = true}, low);
  CHECK(a.role() == Role::leader);
}

TEST_CASE("membership: a learner does not campaign, nor does a server outside the configuration") {
  LowestDraw low;
  for (const NodeId& self : {NodeId{"D"}, NodeId{"E"}}) {  // D a learner, E outside
    Server s = member(self, Configuration{{"A", "B", "C"}, {"D"}});
    s.start(0, low);
    const auto effects = s.timeout(0, low);
    CHECK(s.role() == Role::follower);
    CHECK(s.current_term() == Term{0});
    CHECK(sent<RequestVote>(effects).empty());
  }
}

TEST_CASE("membership: a learner is promoted once it has caught up") {
  Server a = leader_of("A", Configuration{{"A", "B", "C"}, {"D"}});
  commit_noop(a, {"B"});
  // D matches the commit index (1): the leader appends `add D` at index 2.
  const auto effects = ack(a, "D", LogIndex{1});
  REQUIRE(a.last_log_index() == LogIndex{2});
  CHECK(a.log().entry(LogIndex{2}).command == Command::add("D"));
  CHECK(a.configuration().voters == abcd);
  CHECK(a.configuration().learners.empty());
  // Now 3 of 4 voters: B alone is not enough for index 2.
  ack(a, "B", LogIndex{2});
  CHECK(a.commit_index() == LogIndex{1});
  ack(a, "D", LogIndex{2});
  CHECK(a.commit_index() == LogIndex{2});
}

TEST_CASE("membership: a learner behind the commit index is not promoted") {
  Server a = leader_of("A", Configuration{{"A", "B", "C"}, {"D"}});
  commit_noop(a, {"B"});
  LowestDraw low;
  a.submit(0, Command::put("x", "1"));
  ack(a, "B", LogIndex{2});  // commit index 2
  ack(a, "D", LogIndex{1});  // D holds only index 1
  CHECK(a.last_log_index() == LogIndex{2});
  CHECK(a.configuration().learners == std::vector<NodeId>{"D"});
}

TEST_CASE("membership: rule one-change-at-a-time") {
  Server a = leader_of("A", Configuration{abcd, {}});
  commit_noop(a, {"B", "C"});
  a.submit(0, Command::learner("E"));
  CHECK(a.configuration().learners == std::vector<NodeId>{"E"});
  const auto effects = a.submit(0, Command::remove("D"));
  CHECK(refusals(effects) == std::vector<Reason>{Reason::uncommitted_change});
  CHECK(a.configuration().voters == abcd);

  raft::Rules off;
  off.one_change_at_a_time = false;
  a.set_rules(off);
  CHECK(refusals(a.submit(0, Command::remove("D"))).empty());
  CHECK(a.configuration().voters == std::vector<NodeId>{"A", "B", "C"});
}

TEST_CASE("membership: rule config-after-own-term-commit") {
  // Ongaro, raft-dev 2015: no configuration entry before an entry of the
  // leader's own term is committed — A's noop is not yet.
  Server a = leader_of("A", Configuration{abcd, {}});
  CHECK(refusals(a.submit(0, Command::remove("D"))) ==
        std::vector<Reason>{Reason::no_commit_in_term});
  commit_noop(a, {"B", "C"});
  CHECK(refusals(a.submit(0, Command::remove("D"))).empty());

  raft::Rules off;
  off.config_after_own_term_commit = false;
  Server b = leader_of("B", Configuration{abcd, {}}, off);
  CHECK(refusals(b.submit(0, Command::remove("D"))).empty());
}

TEST_CASE("membership: a change that changes nothing, or leaves no voter, is refused") {
  Server a = leader_of("A", Configuration{{"A"}, {}});  // one voter: the noop commits at once
  REQUIRE(a.commit_index() == LogIndex{1});
  CHECK(refusals(a.submit(0, Command::add("A"))) == std::vector<Reason>{Reason::no_change});
  CHECK(refusals(a.submit(0, Command::remove("A"))) == std::vector<Reason>{Reason::last_voter});
}

TEST_CASE(
    "membership: a removed leader commits its removal without counting itself, then steps "
    "down") {
  Server a = leader_of("A", Configuration{{"A", "B", "C"}, {}});
  commit_noop(a, {"B"});
  a.submit(0, Command::remove("A"));
  CHECK(a.configuration().voters == std::vector<NodeId>{"B", "C"});
  ack(a, "B", LogIndex{2});  // 1 of {B, C}: A does not count itself
  CHECK(a.commit_index() == LogIndex{1});
  CHECK(a.role() == Role::leader);
  const auto effects = ack(a, "C", LogIndex{2});
  CHECK(a.commit_index() == LogIndex{2});
  CHECK(a.role() == Role::follower);
  CHECK(a.current_term() == Term{1});
  REQUIRE(events<event::RemovedLeaderStepsDown>(effects).size() == 1);
  // Its last AppendEntries tells B and C the commit.
  for (const auto& message : sent<AppendEntries>(effects)) {
    CHECK(message.second.leader_commit == LogIndex{2});
  }
  // Not a voter any more: it never stands again.
  LowestDraw low;
  a.timeout(1'000, low);
  CHECK(a.role() == Role::follower);
}

TEST_CASE("membership: a removed server does not disrupt the cluster") {
  // D is removed while it is down. Coming back, it would time out and raise
  // the term again and again (thesis §4.2.3) — but the leader sends a
  // removed server AppendEntries until it holds the entry that removed it:
  // then D knows it is no voter and stays quiet.
  RaftOptions options = raft_servers(abcd);
  RaftCluster cluster(options);
  cluster.world().set_latency({5, 15});
  const auto leader = wait_for_leader(cluster);
  REQUIRE(leader);
  const NodeId removed = *leader == "D" ? "C" : "D";
  cluster.world().crash(removed);
  REQUIRE(one(cluster, Command::put("x", "1"), 3));
  const auto first = wait_for_leader(cluster);
  REQUIRE(first);
  REQUIRE(cluster.submit(*first, Command::remove(removed)));
  cluster.world().run(500);
  const Term term = cluster.server(*first)->current_term();
  cluster.world().restart(removed);
  cluster.world().run(3'000);
  CHECK(cluster.leader() == first);
  CHECK(cluster.server(*first)->current_term() == term);
  CHECK_FALSE(cluster.server(removed)->is_voter());
  require_safe(cluster);
}

TEST_CASE("membership: a server is added as a learner, catches up, and becomes a voter") {
  RaftOptions options = raft_servers(abcd);
  options.members = {"A", "B", "C"};
  RaftCluster cluster(options);
  cluster.world().set_latency({5, 15});
  for (int i = 0; i < 5; ++i) REQUIRE(one(cluster, Command::put("k", std::to_string(i)), 3));
  const auto leader = wait_for_leader(cluster);
  REQUIRE(leader);
  REQUIRE(cluster.submit(*leader, Command::learner("D")));
  cluster.world().run(1'000);
  for (const NodeId& id : abcd) {
    CAPTURE(id);
    CHECK(cluster.server(id)->configuration().voters == abcd);
    CHECK(cluster.server(id)->store().get("k") == "4");
  }
  require_safe(cluster);
}
