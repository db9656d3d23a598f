// Demo 03 — Promise 3: a later proposer must propose the value already accepted.
//
// notes, Basic Paxos › 小结, the third promise: "如果接受者之前有通过提案，那么接受者
// 将承诺，会在准备请求的响应中，包含已经通过的最大编号的提案信息。" (An acceptor that
// has accepted a proposal includes the highest-numbered one it accepted in its
// answer to a Prepare.) A proposer that hears of an accepted proposal must
// propose that value — so once a value is chosen, every later proposal
// carries the same value, and "提案编号的大小代表着优先级" never overturns it.
//
// The run: [5, 7] is chosen by A and B (its Accept to C is lost). Client 1's
// [1, 3] failed; it times out and retries with its own higher numbers (4,
// then 7: with the notes' numbers, client 1 owns 1, 4, 7… and client 2 owns
// 2, 5, 8…). Its Prepare 7 reaches B and C only. B reports [5, 7], C reports
// nothing — and client 1 must send Accept [7, 7], not [7, 3].
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "03");

  auto& cluster = demo.paxos_cluster({.servers = {"A", "B", "C"},
                                      .proposers = {"client1", "client2"},
                                      .round_timeout = 100,
                                      .number_stride = 3});
  auto& world = cluster.world();

  demo.step("as in demos 01 and 02: every acceptor promises 5, so [1, 3] is refused",
            "同演示 01、02：所有接受者都承诺了 5，[1, 3] 不被通过", [&] {
              demos::prepare_phase_as_in_demo_01(cluster);
              for (const char* id : {"A", "B"}) world.deliver(id, "client1");
              for (const char* id : {"C", "A", "B"}) world.deliver(id, "client2");
              for (const char* id : {"A", "B", "C"}) world.deliver("client1", id);
            });

  demo.step("A and B accept [5, 7]; the Accept to C is lost — 7 is chosen by the majority A, B",
            "A、B 通过 [5, 7]；发给 C 的接受请求丢失——大多数（A、B）通过了提案，值 7 被选定", [&] {
              world.deliver("client2", "A");
              world.deliver("client2", "B");
              world.drop("client2", "C");
              world.deliver_all();
            });

  demo.step("100 ms later client 1's proposal 1 times out; it retries with its next number, 4",
            "100 ms 后客户端 1 的提案 1 超时，用它的下一个编号 4 重试",
            [&] { world.advance(100); });

  demo.step("4 <= 5: no acceptor answers Prepare 4 (promise 1)",
            "4 小于 5：没有接受者响应准备请求 4（承诺 1）", [&] { world.deliver_all(); });

  demo.step("client 1 times out again and retries with 7; Prepare 7 reaches only B and C",
            "客户端 1 再次超时，用编号 7 重试；准备请求 7 只到达 B 和 C", [&] {
              world.advance(100);
              world.drop("client1", "A");
              world.deliver("client1", "B");
              world.deliver("client1", "C");
            });

  demo.step("B's Promise reports [5, 7]; C's reports nothing: client 1 must propose 7, not 3",
            "B 的准备响应带上已通过的提案 [5, 7]，C 的没有：客户端 1 必须提议 7，而不是 3", [&] {
              world.deliver("B", "client1");
              world.deliver("C", "client1");
            });

  demo.step("the Accept [7, 7] is accepted; the chosen value is still 7",
            "接受请求 [7, 7] 被通过；选定的值仍然是 7", [&] { world.deliver_all(); });

  const auto& client1 = cluster.proposer("client1");
  demo.check(!cluster.acceptor_state("C").accepted ||
                 cluster.acceptor_state("C").accepted->number == paxos::ProposalNumber{7},
             "C never accepted [5, 7]: client 1 heard of 7 from B alone",
             "C 从未通过 [5, 7]：客户端 1 只从 B 得知值 7");
  demo.check(client1.chosen() == paxos::Proposal{paxos::ProposalNumber{7}, "7"},
             "client 1's proposal [7, 7] is chosen: it adopted 7, not its own 3",
             "客户端 1 的提案 [7, 7] 被选定：它采用了 7，而不是自己的 3");
  demo.check(client1.rounds() == 3, "client 1 needed three proposal numbers: 1, 4, 7",
             "客户端 1 用了三个提案编号：1、4、7");
  demo.check(cluster.chosen_values() == std::set<paxos::Value>{"7"},
             "only one value was ever chosen: 7", "始终只有一个值被选定：7");
  for (const char* id : {"A", "B", "C"}) {
    demo.check(cluster.learned(id) && cluster.learned(id)->value == "7",
               "learner " + std::string(id) + " learned 7",
               "学习者 " + std::string(id) + " 学到值 7");
  }
  return demo.finish();
}
