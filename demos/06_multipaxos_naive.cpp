// Demo 06 — A log by one Basic Paxos instance per value: conflicts, two round trips each.
//
// notes, Multi-Paxos: "直接通过多次执行 Basic Paxos 实例，来实现一系列值的共识，问题："
//   - "如果多个提议者同时提交提案，可能出现因为提案冲突，在准备阶段没有提议者接收到大多数
//     准备响应，协商失败，需要重新协商。比如5个节点，3个提议者同时，没有一个能够拿到3张选票。"
//   - "2 轮 RPC 通讯（准备阶段和接受阶段）往返消息多、耗性能、延迟大。"
// (Running one Basic Paxos per value: proposals conflict — 5 nodes and 3
// proposers at once, none gets 3 votes — and every value takes two rounds of
// messages, Prepare and Accept.)
//
// Five acceptors A–E; three proposers each want two values in the log. Every
// slot is a fresh Basic Paxos instance that every proposer with a value left
// competes for (5–15 ms per message, 60 ms round timeout, random back-off).
// The table shows what each slot cost; demo 08 shows the same log with a
// master.
#include <iomanip>
#include <map>
#include <sstream>

#include "cluster/naive_log.h"
#include "demos/support/demo.h"
#include "narration/describers.h"
#include "narration/line.h"

using namespace consensus_lab;

namespace {

// Says what the run's conflict was: `contested` slots had several proposers,
// `retries` proposals failed and were retried.
void say_what_the_conflict_was(demos::Demo& demo, std::size_t contested, std::size_t retries) {
  demo.say(retries == 0
               ? "the conflict here: " + std::to_string(contested) +
                     " slots had several proposers; one value won each, the losers' messages "
                     "were wasted and their values wait for a later slot. No round failed "
                     "outright in this run (demo 05 shows rounds where no one gets a majority)"
               : "the conflict here: " + std::to_string(contested) +
                     " slots had several proposers, and " + std::to_string(retries) +
                     " proposals failed and were retried with a higher number",
           retries == 0
               ? "这次运行中的冲突：" + std::to_string(contested) +
                     " 个槽位有多个提议者竞争；每个槽位只有一个值胜出，其他提议者的消息白白浪费，"
                     "它们的值只能等后面的槽位。这次没有出现整轮失败（演示 05 展示了没有提议者"
                     "拿到大多数选票的情况）"
               : "这次运行中的冲突：" + std::to_string(contested) + " 个槽位有多个提议者竞争，" +
                     std::to_string(retries) + " 个提案失败，以更大的编号重试");
}

// One row per slot: what was chosen there, by whom, and what it cost. The
// columns are padded by display width (a Chinese character takes two).
std::string slot_table(const std::vector<cluster::NaiveSlot>& slots, bool zh) {
  const std::vector<std::string> head =
      zh ? std::vector<std::string>{"槽位",     "选定",   "提议者",  "提案编号数",
                                    "准备请求", "消息数", "用时(ms)"}
         : std::vector<std::string>{"slot",    "value",    "proposer",    "numbers",
                                    "Prepare", "messages", "ms to choose"};
  std::vector<std::size_t> width;
  for (const std::string& cell : head) width.push_back(narration::display_width(cell));
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      text += (c == 0 ? "" : "  ") + narration::pad_left(cells[c], width[c]);
    }
    return text + "\n";
  };
  std::string table = line(head);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const auto& s = slots[i];
    table +=
        line({std::to_string(i + 1), s.value, s.winner, std::to_string(s.rounds),
              std::to_string(s.prepares), std::to_string(s.messages), std::to_string(s.elapsed)});
  }
  return table;
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "06");

  cluster::NaiveLogOptions options{
      .acceptors = {"A", "B", "C", "D", "E"},
      .proposals = {{"client1", {"a1", "a2"}},
                    {"client2", {"b1", "b2"}},
                    {"client3", {"c1", "c2"}}},
      .seed = demo.options().seed,
      // --diagram, --msc and --html show slot 1, the first contested instance.
      .on_start =
          [&](std::uint64_t slot, cluster::PaxosCluster& instance) {
            if (slot == 1)
              demo.record_page(instance, {"slot 1: three proposers compete for the first value",
                                          "槽位 1：三个提议者争夺第一个值"});
          },
      .on_slot =
          [&](std::uint64_t slot, const cluster::PaxosCluster& instance) {
            if (slot == 1)
              demo.write_diagrams<narration::PaxosDescriber>(instance.world(),
                                                             instance.participants());
          }};
  std::vector<cluster::NaiveSlot> slots;
  demo.step("six values, three proposers, five acceptors: fill the log slot by slot",
            "三个提议者、五个接受者、六个值：逐个槽位填满日志", [&] {
              slots = cluster::run_naive_log(options);
              const std::string table = slot_table(slots, demo.zh());
              demo.say(table, table);
            });

  // A slot is contested when more than one proposer still had a value for
  // it; each of them uses a proposal number, and a number beyond one per
  // competitor is a retry (a round that failed).
  std::map<NodeId, std::size_t> values_left;
  for (const auto& [proposer, values] : options.proposals) values_left[proposer] = values.size();
  std::size_t messages = 0, rounds = 0, contested = 0, retries = 0;
  for (const auto& s : slots) {
    std::size_t competitors = 0;
    for (const auto& [proposer, left] : values_left) competitors += left > 0 ? 1 : 0;
    messages += s.messages;
    rounds += s.rounds;
    contested += competitors > 1 ? 1 : 0;
    retries += s.rounds > competitors ? s.rounds - competitors : 0;
    --values_left[s.winner];
  }
  const double per_value =
      slots.empty() ? 0 : static_cast<double>(messages) / static_cast<double>(slots.size());
  std::ostringstream summary;
  summary << std::fixed << std::setprecision(1) << per_value;
  demo.say("on average " + summary.str() + " messages per value (" + std::to_string(rounds) +
               " proposal numbers for " + std::to_string(slots.size()) +
               " values); a value costs at least 4 message delays: Prepare, Promise, Accept, "
               "Accepted",
           "平均每个值 " + summary.str() + " 条消息（" + std::to_string(slots.size()) +
               " 个值用了 " + std::to_string(rounds) +
               " 个提案编号）；每个值至少 4 个消息延迟：准备请求、准备响应、接受请求、通过通知");

  say_what_the_conflict_was(demo, contested, retries);
  demo.check(slots.size() == 6, "all six values are in the log", "六个值都进入了日志");
  demo.check(contested >= 1, "slots were contested: more proposal numbers than values",
             "出现了提案冲突：提案编号比值多");
  demo.check(per_value >= 4 * 5,
             "each value costs at least two round trips to the 5 acceptors (20 messages)",
             "每个值的消息数至少是与 5 个接受者的两轮往返（20 条）");
  return demo.finish();
}
