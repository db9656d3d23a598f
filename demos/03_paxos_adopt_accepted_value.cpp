// Demo 03 — Promise 3: a later proposer must propose the value already accepted.
//
// notes, Basic Paxos › 小结, the third promise: "如果接受者之前有通过提案，那么接受者
// 将承诺，会在准备请求的响应中，包含已经通过的最大编号的提案信息。" (An acceptor that
// has accepted a proposal includes the highest-numbered one it accepted in its
// answer to a Prepare.) A proposer that hears of an accepted proposal must
// propose that value — so once a value is chosen, every later proposal
// carries the same value, and "提案编号的大小代表着优先级" never overturns it.
//
// The run: [5, 7] is chosen by A and B (its Accept to C is lost). Then a
// third proposer, client 3, proposes its own value 4 with number 6 (with the
// notes' numbers 1 and 5, client 1 owns 1, 4, 7…, client 2 owns 2, 5, 8… and
// client 3 owns 3, 6, 9…). Its Prepare 6 reaches B and C only. B reports
// [5, 7], C reports nothing — and client 3 must send Accept [6, 7], not
// [6, 4].
//
// The opening, told message by message in demos 01 and 02, is replayed here
// without its messages, so that each step (with --step) fits on one screen.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "03");

  auto& cluster = demo.paxos_cluster({.servers = {"A", "B", "C"},
                                      .proposers = {"client1", "client2", "client3"},
                                      .round_timeout = 100,
                                      .number_stride = 3});
  auto& world = cluster.world();

  demo.step(
      "as in demos 01 and 02, replayed without its messages: every acceptor promises 5 and "
      "refuses [1, 3] (promise 2)",
      "同演示 01、02（这里不再逐条显示消息）：所有接受者都承诺了 5，不通过 [1, 3]（第二个承诺）",
      [&] {
        demo.silently([&] {
          demos::prepare_phase_as_in_demo_01(cluster);
          for (const char* id : {"A", "B"}) world.deliver(id, "client1");
          for (const char* id : {"C", "A", "B"}) world.deliver(id, "client2");
          for (const char* id : {"A", "B", "C"}) world.deliver("client1", id);
        });
        demo.say("client 2's Accept [5, 7] is on its way to A, B, C",
                 "客户端 2 的接受请求 [5, 7] 正在发往 A、B、C");
      });

  demo.step("A and B accept [5, 7]; the Accept to C is lost",
            "A、B 通过 [5, 7]；发给 C 的接受请求丢失", [&] {
              world.deliver("client2", "A");
              world.deliver("client2", "B");
              world.drop("client2", "C");
            });

  demo.step("the Accepted messages arrive: 7 is chosen by the majority A, B",
            "通过通知到达：大多数（A、B）通过了提案，值 7 被选定", [&] { world.deliver_all(); });

  demo.step("client 3 proposes its value 4 with number 6; Prepare 6 reaches only B and C",
            "客户端 3 以编号 6 提议它的值 4；准备请求 6 只到达 B 和 C", [&] {
              cluster.propose("client3", paxos::ProposalNumber{6}, "4");
              world.drop("client3", "A");
              world.deliver("client3", "B");
              world.deliver("client3", "C");
            });

  demo.step("B's Promise reports [5, 7]; C's reports nothing: client 3 must propose 7, not 4",
            "B 的准备响应带上已通过的提案 [5, 7]，C 的没有：客户端 3 必须提议 7，而不是 4", [&] {
              world.deliver("B", "client3");
              world.deliver("C", "client3");
            });

  demo.step("A, B, C accept [6, 7]", "A、B、C 通过接受请求 [6, 7]", [&] {
    for (const char* id : {"A", "B", "C"}) world.deliver("client3", id);
  });

  demo.step("the Accepted messages arrive: the chosen value is still 7",
            "通过通知到达：选定的值仍然是 7", [&] { world.deliver_all(); });

  const auto& client3 = cluster.proposer("client3");
  demo.check(!cluster.acceptor_state("C").accepted ||
                 cluster.acceptor_state("C").accepted->number == paxos::ProposalNumber{6},
             "C never accepted [5, 7]: client 3 heard of 7 from B alone",
             "C 从未通过 [5, 7]：客户端 3 只从 B 得知值 7");
  demo.check(client3.chosen() == paxos::Proposal{paxos::ProposalNumber{6}, "7"},
             "client 3's proposal [6, 7] is chosen: it adopted 7, not its own 4",
             "客户端 3 的提案 [6, 7] 被选定：它采用了 7，而不是自己的 4");
  demo.check(cluster.chosen_values() == std::set<paxos::Value>{"7"},
             "only one value was ever chosen: 7", "始终只有一个值被选定：7");
  for (const char* id : {"A", "B", "C"}) {
    demo.check(cluster.learned(id) && cluster.learned(id)->value == "7",
               "learner " + std::string(id) + " learned 7",
               "学习者 " + std::string(id) + " 学到值 7");
  }
  return demo.finish();
}
