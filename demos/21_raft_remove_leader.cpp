// Demo 21 — Raft: the leader is removed from the cluster, two ways.
//
// Ongaro's thesis §4.2.2 (成员变更): the entry that removes the leader takes
// effect on it as soon as it is appended; the leader keeps managing the
// cluster until that entry is committed — but counts only the servers of
// the new configuration, not itself — and then steps down. Not a voter any
// more, it never stands again; the others elect a leader among themselves,
// once one of them times out: the cluster is without a leader for an
// election timeout.
//
// Thesis §3.10 (领导权转移): "the leader of a cluster ... may need to step
// down ... it would be better to transfer leadership to another server".
// The leader stops taking client commands, brings the target's log up to
// date, and sends it TimeoutNow; the target stands for election at once. Its
// RequestVote says it comes from a transfer, so even a server that heard
// from the leader within its lease (check-quorum, thesis §4.2.3) grants it.
// The new leader then commits the old one's removal. Without a leader only
// for a few message delays.
//
// A leads A, B, C, D. Part 1: `remove A`; B's acknowledgement is 1 of B, C,
// D (A does not count itself), C's makes 2: committed, A steps down, and B,
// whose timer fires first, is elected 200 ms later. Part 2: B is to leave;
// it takes y←2, hands over to C (catching C up first), and C, elected
// within a few messages, commits `remove B`.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;
using raft::Role;

namespace {

constexpr Millis kLatency = 10;  // each message's one-way delay
const std::map<NodeId, Millis> kTimeouts{{"A", 150}, {"B", 200}, {"C", 300}, {"D", 350}};

// Run until `leader` leads; how long that took (the time without a leader
// that takes commands, counted from now).
Millis until_leader(cluster::RaftCluster& cluster, const NodeId& leader) {
  auto& world = cluster.world();
  const Millis from = world.now();
  world.run_until([&] { return cluster.leader() == leader; }, 2'000);
  return world.now() - from;
}

// Part 1: A commits its own removal, steps down; B is elected once its timer fires.
void without_transfer(demos::Demo& demo, cluster::RaftCluster& cluster) {
  auto& world = cluster.world();
  const auto server = [&](const char* id) { return cluster.server(id); };
  demo.part("Without transfer: the removed leader steps down",
            "不做领导权转移：被移除的领导者退位");
  demo.step("A is elected; x←1 is committed (quiet)", "A 当选；x←1 已提交（不显示过程）", [&] {
    demo.silently([&] { demos::elect_and_commit(cluster, "A", {Command::put("x", "1")}); });
  });
  demo.step("remove-server A: A appends `remove A`; on A the voters are B, C, D at once",
            "移除服务器 A：A 追加“移除成员 A”；在 A 上投票成员立即变为 B、C、D",
            [&] { cluster.submit("A", Command::remove("A")); });
  demo.check(!server("A")->is_voter() && server("A")->role() == Role::leader,
             "A is no voter, and still leads until the removal is committed",
             "A 已不是投票成员，但在移除提交之前仍是领导者");
  demo.step("B stores it and acknowledges: 1 of B, C, D — A does not count itself",
            "B 存下并确认：B、C、D 中的 1 个，A 不计自己",
            [&] { demos::round_trip(world, "A", "B"); });
  demo.check(server("A")->commit_index() == raft::LogIndex{2},
             "not committed: A's own copy is not counted", "没有提交：A 自己的副本不计数");
  demo.step("C acknowledges: 2 of 3 — committed; A steps down and tells B, C, D of the commit",
            "C 确认：3 个中的 2 个，已提交；A 退位，并把提交告诉 B、C、D", [&] {
              demos::round_trip(world, "A", "C");
              world.deliver_all();
            });
  demo.check(
      server("A")->role() == Role::follower && server("A")->commit_index() == raft::LogIndex{3},
      "A committed its removal and is a follower", "A 提交了自己的移除，成为跟随者");
  Millis without_leader = 0;
  demo.step("nobody leads until a timer fires: B's, 200 ms after A's last heartbeat; B is elected",
            "没有领导者，直到有计时器超时：B 的，在 A 最后一次心跳后 200 ms；B 当选",
            [&] { without_leader = until_leader(cluster, "B"); });
  demo.check(without_leader >= kTimeouts.at("B"),
             "without a leader for " + std::to_string(without_leader) +
                 " ms: longer than B's election timeout",
             "没有领导者的时间为 " + std::to_string(without_leader) + " ms：超过 B 的选举超时");
  demo.check(server("A")->role() == Role::follower,
             "A's timer fired too (at 150 ms): not a voter, it did not stand",
             "A 的计时器也超时了（150 ms 时）：它不是投票成员，没有参选");
}

// Part 2: B, to be removed, hands its leadership to C first; C removes B.
void with_transfer(demos::Demo& demo, cluster::RaftCluster& cluster) {
  auto& world = cluster.world();
  const auto server = [&](const char* id) { return cluster.server(id); };
  Millis without_leader = 0;
  demo.part("With leadership transfer: B hands over to C, then C removes B",
            "领导权转移：B 把领导权交给 C，再由 C 移除 B");
  demo.step(
      "B's noop commits (quiet); then B takes y←2, and at once it is asked to hand its leadership "
      "over to C, whose log lacks y←2: B takes no more commands, sends C the entry, and TimeoutNow "
      "once C holds it",
      "B 的空操作项提交（不显示过程）；然后 B 接受 y←2，随即被要求把领导权交给 C，而 C 的日志中"
      "还没有 y←2：B 不再接受命令，先把这一项发给 C，等 C 存下后再发 `TimeoutNow`",
      [&] {
        demo.silently([&] { world.run(2 * kLatency); });
        cluster.submit("B", Command::put("y", "2"));
        cluster.transfer_leadership("B", "C");
        cluster.submit("B", Command::put("z", "3"));
      });
  demo.check(
      server("B")->transferring_to() == "C" && server("B")->last_log_index() == raft::LogIndex{5},
      "B refused a client's z←3 while it transfers: y←2 is its last entry",
      "转移期间 B 拒绝了客户端的 z←3：y←2 是它的最后一项");
  demo.step(
      "C campaigns at once, in term 3; D heard from B within its lease, but grants the vote: "
      "the RequestVote says it comes from a transfer",
      "C 立即参选，任期 3；D 在租约内刚收到过 B 的消息，但仍投票给 C：请求投票注明来自领导权转移",
      [&] { without_leader = until_leader(cluster, "C"); });
  demo.check(server("D")->voted_for() == "C", "D voted for C in term 3", "D 在任期 3 投票给 C");
  demo.check(without_leader <= 6 * kLatency,
             "without a leader for " + std::to_string(without_leader) +
                 " ms: a few message delays, no election timeout",
             "没有领导者的时间为 " + std::to_string(without_leader) +
                 " ms：几次消息延迟，没有等待选举超时");
  demo.step(
      "C's noop commits (quiet); remove-server B, at C: voters C, D; D's acknowledgement "
      "commits it",
      "C 的空操作项提交（不显示过程）；在 C 上移除服务器 B：投票成员为 C、D；D 的确认使其提交",
      [&] {
        demo.silently([&] { world.run(2 * kLatency); });
        cluster.submit("C", Command::remove("B"));
        world.run(3 * kLatency);
      });
  demo.check(server("C")->role() == Role::leader &&
                 server("C")->commit_index() == server("C")->configuration_index() &&
                 !server("B")->is_voter(),
             "C leads C, D; B's removal is committed, and B holds it: it never stands",
             "C 领导 C、D；B 的移除已提交，B 也存有这一项：它不会再参选");
  demo.check(server("D")->store().get("y") == std::optional<std::string>{"2"},
             "y←2, which B took before the transfer, is not lost: y=2 on D",
             "B 在转移前接受的 y←2 没有丢失：D 上 y=2");
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "21", {.latency = {kLatency, kLatency}, .show_time = true});
  raft::Features features;
  features.check_quorum = true;  // votes refused within a leader's lease (thesis §4.2.3)
  auto& cluster = demo.raft_cluster({.servers = {"A", "B", "C", "D"},
                                     .features = features,
                                     .fixed_election_timeouts = kTimeouts});
  without_transfer(demo, cluster);
  with_transfer(demo, cluster);
  return demo.finish();
}
