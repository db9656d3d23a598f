// Disruptive removed servers (Ongaro's thesis §4.2.3; raft/disruptive_servers.cpp):
// a server that is no voter of a server's configuration — removed while it
// was down, say — neither raises that server's term with its RequestVote
// while a leader is heard from, nor deposes the leader with the higher term
// of its answers. Members keep the paper's rules (check-quorum off).
#include <doctest/doctest.h>

#include <optional>

#include "raft/configuration.h"
#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;

namespace {

const raft::Configuration abc_voters{.voters = {"A", "B", "C"}};

// `self` of A…D whose configuration is A, B, C: D is none of its voters.
Server of_abc(const NodeId& self) {
  LowestDraw low;
  Server::Config config = config_for(self, {"A", "B", "C", "D"});
  config.first_configuration = abc_voters;
  Server server(config, RaftHardState{});
  server.start(0, low);
  return server;
}

}  // namespace

TEST_CASE(
    "Raft 4.2.3: a RequestVote from a server that is no voter here is ignored while a leader is "
    "heard from") {
  LowestDraw low;
  Server b = of_abc("B");
  b.handle(100, "A", append_entries(Term{1}, "A", LogIndex{}, Term{}), low);
  // Within the minimum election timeout (150 ms) of hearing from A.
  const Effects ignored = b.handle(200, "D", request_vote(Term{7}, "D", LogIndex{}, Term{}), low);
  REQUIRE(events<event::VoteIgnored>(ignored).size() == 1);
  CHECK(events<event::VoteIgnored>(ignored)[0].no_voter);
  CHECK(b.current_term() == Term{1});
  CHECK(b.voted_for() == std::nullopt);
  CHECK(sent<Vote>(ignored).empty());
  // A voter's RequestVote in the same lease raises the term, as the paper says
  // (check-quorum off): only a removed server's is ignored.
  const Effects member = b.handle(210, "C", request_vote(Term{8}, "C", LogIndex{}, Term{}), low);
  CHECK(events<event::VoteIgnored>(member).empty());
  CHECK(b.current_term() == Term{8});
  CHECK(b.voted_for() == std::optional<NodeId>("C"));
}

TEST_CASE("Raft 4.2.3: once no leader is heard from, a removed server's RequestVote counts again") {
  LowestDraw low;
  Server b = of_abc("B");
  b.handle(100, "A", append_entries(Term{1}, "A", LogIndex{}, Term{}), low);
  const Effects late = b.handle(260, "D", request_vote(Term{7}, "D", LogIndex{}, Term{}), low);
  CHECK(events<event::VoteIgnored>(late).empty());
  CHECK(b.current_term() == Term{7});
}

TEST_CASE("Raft 4.2.3: a leader is not deposed by the higher term of a removed server's answer") {
  LowestDraw low;
  Server a = of_abc("A");
  a.timeout(0, low);
  a.handle(0, "B", Vote{.term = Term{1}, .vote_granted = true}, low);
  REQUIRE(a.role() == Role::leader);
  const Effects ignored = a.handle(10, "D", raft::AppendReply{.term = Term{9}}, low);
  CHECK(events<event::TermIgnored>(ignored).size() == 1);
  CHECK(a.role() == Role::leader);
  CHECK(a.current_term() == Term{1});
  // A voter's higher term deposes it, as always.
  a.handle(20, "C", raft::AppendReply{.term = Term{9}}, low);
  CHECK(a.role() == Role::follower);
  CHECK(a.current_term() == Term{9});
}
