// How a protocol plugs into the scenario runner. The runner reads the file,
// handles the header words every protocol shares (protocol, nodes, seed) and
// the reporting; everything else goes to the protocol's ProtocolScenario.
// WorldScenario (world_scenario.h) implements the commands that only need the
// simulator (deliver, drop, run, crash, partition, expect sent…), so a
// protocol adds just its own commands and expectations.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "narration/line.h"
#include "sim/trace.h"

namespace consensus_lab::viewer {
class Page;
}
#include "tools/scenario/rules.h"
#include "tools/scenario/script.h"

namespace consensus_lab::scenario {

struct Narration {
  bool trace = false;  // narrate every event as it happens
  narration::Lang lang = narration::Lang::en;
  bool colour = false;
  std::ostream* out = nullptr;
  viewer::Page* page = nullptr;  // record every event into it (viewer/views.h)
};

// A queued message, as the randomized checker sees it.
struct QueuedMessage {
  NodeId from, to;
  std::string type;
};

// What the randomized checker (tools/check) asks of a protocol. Every change
// it makes to a cluster is a scenario line, so that any run it makes can be
// written out as a file and replayed by `conlab run`; these calls only look,
// and propose the lines that fit the cluster's state.
class Checkable {
 public:
  virtual ~Checkable() = default;
  // Header lines after `nodes` (paxos: `proposers …`; multipaxos with four
  // nodes or more: `members …`, the others join later) and settings after it.
  virtual std::vector<std::string> check_header(const std::vector<NodeId>& nodes) const = 0;
  virtual std::vector<std::string> check_settings() const = 0;
  // The nodes that can crash or be cut off (servers, not client proposers).
  virtual std::vector<NodeId> servers() const = 0;
  virtual bool is_up(const NodeId& id) const = 0;
  // The live leader (master), if the protocol has one: faults aim at it.
  virtual std::optional<NodeId> leader() const = 0;
  virtual std::vector<QueuedMessage> queued_messages() const = 0;
  virtual Millis now() const = 0;
  virtual std::uint64_t delivered() const = 0;
  virtual std::uint64_t events() const = 0;
  // Speed: keep no trace; optionally skip the invariants (benchmarks only).
  virtual void run_fast(bool check_invariants) = 0;
  // A client's request `number` as a line that runs now (a put to the
  // leader, a proposal), or none when no node would take it. `pick` is a
  // random number for any choice to make (which proposer).
  virtual std::optional<std::string> client_line(std::uint64_t number, std::uint64_t pick) = 0;
  // A membership change as lines that run now, one after the other
  // (multipaxos: `add-replica`, `remove-replica`; both, to replace a member),
  // or none when this protocol has none or it would not be wise now. `pick`
  // is a random number.
  virtual std::vector<std::string> membership_lines(std::uint64_t /*pick*/) { return {}; }
  // A leadership transfer as a line that runs now (raft: `transfer-leadership
  // ID` to a live server other than the leader, `pick` choosing which), or
  // none when this protocol has none or nobody leads.
  virtual std::optional<std::string> transfer_line(std::uint64_t /*pick*/) { return std::nullopt; }
  // Liveness phase, once the network is healthy: lines that give the cluster
  // new work, and afterwards the expectations that hold if it made progress.
  virtual std::vector<std::string> probe_lines(std::uint64_t number) = 0;
  virtual std::vector<std::string> progress_lines() const = 0;
  // Client commands (paxos: values) chosen or committed so far.
  virtual std::uint64_t committed() const = 0;
};

class ProtocolScenario : public Checkable {
 public:
  virtual ~ProtocolScenario() = default;
  // A header line other than protocol / nodes / seed (paxos: `proposers`).
  // Returns false for a word that is not a header command of this protocol.
  virtual bool header(const Line& line) = 0;
  // The header is over: build the cluster.
  virtual void start(const std::vector<NodeId>& nodes, std::uint64_t seed,
                     const Narration& narration) = 0;
  // The rules `set rule NAME off|on` can switch, from the protocol's table.
  virtual std::vector<RuleText> rules() const = 0;
  // Run one setting, driving command or expectation. Throws ScenarioError.
  virtual void execute(const Line& line) = 0;
  // The first invariant violation so far, if any.
  virtual std::optional<sim::Violated> violation() const = 0;
  // Print any narration still held back (a broadcast being gathered).
  virtual void flush_narration() = 0;
  virtual void write_diagram(std::ostream& out, narration::Lang lang) const = 0;
};

using ProtocolFactory = std::function<std::unique_ptr<ProtocolScenario>()>;

// Every protocol the language knows: paxos, multipaxos, raft.
const std::map<std::string, ProtocolFactory>& protocols();

std::unique_ptr<ProtocolScenario> make_paxos_scenario();
std::unique_ptr<ProtocolScenario> make_multipaxos_scenario();
std::unique_ptr<ProtocolScenario> make_raft_scenario();

}  // namespace consensus_lab::scenario
