// Demo 19 — Raft: one read three ways (through the log, ReadIndex, under the
// leader's lease), and the new leader's read rule.
//
// Ongaro's thesis §6.4: a read through the log costs a log entry that a
// majority must write to disk; ReadIndex (读索引) keeps the leader's commit
// index as the read index, confirms with one heartbeat round (心跳轮次) that
// it still leads, and answers from its state machine — no entry, no disk
// write; under a lease (租约读, §6.4.1) the leader answers without any message
// until the minimum election timeout (less the clock drift) has passed since
// a round a majority acknowledged was sent. Safe only with check-quorum's
// vote refusal (docs/raft.md).
//
// Then A crashes after committing x←2 with B's help, and B is elected before
// it learns the commit: its commit index still lags. "If the leader has not
// yet marked an entry from its current term committed, it waits until it has
// done so" (§6.4, rule read-after-own-term-commit): B defers the read until
// its noop commits, and answers x=2. With the rule off it answers at once
// with a stale x=1 — the linearizability check then fails, so this demo does
// not run it: tests/scenarios/raft/read_after_own_term_commit_off.txt does.
#include <functional>
#include <string>
#include <vector>

#include "demos/support/demo.h"
#include "narration/line.h"

using namespace consensus_lab;

namespace {

constexpr Millis kLatency = 10;  // the simulator's one-way delay (SCENARIOS.md)

struct Cost {
  std::string way, way_zh;
  std::size_t messages = 0;
  Millis ms = 0;
  std::uint64_t entries = 0;  // log entries the read added (each a disk write on a majority)
};

// The reads' table, columns padded by display width (as demo 17's).
std::string table(const std::vector<Cost>& costs, bool zh) {
  const auto pad = [](const std::string& text, std::size_t width) {
    return text + std::string(width - std::min(width, narration::display_width(text)), ' ');
  };
  std::string out = zh ? pad("读的方式", 16) + "消息数  消息延迟  日志项\n"
                       : pad("read", 16) + "messages  delays  log entries\n";
  for (const Cost& c : costs) {
    out += pad(zh ? c.way_zh : c.way, 16) + pad(std::to_string(c.messages), zh ? 8 : 10) +
           pad(std::to_string(c.ms / kLatency), zh ? 10 : 8) + std::to_string(c.entries) + "\n";
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  demos::Demo demo(argc, argv, "19");
  raft::Timing timing;
  timing.heartbeat = 1'000;  // no heartbeat falls inside a measurement
  auto& cluster = demo.raft_cluster({.servers = {"A", "B", "C"},
                                     .timing = timing,
                                     .fixed_election_timeouts = demos::kElectionsByHand});
  auto& world = cluster.world();
  const auto answered = [&] {
    const auto& operations = cluster.history().operations();
    return !operations.empty() && operations.back().ret.has_value();
  };
  const auto last_answer = [&] { return cluster.history().operations().back().result; };

  demo.step("A is elected; x←1 is on every server and committed (quiet)",
            "A 当选；x←1 已复制到所有服务器并已提交（不显示过程）", [&] {
              demo.silently([&] {
                cluster.timeout("A");
                world.deliver_all();
                cluster.client_put(
                    "A", "x", "1");  // a client's put: in the history the reads are checked against
                world.deliver_all();
              });
            });

  std::vector<Cost> costs;
  const auto measure = [&](raft::ReadMode mode, Cost cost) {
    raft::Features features;
    features.read_mode = mode;
    cluster.set_features(features);
    world.reset_stats();
    const Millis start = world.now();
    const auto entries = cluster.server("A")->last_log_index().value;
    cluster.client_read("A", "x");
    world.run_until(answered, 1'000);
    cost.messages = world.stats().sent;
    cost.ms = world.now() - start;
    cost.entries = cluster.server("A")->last_log_index().value - entries;
    costs.push_back(cost);
    demo.check(answered() && last_answer() == "1", "the client reads x=1", "客户端读到 x=1");
  };

  demo.part("One read, three ways", "同一个读请求，三种方式");
  demo.step("through the log: A appends the read as an entry, answers once it is committed",
            "经过日志：A 把读请求作为日志项追加，提交后回答", [&] {
              measure(raft::ReadMode::log, {"log", "经过日志"});
            });
  demo.step("ReadIndex: A keeps its commit index as the read index and sends one heartbeat round",
            "读索引：A 把已提交索引记为读索引，发出一轮心跳", [&] {
              measure(raft::ReadMode::read_index, {"ReadIndex", "读索引"});
            });
  demo.step(
      "lease mode, first read: A holds no lease yet, so it confirms with a round — "
      "and the round gives it a lease",
      "租约方式，第一次读：A 还没有租约，先用一轮心跳确认——这一轮也给了它租约", [&] {
        measure(raft::ReadMode::lease, {"lease (none)", "租约（未持有）"});
      });
  demo.step("lease mode, second read: within the lease A answers at once",
            "租约方式，第二次读：在租约内，A 立即回答", [&] {
              measure(raft::ReadMode::lease, {"lease read", "租约读"});
            });
  demo.say(table(costs, false), table(costs, true));
  demo.check(costs[0].entries == 1 && costs[1].entries == 0 && costs[3].entries == 0,
             "only the read through the log adds a log entry", "只有经过日志的读会追加日志项");
  demo.check(costs[1].messages == 4 && costs[1].ms == 2 * kLatency,
             "ReadIndex: 4 messages, 2 message delays", "读索引：4 条消息，2 个消息延迟");
  demo.check(costs[3].messages == 0 && costs[3].ms == 0, "a lease read: no message, no delay",
             "租约读：没有消息，没有延迟");

  demo.part("The new leader's read rule", "新领导者的读规则");
  demo.step("x←2: B stores it, C's copy is lost; B's reply lets A commit it and answer its client",
            "x←2：B 存下了，发给 C 的丢失；B 的回复让 A 提交并回答客户端", [&] {
              demo.silently([&] { world.run(100); });
              cluster.set_features({});
              cluster.client_put("A", "x", "2");
              world.deliver("A", "B");
              world.drop("A", "C");
              world.deliver("B", "A");
            });
  demo.step("A crashes; B is elected before it learns that x←2 is committed",
            "A 崩溃；B 当选，但它还不知道 x←2 已提交", [&] {
              world.crash("A");
              cluster.timeout("B");
              world.deliver("B", "C");
              world.deliver("C", "B");
            });
  const auto lagging = cluster.server("B")->commit_index();
  demo.step("a client reads x at B (ReadIndex): B waits until its noop commits",
            "客户端在 B 读 x（读索引方式）：B 等到它的 noop 提交之后", [&] {
              raft::Features features;
              features.read_mode = raft::ReadMode::read_index;
              cluster.set_features(features);
              cluster.client_read("B", "x");
              world.run_until(answered, 1'000);
            });
  demo.check(cluster.server("B")->log().term_at(lagging) != cluster.server("B")->current_term(),
             "B's commit index at its election was of an older term",
             "B 当选时的已提交索引属于更早的任期");
  demo.check(answered() && last_answer() == "2", "B answers x=2, the committed value",
             "B 回答 x=2，即已提交的值");
  demo.say(
      "With the rule off (set rule read-after-own-term-commit off), B answers at once from "
      "its lagging commit index: x=1, a stale read — see "
      "tests/scenarios/raft/read_after_own_term_commit_off.txt.",
      "关闭这条规则（`set rule read-after-own-term-commit off`）时，B 立即按落后的已提交索引"
      "回答：x=1，读到了旧值——见 tests/scenarios/raft/read_after_own_term_commit_off.txt。");
  return demo.finish();
}
