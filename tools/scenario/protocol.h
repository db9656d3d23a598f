// How a protocol plugs into the scenario runner. The runner reads the file,
// handles the header words every protocol shares (protocol, nodes, seed) and
// the reporting; everything else goes to the protocol's ProtocolScenario.
// WorldScenario (world_scenario.h) implements the commands that only need the
// simulator (deliver, drop, run, crash, partition, expect sent…), so a
// protocol adds just its own commands and expectations.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/narration.h"
#include "sim/trace.h"
#include "tools/scenario/script.h"

namespace consensus_lab::scenario {

struct Narration {
  bool trace = false;  // narrate every event as it happens
  sim::Lang lang = sim::Lang::en;
  bool colour = false;
  std::ostream* out = nullptr;
};

class ProtocolScenario {
 public:
  virtual ~ProtocolScenario() = default;
  // A header line other than protocol / nodes / seed (paxos: `proposers`).
  // Returns false for a word that is not a header command of this protocol.
  virtual bool header(const Line& line) = 0;
  // The header is over: build the cluster.
  virtual void start(const std::vector<NodeId>& nodes, std::uint64_t seed,
                     const Narration& narration) = 0;
  // Run one setting, driving command or expectation. Throws ScenarioError.
  virtual void execute(const Line& line) = 0;
  // The first invariant violation so far, if any.
  virtual std::optional<sim::Violated> violation() const = 0;
  // Print any narration still held back (a broadcast being gathered).
  virtual void flush_narration() = 0;
  virtual void write_diagram(std::ostream& out, sim::Lang lang) const = 0;
};

using ProtocolFactory = std::function<std::unique_ptr<ProtocolScenario>()>;

// Every protocol the language knows: paxos, multipaxos, raft.
const std::map<std::string, ProtocolFactory>& protocols();

std::unique_ptr<ProtocolScenario> make_paxos_scenario();
std::unique_ptr<ProtocolScenario> make_multipaxos_scenario();
std::unique_ptr<ProtocolScenario> make_raft_scenario();

}  // namespace consensus_lab::scenario
