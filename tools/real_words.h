// What the real-mode commands print (`conlab cluster start|stop`, `conlab
// put|get`, `conlab bench --cluster`), in English or in the notes' Chinese.
// Kept apart from the commands, which need a running cluster, so that a unit
// test can read every line in both languages (tests/unit/real_words_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "narration/line.h"

namespace consensus_lab::tools {

using narration::Lang;

// A protocol ("paxos", "multipaxos", "raft") as the notes write its name:
// Basic Paxos, Multi-Paxos, Raft.
std::string notes_name(const std::string& protocol);

// `conlab cluster stop`: "stopped 3 nodes".
std::string stopped_text(int stopped, Lang lang);

// `conlab cluster start`, a line per node: "A: pid 4242, 127.0.0.1:7001, log DIR/A.log".
std::string started_text(const std::string& id, long pid, unsigned short port,
                         const std::string& log, Lang lang);

// `conlab cluster start`, after the nodes: how to write, read, watch, kill a
// node, restart it and stop the cluster.
struct ClusterUse {
  std::string protocol;
  std::size_t nodes = 0;
  std::string conlab;   // how to call conlab from here
  std::string logs;     // DIR/*.log
  std::string restart;  // DIR/restart-A.sh
  std::string dir;      // --dir as given
};
std::string how_to_use_text(const ClusterUse& use, Lang lang);

// What --cluster takes (`conlab put|get`, `conlab bench --cluster`): the
// error when it does not parse.
inline const narration::Text kClusterFormat{"--cluster takes A=HOST:PORT,B=HOST:PORT,…",
                                            "--cluster 的格式是 A=HOST:PORT,B=HOST:PORT,…"};

// `conlab put`: "ok (leader A, 1 attempt)"; `conlab get`: the value, or
// "(none)" ("（无）" in Chinese).
std::string put_text(const std::string& leader, int attempts, Lang lang);
std::string get_text(const std::optional<std::string>& value, Lang lang);

// `conlab bench --cluster`: one line of puts per second and latency.
struct BenchFigures {
  bool reads = false;  // gets, not puts
  std::size_t clients = 0, size = 0;
  double seconds = 0;
  std::uint64_t operations = 0, failures = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0;
  // The nodes' CPU time (user + system) during the run, when known (a
  // cluster started by conlab cluster start, on Linux), and how many nodes.
  std::optional<double> cpu_seconds;
  std::size_t nodes = 0;
};
std::string bench_text(const BenchFigures& figures, Lang lang);

}  // namespace consensus_lab::tools
