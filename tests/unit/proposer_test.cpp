// The proposer (提议者): two phases, adopting the highest-numbered accepted
// value, retrying with a higher number after a timeout.
#include <doctest/doctest.h>

#include <algorithm>

#include "paxos/proposer.h"

using namespace consensus_lab;
using namespace consensus_lab::paxos;

namespace {

ProposalNumber n(std::uint64_t value) {
  return ProposalNumber{value};
}

struct FixedRandom final : RandomSource {
  std::uint64_t offset = 0;  // returns low + offset, clamped to high
  std::uint64_t between(std::uint64_t low, std::uint64_t high) override {
    return std::min(low + offset, high);
  }
};

Proposer::Config five_acceptors() {
  Proposer::Config config;
  config.self = "client1";
  config.acceptors = {"A", "B", "C", "D", "E"};
  config.index = 1;
  config.count = 3;
  config.round_timeout = 100;
  return config;
}

std::optional<Proposal> accept_sent(const Effects& effects) {
  for (const auto& out : effects.send) {
    if (const auto* accept = std::get_if<Accept>(&out.message)) return accept->proposal;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("Proposer phase 1: Prepare n goes to every acceptor") {
  Proposer proposer(five_acceptors());
  const Effects effects = proposer.propose(0, n(1), "3");
  REQUIRE(effects.send.size() == 5);
  for (const auto& out : effects.send) CHECK(std::get<Prepare>(out.message).number == n(1));
  CHECK(proposer.phase() == Proposer::Phase::preparing);
  CHECK(effects.wake_at == 100);
}

TEST_CASE(
    "Proposer phase 2: adopt the highest-numbered accepted value — not the most common, "
    "not its own") {
  Proposer proposer(five_acceptors());
  proposer.propose(0, n(10), "own");
  CHECK_FALSE(accept_sent(
      proposer.handle(1, "A", Promise{.number = n(10), .accepted = Proposal{n(2), "common"}})));
  CHECK_FALSE(accept_sent(
      proposer.handle(1, "B", Promise{.number = n(10), .accepted = Proposal{n(2), "common"}})));
  const Effects effects =
      proposer.handle(2, "C", Promise{.number = n(10), .accepted = Proposal{n(4), "highest"}});
  REQUIRE(accept_sent(effects));
  CHECK(*accept_sent(effects) == Proposal{n(10), "highest"});
  CHECK(effects.send.size() == 5);  // Accept to every acceptor
  CHECK(std::get<event::AcceptPhaseStarted>(effects.events.back()).adopted_from ==
        Proposal{n(4), "highest"});
}

TEST_CASE("Proposer phase 2: with no accepted proposal reported it proposes its own value") {
  Proposer proposer(five_acceptors());
  proposer.propose(0, n(1), "3");
  proposer.handle(1, "A", Promise{.number = n(1)});
  proposer.handle(1, "B", Promise{.number = n(1)});
  const Effects effects = proposer.handle(1, "C", Promise{.number = n(1)});
  CHECK(accept_sent(effects) == Proposal{n(1), "3"});
  CHECK(proposer.phase() == Proposer::Phase::accepting);
}

TEST_CASE("Proposer: a duplicated Promise is counted once, a stale one not at all") {
  Proposer proposer(five_acceptors());
  proposer.propose(0, n(4), "x");
  proposer.handle(1, "A", Promise{.number = n(4)});
  proposer.handle(1, "A", Promise{.number = n(4)});  // duplicate
  proposer.handle(1, "B", Promise{.number = n(1)});  // an older round's
  CHECK(proposer.phase() == Proposer::Phase::preparing);
  proposer.handle(1, "B", Promise{.number = n(4)});
  CHECK(proposer.phase() == Proposer::Phase::preparing);  // 2 of 3
  proposer.handle(1, "C", Promise{.number = n(4)});
  CHECK(proposer.phase() == Proposer::Phase::accepting);
}

TEST_CASE("Proposer: a majority of Accepted means its proposal is chosen") {
  Proposer proposer(five_acceptors());
  proposer.propose(0, n(1), "3");
  for (const char* id : {"A", "B", "C"}) proposer.handle(1, id, Promise{.number = n(1)});
  proposer.handle(2, "A", Accepted{{n(1), "3"}});
  proposer.handle(2, "A", Accepted{{n(1), "3"}});  // duplicate: still 1
  proposer.handle(2, "B", Accepted{{n(1), "3"}});
  CHECK_FALSE(proposer.chosen());
  proposer.handle(2, "C", Accepted{{n(1), "3"}});
  CHECK(proposer.chosen() == Proposal{n(1), "3"});
  CHECK(proposer.phase() == Proposer::Phase::done);
}

TEST_CASE("Proposer: after a timeout it retries with a higher number of its own") {
  Proposer proposer(five_acceptors());  // proposer 1 of 3: owns 1, 4, 7, 10…
  FixedRandom random;
  proposer.propose(0, n(1), "3");
  CHECK(proposer.tick(50, random).send.empty());  // not yet
  SUBCASE("no other number heard: the next own number, 4") {
    const Effects retry = proposer.tick(100, random);
    CHECK(proposer.number() == n(4));
    CHECK(retry.send.size() == 5);
    CHECK(std::holds_alternative<event::RoundTimedOut>(retry.events.front()));
  }
  SUBCASE("a Promise reported [8, x]: the next own number above 8, 10") {
    proposer.handle(10, "A", Promise{.number = n(1), .accepted = Proposal{n(8), "x"}});
    proposer.tick(100, random);
    CHECK(proposer.number() == n(10));
  }
  CHECK(proposer.rounds() == 2);
}

TEST_CASE("Proposer: with a back-off it waits a random time from the range before retrying") {
  auto config = five_acceptors();
  config.backoff = std::pair<Millis, Millis>{20, 80};
  Proposer proposer(config);
  FixedRandom random;
  random.offset = 35;
  proposer.propose(0, n(1), "3");
  const Effects timed_out = proposer.tick(100, random);
  CHECK(timed_out.send.empty());
  CHECK(proposer.phase() == Proposer::Phase::backing_off);
  CHECK(timed_out.wake_at == 155);  // 100 + 20 + 35
  CHECK(proposer.tick(154, random).send.empty());
  CHECK(proposer.tick(155, random).send.size() == 5);
  CHECK(proposer.number() == n(4));
}
