// conlab — consensus-lab's command-line tool.
//
//   conlab run FILE…     run scenario files against the simulator
//
// Each subcommand takes --help.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <iomanip>

#include "sim/narration.h"
#include "tools/bench/election.h"
#include "tools/scenario/runner.h"

namespace po = boost::program_options;
using namespace consensus_lab;

namespace {

const char* const kOverview =
    "conlab — consensus-lab's command-line tool\n"
    "\n"
    "Usage: conlab COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  run FILE…   run scenario files (docs/scenarios.md) against the simulator\n"
    "  bench election\n"
    "              the Raft paper's election experiment (Figure 16), in simulated time\n"
    "  help        print this help\n"
    "\n"
    "`conlab COMMAND --help` describes a command.\n";

int usage_error(const std::string& message) {
  std::cerr << "conlab: error: " << message << '\n';
  return 2;
}

int run_command(int argc, char** argv) {
  std::string lang = "en";
  std::vector<std::string> files;
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help")
      ("trace", "print every event as it happens, and each command before it runs")
      ("lang", po::value<std::string>(&lang)->value_name("en|zh")->default_value("en"),
               "narrate in English or in the notes' Chinese")
      ("diagram", po::value<std::string>()->value_name("OUT.md"),
                  "write a Mermaid sequence diagram of the run (one file only)")
      ("seed", po::value<std::uint64_t>()->value_name("N"), "override the file's seed");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>(&files));
  po::options_description all;
  all.add(described).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);

  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
              values);
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(std::string(error.what()) + " (see conlab run --help)");
  }
  if (values.count("help")) {
    std::cout << "Usage: conlab run [options] FILE…\n\n"
                 "Runs each scenario file against the simulator. A file passes when every\n"
                 "command runs and every `expect` holds. The last line counts them:\n"
                 "\"N passed, N failed\".\n\n"
              << described
              << "\nExit status: 0 all passed; 1 an expectation or an invariant failed;\n"
                 "2 a file cannot be run (unknown command, bad number, unknown node…).\n"
                 "With several files, the worst of them.\n\n"
                 "The language: docs/scenarios.md. Examples: tests/scenarios/paxos/.\n";
    return 0;
  }
  scenario::RunOptions options;
  if (lang == "zh") {
    options.lang = sim::Lang::zh;
  } else if (lang != "en") {
    return usage_error("--lang must be en or zh, not '" + lang + "'");
  }
  if (files.empty()) return usage_error("conlab run needs at least one scenario file");
  if (values.count("diagram")) {
    if (files.size() > 1) return usage_error("--diagram draws one run: give one file");
    options.diagram = values["diagram"].as<std::string>();
  }
  if (values.count("seed")) options.seed = values["seed"].as<std::uint64_t>();
  options.trace = values.count("trace") != 0;
  options.colour = sim::colour_wanted(stdout);

  int worst = 0, passed = 0, failed = 0;
  for (const std::string& file : files) {
    const int status = scenario::run_file(file, options, std::cout, std::cerr);
    std::cout.flush();
    status == 0 ? ++passed : ++failed;
    worst = std::max(worst, status);
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return worst;
}

int bench_command(int argc, char** argv) {
  std::string what;
  bench::ElectionOptions options;
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help")
      ("trials", po::value<std::uint64_t>(&options.trials)->value_name("N")->default_value(1000),
                 "trials per election-timeout range")
      ("seed", po::value<std::uint64_t>(&options.seed)->value_name("N")->default_value(1),
               "seed for every random choice");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("what", po::value<std::string>(&what));
  po::options_description all;
  all.add(described).add(hidden);
  po::positional_options_description positional;
  positional.add("what", 1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
              values);
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(std::string(error.what()) + " (see conlab bench --help)");
  }
  if (values.count("help")) {
    std::cout << "Usage: conlab bench election [options]\n\n"
                 "Repeats the Raft paper's election experiment (section 9.3, Figure 16) in\n"
                 "simulated time: 5 servers, broadcast about 15 ms, heartbeat half the minimum\n"
                 "election timeout; the leader crashes at a random point of its heartbeat\n"
                 "interval; two survivors have shorter logs. Prints, per timeout range, the\n"
                 "time without a leader (ms): min, median, p90, p99, max, and the paper's\n"
                 "median read off its figure. docs/raft.md compares them.\n\n"
              << described;
    return 0;
  }
  if (what != "election")
    return usage_error("conlab bench takes `election` (see conlab bench --help)");
  if (options.trials == 0) return usage_error("--trials must be at least 1");

  struct Range {
    Millis low, high;
    const char* paper;  // the paper's median, read off Figure 16
  };
  const Range ranges[] = {{150, 150, "over 10 s"}, {150, 151, "1197"}, {150, 155, "286"},
                          {150, 175, "141"},       {150, 200, "146"},  {150, 300, "171"},
                          {12, 24, "30"},          {25, 50, "43"},     {50, 100, "67"},
                          {100, 200, "120"}};
  std::cout << "election timeout   trials    min  median     p90     p99     max  no leader   "
               "paper median\n";
  for (const Range& range : ranges) {
    const auto row = bench::measure_election(options, range.low, range.high);
    const auto summary = bench::summarize(row);
    std::cout << std::setw(7) << range.low << "-" << std::left << std::setw(6) << range.high
              << std::right << std::setw(7) << options.trials;
    if (summary) {
      std::cout << std::setw(7) << summary->min << std::setw(8) << summary->median << std::setw(8)
                << summary->p90 << std::setw(8) << summary->p99 << std::setw(8) << summary->max;
    } else {
      std::cout << std::setw(39) << "-";
    }
    std::cout << std::setw(11) << row.timed_out << "   " << range.paper << '\n' << std::flush;
  }
  std::cout << "(times in simulated ms, from the crash until every survivor has heard the new "
               "leader; \"no leader\": trials without one after 10 s)\n";
  return 0;
}

}  // namespace

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
  if (command == "run") return run_command(argc - 1, argv + 1);
  if (command == "bench") return bench_command(argc - 1, argv + 1);
  return usage_error("unknown command '" + command + "' (conlab --help lists them)");
}
