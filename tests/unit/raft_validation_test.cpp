// Raft's check() (raft/validate.cpp), rule by rule: a message no server
// following the protocol could have sent is refused — Effects::refused says
// why, and nothing else happens — and the messages a correct server CAN send,
// however late, repeated or stale, are not. Each test is named after what it
// refuses or lets through.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "raft/server.h"
#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;

namespace {

constexpr std::uint64_t kLargest = raft::kLargestNumber;  // 2^63 - 1
constexpr std::uint64_t kHuge = ~std::uint64_t{0};        // 2^64 - 1

// Everything a message could change.
auto state_of(const Server& s) {
  return std::make_tuple(s.hard_state(), s.role(), s.commit_index(), s.last_applied(),
                         s.leader_hint());
}

// `server` receives `message` from `from`: it must be refused, with a reason
// that contains `why` (and says it in the notes' Chinese too), and change
// nothing.
void refuses(Server& server, const NodeId& from, const Message& message, const std::string& why) {
  CAPTURE(raft::to_string(message));
  LowestDraw low;
  const auto before = state_of(server);
  const Effects effects = server.handle(10, from, message, low);
  REQUIRE(effects.refused);
  CHECK(effects.refused->en.find(why) != std::string::npos);
  CHECK_FALSE(effects.refused->zh.empty());
  CHECK(server.check(from, message) == effects.refused);
  CHECK_FALSE(effects.persist);
  CHECK(effects.send.empty());
  CHECK(effects.events.empty());
  CHECK(state_of(server) == before);
}

// `server` receives `message` from `from` and handles it as usual.
Effects accepts(Server& server, const NodeId& from, const Message& message) {
  CAPTURE(raft::to_string(message));
  LowestDraw low;
  CHECK(server.check(from, message) == std::nullopt);
  const Effects effects = server.handle(10, from, message, low);
  CHECK_FALSE(effects.refused);
  return effects;
}

// A follower of A, B, C in term 2 with the log (1, 1), (2, 2), (3, 2).
Server follower_b() {
  return Server(config_for("B", abc),
                RaftHardState{.current_term = Term{2}, .log = raft::Log{noops({1, 2, 2})}});
}

}  // namespace

TEST_CASE("Raft check: a message from a server outside the cluster, or from itself, is refused") {
  Server candidate(config_for("A", abc), RaftHardState{});
  LowestDraw low;
  candidate.timeout(0, low);
  REQUIRE(candidate.role() == Role::candidate);
  // Without the check Z's vote would have counted: A would lead with A and Z.
  refuses(candidate, "Z", Vote{.term = Term{1}, .vote_granted = true},
          "Z is not a server of this cluster");
  refuses(candidate, "A", Vote{.term = Term{1}, .vote_granted = true}, "a message from itself");
  CHECK(candidate.role() == Role::candidate);
  accepts(candidate, "B", Vote{.term = Term{1}, .vote_granted = true});
  CHECK(candidate.role() == Role::leader);
  refuses(candidate, "Z", reply_success(Term{1}, LogIndex{1}, LogIndex{1}),
          "not a server of this cluster");
}

TEST_CASE("Raft check: the reason is given in the notes' Chinese too") {
  Server b = follower_b();
  const auto why = b.check("A", request_vote(Term{3}, "C", LogIndex{3}, Term{2}));
  REQUIRE(why);
  CHECK(why->en == "RequestVote for candidate C sent by A");
  CHECK(why->zh == "A 替候选人 C 发出请求投票 RPC");
}

TEST_CASE(
    "Raft check: a RequestVote for another candidate or an AppendEntries for another leader "
    "is refused") {
  // Figure 2: candidateId and leaderId name the sender; a node speaks for
  // itself (the real node used to check this in net/node.cpp).
  Server b = follower_b();
  refuses(b, "A", request_vote(Term{3}, "C", LogIndex{3}, Term{2}),
          "RequestVote for candidate C sent by A");
  refuses(b, "A", append_entries(Term{2}, "C", LogIndex{3}, Term{2}),
          "AppendEntries from leader C sent by A");
  accepts(b, "C", append_entries(Term{2}, "C", LogIndex{3}, Term{2}));
}

TEST_CASE("Raft check: a term or an index past 2^63 - 1 is refused") {
  // A data directory (SQLite) stores signed 64-bit integers, and no server
  // counts that far: with a term of 2^64 - 1, its next election would have
  // wrapped the term around to 0.
  Server b = follower_b();
  refuses(b, "A", request_vote(Term{kHuge}, "A", LogIndex{3}, Term{2}),
          "the term 18446744073709551615");
  refuses(b, "A", request_vote(Term{3}, "A", LogIndex{kLargest + 1}, Term{2}),
          "the last log index");
  refuses(b, "A", Vote{.term = Term{kLargest + 1}, .vote_granted = true},
          "larger than a server can store");
  refuses(b, "A", append_entries(Term{kHuge}, "A", LogIndex{3}, Term{2}), "the term");
  refuses(b, "A",
          AppendEntries{.term = Term{2},
                        .leader_id = "A",
                        .prev_log_index = LogIndex{3},
                        .prev_log_term = Term{2},
                        .leader_commit = LogIndex{kHuge}},
          "the leader's commit index");
  refuses(b, "A", append_entries(Term{2}, "A", LogIndex{kLargest}, Term{2}, noops({2})),
          "the entries after prev index 9223372036854775807 end past");
  refuses(b, "A", reply_success(Term{2}, LogIndex{kHuge}, LogIndex{3}), "the match index");
  refuses(b, "A", reply_refusal(Term{2}, LogIndex{1}, LogIndex{kHuge}), "the last log index");
  // The largest storable numbers are possible (if absurd): not refused.
  accepts(b, "A", reply_refusal(Term{kLargest}, LogIndex{kLargest}, LogIndex{kLargest}));
  CHECK(b.current_term() == Term{kLargest});
}

TEST_CASE("Raft: a server at the largest term does not campaign") {
  // Its next term could not be stored: it stays a follower (only a peer that
  // lied about its term can bring it here).
  LowestDraw low;
  Server b(config_for("B", abc), RaftHardState{.current_term = Term{kLargest}});
  b.start(0, low);
  const Effects effects = b.timeout(1000, low);
  CHECK(b.role() == Role::follower);
  CHECK(b.current_term() == Term{kLargest});
  CHECK_FALSE(effects.persist);
  CHECK(effects.send.empty());
}

TEST_CASE("Raft check: a log position with only one of index and term 0 is refused") {
  // (0, 0) is before the first entry; an entry's term is the term of the
  // leader that created it, at least 1.
  Server b = follower_b();
  refuses(b, "A", request_vote(Term{3}, "A", LogIndex{0}, Term{3}),
          "the candidate's last entry (0, 3)");
  refuses(b, "A", request_vote(Term{3}, "A", LogIndex{4}, Term{0}),
          "the candidate's last entry (4, 0)");
  refuses(b, "A", append_entries(Term{2}, "A", LogIndex{0}, Term{1}, noops({2})),
          "the prev entry (0, 1)");
  accepts(b, "A", request_vote(Term{3}, "A", LogIndex{0}, Term{0}));  // an empty log
}

TEST_CASE("Raft check: an entry of term 0 or of a term later than the leader's is refused") {
  // A leader appends entries of its own term; a follower takes entries only
  // from a leader whose term it adopts first. (Stored, either would make the
  // data directory unreadable: net/storage.cpp refuses such a log.)
  Server b = follower_b();
  refuses(b, "A", append_entries(Term{2}, "A", LogIndex{3}, Term{2}, noops({0})),
          "an entry has term 0");
  refuses(b, "A", append_entries(Term{2}, "A", LogIndex{3}, Term{2}, noops({2, 5})),
          "an entry has term 5, later than the leader's term 2");
}

TEST_CASE("Raft check: entries whose terms go down are refused") {
  // Log Matching: every log is a leader's log as it once was, and each leader
  // extended a log of earlier terms with entries of its own.
  Server b = follower_b();
  refuses(b, "A", append_entries(Term{3}, "A", LogIndex{3}, Term{2}, noops({3, 2})),
          "the entries' terms go down (3, then 2)");
  // Below the prev entry's term, when they would follow it here.
  refuses(b, "A", append_entries(Term{3}, "A", LogIndex{2}, Term{2}, noops({1})),
          "the entries' terms go down (2, then 1)");
  // When the prev entry does not match, nothing would be stored: the
  // consistency check refuses it as usual (the notes' log repair).
  const Effects effects =
      accepts(b, "A", append_entries(Term{3}, "A", LogIndex{3}, Term{3}, noops({1})));
  CHECK(events<event::AppendRefused>(effects).size() == 1);
  SUBCASE("with the log consistency check off, it is handled as usual") {
    raft::Rules rules;
    rules.log_consistency_check = false;
    Server off(config_for("B", abc, rules),
               RaftHardState{.current_term = Term{2}, .log = raft::Log{noops({1, 2, 2})}});
    accepts(off, "A", append_entries(Term{3}, "A", LogIndex{3}, Term{2}, noops({3, 2})));
  }
}

TEST_CASE("Raft check: AppendEntries to the leader of its own term is refused") {
  // Election Safety (§5.2): at most one leader per term. Had A taken C's
  // entries, it would have deleted part of its own log while leading.
  Server leader = elected("A", abc, noops({1, 1}), Term{1});  // leads term 2, noop (3, 2)
  refuses(leader, "C", append_entries(Term{2}, "C", LogIndex{1}, Term{1}, noops({2})),
          "AppendEntries from leader C of term 2, which this server leads");
  // A leader of a later term is possible: A steps down.
  accepts(leader, "C", append_entries(Term{3}, "C", LogIndex{1}, Term{1}, noops({3})));
  CHECK(leader.role() == Role::follower);
  SUBCASE("with persist off, two leaders in one term are possible: it is handled as usual") {
    raft::Rules rules;
    rules.persist = false;
    Server forgetful = elected("A", abc, noops({1, 1}), Term{1}, rules);
    accepts(forgetful, "C", append_entries(Term{2}, "C", LogIndex{1}, Term{1}, noops({2})));
  }
}

TEST_CASE("Raft check: AppendEntries that would replace a committed entry is refused") {
  // Leader Completeness (§5.4): a leader of this term or a later one holds
  // every committed entry, so it never asks a follower to delete one.
  Server b = follower_b();
  accepts(b, "A",
          AppendEntries{.term = Term{2},
                        .leader_id = "A",
                        .prev_log_index = LogIndex{3},
                        .prev_log_term = Term{2},
                        .leader_commit = LogIndex{2}});  // commit 2
  REQUIRE(b.commit_index() == LogIndex{2});
  refuses(b, "C", append_entries(Term{3}, "C", LogIndex{1}, Term{1}, noops({3})),
          "would replace entry 2, which is committed");
  // Entry 3 is not committed: a new leader may replace it.
  accepts(b, "C", append_entries(Term{3}, "C", LogIndex{2}, Term{2}, noops({3})));
  CHECK(terms_of(b.log()) == std::vector<std::uint64_t>{1, 2, 3});
  // An old leader's late message may conflict with what was committed since:
  // it is stale, and the stale-term rule answers it without deleting anything.
  const Effects stale =
      accepts(b, "A", append_entries(Term{1}, "A", LogIndex{1}, Term{1}, noops({1})));
  CHECK(events<event::StaleRefused>(stale).size() == 1);
  CHECK(terms_of(b.log()) == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("Raft check: an AppendReply that claims a match past the leader's log is refused") {
  // The line that used to kill a real leader: `peer raft B`, then
  // `AppendReply term 2 success yes match 1000000 last 1000000`. A reply in
  // the leader's own term answers an AppendEntries it sent in that term, and
  // everything that message held was in its log, which only grows while it
  // leads.
  Server leader = elected("A", abc, noops({1, 1}), Term{1});  // leads term 2, last index 3
  refuses(leader, "B", reply_success(Term{2}, LogIndex{1'000'000}, LogIndex{1'000'000}),
          "AppendReply claims a match at 1000000, past the leader's last index 3");
  refuses(leader, "B", reply_success(Term{2}, LogIndex{4}, LogIndex{4}),
          "past the leader's last index 3");
  // The leader goes on as before.
  const Effects ok = accepts(leader, "B", reply_success(Term{2}, LogIndex{3}, LogIndex{3}));
  CHECK(leader.commit_index() == LogIndex{3});
  CHECK(events<event::Committed>(ok).size() == 3);
}

TEST_CASE("Raft check: an AppendReply that refuses a prev index past the leader's log is refused") {
  Server leader = elected("A", abc, noops({1, 1}), Term{1});  // last index 3
  refuses(leader, "B", reply_refusal(Term{2}, LogIndex{1'000'000}, LogIndex{0}),
          "AppendReply refuses prev index at 1000000, past the leader's last index 3");
  // A refusal of a prev index in its log steps back, as usual.
  const Effects back = accepts(leader, "B", reply_refusal(Term{2}, LogIndex{3}, LogIndex{1}));
  CHECK(events<event::NextIndexBack>(back).size() == 1);
}

TEST_CASE("Raft check: a stale AppendReply from an older term with a large match is not refused") {
  // A leader of term 2 had a long log and sent entries up to 8; it lost its
  // leadership, its uncommitted entries were replaced by a shorter log, and
  // now it leads term 4 with 4 entries. B's reply to the old message arrives
  // only now: it is possible, so it is not refused — the stale-term rule
  // ignores it.
  Server leader = elected("A", abc, noops({1, 1, 3}), Term{3});  // leads term 4, last index 4
  REQUIRE(leader.last_log_index() == LogIndex{4});
  const Effects effects = accepts(leader, "B", reply_success(Term{2}, LogIndex{8}, LogIndex{8}));
  CHECK(events<event::StaleRefused>(effects).size() == 1);
  CHECK(effects.send.empty());
  CHECK(leader.commit_index() == LogIndex{0});
}

TEST_CASE(
    "Raft check: a refusal for an old term that reaches a leader of that same term is not "
    "refused") {
  // C, in term 4, refuses A's AppendEntries of term 2 for its term alone.
  Server c(
      config_for("C", abc),
      RaftHardState{.current_term = Term{4}, .voted_for = "C", .log = raft::Log{noops({1, 1})}});
  LowestDraw low;
  const Effects refusal =
      c.handle(0, "A", append_entries(Term{2}, "A", LogIndex{7}, Term{2}, noops({2})), low);
  const auto replies = sent<AppendReply>(refusal);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].second.term == Term{4});
  CHECK_FALSE(replies[0].second.refused_prev_index);  // no index of A's log in question
  // Meanwhile A, with a shorter log, has won term 4. The reply arrives: it is
  // in A's term, but refuses nothing of A's log. (It used to carry A's old
  // prev index 7, past A's log — which could not be told from a refusal of A's
  // own message of term 4.)
  Server a = elected("A", abc, noops({1, 1}), Term{3});
  REQUIRE(a.current_term() == Term{4});
  REQUIRE(a.last_log_index() == LogIndex{3});
  const Effects effects = accepts(a, "C", replies[0].second);
  CHECK(effects.send.empty());
  CHECK(events<event::NextIndexBack>(effects).empty());
}

TEST_CASE(
    "Raft check: a success from a follower whose log is longer than the leader's is not "
    "refused") {
  // B still holds entries of an old term past the new leader's log: it
  // matches up to the message's last entry, and says its log is longer.
  Server leader = elected("A", abc, noops({1, 1}), Term{1});  // last index 3
  accepts(leader, "B", reply_success(Term{2}, LogIndex{3}, LogIndex{9}));
  CHECK(leader.commit_index() == LogIndex{3});
}
