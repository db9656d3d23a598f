// The acceptor's three promises (notes: Basic Paxos › 小结 › 三个承诺), one test
// each with the rule on, and what happens with it off; durable before visible.
#include <doctest/doctest.h>

#include "paxos/acceptor.h"

using namespace consensus_lab::paxos;

namespace {

const std::vector<consensus_lab::NodeId> learners{"A", "B", "C"};

// The first message sent, if it is a T (a copy: the Effects are temporaries).
template <class T>
std::optional<T> first_sent(const Effects& effects) {
  if (effects.send.empty()) return std::nullopt;
  if (const auto* message = std::get_if<T>(&effects.send.front().message)) return *message;
  return std::nullopt;
}

}  // namespace

TEST_CASE("Acceptor promise 1: no response to a Prepare numbered <= the highest it has answered") {
  Acceptor acceptor("C", learners);
  REQUIRE(first_sent<Promise>(acceptor.handle("client2", Prepare{ProposalNumber{5}})));

  SUBCASE("a lower number is ignored (the notes: C receives Prepare 1 after 5)") {
    const Effects effects = acceptor.handle("client1", Prepare{ProposalNumber{1}});
    CHECK(effects.send.empty());
    CHECK_FALSE(effects.persist);
    REQUIRE(effects.events.size() == 1);
    CHECK(std::get<event::PrepareIgnored>(effects.events[0]).promised == ProposalNumber{5});
  }
  SUBCASE("an equal number is ignored too (小于等于)") {
    CHECK(acceptor.handle("client2", Prepare{ProposalNumber{5}}).send.empty());
  }
  SUBCASE("a higher number is answered (the notes: A receives Prepare 5 after 1)") {
    const Effects effects = acceptor.handle("client3", Prepare{ProposalNumber{6}});
    const auto promise = first_sent<Promise>(effects);
    REQUIRE(promise);
    CHECK(promise->number == ProposalNumber{6});
    CHECK(effects.send.front().to == "client3");
  }
  CHECK(acceptor.state().promised >= ProposalNumber{5});
}

TEST_CASE(
    "Acceptor promise 2: no acceptance of a proposal numbered < the highest Prepare answered") {
  Acceptor acceptor("A", learners);
  acceptor.handle("client1", Prepare{ProposalNumber{1}});
  acceptor.handle("client2", Prepare{ProposalNumber{5}});

  SUBCASE("Accept [1, 3] is refused: 1 < 5 (the notes' 接受阶段)") {
    const Effects effects = acceptor.handle("client1", Accept{{ProposalNumber{1}, "3"}});
    CHECK(effects.send.empty());
    CHECK_FALSE(acceptor.state().accepted);
    CHECK(std::holds_alternative<event::AcceptRefused>(effects.events.at(0)));
  }
  SUBCASE("Accept [5, 7] is accepted: 5 is not < 5") {
    const Effects effects = acceptor.handle("client2", Accept{{ProposalNumber{5}, "7"}});
    CHECK(acceptor.state().accepted == Proposal{ProposalNumber{5}, "7"});
    // Accepted goes to the proposer and to every learner (A's own included:
    // its driver hands that one to the local learner).
    std::vector<consensus_lab::NodeId> to;
    for (const auto& out : effects.send) {
      CHECK(std::get<Accepted>(out.message).proposal == Proposal{ProposalNumber{5}, "7"});
      to.push_back(out.to);
    }
    CHECK(to == std::vector<consensus_lab::NodeId>{"client2", "A", "B", "C"});
  }
  SUBCASE("a higher number than promised is accepted, and becomes the promise") {
    acceptor.handle("client3", Accept{{ProposalNumber{9}, "4"}});
    CHECK(acceptor.state().accepted == Proposal{ProposalNumber{9}, "4"});
    CHECK(acceptor.state().promised == ProposalNumber{9});
    CHECK(acceptor.handle("client2", Prepare{ProposalNumber{7}}).send.empty());
  }
}

TEST_CASE("Acceptor promise 3: a Promise carries the highest-numbered proposal accepted") {
  Acceptor acceptor("B", learners);
  SUBCASE("none accepted: the Promise carries nothing") {
    CHECK_FALSE(
        first_sent<Promise>(acceptor.handle("client1", Prepare{ProposalNumber{1}}))->accepted);
  }
  SUBCASE("after accepting [1, 3] and then [5, 7], a Promise reports [5, 7]") {
    acceptor.handle("client1", Prepare{ProposalNumber{1}});
    acceptor.handle("client1", Accept{{ProposalNumber{1}, "3"}});
    acceptor.handle("client2", Prepare{ProposalNumber{5}});
    acceptor.handle("client2", Accept{{ProposalNumber{5}, "7"}});
    const auto promise =
        first_sent<Promise>(acceptor.handle("client3", Prepare{ProposalNumber{9}}));
    REQUIRE(promise);
    CHECK(promise->accepted == Proposal{ProposalNumber{5}, "7"});
  }
}

TEST_CASE("Acceptor: durable before visible — every reply comes with the state to persist first") {
  Acceptor acceptor("A", learners);
  const Effects promised = acceptor.handle("client1", Prepare{ProposalNumber{1}});
  REQUIRE(promised.persist);
  CHECK(promised.persist->promised == ProposalNumber{1});
  CHECK_FALSE(promised.send.empty());

  const Effects accepted = acceptor.handle("client1", Accept{{ProposalNumber{1}, "3"}});
  REQUIRE(accepted.persist);
  CHECK(accepted.persist->accepted == Proposal{ProposalNumber{1}, "3"});

  SUBCASE("restored from its durable state, it keeps its promise") {
    Acceptor restarted("A", learners, {}, *accepted.persist);
    CHECK(restarted.handle("client2", Prepare{ProposalNumber{1}}).send.empty());
    const auto promise =
        first_sent<Promise>(restarted.handle("client2", Prepare{ProposalNumber{2}}));
    REQUIRE(promise);
    CHECK(promise->accepted == Proposal{ProposalNumber{1}, "3"});
  }
}

TEST_CASE("Acceptor rules switched off do what the rule forbids") {
  SUBCASE("promise 1 off: a lower Prepare is answered, and the promise goes down") {
    Acceptor acceptor("C", learners, Rules{.promise1 = false});
    acceptor.handle("client2", Prepare{ProposalNumber{5}});
    CHECK(first_sent<Promise>(acceptor.handle("client1", Prepare{ProposalNumber{1}})));
    CHECK(acceptor.state().promised == ProposalNumber{1});
  }
  SUBCASE("promise 2 off: a proposal below the promise is accepted") {
    Acceptor acceptor("A", learners, Rules{.promise2 = false});
    acceptor.handle("client2", Prepare{ProposalNumber{5}});
    acceptor.handle("client1", Accept{{ProposalNumber{1}, "3"}});
    CHECK(acceptor.state().accepted == Proposal{ProposalNumber{1}, "3"});
  }
  SUBCASE("promise 3 off: the Promise hides what was accepted") {
    Acceptor acceptor("B", learners, Rules{.promise3 = false});
    acceptor.handle("client1", Accept{{ProposalNumber{1}, "3"}});
    const auto promise =
        first_sent<Promise>(acceptor.handle("client2", Prepare{ProposalNumber{5}}));
    REQUIRE(promise);
    CHECK_FALSE(promise->accepted);
  }
}

TEST_CASE("Acceptor: a duplicated message changes nothing") {
  Acceptor acceptor("A", learners);
  acceptor.handle("client2", Prepare{ProposalNumber{5}});
  acceptor.handle("client2", Accept{{ProposalNumber{5}, "7"}});
  const AcceptorState before = acceptor.state();
  CHECK(acceptor.handle("client2", Prepare{ProposalNumber{5}}).send.empty());  // promise 1: 5 <= 5
  acceptor.handle("client2", Accept{{ProposalNumber{5}, "7"}});  // accepted again: same state
  CHECK(acceptor.state() == before);
}
