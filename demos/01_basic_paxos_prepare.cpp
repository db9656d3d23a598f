// Demo 01 — Basic Paxos: the prepare phase (准备阶段) of the notes' example.
//
// notes, Basic Paxos › 共识协商是二阶段提交:
//   "假设节点 A、B 先收到来自客户端 1 的准备请求，节点 C 先收到来自客户端 2 的准备请求。"
//   (Suppose A and B first receive client 1's Prepare, and C first receives
//   client 2's.) Client 1 proposes [1, 3], client 2 proposes [5, 7].
//
// What the notes' figures show, and this demo checks:
//   - A and B promise 1, and C promises 5 (nothing had been promised before);
//   - then A and B receive Prepare 5: 5 > 1, so they promise 5;
//   - C receives Prepare 1: 1 <= 5, so C does not answer it (promise 1).
#include "demos/support/demo.h"

using namespace consensus_lab;
using paxos::ProposalNumber;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "01");

  auto& cluster = demo.paxos_cluster(
      {.servers = {"A", "B", "C"}, .proposers = {"client1", "client2"}, .number_stride = 3});
  auto& world = cluster.world();

  demo.step(
      "client 1 proposes [1, 3] and client 2 proposes [5, 7]; each sends a Prepare to A, B, C",
      "客户端 1 提议 [1, 3]，客户端 2 提议 [5, 7]，各自向 A、B、C 发送准备请求", [&] {
        cluster.propose("client1", ProposalNumber{1}, "3");
        cluster.propose("client2", ProposalNumber{5}, "7");
      });

  demo.step("A and B receive client 1's Prepare first; C receives client 2's first",
            "节点 A、B 先收到来自客户端 1 的准备请求，节点 C 先收到来自客户端 2 的准备请求", [&] {
              world.deliver("client1", "A");
              world.deliver("client1", "B");
              world.deliver("client2", "C");
            });
  const auto a_first = cluster.acceptor_state("A").promised;
  const auto c_first = cluster.acceptor_state("C").promised;

  demo.step(
      "A and B receive Prepare 5 (5 > 1: they promise 5); C receives Prepare 1 (1 <= 5: no answer)",
      "A、B 收到编号为 5 的准备请求（5 大于 1，改为承诺编号 5）；C 收到编号为 1 的准备请求（1 小于 "
      "5，不响应）",
      [&] {
        world.deliver("client2", "A");
        world.deliver("client2", "B");
        world.deliver("client1", "C");
      });

  demo.check(a_first == ProposalNumber{1} && c_first == ProposalNumber{5},
             "first A and B promise 1, C promises 5", "起初 A、B 承诺了 1，C 承诺了 5");
  for (const char* id : {"A", "B", "C"}) {
    demo.check(cluster.acceptor_state(id).promised == ProposalNumber{5},
               std::string(id) + " has promised 5", std::string(id) + " 承诺了 5");
  }
  demo.check(world.queued("A", "client1") == 1 && world.queued("B", "client1") == 1,
             "client 1 has Promise 1 from A and B on their way",
             "A、B 对客户端 1 的准备响应（编号 1）正在途中");
  demo.check(world.queued("C", "client1") == 0, "C does not answer Prepare 1 (promise 1)",
             "C 不响应编号为 1 的准备请求（第一个承诺）");
  demo.check(world.queued("A", "client2") == 1 && world.queued("B", "client2") == 1 &&
                 world.queued("C", "client2") == 1,
             "client 2 has Promise 5 from A, B and C on their way",
             "A、B、C 对客户端 2 的准备响应（编号 5）正在途中");
  return demo.finish();
}
