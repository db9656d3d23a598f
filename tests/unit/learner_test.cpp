// The learner (学习者): learns a value once a majority accepted one proposal —
// one proposal NUMBER, not merely the same value.
#include <doctest/doctest.h>

#include "paxos/learner.h"

using namespace consensus_lab::paxos;

namespace {
ProposalNumber n(std::uint64_t value) {
  return ProposalNumber{value};
}
}  // namespace

TEST_CASE("Learner: a majority of acceptors accepting one proposal teaches its value") {
  Learner learner(3);
  learner.handle("A", Accepted{{n(5), "7"}});
  CHECK_FALSE(learner.learned());
  const Effects effects = learner.handle("B", Accepted{{n(5), "7"}});
  CHECK(learner.learned() == Proposal{n(5), "7"});
  CHECK(std::holds_alternative<event::Learned>(effects.events.back()));
}

TEST_CASE("Learner: acceptances of one value under different proposal numbers do not add up") {
  Learner learner(3);
  learner.handle("A", Accepted{{n(1), "7"}});
  learner.handle("B", Accepted{{n(5), "7"}});
  CHECK_FALSE(learner.learned());  // [1, 7] once and [5, 7] once: no proposal has 2
  learner.handle("C", Accepted{{n(5), "7"}});
  CHECK(learner.learned() == Proposal{n(5), "7"});
}

TEST_CASE("Learner: a duplicated Accepted from one acceptor counts once") {
  Learner learner(5);
  for (int copy = 1; copy <= 3; ++copy) learner.handle("A", Accepted{{n(2), "x"}});
  CHECK_FALSE(learner.learned());
  learner.handle("B", Accepted{{n(2), "x"}});
  CHECK_FALSE(learner.learned());
  learner.handle("C", Accepted{{n(2), "x"}});
  CHECK(learner.learned() == Proposal{n(2), "x"});
}

TEST_CASE("Learner: a value accepted by a minority is not learned") {
  Learner learner(5);
  learner.handle("A", Accepted{{n(3), "v"}});
  learner.handle("B", Accepted{{n(3), "v"}});
  CHECK_FALSE(learner.learned());
}

TEST_CASE("Learner: what it learned survives a restart (the notes: 存储保存)") {
  Learner restarted(3, Proposal{n(5), "7"});
  CHECK(restarted.learned() == Proposal{n(5), "7"});
  restarted.handle("A", Accepted{{n(9), "other"}});
  restarted.handle("B", Accepted{{n(9), "other"}});
  CHECK(restarted.learned() == Proposal{n(5), "7"});
}
