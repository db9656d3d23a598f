// Production Raft's elections, rule by rule (Ongaro's thesis): pre-vote
// (§9.6), check-quorum (§6.2, §4.2.3) and leadership transfer (§3.10). Each
// test drives raft::Server by hand, as raft_election_test.cpp does, or a
// small simulated cluster.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "net/raft_wire.h"
#include "raft/server.h"
#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;
using raft::PreVote;
using raft::PreVoteReply;
using raft::TimeoutNow;

namespace {

raft::Features features(bool pre_vote, bool check_quorum) {
  raft::Features f;
  f.pre_vote = pre_vote;
  f.check_quorum = check_quorum;
  return f;
}

// Server `self` of A, B, C in `term` with `log`, a follower, with the features.
Server follower(const NodeId& self, Term term, std::vector<LogEntry> log, raft::Features f) {
  LowestDraw low;
  Server::Config config = config_for(self, abc);
  config.features = f;
  Server server(config, RaftHardState{.current_term = term, .log = raft::Log{std::move(log)}});
  server.start(0, low);
  return server;
}

PreVote pre_vote(Term term, const NodeId& candidate, LogIndex last_index, Term last_term) {
  return PreVote{.term = term,
                 .candidate_id = candidate,
                 .last_log_index = last_index,
                 .last_log_term = last_term};
}

// A leader of term 1 (A of A, B, C) with the features.
Server leader_with(raft::Features f) {
  Server server = elected("A", abc);
  server.set_features(f);
  return server;
}

}  // namespace

TEST_CASE("pre-vote does not raise the term") {
  LowestDraw low;
  Server server = follower("A", Term{3}, noops({1, 3}), features(true, false));
  const Effects effects = server.timeout(10, low);
  CHECK(server.role() == Role::pre_candidate);
  CHECK(server.current_term() == Term{3});
  CHECK_FALSE(server.voted_for());
  CHECK_FALSE(effects.persist);  // nothing to make durable: no term, no vote
  const auto asked = sent<PreVote>(effects);
  REQUIRE(asked.size() == 2);
  CHECK(asked[0].second.term == Term{4});
  CHECK(asked[0].second.last_log_index == LogIndex{2});
  CHECK(asked[0].second.last_log_term == Term{3});
}

TEST_CASE("a voter grants a pre-vote without changing its term or vote") {
  LowestDraw low;
  Server voter = follower("B", Term{3}, noops({1, 3}), features(true, false));
  const Effects effects = voter.handle(10, "A", pre_vote(Term{4}, "A", LogIndex{2}, Term{3}), low);
  CHECK(voter.current_term() == Term{3});
  CHECK_FALSE(voter.voted_for());
  CHECK_FALSE(effects.persist);
  const auto replies = sent<PreVoteReply>(effects);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].second.granted);
  CHECK(replies[0].second.term == Term{4});
}

TEST_CASE("a voter refuses a pre-vote for a less complete log") {
  LowestDraw low;
  Server voter = follower("B", Term{3}, noops({1, 3}), features(true, false));
  const Effects effects = voter.handle(10, "A", pre_vote(Term{4}, "A", LogIndex{5}, Term{2}), low);
  const auto replies = sent<PreVoteReply>(effects);
  REQUIRE(replies.size() == 1);
  CHECK_FALSE(replies[0].second.granted);
  CHECK(replies[0].second.term == Term{3});
  const auto refused = events<event::PreVoteRefused>(effects);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].reason == event::PreVoteRefused::Reason::less_complete_log);
}

TEST_CASE("a pre-candidate with a majority of pre-votes stands for election in the next term") {
  LowestDraw low;
  Server server = follower("A", Term{3}, {}, features(true, false));
  server.timeout(10, low);
  const Effects effects =
      server.handle(20, "B", PreVoteReply{.term = Term{4}, .granted = true}, low);
  CHECK(server.role() == Role::candidate);
  CHECK(server.current_term() == Term{4});
  CHECK(sent<RequestVote>(effects).size() == 2);
}

TEST_CASE("a pre-vote refused in a higher term makes the pre-candidate a follower in it") {
  LowestDraw low;
  Server server = follower("A", Term{3}, {}, features(true, false));
  server.timeout(10, low);
  server.handle(20, "B", PreVoteReply{.term = Term{6}, .granted = false}, low);
  CHECK(server.role() == Role::follower);
  CHECK(server.current_term() == Term{6});
}

TEST_CASE("check-quorum steps down a leader cut off from its majority") {
  LowestDraw low;
  Server leader = leader_with(features(false, true));
  REQUIRE(leader.role() == Role::leader);
  const Term term = leader.current_term();
  Effects effects;
  for (Millis now = 50; now <= 400 && leader.role() == Role::leader; now += 50) {
    effects = leader.tick(now, low);
  }
  CHECK(leader.role() == Role::follower);
  CHECK(leader.current_term() == term);  // in the same term
  CHECK(events<event::LostQuorum>(effects).size() == 1);
}

TEST_CASE("check-quorum keeps a leader that hears from a majority") {
  LowestDraw low;
  Server leader = leader_with(features(false, true));
  const Term term = leader.current_term();
  for (Millis now = 50; now <= 1000; now += 50) {
    leader.handle(now, "B", reply_success(term, leader.last_log_index(), leader.last_log_index()),
                  low);
    leader.tick(now, low);
  }
  CHECK(leader.role() == Role::leader);
}

TEST_CASE("a follower in lease ignores a higher-term RequestVote") {
  LowestDraw low;
  Server voter = follower("B", Term{1}, {}, features(false, true));
  voter.handle(100, "A", append_entries(Term{1}, "A", LogIndex{}, Term{}), low);
  REQUIRE(voter.in_lease(200));
  Effects effects = voter.handle(200, "C", request_vote(Term{2}, "C", LogIndex{}, Term{}), low);
  CHECK(voter.current_term() == Term{1});
  CHECK(sent<Vote>(effects).empty());
  CHECK(events<event::VoteIgnored>(effects).size() == 1);
  // After the minimum election timeout without the leader: a vote as usual.
  REQUIRE_FALSE(voter.in_lease(250));
  effects = voter.handle(250, "C", request_vote(Term{2}, "C", LogIndex{}, Term{}), low);
  CHECK(voter.current_term() == Term{2});
  CHECK(voter.voted_for() == std::optional<NodeId>("C"));
}

TEST_CASE("a follower in lease refuses a pre-vote: the leader is alive") {
  LowestDraw low;
  Server voter = follower("B", Term{1}, {}, features(true, true));
  voter.handle(100, "A", append_entries(Term{1}, "A", LogIndex{}, Term{}), low);
  const Effects effects = voter.handle(150, "C", pre_vote(Term{2}, "C", LogIndex{}, Term{}), low);
  const auto refused = events<event::PreVoteRefused>(effects);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].reason == event::PreVoteRefused::Reason::leader_alive);
}

TEST_CASE("a RequestVote of a leadership transfer is granted within the lease") {
  LowestDraw low;
  Server voter = follower("B", Term{1}, {}, features(false, true));
  voter.handle(100, "A", append_entries(Term{1}, "A", LogIndex{}, Term{}), low);
  RequestVote request = request_vote(Term{2}, "C", LogIndex{}, Term{});
  request.transfer = true;
  voter.handle(150, "C", request, low);
  CHECK(voter.voted_for() == std::optional<NodeId>("C"));
}

TEST_CASE("a transfer ends with the target leading in the next term") {
  RaftOptions options = raft_servers(abc);
  options.features = features(false, true);
  RaftCluster cluster(options);
  const auto leader = wait_for_leader(cluster);
  REQUIRE(leader);
  const Term term = cluster.server(*leader)->current_term();
  const NodeId target = *leader == "A" ? "B" : "A";
  cluster.transfer_leadership(*leader, target);
  cluster.world().run(300);
  CHECK(cluster.leader() == std::optional<NodeId>(target));
  CHECK(cluster.server(target)->current_term() == Term{term.value + 1});
}

TEST_CASE("an aborted transfer takes commands again") {
  LowestDraw low;
  Server leader = elected("A", abc);
  leader.transfer_leadership(10, "B");  // B never answers
  REQUIRE(leader.transferring_to() == std::optional<NodeId>("B"));
  const Effects refused = leader.submit(20, Command::put("x", "1", "c", 1));
  CHECK(events<event::SubmitRefused>(refused).size() == 1);
  Effects effects;
  for (Millis now = 50; now <= 400; now += 50) effects = leader.tick(now, low);
  CHECK_FALSE(leader.transferring_to());
  CHECK(leader.role() == Role::leader);
  const Effects taken = leader.submit(410, Command::put("x", "1", "c", 1));
  CHECK(events<event::EntryAppended>(taken).size() == 1);
}

// Thesis §3.10: "If the transfer does not complete within an election
// timeout, the prior leader aborts the transfer". The leader wakes at the
// deadline to give it up; B's acknowledgement, arriving later, sends no
// TimeoutNow (before the fix it did: the deadline was checked only at the
// next heartbeat, and the checker's `--transfers` found a leader deposed by a
// transfer it had already given up).
TEST_CASE("a transfer is given up at its deadline, and a late acknowledgement sends no TimeoutNow") {
  LowestDraw low;
  Server leader = elected("A", abc);
  const Millis deadline = 10 + leader.config().timing.election_timeout_max;
  Effects effects = leader.transfer_leadership(10, "B");  // B lacks A's noop
  std::size_t aborted = 0;
  // The leader wakes when its effects ask (a driver's timer), up to the deadline.
  while (effects.wake_at && *effects.wake_at <= deadline) {
    effects = leader.tick(*effects.wake_at, low);
    aborted += events<event::TransferAborted>(effects).size();
  }
  CHECK(aborted == 1);
  CHECK_FALSE(leader.transferring_to());
  const Effects late = leader.handle(
      deadline + 5, "B", reply_success(leader.current_term(), LogIndex{1}, LogIndex{1}), low);
  CHECK(events<event::TimeoutNowSent>(late).empty());
  CHECK(leader.role() == Role::leader);
}

TEST_CASE("a TimeoutNow from a server that does not lead is refused") {
  LowestDraw low;
  Server server = follower("B", Term{1}, {}, features(false, false));
  server.handle(10, "A", append_entries(Term{1}, "A", LogIndex{}, Term{}), low);
  CHECK(server.check("C", TimeoutNow{Term{1}}));  // A leads term 1
  CHECK_FALSE(server.check("A", TimeoutNow{Term{1}}));
  Server leader = elected("A", abc);
  CHECK(leader.check("B", TimeoutNow{leader.current_term()}));  // A leads it
}

TEST_CASE("pre-vote, pre-vote reply and TimeoutNow on the wire") {
  RequestVote transfer = request_vote(Term{5}, "A", LogIndex{3}, Term{2});
  transfer.transfer = true;
  for (const Message& message :
       std::vector<Message>{pre_vote(Term{6}, "A", LogIndex{3}, Term{2}),
                            PreVoteReply{.term = Term{6}, .granted = true}, TimeoutNow{Term{5}},
                            transfer, request_vote(Term{5}, "A", LogIndex{3}, Term{2})}) {
    const std::string line = net::encode(message);
    CAPTURE(line);
    CHECK(net::encode(net::decode_raft(line)) == line);
  }
  CHECK(net::encode(transfer) == "RequestVote term 5 candidate A last-log 3 2 transfer");
}
