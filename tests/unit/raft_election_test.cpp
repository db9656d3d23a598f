// Raft, sentence by sentence: one test for each rule of the Raft paper's
// §5.1 (terms) and §5.2 (leader election) (Ongaro and Ousterhout, "In Search of an Understandable
// Consensus Algorithm"), in the manner of etcd's raft_paper_test.go. Each test
// drives one raft::Server by hand — a message, a tick, a client command — and
// looks at the Effects it returns: what it persists, sends and notes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "raft/server.h"
#include "sim/rng.h"
#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;

namespace {

// One message of each kind, all in `term`. The RequestVote's candidate has a
// log no voter here can beat, so any voter that may vote grants it.
std::vector<std::pair<std::string, Message>> one_of_each(Term term) {
  return {
      {"request-vote", request_vote(term, "B", LogIndex{100}, Term{100})},
      {"vote", Vote{.term = term, .vote_granted = false}},
      {"append-entries", AppendEntries{.term = term, .leader_id = "B"}},
      {"append-reply", AppendReply{.term = term, .success = false}},
  };
}

// A server of A, B, C in term 2 in the given role.
Server in_role(Role role) {
  LowestDraw low;
  if (role == Role::leader) return elected("A", abc, {}, Term{1});
  Server server(config_for("A", abc),
                RaftHardState{.current_term = role == Role::candidate ? Term{1} : Term{2}});
  server.start(0, low);
  if (role == Role::candidate) server.timeout(0, low);
  return server;
}

// Paper §5.1: "If one server's current term is smaller than the other's, then
// it updates its current term to the larger value. If a candidate or leader
// discovers that its term is out of date, it immediately reverts to follower
// state."
void check_term_update(Role role) {
  for (const auto& each : one_of_each(Term{5})) {
    const std::string type = each.first;
    const Message& message = each.second;
    CAPTURE(type);
    LowestDraw low;
    Server server = in_role(role);
    REQUIRE(server.role() == role);
    REQUIRE(server.current_term() == Term{2});
    const Effects effects = server.handle(10, "B", message, low);
    CHECK(server.current_term() == Term{5});
    CHECK(server.role() == Role::follower);
    const auto raised = events<event::TermRaised>(effects);
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].from == Term{2});
    CHECK(raised[0].to == Term{5});
    REQUIRE(effects.persist);
    CHECK(effects.persist->current_term == Term{5});
    // The vote of term 2 does not carry over; only the RequestVote of term 5 earns one.
    if (type == "request-vote") {
      CHECK(server.voted_for() == std::optional<NodeId>{"B"});
    } else {
      CHECK_FALSE(server.voted_for());
    }
    CHECK(events<event::StaleRefused>(effects).empty());
  }
}

// Whether `voter`, at `now`, grants the vote that `candidate` (whose log is
// empty) asks for in `term`.
bool grants(Server& voter, Millis now, const NodeId& candidate, Term term) {
  LowestDraw low;
  const Effects effects =
      voter.handle(now, candidate, request_vote(term, candidate, LogIndex{0}, Term{0}), low);
  return sent<Vote>(effects)[0].second.vote_granted;
}

}  // namespace

// ==== §5.1 Raft basics ==============================================================

TEST_CASE("Raft 5.1: a follower takes the higher term of any message it receives") {
  check_term_update(Role::follower);
}

TEST_CASE("Raft 5.1: a candidate that sees a higher term in any message reverts to follower") {
  check_term_update(Role::candidate);
}

TEST_CASE("Raft 5.1: a leader that sees a higher term in any message reverts to follower") {
  check_term_update(Role::leader);
}

TEST_CASE("Raft 5.1: a request with a stale term is refused") {
  // "If a server receives a request with a stale term number, it rejects the request."
  LowestDraw low;
  SUBCASE("a RequestVote of term 1 to a follower of term 2 is answered with a refusal") {
    Server follower(config_for("A", abc), RaftHardState{.current_term = Term{2}});
    follower.start(0, low);
    const Effects effects =
        follower.handle(10, "B", request_vote(Term{1}, "B", LogIndex{5}, Term{1}), low);
    const auto votes = sent<Vote>(effects);
    REQUIRE(votes.size() == 1);
    CHECK(votes[0].first == "B");
    CHECK(votes[0].second.term == Term{2});
    CHECK_FALSE(votes[0].second.vote_granted);
    CHECK_FALSE(follower.voted_for());
    CHECK_FALSE(effects.persist);
    CHECK(effects.wake_at == Millis{150});  // the election timer is not reset
    REQUIRE(events<event::StaleRefused>(effects).size() == 1);
    CHECK(events<event::StaleRefused>(effects)[0].term == Term{1});
    CHECK(events<event::StaleRefused>(effects)[0].current == Term{2});
  }
  SUBCASE("an AppendEntries of term 1 to a follower of term 2 is refused and stores nothing") {
    Server follower(config_for("A", abc),
                    RaftHardState{.current_term = Term{2}, .log = raft::Log{noops({1})}});
    follower.start(0, low);
    const Effects effects = follower.handle(10, "B",
                                            AppendEntries{.term = Term{1},
                                                          .leader_id = "B",
                                                          .prev_log_index = LogIndex{1},
                                                          .prev_log_term = Term{1},
                                                          .entries = noops({1}),
                                                          .leader_commit = LogIndex{2}},
                                            low);
    const auto replies = sent<AppendReply>(effects);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].first == "B");
    CHECK(replies[0].second.term == Term{2});  // tells the old leader the newer term
    CHECK_FALSE(replies[0].second.success);
    CHECK(follower.log().entries() == noops({1}));
    CHECK(follower.commit_index() == LogIndex{0});
    CHECK_FALSE(follower.leader_hint());
    CHECK(effects.wake_at == Millis{150});  // a stale leader does not hold off an election
    CHECK(events<event::StaleRefused>(effects).size() == 1);
  }
  SUBCASE("a candidate does not count a granted vote of an older term") {
    Server candidate(config_for("A", abc), RaftHardState{.current_term = Term{1}});
    candidate.start(0, low);
    candidate.timeout(0, low);  // term 2
    const Effects effects =
        candidate.handle(10, "B", Vote{.term = Term{1}, .vote_granted = true}, low);
    CHECK(candidate.role() == Role::candidate);
    CHECK(effects.send.empty());
    CHECK(events<event::StaleRefused>(effects).size() == 1);
  }
  SUBCASE("a leader ignores an AppendReply of an older term") {
    Server leader = elected("A", abc, {}, Term{1});  // term 2, noop at index 1
    const Effects effects = leader.handle(
        10, "B", AppendReply{.term = Term{1}, .success = true, .match_index = LogIndex{1}}, low);
    CHECK(leader.role() == Role::leader);
    CHECK(leader.commit_index() == LogIndex{0});
    CHECK(effects.send.empty());
    CHECK(events<event::StaleRefused>(effects).size() == 1);
  }
}

// ==== §5.2 Leader election ==========================================================

TEST_CASE("Raft 5.2: servers start up as followers") {
  // "When servers start up, they begin as followers."
  LowestDraw low;
  Server server(config_for("A", abc), RaftHardState{});
  CHECK(server.role() == Role::follower);
  CHECK(server.current_term() == Term{0});
  CHECK_FALSE(server.voted_for());
  CHECK(server.log().entries().empty());
  const Effects effects = server.start(0, low);
  CHECK(server.role() == Role::follower);
  CHECK(effects.send.empty());
  CHECK(effects.events.empty());
  CHECK(effects.wake_at == Millis{150});  // its election timer runs
}

TEST_CASE("Raft 5.2: a leader sends heartbeats, AppendEntries with no entries, to all followers") {
  // "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log
  // entries) to all followers in order to maintain their authority."
  LowestDraw low;
  Server leader = elected("A", abc, {}, Term{0});
  REQUIRE(leader.role() == Role::leader);
  for (const char* follower : {"B", "C"}) {
    leader.handle(1, follower,
                  AppendReply{.term = Term{1}, .success = true, .match_index = LogIndex{1}},
                  low);  // both hold the noop
  }
  REQUIRE(leader.commit_index() == LogIndex{1});

  const Effects early = leader.tick(49, low);
  CHECK(early.send.empty());
  CHECK(early.wake_at == Millis{50});

  const Effects beat = leader.tick(50, low);
  const auto heartbeats = sent<AppendEntries>(beat);
  REQUIRE(heartbeats.size() == 2);
  std::set<NodeId> to;
  for (const auto& [follower, message] : heartbeats) {
    to.insert(follower);
    CHECK(message.term == Term{1});
    CHECK(message.leader_id == "A");
    CHECK(message.entries.empty());
    CHECK(message.prev_log_index == LogIndex{1});
    CHECK(message.prev_log_term == Term{1});
    CHECK(message.leader_commit == LogIndex{1});
  }
  CHECK(to == std::set<NodeId>{"B", "C"});
  CHECK(beat.wake_at == Millis{100});  // and again one interval later
  CHECK(sent<AppendEntries>(leader.tick(100, low)).size() == 2);
}

TEST_CASE("Raft 5.2: a follower that hears nothing for an election timeout starts an election") {
  // "If a follower receives no communication over a period of time called the
  // election timeout, then it assumes there is no viable leader and begins an
  // election… a follower increments its current term and transitions to
  // candidate state. It then votes for itself and issues RequestVote RPCs in
  // parallel to each of the other servers in the cluster."
  LowestDraw low;
  Server follower(config_for("A", abc),
                  RaftHardState{.current_term = Term{3}, .log = raft::Log{noops({1, 3})}});
  follower.start(0, low);
  // A heartbeat at 100 pushes the deadline to 250.
  follower.handle(100, "B", append_entries(Term{3}, "B", LogIndex{2}, Term{3}), low);
  CHECK(follower.tick(249, low).send.empty());
  CHECK(follower.role() == Role::follower);

  const Effects effects = follower.tick(250, low);
  CHECK(follower.role() == Role::candidate);
  CHECK(follower.current_term() == Term{4});
  CHECK(follower.voted_for() == std::optional<NodeId>{"A"});
  REQUIRE(effects.persist);
  CHECK(effects.persist->current_term == Term{4});
  CHECK(effects.persist->voted_for == std::optional<NodeId>{"A"});
  const auto requests = sent<RequestVote>(effects);
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].first == "B");
  CHECK(requests[1].first == "C");
  for (const auto& [to, request] : requests) {
    CHECK(request.term == Term{4});
    CHECK(request.candidate_id == "A");
  }
  REQUIRE(events<event::BecameCandidate>(effects).size() == 1);
  CHECK(effects.wake_at == Millis{400});  // a new election timeout for this election
}

TEST_CASE(
    "Raft 5.2: a candidate that neither wins nor loses starts a new election in the next term") {
  // "…each candidate will time out and start a new election by incrementing
  // its term and initiating another round of RequestVote RPCs."
  LowestDraw low;
  Server candidate(config_for("A", abc), RaftHardState{});
  candidate.start(0, low);
  candidate.tick(150, low);
  REQUIRE(candidate.role() == Role::candidate);
  REQUIRE(candidate.current_term() == Term{1});
  candidate.handle(160, "B", Vote{.term = Term{1}, .vote_granted = false},
                   low);  // B voted for another
  CHECK(candidate.tick(299, low).send.empty());

  const Effects again = candidate.tick(300, low);
  CHECK(candidate.role() == Role::candidate);
  CHECK(candidate.current_term() == Term{2});
  CHECK(candidate.voted_for() == std::optional<NodeId>{"A"});
  const auto requests = sent<RequestVote>(again);
  REQUIRE(requests.size() == 2);
  for (const auto& [to, request] : requests) CHECK(request.term == Term{2});
  // A vote of the previous election no longer counts.
  candidate.handle(310, "C", Vote{.term = Term{1}, .vote_granted = true}, low);
  CHECK(candidate.role() == Role::candidate);
}

TEST_CASE("Raft 5.2: a candidate wins an election with votes from a majority of the full cluster") {
  // "A candidate wins an election if it receives votes from a majority of the
  // servers in the full cluster for the same term."
  struct Case {
    std::size_t size;
    std::map<NodeId, bool> votes;  // the answers it gets (its own vote is implied)
    Role expected;
  };
  const std::vector<Case> cases{
      {1, {}, Role::leader},
      {3, {{"B", true}}, Role::leader},
      {3, {{"B", true}, {"C", true}}, Role::leader},
      {3, {}, Role::candidate},
      {3, {{"B", false}, {"C", false}}, Role::candidate},
      {5, {{"B", true}, {"C", true}}, Role::leader},
      {5, {{"B", true}, {"C", true}, {"D", true}, {"E", true}}, Role::leader},
      {5, {{"B", true}}, Role::candidate},
      {5, {{"B", true}, {"C", false}, {"D", false}, {"E", false}}, Role::candidate},
      {5, {{"B", false}, {"C", false}, {"D", true}, {"E", false}}, Role::candidate},
  };
  for (std::size_t n = 0; n < cases.size(); ++n) {
    const Case& c = cases[n];
    CAPTURE(n);
    LowestDraw low;
    Server candidate(config_for("A", first_servers(c.size)), RaftHardState{});
    candidate.start(0, low);
    candidate.timeout(0, low);
    std::size_t became_leader = 0;
    for (const auto& [voter, granted] : c.votes) {
      const Effects effects =
          candidate.handle(5, voter, Vote{.term = Term{1}, .vote_granted = granted}, low);
      became_leader += events<event::BecameLeader>(effects).size();
    }
    CHECK(candidate.role() == c.expected);
    CHECK(candidate.current_term() == Term{1});
    if (c.expected == Role::leader && c.size > 1) CHECK(became_leader == 1);  // once, no more
  }
}

TEST_CASE(
    "Raft 5.2: a candidate that hears from a leader of its term or a later one returns to "
    "follower") {
  // "While waiting for votes, a candidate may receive an AppendEntries RPC from
  // another server claiming to be leader. If the leader's term … is at least as
  // large as the candidate's current term, then the candidate recognizes the
  // leader as legitimate and returns to follower state. If the term in the RPC
  // is smaller than the candidate's current term, then the candidate rejects
  // the RPC and continues in candidate state."
  for (const std::uint64_t term : {std::uint64_t{2}, std::uint64_t{3}, std::uint64_t{1}}) {
    CAPTURE(term);
    LowestDraw low;
    Server candidate(config_for("A", abc), RaftHardState{.current_term = Term{1}});
    candidate.start(0, low);
    candidate.timeout(0, low);  // candidate in term 2
    const Effects effects =
        candidate.handle(10, "B", AppendEntries{.term = Term{term}, .leader_id = "B"}, low);
    const auto replies = sent<AppendReply>(effects);
    REQUIRE(replies.size() == 1);
    if (term >= 2) {
      CHECK(candidate.role() == Role::follower);
      CHECK(candidate.current_term() == Term{term});
      CHECK(candidate.leader_hint() == std::optional<NodeId>{"B"});
      CHECK(replies[0].second.success);
    } else {
      CHECK(candidate.role() == Role::candidate);
      CHECK(candidate.current_term() == Term{2});
      CHECK_FALSE(replies[0].second.success);
    }
  }
}

TEST_CASE(
    "Raft 5.2: each server votes for at most one candidate in a term, first come first served") {
  // "Each server will vote for at most one candidate in a given term, on a
  // first-come-first-served basis."
  struct Case {
    std::optional<NodeId> voted_for;
    NodeId candidate;
    bool granted;
  };
  const std::vector<Case> cases{
      {std::nullopt, "B", true}, {std::nullopt, "C", true}, {"B", "B", true},  // asked again
      {"C", "C", true},          {"B", "C", false},         {"C", "B", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.voted_for.value_or("-"));
    CAPTURE(c.candidate);
    LowestDraw low;
    Server voter(config_for("A", abc),
                 RaftHardState{.current_term = Term{1}, .voted_for = c.voted_for});
    voter.start(0, low);
    const Effects effects = voter.handle(
        10, c.candidate, request_vote(Term{1}, c.candidate, LogIndex{0}, Term{0}), low);
    const auto votes = sent<Vote>(effects);
    REQUIRE(votes.size() == 1);
    CHECK(votes[0].first == c.candidate);
    CHECK(votes[0].second.term == Term{1});
    CHECK(votes[0].second.vote_granted == c.granted);
    CHECK(voter.voted_for() == std::optional<NodeId>{c.granted ? c.candidate : *c.voted_for});
    if (c.granted) {
      REQUIRE(effects.persist);  // durable before the vote leaves
      CHECK(effects.persist->voted_for == std::optional<NodeId>{c.candidate});
      CHECK(effects.wake_at == Millis{160});  // granting a vote resets the election timer
    } else {
      REQUIRE(events<event::VoteRefused>(effects).size() == 1);
      CHECK(events<event::VoteRefused>(effects)[0].reason ==
            event::VoteRefused::Reason::already_voted);
    }
  }

  SUBCASE("in the order the requests arrive") {
    LowestDraw low;
    Server voter(config_for("A", abc), RaftHardState{});
    voter.start(0, low);
    CHECK(grants(voter, 1, "C", Term{1}));
    CHECK_FALSE(grants(voter, 2, "B", Term{1}));
    // A new term: a new vote.
    CHECK(grants(voter, 3, "B", Term{2}));
    CHECK(voter.voted_for() == std::optional<NodeId>{"B"});
  }
}

TEST_CASE("Raft 5.2: election timeouts are chosen randomly from a fixed interval") {
  // "Raft uses randomized election timeouts… election timeouts are chosen
  // randomly from a fixed interval (e.g., 150–300ms)." A follower draws one
  // at start and at every reset; a candidate at every new election.
  sim::Rng rng(42);
  std::map<Millis, std::size_t> follower_draws;
  std::map<Millis, std::size_t> candidate_draws;
  Server candidate(config_for("A", abc), RaftHardState{});
  Millis now = 0;
  candidate.start(now, rng);
  for (int n = 0; n < 2000; ++n) {
    Server follower(config_for("B", abc), RaftHardState{});
    const Millis start = 1000 * n;
    ++follower_draws[*follower.start(start, rng).wake_at - start];
    now += 1000;
    ++candidate_draws[*candidate.timeout(now, rng).wake_at - now];
  }
  for (const auto* draws : {&follower_draws, &candidate_draws}) {
    REQUIRE_FALSE(draws->empty());
    const Millis lowest = draws->begin()->first;
    const Millis highest = draws->rbegin()->first;
    CHECK(lowest >= 150);
    CHECK(highest <= 300);
    CHECK(lowest <= 155);  // the whole range is used…
    CHECK(highest >= 295);
    CHECK(draws->size() >= 140);  // …nearly every one of its 151 values
    std::size_t most = 0;
    for (const auto& [timeout, count] : *draws) most = std::max(most, count);
    CHECK(most <= 40);  // and none much more often than the 2000 / 151 ≈ 13 expected
  }
  CHECK(candidate.current_term() == Term{2000});
}

TEST_CASE("Raft 5.2: with randomized timeouts it is rare for two servers to time out together") {
  // "…in most cases only a single server will time out; it wins the election
  // and sends heartbeats before any other servers time out."
  sim::Rng rng(7);
  const int rounds = 1000;
  int same_ms = 0;    // the two first timeouts fall on the same millisecond
  int within_10 = 0;  // the second fires before a 10 ms RequestVote could arrive
  for (int round = 0; round < rounds; ++round) {
    std::vector<Millis> deadlines;
    for (const NodeId& id : abcde) {
      Server server(config_for(id, abcde), RaftHardState{});
      deadlines.push_back(*server.start(0, rng).wake_at);
    }
    std::sort(deadlines.begin(), deadlines.end());
    if (deadlines[1] == deadlines[0]) ++same_ms;
    if (deadlines[1] - deadlines[0] < 10) ++within_10;
  }
  CAPTURE(same_ms);
  CAPTURE(within_10);
  CHECK(same_ms < rounds / 20);       // expected about 3%
  CHECK(within_10 < rounds * 2 / 5);  // expected about 29% for five servers
}

// ==== §5.3 Log replication ==========================================================
