// Raft, sentence by sentence: one test for each rule of the Raft paper's
// §5.1–§5.4 (Ongaro and Ousterhout, "In Search of an Understandable Consensus
// Algorithm"), in the manner of etcd's raft_paper_test.go. Each test drives
// one raft::Server by hand — a message, a tick, a client command — and looks
// at the Effects it returns: what it persists, sends and notes.
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

const std::vector<NodeId> abc{"A", "B", "C"};
const std::vector<NodeId> abcde{"A", "B", "C", "D", "E"};

// One message of each kind, all in `term`. The RequestVote's candidate has a
// log no voter here can beat, so any voter that may vote grants it.
std::vector<std::pair<std::string, Message>> one_of_each(Term term) {
  return {
      {"request-vote", RequestVote{term, "B", i(100), t(100)}},
      {"vote", Vote{term, false}},
      {"append-entries", AppendEntries{term, "B", i(0), t(0), {}, i(0)}},
      {"append-reply", AppendReply{term, false, i(0)}},
  };
}

// A server of A, B, C in term 2 in the given role.
Server in_role(Role role) {
  Low low;
  if (role == Role::leader) return elected("A", abc, {}, t(1));
  Server server(config_for("A", abc), RaftHardState{t(role == Role::candidate ? 1 : 2), {}, {}});
  server.start(0, low);
  if (role == Role::candidate) server.timeout(0, low);
  return server;
}

// Paper §5.1: "If one server's current term is smaller than the other's, then
// it updates its current term to the larger value. If a candidate or leader
// discovers that its term is out of date, it immediately reverts to follower
// state."
void check_term_update(Role role) {
  for (const auto& each : one_of_each(t(5))) {
    const std::string type = each.first;
    const Message& message = each.second;
    CAPTURE(type);
    Low low;
    Server server = in_role(role);
    REQUIRE(server.role() == role);
    REQUIRE(server.current_term() == t(2));
    const Effects effects = server.handle(10, "B", message, low);
    CHECK(server.current_term() == t(5));
    CHECK(server.role() == Role::follower);
    const auto raised = events<event::TermRaised>(effects);
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].from == t(2));
    CHECK(raised[0].to == t(5));
    REQUIRE(effects.persist);
    CHECK(effects.persist->current_term == t(5));
    // The vote of term 2 does not carry over; only the RequestVote of term 5 earns one.
    if (type == "request-vote") {
      CHECK(server.voted_for() == std::optional<NodeId>{"B"});
    } else {
      CHECK_FALSE(server.voted_for());
    }
    CHECK(events<event::StaleRefused>(effects).empty());
  }
}

// `follower` receives `message` from the leader B.
Effects follower_receives(Server& follower, const AppendEntries& message) {
  Low low;
  return follower.handle(10, "B", message, low);
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
  Low low;
  SUBCASE("a RequestVote of term 1 to a follower of term 2 is answered with a refusal") {
    Server follower(config_for("A", abc), RaftHardState{t(2), {}, {}});
    follower.start(0, low);
    const Effects effects = follower.handle(10, "B", RequestVote{t(1), "B", i(5), t(1)}, low);
    const auto votes = sent<Vote>(effects);
    REQUIRE(votes.size() == 1);
    CHECK(votes[0].first == "B");
    CHECK(votes[0].second.term == t(2));
    CHECK_FALSE(votes[0].second.vote_granted);
    CHECK_FALSE(follower.voted_for());
    CHECK_FALSE(effects.persist);
    CHECK(effects.wake_at == Millis{150});  // the election timer is not reset
    REQUIRE(events<event::StaleRefused>(effects).size() == 1);
    CHECK(events<event::StaleRefused>(effects)[0].term == t(1));
    CHECK(events<event::StaleRefused>(effects)[0].current == t(2));
  }
  SUBCASE("an AppendEntries of term 1 to a follower of term 2 is refused and stores nothing") {
    Server follower(config_for("A", abc), RaftHardState{t(2), {}, noops({1})});
    follower.start(0, low);
    const Effects effects =
        follower.handle(10, "B", AppendEntries{t(1), "B", i(1), t(1), noops({1}), i(2)}, low);
    const auto replies = sent<AppendReply>(effects);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].first == "B");
    CHECK(replies[0].second.term == t(2));  // tells the old leader the newer term
    CHECK_FALSE(replies[0].second.success);
    CHECK(follower.log() == noops({1}));
    CHECK(follower.commit_index() == i(0));
    CHECK_FALSE(follower.leader_hint());
    CHECK(effects.wake_at == Millis{150});  // a stale leader does not hold off an election
    CHECK(events<event::StaleRefused>(effects).size() == 1);
  }
  SUBCASE("a candidate does not count a granted vote of an older term") {
    Server candidate(config_for("A", abc), RaftHardState{t(1), {}, {}});
    candidate.start(0, low);
    candidate.timeout(0, low);  // term 2
    const Effects effects = candidate.handle(10, "B", Vote{t(1), true}, low);
    CHECK(candidate.role() == Role::candidate);
    CHECK(effects.send.empty());
    CHECK(events<event::StaleRefused>(effects).size() == 1);
  }
  SUBCASE("a leader ignores an AppendReply of an older term") {
    Server leader = elected("A", abc, {}, t(1));  // term 2, noop at index 1
    const Effects effects = leader.handle(10, "B", AppendReply{t(1), true, i(1)}, low);
    CHECK(leader.role() == Role::leader);
    CHECK(leader.commit_index() == i(0));
    CHECK(effects.send.empty());
    CHECK(events<event::StaleRefused>(effects).size() == 1);
  }
}

// ==== §5.2 Leader election ==========================================================

TEST_CASE("Raft 5.2: servers start up as followers") {
  // "When servers start up, they begin as followers."
  Low low;
  Server server(config_for("A", abc), RaftHardState{});
  CHECK(server.role() == Role::follower);
  CHECK(server.current_term() == t(0));
  CHECK_FALSE(server.voted_for());
  CHECK(server.log().empty());
  const Effects effects = server.start(0, low);
  CHECK(server.role() == Role::follower);
  CHECK(effects.send.empty());
  CHECK(effects.events.empty());
  CHECK(effects.wake_at == Millis{150});  // its election timer runs
}

TEST_CASE("Raft 5.2: a leader sends heartbeats, AppendEntries with no entries, to all followers") {
  // "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log
  // entries) to all followers in order to maintain their authority."
  Low low;
  Server leader = elected("A", abc, {}, t(0));
  REQUIRE(leader.role() == Role::leader);
  for (const char* follower : {"B", "C"}) {
    leader.handle(1, follower, AppendReply{t(1), true, i(1)}, low);  // both hold the noop
  }
  REQUIRE(leader.commit_index() == i(1));

  const Effects early = leader.tick(49, low);
  CHECK(early.send.empty());
  CHECK(early.wake_at == Millis{50});

  const Effects beat = leader.tick(50, low);
  const auto heartbeats = sent<AppendEntries>(beat);
  REQUIRE(heartbeats.size() == 2);
  std::set<NodeId> to;
  for (const auto& [follower, message] : heartbeats) {
    to.insert(follower);
    CHECK(message.term == t(1));
    CHECK(message.leader_id == "A");
    CHECK(message.entries.empty());
    CHECK(message.prev_log_index == i(1));
    CHECK(message.prev_log_term == t(1));
    CHECK(message.leader_commit == i(1));
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
  Low low;
  Server follower(config_for("A", abc), RaftHardState{t(3), std::nullopt, noops({1, 3})});
  follower.start(0, low);
  // A heartbeat at 100 pushes the deadline to 250.
  follower.handle(100, "B", AppendEntries{t(3), "B", i(2), t(3), {}, i(0)}, low);
  CHECK(follower.tick(249, low).send.empty());
  CHECK(follower.role() == Role::follower);

  const Effects effects = follower.tick(250, low);
  CHECK(follower.role() == Role::candidate);
  CHECK(follower.current_term() == t(4));
  CHECK(follower.voted_for() == std::optional<NodeId>{"A"});
  REQUIRE(effects.persist);
  CHECK(effects.persist->current_term == t(4));
  CHECK(effects.persist->voted_for == std::optional<NodeId>{"A"});
  const auto requests = sent<RequestVote>(effects);
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].first == "B");
  CHECK(requests[1].first == "C");
  for (const auto& [to, request] : requests) {
    CHECK(request.term == t(4));
    CHECK(request.candidate_id == "A");
  }
  REQUIRE(events<event::BecameCandidate>(effects).size() == 1);
  CHECK(effects.wake_at == Millis{400});  // a new election timeout for this election
}

TEST_CASE(
    "Raft 5.2: a candidate that neither wins nor loses starts a new election in the next term") {
  // "…each candidate will time out and start a new election by incrementing
  // its term and initiating another round of RequestVote RPCs."
  Low low;
  Server candidate(config_for("A", abc), RaftHardState{});
  candidate.start(0, low);
  candidate.tick(150, low);
  REQUIRE(candidate.role() == Role::candidate);
  REQUIRE(candidate.current_term() == t(1));
  candidate.handle(160, "B", Vote{t(1), false}, low);  // B voted for another
  CHECK(candidate.tick(299, low).send.empty());

  const Effects again = candidate.tick(300, low);
  CHECK(candidate.role() == Role::candidate);
  CHECK(candidate.current_term() == t(2));
  CHECK(candidate.voted_for() == std::optional<NodeId>{"A"});
  const auto requests = sent<RequestVote>(again);
  REQUIRE(requests.size() == 2);
  for (const auto& [to, request] : requests) CHECK(request.term == t(2));
  // A vote of the previous election no longer counts.
  candidate.handle(310, "C", Vote{t(1), true}, low);
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
  const std::vector<NodeId> names{"A", "B", "C", "D", "E"};
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
    Low low;
    const std::vector<NodeId> servers(names.begin(),
                                      names.begin() + static_cast<std::ptrdiff_t>(c.size));
    Server candidate(config_for("A", servers), RaftHardState{});
    candidate.start(0, low);
    candidate.timeout(0, low);
    std::size_t became_leader = 0;
    for (const auto& [voter, granted] : c.votes) {
      const Effects effects = candidate.handle(5, voter, Vote{t(1), granted}, low);
      became_leader += events<event::BecameLeader>(effects).size();
    }
    CHECK(candidate.role() == c.expected);
    CHECK(candidate.current_term() == t(1));
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
    Low low;
    Server candidate(config_for("A", abc), RaftHardState{t(1), {}, {}});
    candidate.start(0, low);
    candidate.timeout(0, low);  // candidate in term 2
    const Effects effects =
        candidate.handle(10, "B", AppendEntries{t(term), "B", i(0), t(0), {}, i(0)}, low);
    const auto replies = sent<AppendReply>(effects);
    REQUIRE(replies.size() == 1);
    if (term >= 2) {
      CHECK(candidate.role() == Role::follower);
      CHECK(candidate.current_term() == t(term));
      CHECK(candidate.leader_hint() == std::optional<NodeId>{"B"});
      CHECK(replies[0].second.success);
    } else {
      CHECK(candidate.role() == Role::candidate);
      CHECK(candidate.current_term() == t(2));
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
    Low low;
    Server voter(config_for("A", abc), RaftHardState{t(1), c.voted_for, {}});
    voter.start(0, low);
    const Effects effects =
        voter.handle(10, c.candidate, RequestVote{t(1), c.candidate, i(0), t(0)}, low);
    const auto votes = sent<Vote>(effects);
    REQUIRE(votes.size() == 1);
    CHECK(votes[0].first == c.candidate);
    CHECK(votes[0].second.term == t(1));
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
    Low low;
    Server voter(config_for("A", abc), RaftHardState{});
    voter.start(0, low);
    CHECK(sent<Vote>(voter.handle(1, "C", RequestVote{t(1), "C", i(0), t(0)}, low))[0]
              .second.vote_granted);
    CHECK_FALSE(sent<Vote>(voter.handle(2, "B", RequestVote{t(1), "B", i(0), t(0)}, low))[0]
                    .second.vote_granted);
    // A new term: a new vote.
    CHECK(sent<Vote>(voter.handle(3, "B", RequestVote{t(2), "B", i(0), t(0)}, low))[0]
              .second.vote_granted);
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
  CHECK(candidate.current_term() == t(2000));
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

TEST_CASE("Raft 5.3: the leader appends a command to its log and sends it to every follower") {
  // "The leader appends the command to its log as a new entry, then issues
  // AppendEntries RPCs in parallel to each of the other servers to replicate
  // the entry."
  Low low;
  Server leader = elected("A", abc, {}, t(0));
  for (const char* follower : {"B", "C"})
    leader.handle(1, follower, AppendReply{t(1), true, i(1)}, low);
  const Command x = Command::put("x", "3");
  const Effects effects = leader.submit(5, x);
  const LogEntry entry{t(1), x};
  CHECK(leader.log() == std::vector<LogEntry>{LogEntry{t(1), Command::noop()}, entry});
  REQUIRE(effects.persist);
  CHECK(effects.persist->log == leader.log());
  const auto appended = events<event::EntryAppended>(effects);
  REQUIRE(appended.size() == 1);
  CHECK(appended[0].index == i(2));
  CHECK(appended[0].entry == entry);
  const auto appends = sent<AppendEntries>(effects);
  REQUIRE(appends.size() == 2);
  for (const auto& [to, message] : appends) {
    CHECK(message.term == t(1));
    CHECK(message.prev_log_index == i(1));
    CHECK(message.prev_log_term == t(1));
    CHECK(message.entries == std::vector<LogEntry>{entry});
    CHECK(message.leader_commit == i(1));
  }
  CHECK(leader.commit_index() == i(1));  // not committed yet

  SUBCASE("a server that is not leader takes no command") {
    Server follower(config_for("B", abc), RaftHardState{});
    const Effects refused = follower.submit(0, x);
    CHECK(refused.send.empty());
    CHECK_FALSE(refused.persist);
    CHECK(follower.log().empty());
  }
}

TEST_CASE("Raft 5.3: the leader applies a committed entry and sends the commit index onward") {
  // "When the entry has been safely replicated…, the leader applies the entry
  // to its state machine… The leader keeps track of the highest index it knows
  // to be committed, and it includes that index in future AppendEntries RPCs
  // (including heartbeats)."
  Low low;
  Server leader = elected("A", abc, {}, t(0));
  const Command x = Command::put("x", "3");
  leader.submit(1, x);
  const Effects effects = leader.handle(2, "B", AppendReply{t(1), true, i(2)}, low);
  CHECK(leader.commit_index() == i(2));
  CHECK(leader.last_applied() == i(2));
  CHECK(leader.store().get("x") == std::optional<std::string>{"3"});
  const auto committed = events<event::Committed>(effects);
  REQUIRE(committed.size() == 2);
  CHECK(committed[0].index == i(1));
  CHECK(committed[1].index == i(2));
  CHECK(committed[1].entry == LogEntry{t(1), x});
  const auto applied = events<event::Applied>(effects);
  REQUIRE(applied.size() == 2);
  CHECK(applied[1].command == x);

  const auto beats = sent<AppendEntries>(leader.tick(50, low));
  REQUIRE(beats.size() == 2);
  for (const auto& [to, message] : beats) CHECK(message.leader_commit == i(2));
}

TEST_CASE("Raft 5.3: an entry is committed once the leader has replicated it on a majority") {
  // "A log entry is committed once the leader that created the entry has
  // replicated it on a majority of the servers."
  struct Case {
    std::size_t size;
    std::vector<NodeId> acks;  // followers that store the entry
    bool committed;
  };
  const std::vector<NodeId> names{"A", "B", "C", "D", "E"};
  const std::vector<Case> cases{
      {1, {}, true},  {3, {}, false},    {3, {"B"}, true},      {3, {"B", "C"}, true},
      {5, {}, false}, {5, {"B"}, false}, {5, {"D", "E"}, true}, {5, {"B", "C", "D", "E"}, true},
  };
  for (std::size_t n = 0; n < cases.size(); ++n) {
    const Case& c = cases[n];
    CAPTURE(n);
    Low low;
    const std::vector<NodeId> servers(names.begin(),
                                      names.begin() + static_cast<std::ptrdiff_t>(c.size));
    Server leader = elected("A", servers, {}, t(0));
    REQUIRE(leader.role() == Role::leader);
    leader.submit(1, Command::put("x", "1"));  // index 2
    for (const NodeId& follower : c.acks)
      leader.handle(2, follower, AppendReply{t(1), true, i(2)}, low);
    CHECK((leader.commit_index() == i(2)) == c.committed);
    // A duplicated acknowledgement counts once.
    if (!c.acks.empty() && !c.committed) {
      leader.handle(3, c.acks[0], AppendReply{t(1), true, i(2)}, low);
      CHECK(leader.commit_index() < i(2));
    }
  }
}

TEST_CASE(
    "Raft 5.3: committing an entry also commits all preceding entries, earlier leaders' too") {
  // "This also commits all preceding entries in the leader's log, including
  // entries created by previous leaders."
  Low low;
  Server leader = elected("A", abc, noops({1, 2}), t(2));  // term 3, noop at index 3
  leader.submit(1, Command::put("x", "1"));                // index 4
  REQUIRE(leader.log().size() == 4);
  const Effects effects = leader.handle(2, "B", AppendReply{t(3), true, i(4)}, low);
  CHECK(leader.commit_index() == i(4));
  const auto committed = events<event::Committed>(effects);
  REQUIRE(committed.size() == 4);
  for (std::uint64_t n = 1; n <= 4; ++n) CHECK(committed[n - 1].index == i(n));
  CHECK(committed[0].entry.term == t(1));
  CHECK(committed[1].entry.term == t(2));
  CHECK(leader.store().get("x") == std::optional<std::string>{"1"});
}

TEST_CASE("Raft 5.3: a follower applies in log order the entries the leader says are committed") {
  // "Once a follower learns that a log entry is committed, it applies the
  // entry to its local state machine (in log order)."
  const std::vector<LogEntry> three{LogEntry{t(1), Command::put("x", "1")},
                                    LogEntry{t(1), Command::put("y", "2")},
                                    LogEntry{t(1), Command::put("x", "3")}};
  struct Case {
    std::uint64_t leader_commit;
    std::uint64_t expected;  // min(leader commit, last new entry)
  };
  for (const Case& c : std::vector<Case>{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {7, 3}}) {
    CAPTURE(c.leader_commit);
    Server follower(config_for("A", abc), RaftHardState{t(1), {}, {}});
    const Effects effects = follower_receives(
        follower, AppendEntries{t(1), "B", i(0), t(0), three, i(c.leader_commit)});
    CHECK(follower.commit_index() == i(c.expected));
    CHECK(follower.last_applied() == i(c.expected));
    const auto applied = events<event::Applied>(effects);
    REQUIRE(applied.size() == c.expected);
    for (std::uint64_t n = 0; n < c.expected; ++n) {
      CHECK(applied[n].index == i(n + 1));
      CHECK(applied[n].command == three[n].command);
    }
    CHECK(follower.store().get("x") == (c.expected == 0  ? std::nullopt
                                        : c.expected < 3 ? std::optional<std::string>{"1"}
                                                         : std::optional<std::string>{"3"}));
  }

  SUBCASE("a later heartbeat carries the commit index") {
    Server follower(config_for("A", abc), RaftHardState{t(1), {}, {}});
    follower_receives(follower, AppendEntries{t(1), "B", i(0), t(0), three, i(0)});
    REQUIRE(follower.commit_index() == i(0));
    const Effects beat =
        follower_receives(follower, AppendEntries{t(1), "B", i(3), t(1), {}, i(2)});
    CHECK(follower.commit_index() == i(2));
    CHECK(events<event::Applied>(beat).size() == 2);
    CHECK(follower.store().get("y") == std::optional<std::string>{"2"});
  }
}

TEST_CASE("Raft 5.3: a follower refuses new entries unless it holds the preceding index and term") {
  // "When sending an AppendEntries RPC, the leader includes the index and term
  // of the entry in its log that immediately precedes the new entries. If the
  // follower does not find an entry in its log with the same index and term,
  // then it refuses the new entries."
  struct Case {
    std::uint64_t prev_index, prev_term;
    bool success;
    bool missing;
  };
  const std::vector<Case> cases{
      {0, 0, true, false},  // before the first entry: always matches
      {1, 1, true, false},  {2, 2, true, false},
      {1, 2, false, false},  // a different term at index 1
      {2, 1, false, false},  // a different term at index 2
      {3, 2, false, true},   // no entry 3 at all
      {3, 3, false, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.prev_index);
    CAPTURE(c.prev_term);
    Server follower(config_for("A", abc), RaftHardState{t(2), {}, noops({1, 2})});
    const Effects effects = follower_receives(
        follower, AppendEntries{t(2), "B", i(c.prev_index), t(c.prev_term), noops({2}), i(0)});
    const auto replies = sent<AppendReply>(effects);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].second.success == c.success);
    if (c.success) {
      CHECK(replies[0].second.match_index == i(c.prev_index + 1));
    } else {
      CHECK(replies[0].second.match_index == i(c.prev_index));  // the prev that did not match
      CHECK(follower.log() == noops({1, 2}));
      CHECK_FALSE(effects.persist);
      const auto refused = events<event::AppendRefused>(effects);
      REQUIRE(refused.size() == 1);
      CHECK(refused[0].missing == c.missing);
    }
  }
}

TEST_CASE(
    "Raft 5.3: a follower deletes a conflicting entry and all that follow it and appends the "
    "leader's") {
  // "…the leader handles inconsistencies by forcing the followers' logs to
  // duplicate its own. This means that conflicting entries in follower logs
  // will be overwritten with entries from the leader's log." Figure 2: "If an
  // existing entry conflicts with a new one (same index but different terms),
  // delete the existing entry and all that follow it. Append any new entries
  // not already in the log."
  struct Case {
    std::uint64_t prev_index, prev_term;
    std::vector<LogEntry> entries;
    std::vector<std::uint64_t> expected;
    std::size_t deleted;
  };
  const std::vector<Case> cases{
      {2, 2, noops({3}), {1, 2, 3}, 0}, {1, 1, noops({3, 4}), {1, 3, 4}, 1},
      {0, 0, noops({1}), {1, 2}, 0},    {0, 0, noops({3}), {3}, 2},
      {1, 1, noops({2}), {1, 2}, 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.prev_index);
    CAPTURE(c.entries.size());
    Server follower(config_for("A", abc), RaftHardState{t(2), {}, noops({1, 2})});
    const Effects effects = follower_receives(
        follower, AppendEntries{t(4), "B", i(c.prev_index), t(c.prev_term), c.entries, i(0)});
    CHECK(terms_of(follower.log()) == c.expected);
    const auto deleted = events<event::ConflictDeleted>(effects);
    if (c.deleted == 0) {
      CHECK(deleted.empty());
    } else {
      REQUIRE(deleted.size() == 1);
      CHECK(deleted[0].count == c.deleted);
      CHECK(deleted[0].from == i(c.prev_index + 1));
    }
    const auto replies = sent<AppendReply>(effects);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].second.success);
    CHECK(replies[0].second.match_index == i(c.prev_index + c.entries.size()));
    REQUIRE(effects.persist);  // durable (term 4, and the log) before the reply
    CHECK(effects.persist->log == follower.log());
  }
}

TEST_CASE("Raft 5.3: an AppendEntries that repeats entries already stored deletes nothing") {
  // Only a conflict (same index, different term) deletes: a late or duplicated
  // AppendEntries carrying a prefix of what the follower holds leaves the
  // entries after it in place.
  Server follower(config_for("A", abc), RaftHardState{t(1), {}, {}});
  const std::vector<LogEntry> three{LogEntry{t(1), Command::put("x", "1")},
                                    LogEntry{t(1), Command::put("x", "2")},
                                    LogEntry{t(1), Command::put("x", "3")}};
  follower_receives(follower, AppendEntries{t(1), "B", i(0), t(0), three, i(0)});
  const Effects late =
      follower_receives(follower, AppendEntries{t(1), "B", i(0), t(0), {three[0]}, i(0)});
  CHECK(follower.log() == three);
  CHECK(events<event::ConflictDeleted>(late).empty());
  CHECK_FALSE(late.persist);
  REQUIRE(sent<AppendReply>(late).size() == 1);
  CHECK(sent<AppendReply>(late)[0].second.match_index == i(1));  // as far as this one shows
}

TEST_CASE("Raft 5.3: after a refusal the leader steps back one entry and sends again at once") {
  // "After a rejection, the leader decrements nextIndex and retries the
  // AppendEntries RPC." The notes' example: prev (7, 4) refused, (6, 3) matches.
  Low low;
  Server leader = elected("A", abc, noops({1, 1, 1, 2, 3, 3, 4}), t(4));  // noop (8, 5)
  REQUIRE(leader.role() == Role::leader);
  const Effects refused = leader.handle(1, "B", AppendReply{t(5), false, i(7), i(7)}, low);
  const auto back = events<event::NextIndexBack>(refused);
  REQUIRE(back.size() == 1);
  CHECK(back[0].follower == "B");
  CHECK(back[0].next_index == i(7));
  const auto retry = sent<AppendEntries>(refused);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].first == "B");
  CHECK(retry[0].second.prev_log_index == i(6));
  CHECK(retry[0].second.prev_log_term == t(3));
  CHECK(terms_of(retry[0].second.entries) == std::vector<std::uint64_t>{4, 5});

  // The follower (1,1,1,2,3,3,3) takes it: its entry 7 is replaced, 8 appended.
  Server follower(config_for("B", abc), RaftHardState{t(5), {}, noops({1, 1, 1, 2, 3, 3, 3})});
  const Effects accepted = follower_receives(follower, retry[0].second);
  CHECK(terms_of(follower.log()) == std::vector<std::uint64_t>{1, 1, 1, 2, 3, 3, 4, 5});
  const auto ok = sent<AppendReply>(accepted);
  REQUIRE(ok.size() == 1);
  leader.handle(2, "B", ok[0].second, low);
  CHECK(leader.commit_index() == i(8));
}

TEST_CASE(
    "Raft 5.3: a refusal that arrives after the follower's success is stale and changes "
    "nothing") {
  // Figure 2: matchIndex is "the index of highest log entry known to be
  // replicated on server… increases monotonically". Once B has said it
  // matches up to 8, a refusal of prev 7 that was sent earlier and arrives
  // late (a reordering network) tells the leader nothing new: no step back,
  // no resend. (etcd's progress ignores such a stale rejection too.)
  Low low;
  Server leader = elected("A", abc, noops({1, 1, 1, 2, 3, 3, 4}), t(4));  // noop (8, 5)
  // B refuses prev (7, 4): the retry from prev (6, 3) brings it up to date.
  const Effects refused = leader.handle(1, "B", AppendReply{t(5), false, i(7), i(7)}, low);
  REQUIRE(sent<AppendEntries>(refused).size() == 1);
  leader.handle(2, "B", AppendReply{t(5), true, i(8)}, low);
  REQUIRE(leader.commit_index() == i(8));

  // A duplicate of the first refusal arrives late.
  const Effects late = leader.handle(3, "B", AppendReply{t(5), false, i(7)}, low);
  CHECK(late.send.empty());
  CHECK(events<event::NextIndexBack>(late).empty());
}

// ==== §5.4 Safety ===================================================================

TEST_CASE("Raft 5.4.1: a RequestVote carries the index and term of the candidate's last entry") {
  // "The RequestVote RPC implements this restriction: the RPC includes
  // information about the candidate's log…"
  struct Case {
    std::vector<LogEntry> log;
    std::uint64_t last_index, last_term;
  };
  for (const Case& c :
       std::vector<Case>{{{}, 0, 0}, {noops({1}), 1, 1}, {noops({1, 1, 2, 3}), 4, 3}}) {
    CAPTURE(c.last_index);
    Low low;
    Server server(config_for("A", abc), RaftHardState{t(3), {}, c.log});
    server.start(0, low);
    const auto requests = sent<RequestVote>(server.timeout(0, low));
    REQUIRE(requests.size() == 2);
    for (const auto& [to, request] : requests) {
      CHECK(request.term == t(4));
      CHECK(request.last_log_index == i(c.last_index));
      CHECK(request.last_log_term == t(c.last_term));
    }
  }
}

TEST_CASE("Raft 5.4.1: a voter refuses a candidate whose log is less up to date than its own") {
  // "…the voter denies its vote if its own log is more up-to-date than that of
  // the candidate. …If the logs have last entries with different terms, then
  // the log with the later term is more up-to-date. If the logs end with the
  // same term, then whichever log is longer is more up-to-date."
  struct Case {
    std::vector<LogEntry> voter_log;
    std::uint64_t last_index, last_term;  // the candidate's
    bool granted;
  };
  const std::vector<Case> cases{
      // same last term
      {noops({1, 1}), 1, 1, false},  // shorter: refused
      {noops({1, 1}), 2, 1, true},   // as long: granted
      {noops({1, 1}), 3, 1, true},   // longer: granted
      // the candidate's last term is lower: refused, however long its log
      {noops({2, 2}), 1, 1, false},
      {noops({2, 2}), 2, 1, false},
      {noops({2, 2}), 9, 1, false},
      // the candidate's last term is higher: granted, however short its log
      {noops({1, 1, 1}), 1, 2, true},
      {noops({1, 1, 1}), 3, 2, true},
      {noops({1, 1, 1}), 4, 2, true},
  };
  for (std::size_t n = 0; n < cases.size(); ++n) {
    const Case& c = cases[n];
    CAPTURE(n);
    Low low;
    Server voter(config_for("A", abc), RaftHardState{t(2), {}, c.voter_log});
    voter.start(0, low);
    const Effects effects =
        voter.handle(1, "B", RequestVote{t(3), "B", i(c.last_index), t(c.last_term)}, low);
    const auto votes = sent<Vote>(effects);
    REQUIRE(votes.size() == 1);
    CHECK(votes[0].second.vote_granted == c.granted);
    CHECK(votes[0].second.term == t(3));
    CHECK(voter.current_term() == t(3));  // the term is taken either way
    if (!c.granted) {
      CHECK_FALSE(voter.voted_for());
      REQUIRE(events<event::VoteRefused>(effects).size() == 1);
      CHECK(events<event::VoteRefused>(effects)[0].reason ==
            event::VoteRefused::Reason::less_complete_log);
      CHECK(effects.wake_at == Millis{150});  // a refused candidate does not hold off an election
    }
  }

  SUBCASE("with the vote restriction off, the less complete candidate gets the vote") {
    Low low;
    raft::Rules rules;
    rules.vote_restriction = false;
    Server voter(config_for("A", abc, rules), RaftHardState{t(2), {}, noops({2, 2})});
    voter.start(0, low);
    const auto votes = sent<Vote>(voter.handle(1, "B", RequestVote{t(3), "B", i(1), t(1)}, low));
    REQUIRE(votes.size() == 1);
    CHECK(votes[0].second.vote_granted);
  }
}

TEST_CASE("Raft 5.4.2: a leader never commits an entry of an earlier term by counting replicas") {
  // "Raft never commits log entries from previous terms by counting replicas.
  // Only log entries from the leader's current term are committed by counting
  // replicas; once an entry from the current term has been committed in this
  // way, then all prior entries are committed indirectly." (Figure 8)
  //
  // The leader of term 3 holds (1, 1) (2, 2) and its noop (3, 3). A reply that
  // a follower matches up to index 1 or 2 commits nothing; up to 3 commits all.
  // (This leader sends no AppendEntries that ends before its noop, so such a
  // reply is made up here, as in etcd's test of the same rule.)
  struct Case {
    std::uint64_t match;
    std::uint64_t committed;
  };
  for (const Case& c : std::vector<Case>{{1, 0}, {2, 0}, {3, 3}}) {
    CAPTURE(c.match);
    Low low;
    Server leader = elected("A", abc, noops({1, 2}), t(2));
    REQUIRE(leader.current_term() == t(3));
    leader.handle(1, "B", AppendReply{t(3), true, i(c.match)}, low);
    CHECK(leader.commit_index() == i(c.committed));
  }

  SUBCASE("leader noop off: a majority holds (2, 2) and nothing is committed until (3, 3) is") {
    // Without the noop, B's reply to the new leader's first heartbeat (prev
    // (2, 2), no entries) really does say "I match up to 2".
    Low low;
    raft::Rules rules;
    rules.leader_noop = false;
    Server leader = elected("A", abc, noops({1, 2}), t(2), rules);
    REQUIRE(leader.log() == noops({1, 2}));
    leader.handle(1, "B", AppendReply{t(3), true, i(2)}, low);
    CHECK(leader.commit_index() == i(0));
    leader.submit(2, Command::put("x", "3"));
    const Effects effects = leader.handle(3, "B", AppendReply{t(3), true, i(3)}, low);
    CHECK(leader.commit_index() == i(3));  // and with it, indirectly, (1, 1) and (2, 2)
    CHECK(events<event::Committed>(effects).size() == 3);
  }
  SUBCASE("commit-current-term-only off: counting commits the term 2 entry") {
    Low low;
    raft::Rules rules;
    rules.leader_noop = false;
    rules.commit_current_term_only = false;
    Server leader = elected("A", abc, noops({1, 2}), t(2), rules);
    const Effects effects = leader.handle(1, "B", AppendReply{t(3), true, i(2)}, low);
    CHECK(leader.commit_index() == i(2));
    const auto committed = events<event::Committed>(effects);
    REQUIRE(committed.size() == 2);
    CHECK(committed[1].entry.term == t(2));
  }
}
