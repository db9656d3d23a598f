// The Raft log (raft/log.h), sentence by sentence from the paper's Figure 2
// and §5.3: indexes from 1, the empty prefix at index 0, the consistency
// check on (prev index, prev term), deleting a conflict and all that follows,
// and the entries an AppendEntries carries.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "raft/log.h"
#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;
using raft::Log;

TEST_CASE("Raft Figure 2: log indexes start at 1, and the last index and term of a log") {
  // "log[]: log entries; each entry contains command for state machine, and
  // term when entry was received by leader (first index is 1)"
  struct Row {
    const char* name;
    std::vector<std::uint64_t> terms;
    std::uint64_t last_index, last_term;
  };
  const std::vector<Row> rows{
      {"an empty log ends at (0, 0)", {}, 0, 0},
      {"one entry is index 1", {1}, 1, 1},
      {"the notes' leader log", {1, 1, 1, 2, 3, 3, 4}, 7, 4},
  };
  for (const Row& row : rows) {
    SUBCASE(row.name) {
      const Log log{noops(row.terms)};
      CHECK(log.last_index() == LogIndex{row.last_index});
      CHECK(log.last_term() == Term{row.last_term});
      CHECK(terms_of(log) == row.terms);
      for (std::uint64_t index = 1; index <= row.last_index; ++index) {
        CHECK(log.term_at(LogIndex{index}) == Term{row.terms[index - 1]});
        CHECK(log.entry(LogIndex{index}) == LogEntry{Term{row.terms[index - 1]}, Command::noop()});
      }
    }
  }
}

TEST_CASE("Raft 5.3: index 0 is the empty prefix, of term 0, held by every log") {
  for (const Log& log : {Log{}, Log{noops({1})}, Log{noops({2, 2, 3})}}) {
    CAPTURE(log.last_index().value);
    CHECK(log.term_at(LogIndex{0}) == Term{0});
    CHECK(log.matches(LogIndex{0}, Term{0}));
    CHECK_FALSE(log.matches(LogIndex{0}, Term{1}));
  }
}

TEST_CASE("Raft 5.3: the consistency check matches only an entry of that index and term") {
  // "If the follower does not find an entry in its log with the same index
  // and term, then it refuses the new entries." Figure 2, AppendEntries
  // receiver 2: "Reply false if log doesn't contain an entry at prevLogIndex
  // whose term matches prevLogTerm".
  const Log log{noops({1, 1, 2, 3})};
  struct Row {
    const char* name;
    std::uint64_t prev_index, prev_term;
    bool matches;
  };
  const std::vector<Row> rows{
      {"the empty prefix", 0, 0, true},
      {"the first entry", 1, 1, true},
      {"the last entry", 4, 3, true},
      {"an entry in the middle", 3, 2, true},
      {"the right index, another term", 3, 3, false},
      {"the last index, an older term", 4, 2, false},
      {"one past the end", 5, 3, false},
      {"far past the end", 100, 3, false},
  };
  for (const Row& row : rows) {
    SUBCASE(row.name) {
      CHECK(log.matches(LogIndex{row.prev_index}, Term{row.prev_term}) == row.matches);
    }
  }
}

TEST_CASE("Raft Figure 2: delete the existing entry and all that follow it") {
  // AppendEntries receiver 3: "If an existing entry conflicts with a new one
  // (same index but different terms), delete the existing entry and all that
  // follow it".
  struct Row {
    const char* name;
    std::uint64_t from;
    std::size_t deleted;
    std::vector<std::uint64_t> left;
  };
  const std::vector<Row> rows{
      {"from the first entry: everything", 1, 4, {}},
      {"from the middle", 3, 2, {1, 1}},
      {"the last entry alone", 4, 1, {1, 1, 2}},
      {"from one past the end: nothing", 5, 0, {1, 1, 2, 3}},
  };
  for (const Row& row : rows) {
    SUBCASE(row.name) {
      Log log{noops({1, 1, 2, 3})};
      CHECK(log.truncate_from(LogIndex{row.from}) == row.deleted);
      CHECK(terms_of(log) == row.left);
      CHECK(log.last_index() == LogIndex{row.left.size()});
    }
  }
}

TEST_CASE("Raft 5.3: the leader appends an entry at the end of its log") {
  // "The leader appends the command to its log as a new entry".
  Log log;
  CHECK(log.append(LogEntry{Term{1}, Command::put("x", "1")}) == LogIndex{1});
  CHECK(log.append(LogEntry{Term{1}, Command::put("x", "2")}) == LogIndex{2});
  log.append(noops({2, 2}));
  CHECK(terms_of(log) == std::vector<std::uint64_t>{1, 1, 2, 2});
  CHECK(log.entry(LogIndex{2}).command == Command::put("x", "2"));
  CHECK(log ==
        Log{{LogEntry{Term{1}, Command::put("x", "1")}, LogEntry{Term{1}, Command::put("x", "2")},
             LogEntry{Term{2}, Command::noop()}, LogEntry{Term{2}, Command::noop()}}});
}

TEST_CASE("Raft 5.3: AppendEntries carries the entries from next_index on, in batches") {
  // Figure 2, rules for leaders: "If last log index ≥ nextIndex for a
  // follower: send AppendEntries RPC with log entries starting at nextIndex".
  const Log log{noops({1, 1, 2, 3, 3})};
  struct Row {
    const char* name;
    std::uint64_t from;
    std::size_t limit;  // 0: no limit
    std::vector<std::uint64_t> terms;
  };
  const std::vector<Row> rows{
      {"everything", 1, 0, {1, 1, 2, 3, 3}},
      {"from the middle", 3, 0, {2, 3, 3}},
      {"the last entry", 5, 0, {3}},
      {"nothing new: a heartbeat", 6, 0, {}},
      {"a batch of two", 2, 2, {1, 2}},
      {"a batch larger than what is left", 4, 10, {3, 3}},
      {"a batch of one at the end", 5, 1, {3}},
  };
  for (const Row& row : rows) {
    SUBCASE(row.name) {
      CHECK(terms_of(log.entries_from(LogIndex{row.from}, row.limit)) == row.terms);
    }
  }
}
