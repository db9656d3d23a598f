// Reads without a log entry, sentence by sentence (Ongaro's thesis §6.4,
// ReadIndex, and §6.4.1, leases; raft/reads.cpp): each test drives one
// raft::Server by hand and looks at the messages and events of its Effects.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "net/raft_wire.h"
#include "raft/server.h"
#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;

namespace {

using raft::ReadMode;

raft::Features reads(ReadMode mode) {
  raft::Features features;
  features.read_mode = mode;
  return features;
}

// A leads term `term` + 1 of A, B, C (elected at 0 ms: heartbeat round 1),
// reading in `mode`; its log before its noop is `log`.
Server reading_leader(ReadMode mode, std::vector<LogEntry> log = {}, Term term = {},
                      raft::Rules rules = {}) {
  Server leader = elected("A", abc, std::move(log), term, rules);
  leader.set_features(reads(mode));
  return leader;
}

// B's success reply to A's AppendEntries of round `round`, matching up to `match`.
AppendReply ack(const Server& leader, LogIndex match, std::uint64_t round) {
  AppendReply reply = reply_success(leader.current_term(), match, match);
  reply.round = round;
  return reply;
}

Effects from_b(Server& leader, Millis now, const AppendReply& reply) {
  LowestDraw low;
  return leader.handle(now, "B", reply, low);
}

std::uint64_t round_sent(const Effects& effects) {
  const auto appends = sent<AppendEntries>(effects);
  REQUIRE(appends.size() == 2);  // to B and C, the same round
  CHECK(appends[0].second.round == appends[1].second.round);
  return appends[0].second.round;
}

}  // namespace

TEST_CASE(
    "Raft thesis 6.4: ReadIndex answers only after a majority acknowledged a new heartbeat "
    "round") {
  // "It issues a new round of heartbeats and waits for their
  // acknowledgments from a majority of the cluster."
  Server leader = reading_leader(ReadMode::read_index);
  from_b(leader, 1, ack(leader, LogIndex{1}, 1));  // the noop of term 1 commits
  REQUIRE(leader.commit_index() == LogIndex{1});

  const Effects asked = leader.read(10, {.id = 7, .key = "x"});
  const auto started = events<event::ReadStarted>(asked);
  REQUIRE(started.size() == 1);
  CHECK(started[0].read_index == LogIndex{1});
  CHECK(started[0].round == 2);
  CHECK(round_sent(asked) == 2);
  CHECK(events<event::ReadAnswered>(asked).empty());

  // An acknowledgment of the round before the read proves nothing about now.
  CHECK(events<event::ReadAnswered>(from_b(leader, 11, ack(leader, LogIndex{1}, 1))).empty());
  const Effects confirmed = from_b(leader, 12, ack(leader, LogIndex{1}, 2));
  CHECK(events<event::RoundConfirmed>(confirmed).size() == 1);
  const auto answered = events<event::ReadAnswered>(confirmed);
  REQUIRE(answered.size() == 1);
  CHECK(answered[0].id == 7);
  CHECK(answered[0].value == std::nullopt);
  CHECK(answered[0].way == event::ReadWay::read_index);
  CHECK(leader.pending_reads() == 0);
}

TEST_CASE(
    "Raft thesis 6.4: ReadIndex answers from the state machine applied through the read "
    "index, and a read that arrives while a round is under way waits for the next round") {
  // "The leader waits for its state machine to advance at least as far as
  // the readIndex … issues the query against its state machine."
  Server leader = reading_leader(ReadMode::read_index);
  from_b(leader, 1, ack(leader, LogIndex{1}, 1));
  leader.submit(2, Command::put("x", "3"));
  from_b(leader, 3, ack(leader, LogIndex{2}, 1));
  REQUIRE(leader.last_applied() == LogIndex{2});

  // The first read starts round 2. The second, at the same millisecond, may
  // not use round 2: it was sent before the second read arrived, and could
  // have been acknowledged before it (raft/read_batching.cpp). It waits.
  const Effects first = leader.read(10, {.id = 1, .key = "x"});
  const Effects second = leader.read(10, {.id = 2, .key = "x"});
  CHECK(round_sent(first) == 2);
  CHECK(sent<AppendEntries>(second).empty());
  // Round 2 confirmed: the first read is answered, and round 3 starts at
  // once for the second.
  const Effects confirmed = from_b(leader, 12, ack(leader, LogIndex{2}, 2));
  const auto first_answer = events<event::ReadAnswered>(confirmed);
  REQUIRE(first_answer.size() == 1);
  CHECK(first_answer[0].id == 1);
  CHECK(first_answer[0].read_index == LogIndex{2});
  CHECK(first_answer[0].value == std::optional<std::string>("3"));
  CHECK(round_sent(confirmed) == 3);
  const auto second_answer =
      events<event::ReadAnswered>(from_b(leader, 14, ack(leader, LogIndex{2}, 3)));
  REQUIRE(second_answer.size() == 1);
  CHECK(second_answer[0].id == 2);
  CHECK(second_answer[0].value == std::optional<std::string>("3"));
}

TEST_CASE(
    "Raft thesis 6.4 (rule read-after-own-term-commit): a new leader defers reads until an "
    "entry of its term is committed") {
  // "If the leader has not yet marked an entry from its current term
  // committed, it waits until it has done so."
  // A was elected in term 2 with two entries of term 1 it does not know are
  // committed; its noop is (3, 2).
  for (const bool rule : {true, false}) {
    CAPTURE(rule);
    raft::Rules rules;
    rules.read_after_own_term_commit = rule;
    Server leader = reading_leader(ReadMode::read_index, noops({1, 1}), Term{1}, rules);
    const Effects asked = leader.read(10, {.id = 1, .key = "x"});
    const auto started = events<event::ReadStarted>(asked);
    REQUIRE(started.size() == 1);
    CHECK(started[0].read_index.has_value() == !rule);
    // B confirms the round, but holds only the entries of term 1: nothing commits.
    const Effects confirmed = from_b(leader, 11, ack(leader, LogIndex{2}, round_sent(asked)));
    CHECK(leader.commit_index() == LogIndex{0});
    CHECK(events<event::ReadAnswered>(confirmed).size() == (rule ? 0 : 1));  // off: read index 0
    if (!rule) continue;
    // The noop commits (with the entries before it): now the read index is 3.
    const Effects committed = from_b(leader, 12, ack(leader, LogIndex{3}, round_sent(asked)));
    const auto set = events<event::ReadIndexSet>(committed);
    REQUIRE(set.size() == 1);
    CHECK(set[0].read_index == LogIndex{3});
    const auto answered = events<event::ReadAnswered>(committed);
    REQUIRE(answered.size() == 1);
    CHECK(answered[0].read_index == LogIndex{3});
  }
}

TEST_CASE("Raft thesis 6.4: a leader that steps down refuses the reads it has not answered") {
  Server leader = reading_leader(ReadMode::read_index);
  from_b(leader, 1, ack(leader, LogIndex{1}, 1));
  leader.read(10, {.id = 4, .key = "x"});
  LowestDraw low;
  const Effects deposed =
      leader.handle(20, "C", append_entries(Term{2}, "C", LogIndex{1}, Term{1}), low);
  const auto refused = events<event::ReadRefused>(deposed);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].id == 4);
  CHECK(refused[0].reason == event::ReadRefused::Reason::stepped_down);
  CHECK(events<event::ReadAnswered>(deposed).empty());
  CHECK(leader.pending_reads() == 0);
  CHECK(leader.lease_until() == std::nullopt);
}

TEST_CASE(
    "Raft thesis 6.4: only a leader answers a read without a log entry, and only in a read "
    "mode without one") {
  using Reason = event::ReadRefused::Reason;
  LowestDraw low;
  Server follower(config_for("B", abc), RaftHardState{});
  follower.set_features(reads(ReadMode::read_index));
  follower.handle(1, "A", append_entries(Term{1}, "A", LogIndex{0}, Term{0}), low);
  auto refused = events<event::ReadRefused>(follower.read(2, {.id = 1, .key = "x"}));
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].reason == Reason::not_leader);
  CHECK(refused[0].leader_hint == NodeId("A"));

  Server leader = reading_leader(ReadMode::log);
  refused = events<event::ReadRefused>(leader.read(2, {.id = 1, .key = "x"}));
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].reason == Reason::log_mode);
}

TEST_CASE(
    "Raft thesis 6.4.1: under its lease a leader answers without a message, after it "
    "with a round") {
  // "The leader would use the normal heartbeat mechanism to maintain a
  // lease … it would reply to read-only queries without any additional
  // communication." Election timeout at least 150 ms, drift 10%: the lease
  // lasts 135 ms from the round's sending.
  Server leader = reading_leader(ReadMode::lease);
  from_b(leader, 5, ack(leader, LogIndex{1}, 1));  // round 1 was sent at 0 ms
  REQUIRE(leader.lease_until() == Millis{135});

  const Effects within = leader.read(134, {.id = 1, .key = "x"});
  CHECK(within.send.empty());
  const auto answered = events<event::ReadAnswered>(within);
  REQUIRE(answered.size() == 1);
  CHECK(answered[0].way == event::ReadWay::lease);

  const Effects after = leader.read(135, {.id = 2, .key = "x"});
  CHECK(events<event::ReadAnswered>(after).empty());
  CHECK(round_sent(after) == 2);
  const auto confirmed =
      events<event::ReadAnswered>(from_b(leader, 140, ack(leader, LogIndex{1}, 2)));
  REQUIRE(confirmed.size() == 1);
  CHECK(confirmed[0].way == event::ReadWay::read_index);
  CHECK(leader.lease_until() == Millis{135 + 135});
}

TEST_CASE(
    "Raft thesis 6.4.1: the lease counts from when the round was sent, not when it was "
    "acknowledged") {
  // "The leader … starts its timer before sending the heartbeats": a
  // follower reset its election timer after the round left, not before.
  LowestDraw low;
  Server leader = reading_leader(ReadMode::lease);
  const Effects heartbeat = leader.tick(50, low);  // round 2 leaves at 50 ms
  CHECK(round_sent(heartbeat) == 2);
  from_b(leader, 120, ack(leader, LogIndex{1}, 2));  // acknowledged at 120 ms
  CHECK(leader.lease_until() == Millis{50 + 135});
}

TEST_CASE(
    "Raft thesis 6.4: an AppendReply acknowledging a round the leader never started is "
    "impossible") {
  Server leader = reading_leader(ReadMode::read_index);
  const auto reason = leader.check("B", ack(leader, LogIndex{1}, 9));
  REQUIRE(reason);
  CHECK(reason->en == "AppendReply acknowledges heartbeat round 9, past the leader's latest 1");
  CHECK(reason->zh == "日志复制 RPC 的响应确认了心跳轮次 9，超出了领导者最新的轮次 1");
}

TEST_CASE(
    "Raft thesis 6.4: the wire carries a heartbeat round, and a line without one is round 0") {
  AppendEntries heartbeat = append_entries(Term{2}, "A", LogIndex{1}, Term{1});
  heartbeat.round = 7;
  const std::string line = net::encode(Message{heartbeat});
  CHECK(line.ends_with(" round 7"));
  CHECK(std::get<AppendEntries>(net::decode_raft(line)).round == 7);
  AppendReply reply = reply_success(Term{2}, LogIndex{1}, LogIndex{1});
  reply.round = 7;
  CHECK(std::get<AppendReply>(net::decode_raft(net::encode(Message{reply}))).round == 7);
  reply.round = 0;  // as a node that counts no rounds writes it
  const std::string old = net::encode(Message{reply});
  CHECK(old.find("round") == std::string::npos);
  CHECK(std::get<AppendReply>(net::decode_raft(old)).round == 0);
  CHECK_THROWS(net::decode_raft(old + " round 0"));
  CHECK_THROWS(net::decode_raft(old + " round"));
  CHECK_THROWS(net::decode_raft(old + " round 3 4"));
}

// Thesis §6.4: "it can use a single round of heartbeats for any number of
// read-only queries that it has accumulated" (raft/read_batching.cpp). Read 1
// starts round 2; reads 2 to 6 arrive while it is under way and wait for the
// next one, which starts once round 2 is confirmed: six reads, two rounds —
// four AppendEntries, not twelve.
TEST_CASE("Raft thesis 6.4: reads that arrive while a round is under way share the next round") {
  Server leader = reading_leader(ReadMode::read_index);
  from_b(leader, 1, ack(leader, LogIndex{1}, 1));  // the noop of term 1 commits
  std::size_t appends = 0;
  const Effects first = leader.read(10, {.id = 1, .key = "x"});
  CHECK(round_sent(first) == 2);
  appends += sent<AppendEntries>(first).size();
  for (std::uint64_t id = 2; id <= 6; ++id) {
    const Effects waiting = leader.read(11, {.id = id, .key = "x"});
    const auto started = events<event::ReadStarted>(waiting);
    REQUIRE(started.size() == 1);
    CHECK(started[0].next_round);
    CHECK(started[0].round == 0);  // not round 2: it was sent before this read arrived
    CHECK(events<event::ReadAnswered>(waiting).empty());
    appends += sent<AppendEntries>(waiting).size();
  }
  CHECK(appends == 2);
  // Round 2 confirmed: read 1 answered; round 3 starts for the five others.
  const Effects second = from_b(leader, 20, ack(leader, LogIndex{1}, 2));
  CHECK(events<event::ReadAnswered>(second).size() == 1);
  CHECK(round_sent(second) == 3);
  appends += sent<AppendEntries>(second).size();
  const Effects third = from_b(leader, 30, ack(leader, LogIndex{1}, 3));
  CHECK(events<event::ReadAnswered>(third).size() == 5);
  CHECK(sent<AppendEntries>(third).empty());
  CHECK(appends == 4);
  CHECK(leader.pending_reads() == 0);
}
