// Raft, sentence by sentence: one test for each rule of the Raft paper's
// §5.3 (log replication) and §5.4 (safety) (Ongaro and Ousterhout, "In Search of an Understandable
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

// `follower` receives `message` from the leader B.
Effects follower_receives(Server& follower, const AppendEntries& message) {
  LowestDraw low;
  return follower.handle(10, "B", message, low);
}

// The notes' log-repair example: A leads term 5 with the log (1, 1, 1, 2, 3,
// 3, 4) and its noop at (8, 5).
Server notes_leader() {
  return elected("A", abc, noops({1, 1, 1, 2, 3, 3, 4}), Term{4});
}

}  // namespace

TEST_CASE("Raft 5.3: the leader appends a command to its log and sends it to every follower") {
  // "The leader appends the command to its log as a new entry, then issues
  // AppendEntries RPCs in parallel to each of the other servers to replicate
  // the entry."
  LowestDraw low;
  Server leader = elected("A", abc, {}, Term{0});
  for (const char* follower : {"B", "C"})
    leader.handle(1, follower,
                  AppendReply{.term = Term{1}, .success = true, .match_index = LogIndex{1}}, low);
  const Command x = Command::put("x", "3");
  const Effects effects = leader.submit(5, x);
  const LogEntry entry{Term{1}, x};
  CHECK(leader.log().entries() == std::vector<LogEntry>{LogEntry{Term{1}, Command::noop()}, entry});
  REQUIRE(effects.persist);  // only what changed: the new entry, at index 2
  CHECK(effects.persist->log_from == LogIndex{2});
  CHECK(effects.persist->entries == std::vector<LogEntry>{entry});
  const auto appended = events<event::EntryAppended>(effects);
  REQUIRE(appended.size() == 1);
  CHECK(appended[0].index == LogIndex{2});
  CHECK(appended[0].entry == entry);
  const auto appends = sent<AppendEntries>(effects);
  REQUIRE(appends.size() == 2);
  for (const auto& [to, message] : appends) {
    CHECK(message.term == Term{1});
    CHECK(message.prev_log_index == LogIndex{1});
    CHECK(message.prev_log_term == Term{1});
    CHECK(message.entries == std::vector<LogEntry>{entry});
    CHECK(message.leader_commit == LogIndex{1});
  }
  CHECK(leader.commit_index() == LogIndex{1});  // not committed yet

  SUBCASE("a server that is not leader takes no command") {
    Server follower(config_for("B", abc), RaftHardState{});
    const Effects refused = follower.submit(0, x);
    CHECK(refused.send.empty());
    CHECK_FALSE(refused.persist);
    CHECK(follower.log().entries().empty());
  }
}

TEST_CASE("Raft 5.3: the leader applies a committed entry and sends the commit index onward") {
  // "When the entry has been safely replicated…, the leader applies the entry
  // to its state machine… The leader keeps track of the highest index it knows
  // to be committed, and it includes that index in future AppendEntries RPCs
  // (including heartbeats)."
  LowestDraw low;
  Server leader = elected("A", abc, {}, Term{0});
  const Command x = Command::put("x", "3");
  leader.submit(1, x);
  const Effects effects = leader.handle(
      2, "B", AppendReply{.term = Term{1}, .success = true, .match_index = LogIndex{2}}, low);
  CHECK(leader.commit_index() == LogIndex{2});
  CHECK(leader.last_applied() == LogIndex{2});
  CHECK(leader.store().get("x") == std::optional<std::string>{"3"});
  const auto committed = events<event::Committed>(effects);
  REQUIRE(committed.size() == 2);
  CHECK(committed[0].index == LogIndex{1});
  CHECK(committed[1].index == LogIndex{2});
  CHECK(committed[1].entry == LogEntry{Term{1}, x});
  const auto applied = events<event::Applied>(effects);
  REQUIRE(applied.size() == 2);
  CHECK(applied[1].command == x);

  const auto beats = sent<AppendEntries>(leader.tick(50, low));
  REQUIRE(beats.size() == 2);
  for (const auto& [to, message] : beats) CHECK(message.leader_commit == LogIndex{2});
}

TEST_CASE("Raft 5.3: an entry is committed once the leader has replicated it on a majority") {
  // "A log entry is committed once the leader that created the entry has
  // replicated it on a majority of the servers."
  struct Case {
    std::size_t size;
    std::vector<NodeId> acks;  // followers that store the entry
    bool committed;
  };
  const std::vector<Case> cases{
      {1, {}, true},  {3, {}, false},    {3, {"B"}, true},      {3, {"B", "C"}, true},
      {5, {}, false}, {5, {"B"}, false}, {5, {"D", "E"}, true}, {5, {"B", "C", "D", "E"}, true},
  };
  for (std::size_t n = 0; n < cases.size(); ++n) {
    const Case& c = cases[n];
    CAPTURE(n);
    LowestDraw low;
    Server leader = elected("A", first_servers(c.size), {}, Term{0});
    REQUIRE(leader.role() == Role::leader);
    leader.submit(1, Command::put("x", "1"));  // index 2
    for (const NodeId& follower : c.acks)
      leader.handle(2, follower,
                    AppendReply{.term = Term{1}, .success = true, .match_index = LogIndex{2}}, low);
    CHECK((leader.commit_index() == LogIndex{2}) == c.committed);
    // A duplicated acknowledgement counts once.
    if (!c.acks.empty() && !c.committed) {
      leader.handle(3, c.acks[0],
                    AppendReply{.term = Term{1}, .success = true, .match_index = LogIndex{2}}, low);
      CHECK(leader.commit_index() < LogIndex{2});
    }
  }
}

TEST_CASE(
    "Raft 5.3: committing an entry also commits all preceding entries, earlier leaders' too") {
  // "This also commits all preceding entries in the leader's log, including
  // entries created by previous leaders."
  LowestDraw low;
  Server leader = elected("A", abc, noops({1, 2}), Term{2});  // term 3, noop at index 3
  leader.submit(1, Command::put("x", "1"));                   // index 4
  REQUIRE(leader.log().last_index() == LogIndex{4});
  const Effects effects = leader.handle(
      2, "B", AppendReply{.term = Term{3}, .success = true, .match_index = LogIndex{4}}, low);
  CHECK(leader.commit_index() == LogIndex{4});
  const auto committed = events<event::Committed>(effects);
  REQUIRE(committed.size() == 4);
  for (std::uint64_t n = 1; n <= 4; ++n) CHECK(committed[n - 1].index == LogIndex{n});
  CHECK(committed[0].entry.term == Term{1});
  CHECK(committed[1].entry.term == Term{2});
  CHECK(leader.store().get("x") == std::optional<std::string>{"1"});
}

TEST_CASE("Raft 5.3: a follower applies in log order the entries the leader says are committed") {
  // "Once a follower learns that a log entry is committed, it applies the
  // entry to its local state machine (in log order)."
  const std::vector<LogEntry> three{LogEntry{Term{1}, Command::put("x", "1")},
                                    LogEntry{Term{1}, Command::put("y", "2")},
                                    LogEntry{Term{1}, Command::put("x", "3")}};
  struct Case {
    std::uint64_t leader_commit;
    std::uint64_t expected;  // min(leader commit, last new entry)
  };
  for (const Case& c : std::vector<Case>{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {7, 3}}) {
    CAPTURE(c.leader_commit);
    Server follower(config_for("A", abc), RaftHardState{.current_term = Term{1}});
    const Effects effects =
        follower_receives(follower, AppendEntries{.term = Term{1},
                                                  .leader_id = "B",
                                                  .entries = three,
                                                  .leader_commit = LogIndex{c.leader_commit}});
    CHECK(follower.commit_index() == LogIndex{c.expected});
    CHECK(follower.last_applied() == LogIndex{c.expected});
    const auto applied = events<event::Applied>(effects);
    REQUIRE(applied.size() == c.expected);
    for (std::uint64_t n = 0; n < c.expected; ++n) {
      CHECK(applied[n].index == LogIndex{n + 1});
      CHECK(applied[n].command == three[n].command);
    }
    CHECK(follower.store().get("x") == (c.expected == 0  ? std::nullopt
                                        : c.expected < 3 ? std::optional<std::string>{"1"}
                                                         : std::optional<std::string>{"3"}));
  }

  SUBCASE("a later heartbeat carries the commit index") {
    Server follower(config_for("A", abc), RaftHardState{.current_term = Term{1}});
    follower_receives(follower, AppendEntries{.term = Term{1}, .leader_id = "B", .entries = three});
    REQUIRE(follower.commit_index() == LogIndex{0});
    const Effects beat = follower_receives(follower, AppendEntries{.term = Term{1},
                                                                   .leader_id = "B",
                                                                   .prev_log_index = LogIndex{3},
                                                                   .prev_log_term = Term{1},
                                                                   .leader_commit = LogIndex{2}});
    CHECK(follower.commit_index() == LogIndex{2});
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
    const RaftHardState disk{.current_term = Term{2}, .log = raft::Log{noops({1, 2})}};
    Server follower(config_for("A", abc), disk);
    const Effects effects = follower_receives(
        follower,
        append_entries(Term{2}, "B", LogIndex{c.prev_index}, Term{c.prev_term}, noops({2})));
    const auto replies = sent<AppendReply>(effects);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].second.success == c.success);
    if (c.success) {
      CHECK(replies[0].second.match_index == LogIndex{c.prev_index + 1});
    } else {
      CHECK(replies[0].second.refused_prev_index ==
            LogIndex{c.prev_index});  // the prev that did not match
      CHECK(follower.log().entries() == noops({1, 2}));
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
    RaftHardState disk{.current_term = Term{2}, .log = raft::Log{noops({1, 2})}};
    Server follower(config_for("A", abc), disk);
    const Effects effects = follower_receives(
        follower,
        append_entries(Term{4}, "B", LogIndex{c.prev_index}, Term{c.prev_term}, c.entries));
    CHECK(terms_of(follower.log()) == c.expected);
    const auto deleted = events<event::ConflictDeleted>(effects);
    if (c.deleted == 0) {
      CHECK(deleted.empty());
    } else {
      REQUIRE(deleted.size() == 1);
      CHECK(deleted[0].count == c.deleted);
      CHECK(deleted[0].from == LogIndex{c.prev_index + 1});
    }
    const auto replies = sent<AppendReply>(effects);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].second.success);
    CHECK(replies[0].second.match_index == LogIndex{c.prev_index + c.entries.size()});
    REQUIRE(effects.persist);  // durable (term 4, and the log) before the reply
    raft::write(*effects.persist, disk);
    CHECK(disk == follower.hard_state());
  }
}

TEST_CASE("Raft 5.3: an AppendEntries that repeats entries already stored deletes nothing") {
  // Only a conflict (same index, different term) deletes: a late or duplicated
  // AppendEntries carrying a prefix of what the follower holds leaves the
  // entries after it in place.
  Server follower(config_for("A", abc), RaftHardState{.current_term = Term{1}});
  const std::vector<LogEntry> three{LogEntry{Term{1}, Command::put("x", "1")},
                                    LogEntry{Term{1}, Command::put("x", "2")},
                                    LogEntry{Term{1}, Command::put("x", "3")}};
  follower_receives(follower, AppendEntries{.term = Term{1}, .leader_id = "B", .entries = three});
  const Effects late = follower_receives(
      follower, AppendEntries{.term = Term{1}, .leader_id = "B", .entries = {three[0]}});
  CHECK(follower.log().entries() == three);
  CHECK(events<event::ConflictDeleted>(late).empty());
  CHECK_FALSE(late.persist);
  REQUIRE(sent<AppendReply>(late).size() == 1);
  CHECK(sent<AppendReply>(late)[0].second.match_index == LogIndex{1});  // as far as this one shows
}

TEST_CASE("Raft 5.3: after a refusal the leader steps back one entry and sends again at once") {
  // "After a rejection, the leader decrements nextIndex and retries the
  // AppendEntries RPC." The notes' example: prev (7, 4) refused, (6, 3) matches.
  LowestDraw low;
  Server leader = notes_leader();  // noop (8, 5)
  REQUIRE(leader.role() == Role::leader);
  const Effects refused =
      leader.handle(1, "B", reply_refusal(Term{5}, LogIndex{7}, LogIndex{7}), low);
  const auto back = events<event::NextIndexBack>(refused);
  REQUIRE(back.size() == 1);
  CHECK(back[0].follower == "B");
  CHECK(back[0].next_index == LogIndex{7});
  const auto retry = sent<AppendEntries>(refused);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].first == "B");
  CHECK(retry[0].second.prev_log_index == LogIndex{6});
  CHECK(retry[0].second.prev_log_term == Term{3});
  CHECK(terms_of(retry[0].second.entries) == std::vector<std::uint64_t>{4, 5});

  // The follower (1,1,1,2,3,3,3) takes it: its entry 7 is replaced, 8 appended.
  Server follower(
      config_for("B", abc),
      RaftHardState{.current_term = Term{5}, .log = raft::Log{noops({1, 1, 1, 2, 3, 3, 3})}});
  const Effects accepted = follower.handle(10, "A", retry[0].second, low);  // from the leader, A
  CHECK(terms_of(follower.log()) == std::vector<std::uint64_t>{1, 1, 1, 2, 3, 3, 4, 5});
  const auto ok = sent<AppendReply>(accepted);
  REQUIRE(ok.size() == 1);
  leader.handle(2, "B", ok[0].second, low);
  CHECK(leader.commit_index() == LogIndex{8});
}

TEST_CASE(
    "Raft 5.3: a refusal that arrives after the follower's success is stale and changes "
    "nothing") {
  // Figure 2: matchIndex is "the index of highest log entry known to be
  // replicated on server… increases monotonically". Once B has said it
  // matches up to 8, a refusal of prev 7 that was sent earlier and arrives
  // late (a reordering network) tells the leader nothing new: no step back,
  // no resend. (etcd's progress ignores such a stale rejection too.)
  LowestDraw low;
  Server leader = notes_leader();  // noop (8, 5)
  // B refuses prev (7, 4): the retry from prev (6, 3) brings it up to date.
  const Effects refused =
      leader.handle(1, "B", reply_refusal(Term{5}, LogIndex{7}, LogIndex{7}), low);
  REQUIRE(sent<AppendEntries>(refused).size() == 1);
  leader.handle(2, "B", AppendReply{.term = Term{5}, .success = true, .match_index = LogIndex{8}},
                low);
  REQUIRE(leader.commit_index() == LogIndex{8});

  // A duplicate of the first refusal arrives late.
  const Effects late = leader.handle(
      3, "B", AppendReply{.term = Term{5}, .success = false, .refused_prev_index = LogIndex{7}},
      low);
  CHECK(late.send.empty());
  CHECK(events<event::NextIndexBack>(late).empty());
}

TEST_CASE(
    "Raft 5.3: while the leader looks for the follower's last matching entry, a refusal of a "
    "later prev is stale and heartbeats repeat the probe") {
  // "After a rejection, the leader decrements nextIndex and retries": the
  // search only goes down. A heartbeat sent before the first refusal (prev =
  // the leader's last entry) is refused after the leader has stepped back;
  // that refusal must not send nextIndex up again, or with heartbeats crossing
  // the refusals the search starts over every heartbeat and a follower far
  // behind is never repaired.
  LowestDraw low;
  Server leader = notes_leader();  // noop (8, 5); B's next index is 9
  leader.handle(1, "B", reply_refusal(Term{5}, LogIndex{8}, LogIndex{8}), low);  // next 8
  const Effects step = leader.handle(2, "B", reply_refusal(Term{5}, LogIndex{7}, LogIndex{7}), low);
  REQUIRE(events<event::NextIndexBack>(step).size() == 1);
  CHECK(events<event::NextIndexBack>(step)[0].next_index == LogIndex{7});

  // The refusal of the earlier prev 8 arrives again (a duplicate, or the
  // answer to a heartbeat sent before the search began): nothing moves.
  const Effects stale =
      leader.handle(3, "B", reply_refusal(Term{5}, LogIndex{8}, LogIndex{8}), low);
  CHECK(events<event::NextIndexBack>(stale).empty());
  CHECK(stale.send.empty());

  // The heartbeat repeats the probe: prev (6, 3), and the entries after it.
  const Effects beat = leader.tick(500, low);  // past the heartbeat interval
  const auto probes = sent<AppendEntries>(beat);
  const auto to_b = std::find_if(probes.begin(), probes.end(),
                                 [](const auto& message) { return message.first == "B"; });
  REQUIRE(to_b != probes.end());
  CHECK(to_b->second.prev_log_index == LogIndex{6});
  CHECK(terms_of(to_b->second.entries) == std::vector<std::uint64_t>{4, 5});

  // The probe's refusal steps back again; its success ends the search.
  leader.handle(4, "B", reply_refusal(Term{5}, LogIndex{6}, LogIndex{6}), low);
  leader.handle(5, "B", AppendReply{.term = Term{5}, .success = true, .match_index = LogIndex{8}},
                low);
  CHECK(leader.commit_index() == LogIndex{8});
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
    LowestDraw low;
    Server server(config_for("A", abc),
                  RaftHardState{.current_term = Term{3}, .log = raft::Log{c.log}});
    server.start(0, low);
    const auto requests = sent<RequestVote>(server.timeout(0, low));
    REQUIRE(requests.size() == 2);
    for (const auto& [to, request] : requests) {
      CHECK(request.term == Term{4});
      CHECK(request.last_log_index == LogIndex{c.last_index});
      CHECK(request.last_log_term == Term{c.last_term});
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
    LowestDraw low;
    Server voter(config_for("A", abc),
                 RaftHardState{.current_term = Term{2}, .log = raft::Log{c.voter_log}});
    voter.start(0, low);
    const Effects effects = voter.handle(
        1, "B", request_vote(Term{3}, "B", LogIndex{c.last_index}, Term{c.last_term}), low);
    const auto votes = sent<Vote>(effects);
    REQUIRE(votes.size() == 1);
    CHECK(votes[0].second.vote_granted == c.granted);
    CHECK(votes[0].second.term == Term{3});
    CHECK(voter.current_term() == Term{3});  // the term is taken either way
    if (!c.granted) {
      CHECK_FALSE(voter.voted_for());
      REQUIRE(events<event::VoteRefused>(effects).size() == 1);
      CHECK(events<event::VoteRefused>(effects)[0].reason ==
            event::VoteRefused::Reason::less_complete_log);
      CHECK(effects.wake_at == Millis{150});  // a refused candidate does not hold off an election
    }
  }

  SUBCASE("with the vote restriction off, the less complete candidate gets the vote") {
    LowestDraw low;
    raft::Rules rules;
    rules.vote_restriction = false;
    Server voter(config_for("A", abc, rules),
                 RaftHardState{.current_term = Term{2}, .log = raft::Log{noops({2, 2})}});
    voter.start(0, low);
    const auto votes =
        sent<Vote>(voter.handle(1, "B", request_vote(Term{3}, "B", LogIndex{1}, Term{1}), low));
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
    LowestDraw low;
    Server leader = elected("A", abc, noops({1, 2}), Term{2});
    REQUIRE(leader.current_term() == Term{3});
    leader.handle(1, "B",
                  AppendReply{.term = Term{3}, .success = true, .match_index = LogIndex{c.match}},
                  low);
    CHECK(leader.commit_index() == LogIndex{c.committed});
  }

  SUBCASE("leader noop off: a majority holds (2, 2) and nothing is committed until (3, 3) is") {
    // Without the noop, B's reply to the new leader's first heartbeat (prev
    // (2, 2), no entries) really does say "I match up to 2".
    LowestDraw low;
    raft::Rules rules;
    rules.leader_noop = false;
    Server leader = elected("A", abc, noops({1, 2}), Term{2}, rules);
    REQUIRE(leader.log().entries() == noops({1, 2}));
    leader.handle(1, "B", AppendReply{.term = Term{3}, .success = true, .match_index = LogIndex{2}},
                  low);
    CHECK(leader.commit_index() == LogIndex{0});
    leader.submit(2, Command::put("x", "3"));
    const Effects effects = leader.handle(
        3, "B", AppendReply{.term = Term{3}, .success = true, .match_index = LogIndex{3}}, low);
    CHECK(leader.commit_index() == LogIndex{3});  // and with it, indirectly, (1, 1) and (2, 2)
    CHECK(events<event::Committed>(effects).size() == 3);
  }
  SUBCASE("commit-current-term-only off: counting commits the term 2 entry") {
    LowestDraw low;
    raft::Rules rules;
    rules.leader_noop = false;
    rules.commit_current_term_only = false;
    Server leader = elected("A", abc, noops({1, 2}), Term{2}, rules);
    const Effects effects = leader.handle(
        1, "B", AppendReply{.term = Term{3}, .success = true, .match_index = LogIndex{2}}, low);
    CHECK(leader.commit_index() == LogIndex{2});
    const auto committed = events<event::Committed>(effects);
    REQUIRE(committed.size() == 2);
    CHECK(committed[1].entry.term == Term{2});
  }
}

TEST_CASE(
    "Raft thesis 10.2.1: only a leader's AppendEntries may leave before the write of its step is "
    "durable (the leader writes its log in parallel with sending it)") {
  CHECK(raft::may_leave_before_write(raft::AppendEntries{.term = raft::Term{2}}));
  CHECK_FALSE(raft::may_leave_before_write(raft::Vote{raft::Term{2}, true}));
  CHECK_FALSE(raft::may_leave_before_write(raft::AppendReply{}));
  CHECK_FALSE(raft::may_leave_before_write(raft::RequestVote{}));
}
