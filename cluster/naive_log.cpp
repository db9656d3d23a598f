#include "cluster/naive_log.h"

#include <deque>

#include "cluster/paxos_cluster.h"

namespace consensus_lab::cluster {

std::vector<NaiveSlot> run_naive_log(const NaiveLogOptions& options) {
  std::map<NodeId, std::deque<std::string>> pending;
  for (const auto& [proposer, values] : options.proposals) {
    pending[proposer].assign(values.begin(), values.end());
  }
  std::vector<NaiveSlot> slots;
  std::uint64_t slot_number = 0;
  for (;;) {
    std::vector<NodeId> competing;
    for (const auto& [proposer, values] : pending) {
      if (!values.empty()) competing.push_back(proposer);
    }
    if (competing.empty()) break;
    ++slot_number;

    // One Basic Paxos instance for this slot.
    PaxosOptions instance{.servers = options.acceptors,
                          .proposers = competing,
                          .seed = options.seed * 1000 + slot_number,
                          .round_timeout = options.round_timeout,
                          .backoff = std::pair<Millis, Millis>{0, options.backoff_max}};
    PaxosCluster cluster(instance);
    if (options.on_start) options.on_start(slot_number, cluster);
    auto& world = cluster.world();
    world.keep_trace(static_cast<bool>(options.on_slot));
    world.set_latency({options.latency_min, options.latency_max});
    for (const NodeId& proposer : competing) cluster.propose(proposer, pending[proposer].front());
    world.run_until([&] { return !cluster.chosen().empty(); }, 60'000);
    const Millis chosen_at = world.now();
    world.run_until(
        [&] {
          for (const NodeId& proposer : competing) {
            if (cluster.proposer(proposer).chosen()) return true;
          }
          return false;
        },
        1'000);
    const Millis known_at = world.now();
    // Let the learners hear of it (the cost of a value includes telling them).
    world.run_until(
        [&] {
          for (const NodeId& id : options.acceptors) {
            if (!cluster.learned(id)) return false;
          }
          return true;
        },
        1'000);

    NaiveSlot slot;
    slot.value = cluster.chosen().front().value;
    for (const NodeId& proposer : competing) {
      slot.rounds += cluster.proposer(proposer).rounds();
      if (pending[proposer].front() == slot.value && slot.winner.empty()) {
        slot.winner = proposer;
      }
    }
    slot.messages = world.stats().sent;
    slot.prepares = world.stats().sent_of("prepare");
    slot.elapsed = chosen_at;
    slot.known = known_at;
    pending[slot.winner].pop_front();
    if (options.on_slot) options.on_slot(slot_number, cluster);
    slots.push_back(slot);
  }
  return slots;
}

}  // namespace consensus_lab::cluster
