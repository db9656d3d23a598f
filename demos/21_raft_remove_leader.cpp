// Demo 21 — Raft: the leader is removed from the cluster.
//
// Ongaro's thesis §4.2.2 (成员变更): the entry that removes the leader takes
// effect on it as soon as it is appended; the leader keeps managing the
// cluster until that entry is committed — but counts only the servers of
// the new configuration, not itself — and then steps down. Not a voter any
// more, it never stands again; the others elect a leader among themselves.
//
// A leads A, B, C. `remove A`: the majority is now 2 of B, C. B's
// acknowledgement is not enough (A does not count its own copy); C's is.
// A steps down, telling B and C of the commit; B times out and is elected.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;
using raft::Role;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "21");

  auto& cluster = demo.raft_cluster(
      {.servers = {"A", "B", "C"}, .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();
  const auto a = [&] { return cluster.server("A"); };

  demo.step("A is elected; x←1 is committed (quiet)", "A 当选；x←1 已提交（不显示过程）", [&] {
    demo.silently([&] { demos::elect_and_commit(cluster, "A", {Command::put("x", "1")}); });
  });
  demo.step("remove-server A: A appends `remove A`; on A the voters are B and C at once",
            "移除服务器 A：A 追加“移除成员 A”；在 A 上投票成员立即变为 B 和 C",
            [&] { cluster.submit("A", Command::remove("A")); });
  demo.check(!a()->is_voter() && a()->role() == Role::leader,
             "A is no voter, and still leads until the removal is committed",
             "A 已不是投票成员，但在移除提交之前仍是领导者");
  demo.step("B stores it and acknowledges: 1 of B, C — A does not count itself",
            "B 存下并确认：B、C 中的 1 个，A 不计自己",
            [&] { demos::round_trip(world, "A", "B"); });
  demo.check(a()->commit_index() == raft::LogIndex{2}, "not committed: A's own copy is not counted",
             "没有提交：A 自己的副本不计数");
  // (Leadership transfer — thesis §3.10, TimeoutNow — goes here: A would
  // hand over to B or C before stepping down, instead of leaving the
  // cluster to wait for an election timeout.)
  demo.step("C acknowledges: 2 of 2 — committed; A steps down and tells B and C of the commit",
            "C 确认：2 个中的 2 个，已提交；A 退位，并把提交告诉 B 和 C", [&] {
              demos::round_trip(world, "A", "C");
              world.deliver_all();
            });
  demo.check(a()->role() == Role::follower && a()->commit_index() == raft::LogIndex{3},
             "A committed its removal and is a follower", "A 提交了自己的移除，成为跟随者");
  demo.step("B times out and asks B, C (and A, which still answers): elected by B and C",
            "B 超时，请求投票（A 仍会回应）：由 B 和 C 选为领导者", [&] {
              cluster.timeout("B");
              world.deliver_all();
            });
  demo.check(cluster.server("B")->role() == Role::leader, "B leads B, C", "B 领导 B、C");
  demo.step("A times out too: not a voter, it does not stand", "A 也超时：它不是投票成员，不参选",
            [&] { cluster.timeout("A"); });
  demo.check(a()->role() == Role::follower, "A stays a follower", "A 仍是跟随者");
  return demo.finish();
}
