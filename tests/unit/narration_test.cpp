// The narration of a state machine that skips a client's repeated put: Raft
// says it as Multi-Paxos does, in both languages.
#include <doctest/doctest.h>

#include "narration/describers.h"

using namespace consensus_lab;

TEST_CASE("Narration: a repeated put is skipped, and the narration says so (Raft, Multi-Paxos)") {
  const Command put = Command::put("x", "6", "bob", 1);
  const raft::event::Applied raft_repeat{raft::LogIndex{12}, put, true, std::nullopt};
  const auto en = narration::RaftDescriber::event("B", raft_repeat, narration::Lang::en);
  const auto zh = narration::RaftDescriber::event("B", raft_repeat, narration::Lang::zh);
  REQUIRE(en);
  REQUIRE(zh);
  CHECK(en->text == "B skips x←6 at index 12: the client's request was applied already");
  CHECK(zh->text == "B 跳过索引 12 的 x←6：同一客户端请求已执行过");
  const raft::event::Applied fresh{raft::LogIndex{12}, put, false, std::nullopt};
  CHECK(narration::RaftDescriber::event("B", fresh, narration::Lang::en)->text == "B applies x←6");
  const multipaxos::event::Applied paxos_repeat{multipaxos::Slot{12}, put, true, std::nullopt};
  CHECK(narration::MultiPaxosDescriber::event("B", paxos_repeat, narration::Lang::en)->text ==
        "B skips x←6 in slot 12: the client's request was applied already");
}
