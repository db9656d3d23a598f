// How much CPU the nodes of a cluster started by `conlab cluster start` use
// while the benchmark runs (the nodes: tools/cluster_processes.h,
// running_nodes): the user and system time the kernel counts for each
// process (/proc/PID/stat), summed over the nodes. Linux only; on
// another system, or for a cluster given by --cluster, nothing is known.
#pragma once

#include <sys/types.h>
#include <optional>
#include <vector>

namespace consensus_lab::bench {

// CPU seconds used so far by all of `processes`, or none if one of them
// cannot be read (it ended).
std::optional<double> cpu_seconds(const std::vector<pid_t>& processes);

}  // namespace consensus_lab::bench
