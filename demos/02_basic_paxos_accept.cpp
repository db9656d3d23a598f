// Demo 02 — Basic Paxos: the accept phase (接受阶段) of the notes' example.
//
// notes, Basic Paxos › 共识协商是二阶段提交:
//   "客户端 1、2 在收到大多数节点的准备响应之后，会分别发送接受请求" (after a
//   majority of promises, clients 1 and 2 each send an Accept), and
//   "当接受者通过了一个提案时，就通知给所有的学习者。当学习者发现大多数的接受者都通过了
//   某个提案，那么它也通过该提案，接受该提案的值。"
//
// Every acceptor has promised 5, so [1, 3] is refused everywhere (promise 2)
// and [5, 7] is accepted: the learners learn 7.
#include "demos/support/demo.h"
#include "demos/support/openings.h"

using namespace consensus_lab;

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "02");

  auto& cluster = demo.paxos_cluster(
      {.servers = {"A", "B", "C"}, .proposers = {"client1", "client2"}, .number_stride = 3});
  auto& world = cluster.world();

  demo.say(
      "each of A, B, C is an acceptor and a learner: an acceptor that accepts a proposal "
      "sends Accepted to the learners on the other nodes, to its own, and to the client",
      "A、B、C 每个节点既是接受者也是学习者：接受者通过提案后，把通过通知发给其他节点上的"
      "学习者、自己节点上的学习者和提议的客户端");
  demo.step("the prepare phase, as in demo 01: A, B get Prepare 1 first, C gets Prepare 5 first",
            "准备阶段（同演示 01）：A、B 先收到准备请求 1，C 先收到准备请求 5",
            [&] { demos::prepare_phase_as_in_demo_01(cluster); });

  demo.step("the promises reach the clients; after a majority each client sends an Accept",
            "准备响应到达客户端：客户端 1、2 在收到大多数节点的准备响应之后，分别发送接受请求",
            [&] {
              world.deliver("A", "client1");
              world.deliver("B", "client1");
              world.deliver("C", "client2");
              world.deliver("A", "client2");
              world.deliver("B", "client2");
            });

  demo.step("A, B, C receive Accept [1, 3]: 1 < 5, so none accepts it (promise 2)",
            "A、B、C 收到接受请求 [1, 3]：1 小于已响应的 5，不通过（第二个承诺）", [&] {
              for (const char* id : {"A", "B", "C"}) world.deliver("client1", id);
            });

  demo.step("A, B, C receive Accept [5, 7]: each accepts it and tells client 2 and every learner",
            "A、B、C 收到接受请求 [5, 7]：通过该提案，并通知客户端 2 和所有的学习者", [&] {
              for (const char* id : {"A", "B", "C"}) world.deliver("client2", id);
            });

  demo.step("the Accepted messages arrive; a learner that sees a majority learns the value",
            "通过通知到达：学习者发现大多数的接受者都通过了某个提案，就接受该提案的值",
            [&] { world.deliver_all(); });

  const paxos::Proposal five_seven{paxos::ProposalNumber{5}, "7"};
  for (const char* id : {"A", "B", "C"}) {
    demo.check(cluster.acceptor_state(id).accepted == five_seven,
               std::string(id) + " has accepted [5, 7], not [1, 3]",
               std::string(id) + " 通过了 [5, 7]，没有通过 [1, 3]");
  }
  demo.check(cluster.chosen_values() == std::set<paxos::Value>{"7"}, "the chosen value is 7",
             "选定的值是 7");
  for (const char* id : {"A", "B", "C"}) {
    demo.check(cluster.learned(id) == five_seven, "learner " + std::string(id) + " learned 7",
               "学习者 " + std::string(id) + " 学到值 7");
  }
  demo.check(cluster.proposer("client2").chosen() == five_seven,
             "client 2 knows its proposal [5, 7] is chosen", "客户端 2 知道提案 [5, 7] 已被选定");
  demo.check(!cluster.proposer("client1").chosen(), "client 1's [1, 3] was not chosen",
             "客户端 1 的 [1, 3] 没有被选定");
  return demo.finish();
}
