// `conlab run FILE…`: run scenario files (docs/scenarios.md).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "sim/narration.h"
#include "tools/commands.h"
#include "tools/scenario/runner.h"

namespace po = boost::program_options;

namespace consensus_lab::tools {

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

}  // namespace consensus_lab::tools
