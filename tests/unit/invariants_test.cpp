// The checks of each server against itself (cluster/server_checks.h): pure
// functions of two snapshots, fed here by hand — a change that breaks each
// one, a change that does not, and the rules that switch it off — and the
// ServerChecks that runs them after every event.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/multipaxos_invariants.h"
#include "cluster/paxos_invariants.h"
#include "cluster/raft_cluster.h"
#include "cluster/raft_invariants.h"

using namespace consensus_lab;
using namespace consensus_lab::cluster;

namespace {

// The check's report, or "" when it passes.
std::string report(const std::optional<narration::Text>& problem) {
  return problem ? problem->en : "";
}

paxos::AcceptorState acceptor(std::optional<std::uint64_t> promised,
                              std::optional<paxos::Proposal> accepted = std::nullopt) {
  paxos::AcceptorState state;
  if (promised) state.promised = paxos::ProposalNumber{*promised};
  state.accepted = std::move(accepted);
  return state;
}

paxos::Proposal proposal(std::uint64_t number, const std::string& value) {
  return {paxos::ProposalNumber{number}, value};
}

RaftServerSnapshot raft_server(std::uint64_t term, std::optional<NodeId> voted_for = std::nullopt,
                               raft::Role role = raft::Role::follower, std::uint64_t commit = 0) {
  return {.up = true,
          .current_term = raft::Term{term},
          .voted_for = std::move(voted_for),
          .role = role,
          .commit_index = raft::LogIndex{commit}};
}

RaftServerSnapshot down(RaftServerSnapshot snapshot) {
  snapshot.up = false;
  snapshot.role = raft::Role::follower;
  snapshot.commit_index = raft::LogIndex{};
  return snapshot;
}

ReplicaSnapshot replica(std::optional<std::uint64_t> promised, std::uint64_t commit = 0) {
  ReplicaSnapshot snapshot{.up = true, .commit = multipaxos::Slot{commit}};
  if (promised) snapshot.promised = multipaxos::Ballot{*promised};
  return snapshot;
}

}  // namespace

// ---- Basic Paxos --------------------------------------------------------------

TEST_CASE("Acceptor promise 1: an acceptor's promise never goes down") {
  const paxos::Rules rules;
  CHECK(report(promise_never_goes_down("A", acceptor(5), acceptor(3), rules)) ==
        "A's promise went down from 5 to 3");
  CHECK(report(promise_never_goes_down("A", acceptor(5), acceptor(std::nullopt), rules)) ==
        "A's promise went down from 5 to none");
  CHECK(report(promise_never_goes_down("A", acceptor(3), acceptor(5), rules)).empty());
  CHECK(report(promise_never_goes_down("A", acceptor(std::nullopt), acceptor(1), rules)).empty());
  SUBCASE("not while promise 1 or persistence is off: those runs go on to two values chosen") {
    CHECK(report(promise_never_goes_down("A", acceptor(5), acceptor(3), {.promise1 = false}))
              .empty());
    CHECK(report(
              promise_never_goes_down("A", acceptor(5), acceptor(std::nullopt), {.persist = false}))
              .empty());
  }
}

TEST_CASE("Acceptor promise 2: an acceptor accepts nothing below its promise") {
  const paxos::Rules rules;
  CHECK(report(nothing_accepted_below_the_promise("B", acceptor(5), acceptor(5, proposal(1, "3")),
                                                  rules)) ==
        "B accepted [1, 3] after promising 5 (no acceptance below the promise)");
  CHECK(report(nothing_accepted_below_the_promise("B", acceptor(5), acceptor(5, proposal(5, "7")),
                                                  rules))
            .empty());
  // What it had accepted before its promise rose is not a new acceptance.
  CHECK(report(nothing_accepted_below_the_promise("B", acceptor(5, proposal(1, "3")),
                                                  acceptor(5, proposal(1, "3")), rules))
            .empty());
  CHECK(report(nothing_accepted_below_the_promise("B", acceptor(5), acceptor(5, proposal(1, "3")),
                                                  {.promise2 = false}))
            .empty());
}

TEST_CASE("Acceptor promises 1 and 2: the proposals an acceptor accepts only go up") {
  const paxos::Rules rules;
  CHECK(report(accepted_number_never_goes_down("C", acceptor(7, proposal(7, "7")),
                                               acceptor(7, proposal(5, "3")), rules)) ==
        "C's accepted proposal went down from [7, 7] to [5, 3]");
  CHECK(report(accepted_number_never_goes_down("C", acceptor(7, proposal(7, "7")), acceptor(7),
                                               rules)) ==
        "C's accepted proposal went down from [7, 7] to none");
  CHECK(report(accepted_number_never_goes_down("C", acceptor(5, proposal(5, "3")),
                                               acceptor(7, proposal(7, "7")), rules))
            .empty());
  for (const paxos::Rules off : {paxos::Rules{.promise1 = false}, paxos::Rules{.promise2 = false},
                                 paxos::Rules{.persist = false}}) {
    CHECK(report(accepted_number_never_goes_down("C", acceptor(7, proposal(7, "7")),
                                                 acceptor(7, proposal(5, "3")), off))
              .empty());
  }
}

// ---- Raft -----------------------------------------------------------------------

TEST_CASE("Raft Figure 2: a server's current term never goes down") {
  const raft::Rules rules;
  CHECK(report(current_term_never_goes_down("A", raft_server(3), raft_server(2), rules)) ==
        "A's current term went down from 3 to 2");
  CHECK(report(current_term_never_goes_down("A", raft_server(2), raft_server(3), rules)).empty());
  SUBCASE("across a crash too: the term is durable") {
    CHECK(report(current_term_never_goes_down("A", raft_server(3), down(raft_server(0)), rules)) ==
          "A's current term went down from 3 to 0");
  }
  SUBCASE("with rule persist off a crash may wipe it, but a running server keeps it") {
    const raft::Rules off{.persist = false};
    CHECK(report(current_term_never_goes_down("A", raft_server(3), down(raft_server(0)), off))
              .empty());
    CHECK(report(current_term_never_goes_down("A", raft_server(3), raft_server(2), off)) ==
          "A's current term went down from 3 to 2");
  }
}

TEST_CASE("Raft 5.2: a server votes at most once per term") {
  const raft::Rules rules;
  CHECK(report(votes_at_most_once_per_term("B", raft_server(2, "A"), raft_server(2, "C"), rules)) ==
        "B voted for A in term 2, then for C");
  CHECK(report(votes_at_most_once_per_term("B", raft_server(2, "A"), raft_server(2, std::nullopt),
                                           rules)) == "B voted for A in term 2, then for nobody");
  CHECK(report(votes_at_most_once_per_term("B", raft_server(2, "A"), down(raft_server(2, "C")),
                                           rules)) == "B voted for A in term 2, then for C");
  CHECK(
      report(votes_at_most_once_per_term("B", raft_server(2), raft_server(2, "C"), rules)).empty());
  CHECK(report(votes_at_most_once_per_term("B", raft_server(2, "A"), raft_server(3, "C"), rules))
            .empty());
}

TEST_CASE("Raft Figure 2: a server's commit index never goes down while it is up") {
  const raft::Rules rules;
  CHECK(report(commit_index_never_goes_down("C", raft_server(1, {}, raft::Role::follower, 4),
                                            raft_server(1, {}, raft::Role::follower, 3), rules)) ==
        "C's commit index went down from 4 to 3");
  SUBCASE("commitIndex is volatile: a restart starts it again from 0") {
    const auto before = raft_server(1, {}, raft::Role::follower, 4);
    CHECK(report(commit_index_never_goes_down("C", before, down(before), rules)).empty());
    CHECK(report(commit_index_never_goes_down("C", down(before), raft_server(1), rules)).empty());
  }
}

TEST_CASE("Raft Figure 4: a leader stays leader for the rest of its term") {
  const raft::Rules rules;
  const auto leader = raft_server(4, "A", raft::Role::leader);
  CHECK(report(leader_stays_leader("A", leader, raft_server(4, "A"), rules)) ==
        "A was leader of term 4 and is now a follower in it");
  CHECK(
      report(leader_stays_leader("A", leader, raft_server(4, "A", raft::Role::candidate), rules)) ==
      "A was leader of term 4 and is now a candidate in it");
  CHECK(report(leader_stays_leader("A", leader, raft_server(5), rules)).empty());  // a higher term
  CHECK(report(leader_stays_leader("A", leader, down(leader), rules)).empty());    // a crash
}

TEST_CASE("Per-server checks: a violation names its check, and scenario set-up starts a server again") {
  std::vector<RaftServerSnapshot> servers{raft_server(2), raft_server(2)};
  ServerChecks<RaftServerSnapshot, raft::Rules> checks(
      {"A", "B"}, [&servers](std::size_t i) { return servers[i]; },
      {{"a server's current term never goes down", "服务器的当前任期从不减小",
        current_term_never_goes_down},
       {"a server votes at most once per term", "每个服务器在一个任期内最多投一票",
        votes_at_most_once_per_term}});
  servers[0] = raft_server(2, "B");
  CHECK_FALSE(checks.run({}, 0));
  servers[0] = raft_server(2, "C");
  SUBCASE("the check that fails is named") {
    const auto vote = checks.run({}, std::nullopt);
    REQUIRE(vote);
    CHECK(vote->invariant == "a server votes at most once per term");
    CHECK(vote->detail == "A voted for B in term 2, then for C");
  }
  SUBCASE("an event that happened to another node leaves this server alone") {
    CHECK_FALSE(checks.run({}, 1));
    CHECK_FALSE(checks.run({}, 2));  // past the servers: a Paxos client, say
    CHECK(checks.run({}, 0));
  }
  SUBCASE("a scenario's set-term may lower the term: not a protocol step") {
    servers[0] = raft_server(1);
    checks.start_again(0);
    CHECK_FALSE(checks.run({}, 0));
    servers[0] = raft_server(0);
    const auto term = checks.run({}, 0);
    REQUIRE(term);
    CHECK(term->invariant == "a server's current term never goes down");
  }
}

TEST_CASE("Raft scenarios: set-term may lower a term, and the checks start from there") {
  RaftCluster cluster({.servers = {"A", "B", "C"}});
  cluster.set_term("A", raft::Term{5});
  cluster.set_term("A", raft::Term{2});
  cluster.world().run(1000);
  CHECK_FALSE(cluster.world().violation());
  CHECK(cluster.leader());
}

// ---- Multi-Paxos ------------------------------------------------------------------

TEST_CASE("Multi-Paxos promise 1: a replica's promise never goes down") {
  const multipaxos::Rules rules;
  CHECK(report(promise_never_goes_down("A", replica(4), replica(2), rules)) ==
        "A's promise went down from 4 to 2");
  CHECK(report(promise_never_goes_down("A", replica(2), replica(4), rules)).empty());
  ReplicaSnapshot wiped = replica(std::nullopt);
  wiped.up = false;
  CHECK(report(promise_never_goes_down("A", replica(4), wiped, rules)) ==
        "A's promise went down from 4 to none");
  CHECK(report(promise_never_goes_down("A", replica(4), wiped, {.persist = false})).empty());
}

TEST_CASE("Multi-Paxos: a replica's commit never goes down while it is up") {
  const multipaxos::Rules rules;
  CHECK(report(commit_never_goes_down("B", replica(1, 5), replica(1, 3), rules)) ==
        "B's commit went down from slot 5 to slot 3");
  ReplicaSnapshot restarted = replica(1, 0);
  restarted.up = false;
  CHECK(report(commit_never_goes_down("B", replica(1, 5), restarted, rules)).empty());
}

TEST_CASE("Multi-Paxos: a slot once known chosen never changes") {
  const multipaxos::Slot slot{3};
  const Command x = Command::put("x", "1"), y = Command::put("y", "2");
  CHECK(report(chosen_slot_never_changes("C", slot, x, y)) ==
        "C knew x←1 chosen in slot 3, then stored y←2 there");
  CHECK(report(chosen_slot_never_changes("C", slot, x, x)).empty());
  CHECK(report(chosen_slot_never_changes("C", slot, std::nullopt, y)).empty());
}
