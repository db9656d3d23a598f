// One run of `conlab jepsen`: start the cluster and its proxy, run the
// clients and the nemesis for the time asked, stop everything, check the
// history, print what happened.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "tools/jepsen/nemesis.h"
#include "tools/jepsen/nodes.h"

namespace consensus_lab::tools::jepsen {

struct RunOptions {
  NodesOptions nodes;
  std::size_t clients = 10, keys = 3;
  Millis seconds = 30;
  std::set<Fault> faults;
  std::string nemesis_words;  // as given, for the report
  std::uint64_t seed = 1;
};

// The exit status: 0 linearizable, 1 not (or undecided), 2 when the cluster
// could not be set up (one line on stderr says what failed).
int run(const RunOptions& options);

}  // namespace consensus_lab::tools::jepsen
