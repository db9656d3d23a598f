// Raft end to end in the simulator, message by message: the paper's Figure 7
// (a new leader brings six different follower logs to its own) and Figure 8
// (why an entry of an earlier term is not committed by counting). The
// invariants of the paper's Figure 3 run after every event; each test ends by
// asking them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/raft_cluster.h"
#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;

namespace {

// Drop every queued message on the link from → to.
void drop_all(cluster::RaftWorld& world, const NodeId& from, const NodeId& to) {
  while (world.drop(from, to)) {
  }
}

const std::vector<NodeId> s1_s5{"S1", "S2", "S3", "S4", "S5"};

}  // namespace

// ==== Figure 7 =======================================================================

TEST_CASE("Raft 5.3 Figure 7: the leader of term 8 brings each follower's log to its own") {
  // "When the leader at the top comes to power, it is possible that any of
  // scenarios (a–f) could occur in follower logs. …A follower may be missing
  // entries (a–b), may have extra uncommitted entries (c–d), or both (e–f)."
  // A leads term 8 with 1,1,1,4,4,5,5,6,6,6; B holds one of (a)–(f); C holds
  // the leader's log and gives A the vote it needs (a B with (c) or (d) refuses).
  const std::vector<Term> leader_log = terms({1, 1, 1, 4, 4, 5, 5, 6, 6, 6});
  struct Follower {
    std::string name;
    std::vector<Term> log;
    bool votes;  // does B vote for A?
    bool deletes;
  };
  const std::vector<Follower> followers{
      {"(a)", terms({1, 1, 1, 4, 4, 5, 5, 6, 6}), true, false},
      {"(b)", terms({1, 1, 1, 4}), true, false},
      {"(c)", terms({1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6}), false, true},
      {"(d)", terms({1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}), false, true},
      {"(e)", terms({1, 1, 1, 4, 4, 4, 4}), true, true},
      {"(f)", terms({1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}), true, true},
  };
  for (const Follower& f : followers) {
    CAPTURE(f.name);
    RaftCluster cluster(raft_servers(abc));
    auto& world = cluster.world();
    cluster.set_log("A", leader_log);
    cluster.set_term("A", Term{7});
    cluster.set_log("B", f.log);
    cluster.set_log("C", leader_log);
    cluster.timeout("A");  // term 8
    REQUIRE(cluster.server("A")->current_term() == Term{8});
    world.deliver_all();

    REQUIRE(cluster.leader() == std::optional<NodeId>{"A"});
    const Server& a = *cluster.server("A");
    const Server& b = *cluster.server("B");
    CHECK(a.current_term() == Term{8});
    // A's log is the figure's plus its noop of term 8; B's is now the same.
    CHECK(terms_of(a.log()) == std::vector<std::uint64_t>{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8});
    CHECK(b.log() == a.log());
    CHECK(cluster.state("B").log == a.log());  // and on B's disk
    CHECK(b.current_term() == Term{8});
    CHECK(a.commit_index() == LogIndex{11});
    // B learns that 11 is committed from the next heartbeat.
    world.advance(cluster.options().timing.heartbeat);
    world.deliver_all();
    CHECK(cluster.server("B")->commit_index() == LogIndex{11});
    CHECK(b.voted_for() == (f.votes ? std::optional<NodeId>{"A"} : std::nullopt));

    bool deleted = false;
    for (const auto& record : world.trace()) {
      if (const auto* n = std::get_if<sim::Noted<raft::Event>>(&record.what)) {
        if (n->node == "B" && std::holds_alternative<event::ConflictDeleted>(n->event)) {
          deleted = true;
        }
      }
    }
    CHECK(deleted == f.deletes);
    require_safe(cluster);
    CHECK_FALSE(cluster.world().violation());
  }
}

// ==== Figure 8 =======================================================================

namespace {

// Deliver every message between a and b, both ways, replies included.
void exchange(cluster::RaftWorld& world, const NodeId& a, const NodeId& b) {
  while (world.deliver(a, b) || world.deliver(b, a)) {
  }
}

struct Figure8 {
  // The term-4 leader S1's first AppendEntries reaches S2, which replies.
  bool s2_acknowledges = true;
  // Leader noop off only: S1's client entry of term 4 reaches S2 and S3 (the
  // paper's (e)); else it stays in S1's log (the paper's (c)).
  bool term_4_entry_on_majority = false;
};

// Figure 8 (a)–(c), message by message. Every server starts with (1, 1).
// (a) S1 leads term 2; its entry (2, 2) reaches S2 only.
// (b) S1 crashes; S5 is elected in term 3 by S3, S4 and itself and puts
//     (2, 3) into its own log only.
// (c) S5 crashes, S1 restarts and is elected in term 4 by S2 and S3; it
//     replicates (2, 2) to S3: (2, 2) is now on a majority (S1, S2, S3).
//     With the leader's noop on, the noop (3, 4) leaves with every
//     AppendEntries of term 4; with it off, S1 takes a client entry (3, 4)
//     afterwards, as in the figure.
// With the leader noop on, the entries at index 2 are the noops of terms 2
// and 3; with it off, the client entries x←2 and y←3.
void figure_8_a_to_c(RaftCluster& cluster, const Figure8& how) {
  auto& world = cluster.world();
  const bool noop = cluster.options().rules.leader_noop;
  for (const NodeId& id : s1_s5) cluster.set_log(id, terms({1}));

  // (a)
  cluster.timeout("S1");
  for (const char* id : {"S2", "S3", "S4", "S5"}) REQUIRE(world.deliver("S1", id, "request-vote"));
  for (const char* id : {"S2", "S3", "S4", "S5"}) REQUIRE(world.deliver(id, "S1", "vote"));
  REQUIRE(cluster.leader() == std::optional<NodeId>{"S1"});
  REQUIRE(cluster.server("S1")->current_term() == Term{2});
  if (!noop) REQUIRE(cluster.submit("S1", Command::put("x", "2")));
  exchange(world, "S1", "S2");
  for (const char* id : {"S3", "S4", "S5"}) drop_all(world, "S1", id);
  REQUIRE(world.queued() == 0);
  REQUIRE(terms_of(cluster.state("S1").log) == std::vector<std::uint64_t>{1, 2});
  CHECK(terms_of(cluster.state("S2").log) == std::vector<std::uint64_t>{1, 2});
  CHECK(cluster.committed().count(LogIndex{2}) == 0);

  // (b)
  world.crash("S1");
  cluster.timeout("S5");
  REQUIRE(cluster.server("S5")->current_term() == Term{3});
  for (const char* id : {"S2", "S3", "S4"}) REQUIRE(world.deliver("S5", id, "request-vote"));
  for (const char* id : {"S2", "S3", "S4"}) REQUIRE(world.deliver(id, "S5", "vote"));
  REQUIRE(cluster.leader() == std::optional<NodeId>{"S5"});  // S2 refused: (2, 2) beats (1, 1)
  if (!noop) REQUIRE(cluster.submit("S5", Command::put("y", "3")));
  for (const char* id : {"S2", "S3", "S4"}) drop_all(world, "S5", id);
  REQUIRE(world.queued() == 0);
  CHECK(terms_of(cluster.state("S5").log) == std::vector<std::uint64_t>{1, 3});

  // (c)
  world.crash("S5");
  world.restart("S1");
  cluster.set_term("S1", Term{3});  // it missed term 3
  cluster.timeout("S1");
  REQUIRE(cluster.server("S1")->current_term() == Term{4});
  drop_all(world, "S1", "S4");
  for (const char* id : {"S2", "S3"}) REQUIRE(world.deliver("S1", id, "request-vote"));
  for (const char* id : {"S2", "S3"}) REQUIRE(world.deliver(id, "S1", "vote"));
  REQUIRE(cluster.leader() == std::optional<NodeId>{"S1"});
  drop_all(world, "S1", "S4");
  exchange(world, "S1", "S3");  // refused at prev (2, 2), S1 steps back to (1, 1)
  if (how.s2_acknowledges) {
    exchange(world, "S1", "S2");
  } else {
    drop_all(world, "S1", "S2");
  }
  for (const char* id : {"S1", "S2", "S3"}) {
    CAPTURE(id);
    REQUIRE(cluster.state(id).log.last_index() >= LogIndex{2});
    CHECK(cluster.state(id).log.term_at(LogIndex{2}) == Term{2});  // (2, 2) on a majority
  }
  if (!noop) {
    REQUIRE(cluster.submit("S1", Command::put("z", "4")));
    if (how.term_4_entry_on_majority) {
      exchange(world, "S1", "S2");
      exchange(world, "S1", "S3");
    }
  }
  for (const char* id : {"S2", "S3", "S4"}) drop_all(world, "S1", id);
  REQUIRE(world.queued() == 0);
  CHECK(terms_of(cluster.state("S1").log) == std::vector<std::uint64_t>{1, 2, 4});
}

// (d) S1 crashes; S5 comes back and campaigns in term 5 (it missed term 4)
// with its last entry (2, 3); every message is delivered.
void figure_8_d(RaftCluster& cluster) {
  auto& world = cluster.world();
  world.crash("S1");
  world.restart("S5");
  cluster.set_term("S5", Term{4});
  cluster.timeout("S5");
  REQUIRE(cluster.server("S5")->current_term() == Term{5});
  world.deliver_all();
}

raft::Rules figure_8_rules(bool leader_noop, bool commit_current_term_only) {
  raft::Rules rules;
  rules.leader_noop = leader_noop;
  rules.commit_current_term_only = commit_current_term_only;
  return rules;
}

}  // namespace

TEST_CASE(
    "Raft 5.4.2 Figure 8: an entry of term 2 stored on a majority is not committed by counting "
    "and a later leader may overwrite it") {
  // "…the log entry from term 2 has been replicated on a majority of the
  // servers, but it is not committed. If S1 crashes as in (d), S5 could be
  // elected leader (with votes from S2, S3, and S4) and overwrite the entry
  // with its own entry from term 3." (The leader's noop is off, as in the figure.)
  RaftCluster cluster(raft_servers(s1_s5, figure_8_rules(false, true)));
  auto& world = cluster.world();
  figure_8_a_to_c(cluster, {.s2_acknowledges = true, .term_4_entry_on_majority = false});
  CHECK(cluster.server("S1")->commit_index() == LogIndex{0});  // S1 knows S2 and S3 hold (2, 2)…
  CHECK(cluster.committed().empty());                          // …and still commits nothing

  figure_8_d(cluster);
  REQUIRE(cluster.leader() == std::optional<NodeId>{"S5"});  // votes of S2, S3 and S4
  for (const char* id : {"S2", "S3", "S4", "S5"}) {
    CAPTURE(id);
    CHECK(terms_of(cluster.state(id).log) == std::vector<std::uint64_t>{1, 3});
  }
  // S5 commits (2, 3) with an entry of its own term: overwriting (2, 2) was safe.
  REQUIRE(cluster.submit("S5", Command::put("w", "5")));
  world.deliver_all();
  REQUIRE(cluster.committed().count(LogIndex{2}) == 1);
  CHECK(cluster.committed().at(LogIndex{2}) == LogEntry{Term{3}, Command::put("y", "3")});
  require_safe(cluster);
  CHECK_FALSE(cluster.world().violation());
}

TEST_CASE(
    "Raft 5.4.2 Figure 8: once an entry of the leader's own term is on a majority the earlier "
    "entries are committed and survive") {
  // "However, if S1 replicates an entry from its current term on a majority of
  // the servers before crashing, as in (e), then this entry is committed (S5
  // cannot win an election). At this point all preceding entries in the log
  // are committed as well."
  RaftCluster cluster(raft_servers(s1_s5, figure_8_rules(false, true)));
  figure_8_a_to_c(cluster, {.s2_acknowledges = true, .term_4_entry_on_majority = true});
  REQUIRE(cluster.committed().count(LogIndex{3}) == 1);
  CHECK(cluster.committed().at(LogIndex{2}) == LogEntry{Term{2}, Command::put("x", "2")});
  CHECK(cluster.committed().at(LogIndex{3}) == LogEntry{Term{4}, Command::put("z", "4")});

  figure_8_d(cluster);
  CHECK_FALSE(cluster.leader());  // S2 and S3 refuse: their last entry (3, 4) beats (2, 3)
  CHECK(cluster.server("S5")->role() == Role::candidate);
  CHECK(cluster.committed().at(LogIndex{2}).term == Term{2});
  require_safe(cluster);
  CHECK_FALSE(cluster.world().violation());
}

TEST_CASE(
    "Raft 5.4.2 Figure 8: with commit-current-term-only off the checker reports leader "
    "completeness") {
  // The same run with the rule off: in (c) S1 counts (2, 2) on S1, S2, S3 and
  // commits it; in (d) S5, which never had it, is elected.
  RaftCluster cluster(raft_servers(s1_s5, figure_8_rules(false, false)));
  auto& world = cluster.world();
  figure_8_a_to_c(cluster, {.s2_acknowledges = true, .term_4_entry_on_majority = false});
  REQUIRE(cluster.committed().count(LogIndex{2}) == 1);
  CHECK(cluster.committed().at(LogIndex{2}) == LogEntry{Term{2}, Command::put("x", "2")});
  CHECK_FALSE(world.violation());

  figure_8_d(cluster);
  REQUIRE(world.violation());
  CHECK(world.violation()->invariant == "leader completeness");
  CHECK(world.violation()->detail.find("leader S5 of term 5") != std::string::npos);
}

TEST_CASE(
    "Raft 5.4.2 Figure 8: with the leader's noop a term 2 entry is only ever committed together "
    "with an entry of the current term") {
  // Paper §8: a new leader commits a blank entry of its term at once. Every
  // AppendEntries of term 4 then carries the noop (3, 4), so no reply shows S1
  // a majority for (2, 2) without one for (3, 4).
  SUBCASE("commit-current-term-only on and S2's AppendEntries lost: nothing committed, S5 wins") {
    RaftCluster cluster(raft_servers(s1_s5));
    auto& world = cluster.world();
    figure_8_a_to_c(cluster, {.s2_acknowledges = false});
    CHECK(terms_of(cluster.state("S3").log) == std::vector<std::uint64_t>{1, 2, 4});
    CHECK(cluster.committed().empty());
    figure_8_d(cluster);
    REQUIRE(cluster.leader() == std::optional<NodeId>{"S5"});  // S2 and S4 vote; S3 refuses
    for (const char* id : {"S2", "S3", "S4", "S5"}) {
      CAPTURE(id);
      CHECK(terms_of(cluster.state(id).log) == std::vector<std::uint64_t>{1, 3, 5});
    }
    CHECK(cluster.committed().at(LogIndex{2}).term == Term{3});
    require_safe(cluster);
    CHECK_FALSE(world.violation());
  }
  SUBCASE(
      "commit-current-term-only off and S2 acknowledges: (2, 2) commits with (3, 4), S5 loses") {
    RaftCluster cluster(raft_servers(s1_s5, figure_8_rules(true, false)));
    auto& world = cluster.world();
    figure_8_a_to_c(cluster, {.s2_acknowledges = true});
    CHECK(cluster.committed().at(LogIndex{2}).term == Term{2});
    CHECK(cluster.committed().at(LogIndex{3}).term == Term{4});
    figure_8_d(cluster);
    CHECK_FALSE(cluster.leader());
    require_safe(cluster);
    CHECK_FALSE(world.violation());
  }
}
