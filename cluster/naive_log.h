// A replicated log built the naive way — one Basic Paxos instance per slot,
// every proposer competing for every slot (notes, Multi-Paxos: "直接通过多次执行
// Basic Paxos 实例，来实现一系列值的共识"). It shows the two problems the notes
// name: proposals conflict, and every value costs two round trips (准备阶段和
// 接受阶段). Demo 06 prints what it costs; demo 08 sets it beside a master.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/types.h"
#include "paxos/proposal_number.h"

namespace consensus_lab::cluster {

struct NaiveLogOptions {
  std::vector<NodeId> acceptors;                         // each also a learner
  std::map<NodeId, std::vector<std::string>> proposals;  // proposer → its values, in order
  std::uint64_t seed = 1;
  Millis latency_min = 5, latency_max = 15;
  Millis round_timeout = 60;
  Millis backoff_max = 100;  // random back-off 0..max before a retry
  // Called with each slot's instance before it runs (to record it, say)…
  std::function<void(std::uint64_t slot, class PaxosCluster&)> on_start;
  // …and once it is finished (to draw it).
  std::function<void(std::uint64_t slot, const class PaxosCluster&)> on_slot;
};

struct NaiveSlot {
  std::string value;         // the value chosen in this slot
  NodeId winner;             // whose value it was
  std::size_t rounds = 0;    // proposal numbers used by all proposers together
  std::size_t messages = 0;  // messages sent until every learner learned it
  std::size_t prepares = 0;
  Millis elapsed = 0;  // simulated time until chosen (a majority accepted)
  Millis known = 0;    // …until the winning proposer knew it (Accepted back)
};

// Fill slots until every proposer's values are chosen (each slot is a fresh
// Basic Paxos instance in which every proposer with a value left competes).
std::vector<NaiveSlot> run_naive_log(const NaiveLogOptions& options);

}  // namespace consensus_lab::cluster
