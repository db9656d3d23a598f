// `conlab bench election` (the Raft paper's Figure 16) and `conlab bench
// checker` (how fast the randomized checker runs).
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <string>

#include "tools/bench/election.h"
#include "tools/commands.h"

namespace po = boost::program_options;

namespace consensus_lab::tools {

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

}  // namespace consensus_lab::tools
