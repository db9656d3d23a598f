// Demo 09 — Multi-Paxos: a new master re-proposes accepted values and fills gaps with noop.
//
// A new master recovers the log as Lamport's "Paxos Made Simple" §3 says.
// Master A has put four commands in slots 1-4, but the network was unkind:
//   slot 1  x←1  accepted by A, B, C        (chosen, and everyone knows)
//   slot 2  y←2  accepted by A, B           (chosen — but only the history knows)
//   slot 3  z←3  accepted by A only         (not chosen)
//   slot 4  w←4  accepted by A, C           (chosen — A never heard)
// Then A crashes. Once the lease it held has run out, B times out and runs
// one Prepare for every slot from 2 —
// notes, 落地：Chubby: "主节点是通过Basic Paxos算法来进行leader选举的". C's Promise
// reports slot 4; B's own acceptor has slot 2; nobody has slot 3. The new
// master re-proposes y←2 and w←4, puts noop in slot 3, and gives the next
// command slot 5. When A comes back it catches up: every log is identical.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;
using cluster::MultiPaxosCluster;
using multipaxos::Slot;

namespace {

// A puts `command` into its next slot. Of the Accepts to B and C only the
// one to `acceptor` arrives (none: both are lost), and its Accepted is lost:
// A never hears whether the slot was chosen.
void accepted_only_by(MultiPaxosCluster& cluster, const Command& command,
                      const std::optional<NodeId>& acceptor) {
  auto& world = cluster.world();
  cluster.submit("A", command);
  for (const char* id : {"B", "C"}) {
    if (id == acceptor) {
      world.deliver("A", id, "accept");
    } else {
      world.drop("A", id, "accept");
    }
  }
  if (acceptor) world.drop(*acceptor, "A", "accepted");
}

// A is master; of its slots 2-4 a majority accepts 2 and 4, nobody 3 — and
// A never hears which.
void a_leaves_gaps(demos::Demo& demo, MultiPaxosCluster& cluster) {
  demo.step(
      "A becomes master and x←1 is chosen in slot 1 (as in demos 07 and 08)",
      "A 成为主节点，x←1 在槽位 1 被选定（同演示 07、08）", [&] {
        demo.silently([&] { demos::elect_and_commit(cluster, "A", {Command::put("x", "1")}); });
      });

  demo.step("y←2 goes to slot 2: B accepts it, the Accept to C and B's answer are lost",
            "y←2 放进槽位 2：B 通过了，发给 C 的接受请求和 B 的通过通知都丢失",
            [&] { accepted_only_by(cluster, Command::put("y", "2"), "B"); });
  demo.step("z←3 goes to slot 3: both Accepts are lost", "z←3 放进槽位 3：两个接受请求都丢失",
            [&] { accepted_only_by(cluster, Command::put("z", "3"), std::nullopt); });
  demo.step("w←4 goes to slot 4: C accepts it, B's Accept and C's answer are lost",
            "w←4 放进槽位 4：C 通过了，发给 B 的接受请求和 C 的通过通知都丢失",
            [&] { accepted_only_by(cluster, Command::put("w", "4"), "C"); });
  demo.check(cluster.chosen().size() == 3,
             "slots 1, 2 and 4 are chosen (a majority accepted them); slot 3 is not",
             "槽位 1、2、4 已被选定（大多数通过），槽位 3 没有");
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "09", {.latency = {5, 5}});

  auto& cluster = demo.multipaxos_cluster(
      {.replicas = {"A", "B", "C"}, .fixed_election_timeouts = demos::kNotesElectionTimeouts});
  auto& world = cluster.world();

  a_leaves_gaps(demo, cluster);

  demo.step(
      "A crashes. No more heartbeats: 200 ms later B's election timer fires, and the "
      "lease C granted A has run out. B sends Prepare 2 for every slot from 2",
      "A 宕机，不再有心跳：200 ms 后 B 选举超时，C 给 A 的租约也已到期。B 发送准备请求 2，"
      "覆盖从第 2 个槽位起的所有槽位",
      [&] {
        world.crash("A");
        world.advance(200);
      });
  demo.step("C promises and reports slot 4; B, with its own slot 2, recovers the log",
            "C 承诺并报告槽位 4；B 加上自己的槽位 2，恢复日志", [&] {
              world.deliver("B", "C");
              world.deliver("C", "B");
            });
  demo.check(cluster.leader() == std::optional<NodeId>{"B"}, "B is master", "B 是主节点");

  demo.step("the re-proposals are accepted; then a client's v←5 gets slot 5",
            "重新提议被通过；然后客户端的 v←5 用槽位 5", [&] {
              world.deliver_all();
              cluster.submit("B", Command::put("v", "5"));
              world.deliver_all();
            });

  demo.step("A restarts; B's heartbeats carry the commit index; A catches up (run 200 ms)",
            "A 重启；B 的心跳带着提交位置；A 追赶（运行 200 ms）", [&] {
              world.restart("A");
              world.run(60);
              demo.silently([&] { world.run(140); });
            });

  const std::map<Slot, Command> expected{{Slot{1}, Command::put("x", "1")},
                                         {Slot{2}, Command::put("y", "2")},
                                         {Slot{3}, Command::noop()},
                                         {Slot{4}, Command::put("w", "4")},
                                         {Slot{5}, Command::put("v", "5")}};
  for (const char* id : {"A", "B", "C"}) {
    demo.check(cluster.state(id).chosen == expected,
               std::string(id) + "'s log: x←1, y←2, noop, w←4, v←5",
               std::string(id) + " 的日志：x←1、y←2、noop、w←4、v←5");
  }
  const auto* a = cluster.replica("A");
  demo.check(a->store().get("z") == std::nullopt && a->store().get("w") == "4",
             "z←3 was never chosen and is applied nowhere; w←4 is",
             "z←3 从未被选定，没有被执行；w←4 被执行了");
  return demo.finish();
}
