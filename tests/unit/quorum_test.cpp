// Quorum arithmetic (common/quorum.h): the size of a majority, and the
// highest index a majority holds — the number behind Figure 2's commit rule.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/quorum.h"

using consensus_lab::highest_index_of_majority;
using consensus_lab::majority;

TEST_CASE("Majority (大多数): more than half of the voters") {
  struct Row {
    std::size_t n, majority;
  };
  const Row rows[] = {{1, 1}, {2, 2}, {3, 2}, {4, 3}, {5, 3}, {6, 4}, {7, 4}};
  for (const Row& row : rows) {
    CAPTURE(row.n);
    CHECK(majority(row.n) == row.majority);
    // Any two majorities of n voters overlap: 2 · majority > n.
    CHECK(2 * majority(row.n) > row.n);
    // And a majority is the smallest such size.
    CHECK(2 * (majority(row.n) - 1) <= row.n);
  }
}

TEST_CASE(
    "Raft Figure 2: the highest N that a majority of match indexes reach (the commit rule's N)") {
  // "If there exists an N such that N > commitIndex, a majority of
  // matchIndex[i] ≥ N, and log[N].term == currentTerm: set commitIndex = N".
  // One index per server, the leader's own (its last index) included.
  struct Row {
    const char* name;
    std::vector<std::uint64_t> indexes;
    std::uint64_t expected;
  };
  const std::vector<Row> rows{
      // n = 1 … 7, each sorted from high to low: the majority-th is the answer
      {"one server", {7}, 7},
      {"two: both are needed", {5, 3}, 3},
      {"three", {5, 4, 1}, 4},
      {"four: three are needed", {9, 8, 6, 2}, 6},
      {"five", {9, 8, 6, 2, 0}, 6},
      {"six: four are needed", {9, 8, 7, 6, 2, 0}, 6},
      {"seven", {9, 8, 7, 6, 2, 1, 0}, 6},
      // unsorted input
      {"three, unsorted", {1, 5, 4}, 4},
      {"five, unsorted", {0, 6, 9, 2, 8}, 6},
      {"four, unsorted", {2, 9, 6, 8}, 6},
      // duplicates
      {"all equal", {3, 3, 3}, 3},
      {"a majority on one index", {4, 2, 2, 2, 9}, 2},
      {"duplicates at the top", {7, 7, 1, 0, 1}, 1},
      {"even size, duplicates", {5, 5, 1, 1}, 1},
      // nothing replicated yet: only the leader has its entries
      {"only the leader", {3, 0, 0}, 0},
      {"a follower caught up", {3, 3, 0}, 3},
  };
  for (const Row& row : rows) {
    SUBCASE(row.name) {
      CHECK(highest_index_of_majority(row.indexes) == row.expected);
      // It is the largest N that a majority reaches: a majority are ≥ it…
      std::size_t at_least = 0;
      std::size_t above = 0;
      for (const std::uint64_t index : row.indexes) {
        if (index >= row.expected) ++at_least;
        if (index > row.expected) ++above;
      }
      CHECK(at_least >= majority(row.indexes.size()));
      // …and fewer than a majority are past it.
      CHECK(above < majority(row.indexes.size()));
    }
  }
}
