// `conlab check PROTOCOL`: the randomized safety checker (docs/checker.md).
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tools/check/checker.h"
#include "tools/commands.h"
#include "tools/scenario/script.h"

namespace po = boost::program_options;

namespace consensus_lab::tools {

namespace {

using Clock = std::chrono::steady_clock;

// "1234567" → "1,234,567".
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "A..B" (or "N": one seed).
bool parse_seeds(const std::string& text, std::uint64_t& first, std::uint64_t& last) {
  try {
    const auto dots = text.find("..");
    const std::string a = text.substr(0, dots);
    const std::string b = dots == std::string::npos ? a : text.substr(dots + 2);
    first = scenario::parse_number(a, "the first seed");
    last = scenario::parse_number(b, "the last seed");
    return first <= last;
  } catch (const std::exception&) {
    return false;
  }
}

// The progress bar, on stderr when it is a terminal: redrawn at most ten
// times a second.
class Progress {
 public:
  Progress(std::uint64_t total) : total_(total), shown_(isatty(STDERR_FILENO) != 0) {}

  void update(std::uint64_t done, std::uint64_t violations, double seconds, bool last = false) {
    if (!shown_) return;
    const auto now = Clock::now();
    if (!last && now - drawn_ < std::chrono::milliseconds(100)) return;
    drawn_ = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * done / std::max<std::uint64_t>(total_, 1));
    std::ostringstream line;
    line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << done << "/"
         << total_ << " seeds  " << std::fixed << std::setprecision(0)
         << (seconds > 0 ? static_cast<double>(done) / seconds : 0.0) << " seeds/s  " << violations
         << (violations == 1 ? " violation " : " violations");
    std::cerr << line.str() << std::flush;
  }
  void clear() {
    if (shown_) std::cerr << "\r" << std::string(79, ' ') << "\r" << std::flush;
  }

 private:
  std::uint64_t total_;
  bool shown_;
  Clock::time_point drawn_{};
};

std::string describe(check::Verdict verdict) {
  switch (verdict) {
    case check::Verdict::safety:
      return "safety";
    case check::Verdict::liveness:
      return "liveness";
    case check::Verdict::error:
      return "error";
    case check::Verdict::passed:
      break;
  }
  return "passed";
}

// Say what failed, write the shrunk run as a scenario file.
bool report(const check::Options& options, const check::Counterexample& found,
            const std::string& out_path) {
  const check::Run& run = found.found;
  std::cout << "seed " << found.seed << ": " << run.detail << "\n";
  std::cout << "  at line " << run.failed + 1 << " of the run: " << run.lines[run.failed] << "\n";
  if (run.verdict == check::Verdict::error) {
    std::cout << "  (the checker made a line the scenario runner refused: a bug in the checker)\n";
    return false;
  }
  const check::Run& small = found.shrunk.run;
  std::cout << "shrunk from " << run.lines.size() << " to " << small.lines.size() << " lines ("
            << found.shrunk.replays << " replays): " << small.detail << "\n";
  const auto events = check::events_before_failure(small);
  if (!events.empty() && small.verdict == check::Verdict::safety) {
    std::cout << "the events that broke it:\n";
    for (const auto& line : events) std::cout << "  " << line << "\n";
  }
  const std::string name = std::filesystem::path(out_path).filename().string();
  const std::string text =
      check::scenario_file(small,
                           check::command_line(options, found.seed) + " (shrunk from " +
                               std::to_string(run.lines.size()) + " lines)",
                           name);
  std::ofstream file(out_path);
  file << text;
  file.close();
  if (!file) {
    std::cerr << "conlab: error: cannot write " << out_path << "\n";
    return false;
  }
  std::cout << "wrote " << out_path << " (" << std::count(text.begin(), text.end(), '\n')
            << " lines); replay it with: conlab run " << out_path << " --trace\n";
  return true;
}

}  // namespace

int check_command(int argc, char** argv) {
  check::Options options;
  std::string seeds = "1..100", faults = "all", out;
  std::vector<std::string> rules;
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help")
      ("nodes", po::value<std::size_t>(&options.nodes)->value_name("N")->default_value(3),
                "servers (acceptors, replicas): A, B, C, …")
      ("seeds", po::value<std::string>(&seeds)->value_name("A..B")->default_value("1..100"),
                "the seeds to run, both included (one seed: N)")
      ("steps", po::value<std::size_t>(&options.steps)->value_name("S")->default_value(100),
                "steps of the safety phase per seed")
      ("ms", po::value<Millis>()->value_name("T"),
             "instead of --steps: simulated ms of the safety phase")
      ("faults", po::value<std::string>(&faults)->value_name("LIST")->default_value("all"),
                 "all, none, or NAME[=PERCENT],… of drop, duplicate, reorder, partition, crash")
      ("requests", po::value<unsigned>(&options.requests)->value_name("P")->default_value(15),
                   "percent of steps with a client request: a put, or a read")
      ("membership", po::value<unsigned>(&options.membership)->value_name("P")->default_value(3),
                     "multipaxos: percent of steps with a membership change")
      ("rule", po::value<std::vector<std::string>>(&rules)->value_name("NAME=off"),
               "switch a safety rule off (or on); repeatable")
      ("out", po::value<std::string>(&out)->value_name("FILE"),
              "where to write the shrunk counterexample (default check-PROTOCOL-seed-N.txt)")
      ("keep-going", "run every seed even after a violation (one counterexample is written)")
      ("no-liveness", "skip the liveness phase");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("protocol", po::value<std::string>(&options.protocol));
  po::options_description all;
  all.add(described).add(hidden);
  po::positional_options_description positional;
  positional.add("protocol", 1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
              values);
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(std::string(error.what()) + " (see conlab check --help)");
  }
  if (values.count("help")) {
    std::cout << "Usage: conlab check paxos|multipaxos|raft [options]\n\n"
                 "Runs one randomized run per seed. The safety phase makes client requests and\n"
                 "faults at random and checks every invariant after every event; the liveness\n"
                 "phase then heals the network and restarts every node, and the cluster must make\n"
                 "progress (a leader or a chosen value, a new request committed, every\n"
                 "acknowledged one on every node). A failing run is shrunk and written as a\n"
                 "scenario file that `conlab run` replays to the same failure.\n\n"
              << described
              << "\nRules: paxos promise1 promise2 promise3 persist; multipaxos\n"
                 "skip-prepare-stops-on-reject lease persist; raft vote-restriction\n"
                 "commit-current-term-only persist log-consistency-check leader-noop.\n\n"
                 "Exit status: 0 every seed passed; 1 a safety invariant was violated;\n"
                 "3 no progress in the liveness phase; 2 bad options.\n"
                 "Example: conlab check raft --seeds 1..1000 --rule vote-restriction=off\n";
    return 0;
  }
  if (options.protocol.empty())
    return usage_error("conlab check needs a protocol: paxos, multipaxos or raft");
  if (check::rule_names(options.protocol).empty()) {
    return usage_error("unknown protocol '" + options.protocol + "' (paxos, multipaxos or raft)");
  }
  if (options.nodes < 1 || options.nodes > 9) return usage_error("--nodes must be 1 to 9");
  std::uint64_t first = 0, last = 0;
  if (!parse_seeds(seeds, first, last)) {
    return usage_error("--seeds takes A..B with A <= B (or one number), not '" + seeds + "'");
  }
  if (values.count("ms")) {
    options.ms = values["ms"].as<Millis>();
    if (*options.ms <= 0) return usage_error("--ms must be at least 1");
  }
  if (auto error = check::parse_faults(faults, options.faults)) return usage_error(*error);
  if (options.requests > 100) return usage_error("--requests is a percentage, 0 to 100");
  if (options.membership > 100) return usage_error("--membership is a percentage, 0 to 100");
  const auto known = check::rule_names(options.protocol);
  for (const std::string& rule : rules) {
    const auto equals = rule.find('=');
    const std::string name = rule.substr(0, equals);
    const std::string state = equals == std::string::npos ? "off" : rule.substr(equals + 1);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return usage_error("unknown rule '" + name + "' for " + options.protocol + " (" + list + ")");
    }
    if (state != "off" && state != "on") {
      return usage_error("--rule takes NAME=off or NAME=on, not '" + rule + "'");
    }
    options.rules.emplace_back(name, state == "on");
  }
  // Raft's Figure 8 needs the new leader's noop off as well (docs/raft.md).
  if (options.protocol == "raft") {
    bool commit_rule_off = false, noop_given = false;
    for (const auto& [name, on] : options.rules) {
      commit_rule_off |= name == "commit-current-term-only" && !on;
      noop_given |= name == "leader-noop";
    }
    if (commit_rule_off && !noop_given) {
      options.rules.emplace_back("leader-noop", false);
      std::cerr << "note: commit-current-term-only=off also switches leader-noop off: a new "
                   "leader's noop alone prevents Figure 8 (docs/checker.md)\n";
    }
  }
  options.liveness = values.count("no-liveness") == 0;
  const bool keep_going = values.count("keep-going") != 0;

  const auto start = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  Progress progress(last - first + 1);
  const check::Search result = check::search(
      options, first, last, keep_going,
      [&](const check::Search& so_far) {
        progress.update(so_far.seeds, so_far.violations, seconds() - so_far.shrink_seconds);
      },
      [&](std::uint64_t seed, const check::Run& run) {
        if (!keep_going) return;
        progress.clear();
        std::cout << "seed " << seed << ": " << describe(run.verdict) << ": " << run.detail << "\n";
      });
  progress.clear();
  const double elapsed = seconds() - result.shrink_seconds;
  int status = 0;
  if (const auto& found = result.counterexample) {
    const std::string path = !out.empty() ? out
                                          : "check-" + options.protocol + "-seed-" +
                                                std::to_string(found->seed) + ".txt";
    const bool written = report(options, *found, path);
    status = found->found.verdict == check::Verdict::safety     ? 1
             : found->found.verdict == check::Verdict::liveness ? 3
                                                                : 2;
    if (!written) status = std::max(status, 2);
  }
  std::cout << result.seeds << (result.seeds == 1 ? " seed, " : " seeds, ")
            << grouped(result.events) << " events, " << grouped(result.delivered)
            << " messages delivered, " << grouped(result.committed)
            << (options.protocol == "paxos"
                    ? (result.committed == 1 ? " value chosen, " : " values chosen, ")
                    : (result.committed == 1 ? " command committed, " : " commands committed, "))
            << result.violations << (result.violations == 1 ? " violation, " : " violations, ")
            << std::fixed << std::setprecision(0)
            << (elapsed > 0 ? static_cast<double>(result.seeds) / elapsed : 0.0)
            << " seeds/s (shrinking not counted)\n";
  return status;
}

}  // namespace consensus_lab::tools
