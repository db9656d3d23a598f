#include "tools/jepsen/nemesis.h"

#include <iterator>
#include <thread>

#include "sim/rng.h"

namespace consensus_lab::tools::jepsen {

using narration::Text;

std::optional<std::set<Fault>> parse_faults(const std::string& text) {
  std::set<Fault> faults;
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string word = text.substr(at, comma - at);
    if (word == "kill") {
      faults.insert(Fault::kill);
    } else if (word == "pause") {
      faults.insert(Fault::pause);
    } else if (word == "partition") {
      faults.insert(Fault::partition);
    } else {
      return std::nullopt;
    }
    at = comma + 1;
  }
  return faults;
}

namespace {

class Nemesis {
 public:
  Nemesis(Nodes& nodes, std::uint64_t seed, Clock::time_point start, const std::atomic<bool>& stop,
          const LeaderSeen& leader)
      : nodes_(nodes), rng_(seed), start_(start), stop_(stop), leader_(leader) {}

  void strike(Fault fault) {
    const NodeId node = victim();
    if (fault == Fault::kill) return kill(node);
    if (fault == Fault::pause) return pause(node);
    partition(node);
  }

  // Sleep `ms`, or less if the run ends.
  void wait(Millis ms) {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (!stop_ && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  sim::Rng& rng() { return rng_; }
  std::vector<NemesisEvent> events;

 private:
  NodeId victim() {
    const NodeId seen = leader_.last();
    if (!seen.empty() && rng_.chance(50)) return seen;
    auto it = nodes_.cluster().begin();
    std::advance(it, rng_.between(0, nodes_.cluster().size() - 1));
    return it->first;
  }

  void tell(Text what) {
    const Millis at =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count();
    events.push_back({at, std::move(what)});
  }

  void kill(const NodeId& node) {
    nodes_.kill(node);
    tell({"kill -9 " + node, "kill -9 " + node});
    wait(static_cast<Millis>(rng_.between(300, 1500)));
    const bool started = nodes_.start(node);
    tell(started ? Text{"restart " + node, "重启 " + node}
                 : Text{"restart " + node + " failed", "重启 " + node + " 失败"});
  }

  void pause(const NodeId& node) {
    nodes_.pause(node);
    tell({"pause " + node + " (SIGSTOP)", "暂停 " + node + "（SIGSTOP）"});
    wait(static_cast<Millis>(rng_.between(300, 1500)));
    nodes_.resume(node);
    tell({"resume " + node + " (SIGCONT)", "恢复 " + node + "（SIGCONT）"});
  }

  void partition(const NodeId& node) {
    std::set<Link> links;
    const auto kind = rng_.between(0, 2);
    NodeId other = node;
    while (kind == 1 && other == node) other = victim();
    for (const auto& [id, where] : nodes_.cluster()) {
      if (id == node || (kind == 1 && id != other)) continue;
      links.insert({node, id});
      links.insert({id, node});
    }
    if (kind == 2) {
      const auto ms = static_cast<Millis>(rng_.between(50, 200));
      nodes_.proxy().delay(links, ms);
      tell({"slow links of " + node + " (" + std::to_string(ms) + " ms)",
            node + " 的链路变慢（" + std::to_string(ms) + " 毫秒）"});
    } else if (kind == 1) {
      nodes_.proxy().drop(links);
      tell({"cut " + node + " <-> " + other, "切断 " + node + " <-> " + other});
    } else {
      nodes_.proxy().drop(links);
      tell({"isolate " + node, "隔离 " + node});
    }
    wait(static_cast<Millis>(rng_.between(300, 1500)));
    nodes_.proxy().heal();
    tell({"heal the network", "恢复网络"});
  }

  Nodes& nodes_;
  sim::Rng rng_;
  Clock::time_point start_;
  const std::atomic<bool>& stop_;
  const LeaderSeen& leader_;
};

}  // namespace

std::vector<NemesisEvent> run_nemesis(Nodes& nodes, const std::set<Fault>& faults,
                                      std::uint64_t seed, Clock::time_point start,
                                      const std::atomic<bool>& stop, const LeaderSeen& leader) {
  Nemesis nemesis(nodes, seed, start, stop, leader);
  // The faults in turn, from one drawn at random: even a short run meets
  // each of them.
  const std::vector<Fault> chosen(faults.begin(), faults.end());
  std::size_t turn = chosen.empty() ? 0 : nemesis.rng().between(0, chosen.size() - 1);
  while (true) {
    nemesis.wait(static_cast<Millis>(nemesis.rng().between(500, 1500)));
    if (stop || chosen.empty()) break;
    nemesis.strike(chosen[turn++ % chosen.size()]);
  }
  return std::move(nemesis.events);
}

}  // namespace consensus_lab::tools::jepsen
