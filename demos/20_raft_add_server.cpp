// Demo 20 — Raft: a fourth server joins, first as a learner, then as a voter.
//
// Ongaro's thesis §4.1–4.2.1 (成员变更, 学习者): a configuration entry takes
// effect on each server as soon as it is in its log, committed or not; a
// cluster changes one server at a time, so that a majority of the old
// configuration and one of the new always share a server. A new server
// first catches up as a learner: it receives the log, but neither votes nor
// counts towards a majority.
//
// A leads A, B, C; x←1 and y←2 are committed. `learner D` is appended: D
// receives the whole log, and its acknowledgement counts for nothing — A and
// B are the majority, 2 of 3. Once D has caught up, A appends `add D`: from
// then on 3 of 4 servers make a majority, and A and D alone commit nothing.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "20");

  auto& cluster = demo.raft_cluster({.servers = {"A", "B", "C", "D"},
                                     .members = {"A", "B", "C"},
                                     .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();
  const auto a = [&] { return cluster.server("A"); };

  demo.step(
      "A is elected by A, B, C; x←1 and y←2 are committed; D is outside (quiet)",
      "A 由 A、B、C 选为领导者；x←1、y←2 已提交；D 还不是成员（不显示过程）", [&] {
        demo.silently([&] {
          demos::elect_and_commit(cluster, "A", {Command::put("x", "1"), Command::put("y", "2")});
        });
      });
  demo.step("add-server D: A appends `learner D`, in effect at once on A",
            "增加服务器 D：A 追加“增加学习者 D”，它在 A 上立即生效",
            [&] { cluster.submit("A", Command::learner("D")); });
  demo.check(raft::is_learner(a()->configuration(), "D") && a()->configuration().voters.size() == 3,
             "D is a learner; the voters are still A, B, C (2 of 3 make a majority)",
             "D 是学习者；投票成员仍是 A、B、C（3 个中的 2 个构成大多数）");
  demo.step("A sends D the whole log; D's acknowledgement alone does not commit the learner entry",
            "A 把整个日志发给 D；只有 D 的确认，学习者日志项不会被提交",
            [&] { demos::round_trip(world, "A", "D"); });
  demo.check(a()->commit_index() == raft::LogIndex{3},
             "a learner does not count: the entry at index 4 is not committed",
             "学习者不计数：索引 4 的日志项没有被提交");
  demo.step("B acknowledges: 2 of 3 voters — committed; D has caught up, so A appends `add D`",
            "B 确认：3 个投票成员中的 2 个，已提交；D 已追上，A 追加“增加成员 D”", [&] {
              demos::round_trip(world, "A", "B");
              world.advance(50);
              demos::round_trip(world, "A", "D");
            });
  demo.check(a()->configuration().voters.size() == 4,
             "D is a voter: A, B, C, D — now 3 of 4 make a majority",
             "D 成为投票成员：A、B、C、D，现在 4 个中的 3 个才构成大多数");
  demo.check(a()->commit_index() == raft::LogIndex{4},
             "A and D hold `add D`: 2 of 4 is no majority, it is not committed yet",
             "A 和 D 存有“增加成员 D”：4 个中的 2 个不是大多数，还没有提交");
  demo.step("B acknowledges `add D`: 3 of 4 — committed",
            "B 确认“增加成员 D”：4 个中的 3 个，已提交", [&] {
              world.deliver_all();
              world.advance(50);
              world.deliver_all();
            });
  demo.check(a()->commit_index() == raft::LogIndex{5}, "`add D` is committed",
             "“增加成员 D”已提交");
  demo.check(cluster.server("D")->store().get("y") == "2", "D applied x←1 and y←2",
             "D 执行了 x←1 和 y←2");
  return demo.finish();
}
