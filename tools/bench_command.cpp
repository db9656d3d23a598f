// `conlab bench election` (the Raft paper's Figure 16) and `conlab bench
// checker` (how fast the randomized checker runs).
#include <boost/program_options.hpp>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <string>

#include "net/client.h"
#include "tools/bench/election.h"
#include "tools/bench/real.h"
#include "tools/check/checker.h"
#include "tools/commands.h"

namespace po = boost::program_options;

namespace consensus_lab::tools {

namespace {

int bench_election(int argc, char** argv) {
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
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(described).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(std::string(error.what()) + " (see conlab bench election --help)");
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

int bench_checker(int argc, char** argv) {
  std::uint64_t seeds = 300;
  check::Options base;
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help")
      ("seeds", po::value<std::uint64_t>(&seeds)->value_name("N")->default_value(300),
                "seeds per protocol and mode (1..N)")
      ("steps", po::value<std::size_t>(&base.steps)->value_name("S")->default_value(100),
                "safety-phase steps per seed, as conlab check --steps")
      ("nodes", po::value<std::size_t>(&base.nodes)->value_name("N")->default_value(3),
                "servers per cluster");
  // clang-format on
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(described).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(std::string(error.what()) + " (see conlab bench checker --help)");
  }
  if (values.count("help")) {
    std::cout << "Usage: conlab bench checker [options]\n\n"
                 "Runs `conlab check` on one core for each protocol — every fault on, every\n"
                 "rule on — twice: with every invariant checked after every event, and with\n"
                 "the checks off. Prints seeds, simulated events and delivered messages per\n"
                 "second of wall-clock time (docs/checker.md).\n\n"
              << described;
    return 0;
  }
  if (seeds == 0) return usage_error("--seeds must be at least 1");
  if (base.nodes < 1 || base.nodes > 9) return usage_error("--nodes must be 1 to 9");

  std::cout << "protocol     invariants   seeds   seeds/s    events/s  delivered/s  "
               "delivered/seed\n";
  for (const char* protocol : {"paxos", "multipaxos", "raft"}) {
    for (const bool checked : {true, false}) {
      check::Options options = base;
      options.protocol = protocol;
      options.check_invariants = checked;
      std::uint64_t events = 0, delivered = 0;
      const auto start = std::chrono::steady_clock::now();
      for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        const auto run = check::run_seed(options, seed);
        events += run.events;
        delivered += run.delivered;
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      auto per_second = [&](double n) { return seconds > 0 ? n / seconds : 0.0; };
      std::cout << std::left << std::setw(13) << protocol << std::setw(11)
                << (checked ? "checked" : "off") << std::right << std::fixed << std::setprecision(0)
                << std::setw(7) << seeds << std::setw(10) << per_second(static_cast<double>(seeds))
                << std::setw(12) << per_second(static_cast<double>(events)) << std::setw(13)
                << per_second(static_cast<double>(delivered)) << std::setw(16)
                << static_cast<double>(delivered) / static_cast<double>(seeds) << '\n'
                << std::flush;
    }
  }
  std::cout << "(one thread; a seed is a whole run: cluster set-up, safety and liveness phases)\n";
  return 0;
}

int bench_real(int argc, char** argv) {
  bench::RealOptions options;
  std::string cluster;
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help")
      ("cluster", po::value<std::string>(&cluster)->value_name("A=HOST:PORT,…"),
                  "the cluster (started with conlab cluster start, or conlab node)")
      ("clients", po::value<std::size_t>(&options.clients)->value_name("N")->default_value(1),
                  "closed-loop clients, each one put at a time")
      ("seconds", po::value<double>(&options.seconds)->value_name("S")->default_value(5),
                  "how long to run")
      ("size", po::value<std::size_t>(&options.size)->value_name("B")->default_value(256),
               "bytes per value");
  // clang-format on
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(described).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(std::string(error.what()) + " (see conlab bench --help)");
  }
  if (values.count("help")) {
    std::cout << "Usage: conlab bench --cluster A=HOST:PORT,… [options]\n\n"
                 "Puts as fast as N clients can, each waiting for its answer before the next,\n"
                 "to the leader of a real cluster; prints puts per second and latency. Whether\n"
                 "the cluster is durable or in memory is how its nodes were started\n"
                 "(conlab cluster start [--in-memory]); docs/real-cluster.md has figures.\n\n"
              << described;
    return 0;
  }
  const auto nodes = net::parse_cluster(cluster);
  if (!nodes) return usage_error("--cluster takes A=HOST:PORT,B=HOST:PORT,…");
  options.cluster = *nodes;
  if (options.clients < 1 || options.clients > 4096) return usage_error("--clients: 1 to 4096");
  if (!(options.seconds > 0)) return usage_error("--seconds must be more than 0");
  if (options.size < 1 || options.size > 1'000'000) return usage_error("--size: 1 to 1000000");
  const auto result = bench::run_real(options);
  if (!result.error.empty()) {
    std::cerr << "conlab bench: error: " << result.error << '\n';
    return 1;
  }
  std::cout << std::fixed << std::setprecision(0) << options.clients << " client"
            << (options.clients == 1 ? "" : "s") << ", " << options.size << "-byte values, "
            << std::setprecision(1) << result.seconds << " s: " << std::setprecision(0)
            << static_cast<double>(result.operations) / result.seconds << " puts/s, latency p50 "
            << result.p50_us << " us, p90 " << result.p90_us << " us, p99 " << result.p99_us
            << " us (" << result.operations << " puts, " << result.failures << " failed)\n";
  return result.failures > 0 && result.operations == 0 ? 1 : 0;
}

}  // namespace

int bench_command(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what.rfind("--", 0) == 0 && what != "--help") return bench_real(argc, argv);
  if (what == "election") return bench_election(argc - 1, argv + 1);
  if (what == "checker") return bench_checker(argc - 1, argv + 1);
  if (what == "--help" || what == "-h") {
    std::cout << "Usage: conlab bench election|checker [options]\n"
                 "       conlab bench --cluster A=HOST:PORT,… [options]\n\n"
                 "  election   the Raft paper's election experiment (Figure 16)\n"
                 "  checker    how fast the randomized checker runs\n"
                 "  --cluster  puts per second and latency of a real cluster\n\n"
                 "`conlab bench WHAT --help` describes each.\n";
    return 0;
  }
  return usage_error("conlab bench takes `election` or `checker` (see conlab bench --help)");
}

}  // namespace consensus_lab::tools
