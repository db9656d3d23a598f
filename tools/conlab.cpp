// conlab — consensus-lab's command-line tool.
//
//   conlab run FILE…        run scenario files against the simulator
//   conlab check PROTOCOL   the randomized safety checker
//   conlab bench …          benchmarks
//   conlab node, put, get, cluster   real mode over TCP
//
// Each subcommand takes --help.
#include <iostream>
#include <string>

#include "tools/commands.h"

using namespace consensus_lab;

namespace {

const char* const kOverview =
    "conlab — consensus-lab's command-line tool\n"
    "\n"
    "Usage: conlab COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  run FILE…   run scenario files (docs/scenarios.md) against the simulator\n"
    "  check PROTOCOL\n"
    "              thousands of random faulty runs, every invariant checked after every\n"
    "              event; a failure is shrunk to a scenario file (docs/checker.md)\n"
    "  bench election\n"
    "              the Raft paper's election experiment (Figure 16), in simulated time\n"
    "  bench checker\n"
    "              how many seeds and simulated messages per second the checker runs\n"
    "  node        run one node of a real cluster over TCP (docs/real-cluster.md)\n"
    "  put KEY VALUE, get KEY\n"
    "              a client request to a real cluster\n"
    "  cluster start|stop\n"
    "              a local real cluster in the background, on free ports\n"
    "  help        print this help\n"
    "\n"
    "`conlab COMMAND --help` describes a command.\n";

}  // namespace

namespace consensus_lab::tools {

int usage_error(const std::string& message) {
  std::cerr << "conlab: error: " << message << '\n';
  return 2;
}

}  // namespace consensus_lab::tools

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kOverview;
    return 2;
  }
  const std::string command = argv[1];
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << kOverview;
    return 0;
  }
  if (command == "run") return tools::run_command(argc - 1, argv + 1);
  if (command == "check") return tools::check_command(argc - 1, argv + 1);
  if (command == "bench") return tools::bench_command(argc - 1, argv + 1);
  if (command == "node") return tools::node_command(argc - 1, argv + 1);
  if (command == "put" || command == "get") return tools::client_command(argc - 1, argv + 1);
  if (command == "cluster") return tools::cluster_command(argc - 1, argv + 1);
  return tools::usage_error("unknown command '" + command + "' (conlab --help lists them)");
}
