#include "tools/explore/start.h"

#include <algorithm>
#include <string>

#include "tools/explore/multipaxos_model.h"
#include "tools/explore/paxos_model.h"
#include "tools/explore/raft_model.h"
#include "tools/scenario/script.h"

namespace consensus_lab::explore {

namespace {

using narration::Text;

// Every server can talk to every other: a partition cannot be enumerated.
template <class World>
std::optional<Text> whole_network(const World& world) {
  const auto ids = world.node_ids();
  if (ids.size() > 32)
    return Text{"the explorer takes at most 32 nodes", "探索器最多处理 32 个节点"};
  for (std::size_t a = 0; a < ids.size(); ++a) {
    for (std::size_t b = 0; b < ids.size(); ++b) {
      if (!world.can_talk(a, b)) {
        return Text{
            "the explorer starts from a whole network: end the set-up's partition with "
            "`heal`",
            "探索器从完整的网络出发：请在初始设置中用 `heal` 结束分区"};
      }
    }
  }
  return std::nullopt;
}

// Each node whose timer may fire is one of `nodes` (what `kind` names).
std::optional<Text> timers_of(const Budget& budget, const std::vector<NodeId>& nodes,
                              const Text& kind) {
  for (const std::string& id : budget.timeouts) {
    if (std::find(nodes.begin(), nodes.end(), id) == nodes.end()) {
      return Text{"timeouts: " + id + " is not a " + kind.en + " of the set-up",
                  "`timeouts`：" + id + " 不是初始设置中的" + kind.zh};
    }
  }
  return std::nullopt;
}

// Only Multi-Paxos's clock moves: `tick` is for it alone.
std::optional<Text> still_clock(const Budget& budget, const std::string& protocol) {
  if (budget.tick == 0) return std::nullopt;
  return Text{"tick is for multipaxos: the " + protocol + " model's clock stands still",
              "`tick` 只用于 `multipaxos`：" + protocol + " 模型的时钟不走"};
}

}  // namespace

Start paxos_start(const cluster::PaxosCluster& start, const Budget& budget) {
  if (auto refused = whole_network(start.world())) return *refused;
  if (auto refused = still_clock(budget, "paxos")) return *refused;
  if (auto refused = timers_of(budget, start.options().proposers, {"proposer", "提议者"}))
    return *refused;
  for (const NodeId& id : start.options().proposers) {
    if (!start.world().is_up(id)) {
      return Text{"the explorer starts with every proposer up: " + id + " is down",
                  "探索器要求开始时每个提议者都在运行：" + id + " 已崩溃"};
    }
  }
  if (!budget.puts.empty()) {
    return Text{"paxos takes no client puts: its proposals are the set-up's `propose` lines",
                "paxos 不接收客户端写入：它的提案就是初始设置中的 `propose` 各行"};
  }
  if (start.options().backoff) {
    return Text{"the explorer cannot try every random back-off: leave out `set backoff`",
                "探索器无法尝试每一种随机退避：请去掉 `set backoff`"};
  }
  return paxos_model(start, budget);
}

Start raft_start(const cluster::RaftCluster& start, const Budget& budget) {
  if (auto refused = whole_network(start.world())) return *refused;
  if (auto refused = still_clock(budget, "raft")) return *refused;
  if (auto refused = timers_of(budget, start.options().servers, {"server", "服务器"}))
    return *refused;
  for (const NodeId& id : start.options().servers) {
    if (!start.world().is_up(id)) {
      return Text{"the explorer starts with every server up: " + id + " is down (`restart " + id +
                      "` before `explore`)",
                  "探索器要求开始时每个服务器都在运行：" + id +
                      " 已崩溃（请在 `explore` 之前 `restart " + id + "`）"};
    }
  }
  const raft::Features& f = start.options().features;
  if (f.check_quorum || f.read_mode == raft::ReadMode::lease) {
    return Text{"the explorer's clock stands still: check-quorum and lease reads need one",
                "探索器的时钟不走：`check-quorum` 和租约读需要时钟"};
  }
  // What RaftInvariants checks and the model does not: snapshots, leader
  // stability, and the clients' reads (a history of puts alone is always
  // linearizable).
  bool snapshot = f.snapshot_every != 0;
  for (std::size_t i = 0; i < start.options().servers.size(); ++i)
    snapshot = snapshot || start.state_at(i).log.base_index().value > 0;
  if (snapshot || start.options().leader_stability) {
    return Text{
        "the explorer checks no snapshots and no leader stability: leave out "
        "`snapshot`, `set snapshot-every` and `set leader-stability`",
        "探索器不检查快照和领导者稳定性：请去掉 `snapshot`、`set snapshot-every` 和 "
        "`set leader-stability`"};
  }
  const auto& operations = start.history().operations();
  if (f.read_mode != raft::ReadMode::log ||
      std::any_of(operations.begin(), operations.end(),
                  [](const Operation& o) { return o.kind == Operation::Kind::read; })) {
    return Text{"the explorer checks no client reads: leave out `read` and `set read-mode`",
                "探索器不检查客户端的读：请去掉 `read` 和 `set read-mode`"};
  }
  return raft_model(start, budget);
}

Start multipaxos_start(const cluster::MultiPaxosCluster& start, const Budget& budget) {
  if (auto refused = whole_network(start.world())) return *refused;
  if (auto refused = timers_of(budget, start.options().replicas, {"replica", "副本"}))
    return *refused;
  for (const NodeId& id : start.options().replicas) {
    if (!start.world().is_up(id)) {
      return Text{"the explorer starts with every replica up: " + id + " is down (`restart " + id +
                      "` before `explore`)",
                  "探索器要求开始时每个副本都在运行：" + id +
                      " 已崩溃（请在 `explore` 之前 `restart " + id + "`）"};
    }
    // The clock moves only to the next timer due: a random timeout would
    // make a draw the replay does not make.
    if (start.options().fixed_election_timeouts.count(id) == 0) {
      return Text{
          "the explorer moves the clock from timer to timer: fix every replica's "
          "election timeout (`set election-timeout A=150 B=200 C=300`); " +
              id + "'s is random",
          "探索器让时钟从一个计时器走到下一个：请固定每个副本的选举超时"
          "（`set election-timeout A=150 B=200 C=300`）；" +
              id + " 的是随机的"};
    }
  }
  // A step of the clock is one `advance` line, which moves it at most
  // kLongestStep; no timer is set further ahead than these.
  const multipaxos::Timing& t = start.options().timing;
  Millis longest = std::max(t.heartbeat, t.lease);
  for (const auto& [id, timeout] : start.options().fixed_election_timeouts)
    longest = std::max(longest, timeout);
  if (longest > scenario::kLongestStep) {
    return Text{"the explorer moves the clock at most " + std::to_string(scenario::kLongestStep) +
                    " ms in one step (`advance`): an election timeout, the heartbeat or the "
                    "lease is longer",
                "探索器每一步（`advance`）最多让时钟走 " + std::to_string(scenario::kLongestStep) +
                    " 毫秒：有选举超时、心跳间隔或租约比这更长"};
  }
  if (start.world().now() >= Millis{1} << 30) {
    return Text{"the explorer starts before 1,073,741,824 ms",
                "探索器只能从 1,073,741,824 毫秒之前开始"};
  }
  // A history of puts alone is always linearizable: the model leaves the
  // clients' check out, so it must not start with a read.
  const auto& operations = start.history().operations();
  if (std::any_of(operations.begin(), operations.end(),
                  [](const Operation& o) { return o.kind == Operation::Kind::read; })) {
    return Text{"the explorer checks no client reads: leave out `read`",
                "探索器不检查客户端的读：请去掉 `read`"};
  }
  return multipaxos_model(start, budget);
}

}  // namespace consensus_lab::explore
