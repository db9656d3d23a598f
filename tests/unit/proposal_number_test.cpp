// Proposal numbers: unique per proposer (next_owned_number), and how they print.
#include <doctest/doctest.h>

#include "paxos/messages.h"
#include "paxos/proposal_number.h"

using namespace consensus_lab::paxos;

TEST_CASE("Proposal numbers: proposer k of n owns k, k+n, k+2n, … and retries above what it saw") {
  struct Row {
    std::uint64_t k, count, above, expected;
  };
  // clang-format off
  const Row rows[] = {
      {1, 3, 0, 1}, {2, 3, 0, 2}, {3, 3, 0, 3},   // first numbers
      {1, 3, 1, 4}, {1, 3, 5, 7}, {1, 3, 7, 10},  // the notes' client 1: 1, 4, 7, 10…
      {2, 3, 5, 8}, {2, 3, 4, 5},                 // the notes' client 2: 2, 5, 8…
      {3, 3, 9, 12}, {1, 1, 41, 42},
  };
  // clang-format on
  for (const Row& row : rows) {
    CAPTURE(row.k);
    CAPTURE(row.above);
    CHECK(next_owned_number(row.k, row.count, ProposalNumber{row.above}) ==
          ProposalNumber{row.expected});
  }
}

TEST_CASE("Proposal numbers: two proposers never own the same number") {
  for (std::uint64_t above = 0; above < 50; ++above) {
    const auto a = next_owned_number(1, 3, ProposalNumber{above});
    const auto b = next_owned_number(2, 3, ProposalNumber{above});
    const auto c = next_owned_number(3, 3, ProposalNumber{above});
    CHECK(a != b);
    CHECK(b != c);
    CHECK(a != c);
    CHECK(a.value % 3 == 1);
    CHECK(b.value % 3 == 2);
    CHECK(c.value % 3 == 0);
  }
  CHECK_THROWS(next_owned_number(4, 3, ProposalNumber{0}));
}

TEST_CASE("A proposal prints as the notes write it: [n, v]") {
  CHECK(to_string(Proposal{ProposalNumber{5}, "7"}) == "[5, 7]");
  CHECK(to_string(Message{
            Promise{.number = ProposalNumber{5}, .accepted = Proposal{ProposalNumber{1}, "3"}}}) ==
        "Promise 5 (accepted [1, 3])");
}
