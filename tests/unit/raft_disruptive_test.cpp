// Disruptive removed servers (Ongaro's thesis §4.2.3; raft/disruptive_servers.cpp):
// a server that is no voter of a server's configuration — removed while it
// was down, say — neither raises that server's term with its RequestVote
// while a leader is heard from, nor deposes the leader with the higher term
// of its answers. Members keep the paper's rules (check-quorum off). And a
// leader tells a removed server that stands for election that it was
// removed (Removed), after which it stands no more.
#include <doctest/doctest.h>

#include <optional>
#include <variant>

#include "net/raft_wire.h"
#include "net/wire.h"
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

// ---- Removed: the leader tells a removed server it was removed ----

namespace {

// D whose log holds `add D` at index 1 (configuration A, B, C, D), a
// candidate of term 5 after four lost elections.
Server removed_candidate() {
  LowestDraw low;
  Server::Config config = config_for("D", {"A", "B", "C", "D"});
  config.first_configuration = abc_voters;
  Server d(config, RaftHardState{.current_term = Term{4},
                                 .log = raft::Log{{LogEntry{Term{1}, Command::add("D")}}}});
  d.start(0, low);
  d.timeout(1'000, low);
  REQUIRE(d.role() == Role::candidate);
  REQUIRE(d.current_term() == Term{5});
  return d;
}

}  // namespace

TEST_CASE(
    "Raft 4.2.3: a leader tells a server that asks for a vote and is no voter of its configuration "
    "that it was removed") {
  LowestDraw low;
  Server a = of_abc("A");
  a.timeout(0, low);
  a.handle(0, "B", Vote{.term = Term{1}, .vote_granted = true}, low);
  REQUIRE(a.role() == Role::leader);
  // The first configuration (index 0): D is not in it.
  const Effects told = a.handle(10, "D", request_vote(Term{7}, "D", LogIndex{}, Term{}), low);
  REQUIRE(sent<raft::Removed>(told).size() == 1);
  CHECK(sent<raft::Removed>(told)[0].first == "D");
  CHECK(sent<raft::Removed>(told)[0].second.term == Term{1});
  CHECK(sent<raft::Removed>(told)[0].second.configuration_index == LogIndex{0});
  CHECK(a.role() == Role::leader);
  // A voter that asks for a vote is told nothing of the kind.
  const Effects voter = a.handle(20, "C", request_vote(Term{1}, "C", LogIndex{}, Term{}), low);
  CHECK(sent<raft::Removed>(voter).empty());
}

TEST_CASE("Raft 4.2.3: a server told it was removed stands for no election until a leader speaks") {
  LowestDraw low;
  Server d = removed_candidate();
  const Effects learnt =
      d.handle(1'010, "A", raft::Removed{.term = Term{3}, .configuration_index = LogIndex{2}}, low);
  CHECK(events<event::RemovedLearnt>(learnt).size() == 1);
  CHECK(d.role() == Role::follower);
  CHECK(d.current_term() == Term{5});  // nobody takes the notice's term
  const Effects timed_out = d.timeout(2'000, low);
  CHECK(events<event::StaysOut>(timed_out).size() == 1);
  CHECK(sent<RequestVote>(timed_out).empty());
  CHECK(d.current_term() == Term{5});
  // A leader of term 6 speaks to it (it was added back): it stands again.
  d.handle(2'010, "B", append_entries(Term{6}, "B", LogIndex{1}, Term{1}), low);
  const Effects stands = d.timeout(3'000, low);
  CHECK(sent<RequestVote>(stands).size() == 3);
  CHECK(d.current_term() == Term{7});
}

TEST_CASE("Raft 4.2.3: a notice about an older configuration than the server's own is ignored") {
  LowestDraw low;
  Server d = removed_candidate();  // its configuration is the entry at index 1
  const Effects old =
      d.handle(1'010, "A", raft::Removed{.term = Term{3}, .configuration_index = LogIndex{0}}, low);
  CHECK(events<event::RemovedLearnt>(old).empty());
  CHECK(d.role() == Role::candidate);
}

TEST_CASE("Raft: impossible Removed messages are refused, and the wire carries one line") {
  LowestDraw low;
  Server d = removed_candidate();
  CHECK(d.handle(0, "A", raft::Removed{.term = Term{0}}, low).refused);
  const raft::Removed m{.term = Term{3}, .configuration_index = LogIndex{9}};
  CHECK(net::encode(raft::Message{m}) == "Removed term 3 configuration 9");
  const auto back = std::get<raft::Removed>(net::decode_raft("Removed term 3 configuration 9"));
  CHECK(back.configuration_index == LogIndex{9});
  CHECK_THROWS_AS(net::decode_raft("Removed term 3"), net::DecodeError);
}

TEST_CASE(
    "Raft 4.2.3: a learner that stands is told it is no voter, and its higher term deposes the "
    "leader, so that a later leader can bring it up to date") {
  LowestDraw low;
  Server::Config config = config_for("A", {"A", "B", "C", "D"});
  config.first_configuration = raft::Configuration{.voters = {"A", "B", "C"}, .learners = {"D"}};
  Server a(config, RaftHardState{});
  a.start(0, low);
  a.timeout(0, low);
  a.handle(0, "B", Vote{.term = Term{1}, .vote_granted = true}, low);
  REQUIRE(a.role() == Role::leader);
  // D, added back as a learner, still believes it votes: told, and ignored.
  const Effects told = a.handle(10, "D", request_vote(Term{7}, "D", LogIndex{}, Term{}), low);
  CHECK(sent<raft::Removed>(told).size() == 1);
  CHECK(events<event::VoteIgnored>(told).size() == 1);
  CHECK(a.current_term() == Term{1});
  // Its answer of term 7 deposes A (a learner is a member): the next leader's
  // term is past 7.
  const Effects deposed = a.handle(20, "D", raft::AppendReply{.term = Term{7}}, low);
  CHECK(events<event::TermIgnored>(deposed).empty());
  CHECK(a.role() == Role::follower);
  CHECK(a.current_term() == Term{7});
}
