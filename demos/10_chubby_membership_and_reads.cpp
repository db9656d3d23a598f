// Demo 10 — Chubby: reads at the master under its lease; a member added through the log.
//
// notes, Multi-Paxos › 落地：Chubby:
//   "实现了成员变更（Group membership），以此保证节点变更的时候集群的平稳运行。"
//   (membership change, so the cluster runs smoothly while nodes change)
//   "实现强一致性，读写请求都是有主节点执行" (strong consistency: reads and writes
//   are executed by the master)
//
// Part 1, reads. A is master and holds a lease. A read at A is answered from
// A's state machine; a read at B is redirected to A. Then a partition cuts A
// off: its lease runs out — A stops answering reads on its own — before B and
// C, who granted it that lease, will help anyone else become master. Only then
// is B elected. There is never a moment when two masters may both read alone.
//
// Part 2, membership. D joins: `add D` is a command in the log, and D counts
// as a member from 4 slots later (Timing::window, the α of Lamport's "Paxos
// Made Simple" §3: the master may have α commands in flight, so a change
// must wait α slots to take effect). B's promises for its ballot came from B
// and C only, not a majority of the new configuration: B runs phase 1 again
// (Prepare to A and D) before it proposes in D's slots. D receives the chosen
// slots it missed and applies them in order.
#include "demos/support/demo.h"

using namespace consensus_lab;
using cluster::MultiPaxosCluster;
using multipaxos::Slot;
using Outcome = MultiPaxosCluster::Read::Outcome;

namespace {

// Part 1: the master answers reads alone while its lease lasts.
void reads_under_the_lease(demos::Demo& demo, MultiPaxosCluster& cluster) {
  auto& world = cluster.world();
  demo.part("reads go through the master, under its lease", "读请求由主节点执行，依靠租约");
  demo.step("A is elected master and x←1 is chosen (narration off)",
            "A 当选主节点，x←1 被选定（不显示过程）", [&] {
              demo.silently([&] {
                world.run(200);
                cluster.submit("A", Command::put("x", "1"));
                world.run(50);
              });
            });
  const auto at_a = cluster.read("A", "x");
  const auto at_b = cluster.read("B", "x");
  demo.say("read x at A: " + at_a.value.value_or("?") + " (A holds its lease until " +
               std::to_string(cluster.replica("A")->lease_until()) +
               " ms); read x at B: redirected to " + at_b.master_hint.value_or("?"),
           "在 A 读 x：" + at_a.value.value_or("?") + "（A 的租约到 " +
               std::to_string(cluster.replica("A")->lease_until()) + " ms）；在 B 读 x：转给 " +
               at_b.master_hint.value_or("?"));
  demo.check(at_a.outcome == Outcome::value && at_a.value == "1",
             "the master answers the read from its state machine: x = 1",
             "主节点用自己的状态机回答读请求：x = 1");
  demo.check(at_b.outcome == Outcome::redirect && at_b.master_hint == "A",
             "B redirects the read to the master, A", "B 把读请求转给主节点 A");

  Millis a_stops_reading = -1, b_is_master = -1;
  demo.step(
      "a partition cuts A off; watch, millisecond by millisecond, when A stops reading "
      "alone and when B becomes master",
      "网络分区把 A 隔开；逐毫秒观察 A 何时停止独自读、B 何时成为主节点", [&] {
        world.partition({{"A"}, {"B", "C", "D"}});
        for (int ms = 0; ms < 800 && b_is_master < 0; ++ms) {
          demo.silently([&] { world.run(1); });
          if (a_stops_reading < 0 && cluster.read("A", "x").outcome != Outcome::value) {
            a_stops_reading = world.now();
          }
          if (cluster.leader() == "B") b_is_master = world.now();
        }
        demo.say("A stops serving reads at " + std::to_string(a_stops_reading) +
                     " ms; B becomes master at " + std::to_string(b_is_master) + " ms",
                 "A 在 " + std::to_string(a_stops_reading) + " ms 停止独自读；B 在 " +
                     std::to_string(b_is_master) + " ms 成为主节点");
      });
  demo.check(a_stops_reading >= 0 && b_is_master > a_stops_reading,
             "the old master stopped reading alone before the new one was elected",
             "旧主节点在新主节点选出之前就停止了独自读");
  demo.check(cluster.read("A", "x").outcome == Outcome::through_log,
             "cut off, A may only read through the log (which it cannot reach)",
             "被隔开的 A 只能通过日志读（而它到不了大多数）");
}

// Part 2: D joins through the log and catches up.
void a_member_added_through_the_log(demos::Demo& demo, MultiPaxosCluster& cluster) {
  auto& world = cluster.world();
  demo.part("a member added through the log", "通过日志增加成员");
  const auto prepares_before = world.stats().sent_of("prepare");
  demo.step("the partition heals; a client puts y←2; then B puts `add D` into the log",
            "网络恢复；客户端写 y←2；然后 B 把“增加 D”写进日志", [&] {
              world.heal();
              demo.silently([&] { world.run(100); });
              cluster.submit("B", Command::put("y", "2"));
              demo.silently([&] { world.run(50); });
              cluster.submit("B", Command::add("D"));
              world.run(20);
            });
  const Slot add_slot = [&] {
    for (const auto& [slot, command] : cluster.chosen()) {
      if (command.kind == Command::Kind::add_replica) return slot;
    }
    return Slot{0};
  }();
  const std::string slot = multipaxos::to_string(add_slot),
                    from = std::to_string(add_slot.value + 4);
  demo.say("`add D` is chosen in slot " + slot +
               ". With α = 4, a configuration chosen in "
               "slot i decides the slots from i + 4: A, B, C still decide the slots up to " +
               std::to_string(add_slot.value + 3) + ", and D counts from slot " + from +
               " — so the master may have 4 commands in flight without waiting for a change. "
               "B's ballot-2 promises came from B and C (A was cut off): not a majority of A, "
               "B, C, D. So B runs phase 1 again for the new configuration — the Prepare to A "
               "and D above; the slots before " +
               from + " needed no new Prepare",
           "“增加 D”在槽位 " + slot +
               " 被选定。α = 4：在槽位 i 选定的成员配置从槽位 i + 4 "
               "起生效：到槽位 " +
               std::to_string(add_slot.value + 3) + " 为止仍由 A、B、C 决定，D 从槽位 " + from +
               " 起算作成员——这样主节点可以同时有 4 条命令在途，不必等成员变更生效。B 在编号 2 "
               "得到的准备响应来自 B、C（A 当时被隔开），不是 A、B、C、D 的大多数，所以 B "
               "要为新配置再执行准备阶段——即上面发给 A、D 的准备请求；槽位 " +
               from + " 之前的槽位不需要新的准备请求");
  demo.check(world.stats().sent_of("prepare") - prepares_before == 2,
             "for the new configuration B sent 2 Prepares: to A and D, whose promises it lacked",
             "为了新配置，B 发送了 2 个准备请求：发给还没有给它准备响应的 A 和 D");
  demo.step("z←1, z←2, z←3 go into the slots up to " + std::to_string(add_slot.value + 3) +
                " (quiet); then w←4, the first command D takes part in, and D catches up",
            "z←1、z←2、z←3 写入到槽位 " + std::to_string(add_slot.value + 3) +
                " 为止（不显示过程）；然后是 w←4，D 参与的第一条命令，D 随之追赶",
            [&] {
              demo.silently([&] {
                for (const char* value : {"1", "2", "3"}) {
                  cluster.submit("B", Command::put("z", value));
                  world.run(20);
                }
              });
              cluster.submit("B", Command::put("w", "4"));
              world.run(25);
              demo.silently([&] { world.run(125); });  // heartbeats and leases
            });
  const auto members = cluster.members_at(Slot{add_slot.value + 4});
  demo.check(members == std::vector<NodeId>{"A", "B", "C", "D"},
             "from slot " + std::to_string(add_slot.value + 4) + " on the members are A, B, C, D",
             "从槽位 " + std::to_string(add_slot.value + 4) + " 起，成员是 A、B、C、D");
  demo.check(cluster.state("D").chosen == cluster.state("B").chosen,
             "D caught up: its log equals the master's", "D 追上了：它的日志与主节点相同");
  demo.check(cluster.replica("D")->store().get("y") == "2" &&
                 cluster.replica("D")->store().get("w") == "4",
             "D applied every command in order: y = 2, w = 4",
             "D 按顺序执行了所有命令：y = 2，w = 4");
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "10", {.latency = {5, 5}, .show_time = true});

  auto& cluster = demo.multipaxos_cluster(
      {.replicas = {"A", "B", "C", "D"},
       .members = {"A", "B", "C"},
       .fixed_election_timeouts = {{"A", 150}, {"B", 300}, {"C", 400}, {"D", 400}}});

  reads_under_the_lease(demo, cluster);
  a_member_added_through_the_log(demo, cluster);
  return demo.finish();
}
