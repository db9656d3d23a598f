#include "tools/check/checker.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <sstream>

#include "sim/rng.h"
#include "tools/scenario/protocol.h"
#include "tools/scenario/runner.h"
#include "tools/scenario/script.h"

namespace consensus_lab::check {

namespace {

using scenario::Checkable;
using scenario::ScenarioError;

// Every fault by name, with its default rate.
struct FaultName {
  const char* name;
  unsigned Faults::*rate;
  unsigned default_rate;
};
constexpr FaultName kFaults[] = {
    {"drop", &Faults::drop, 5},        {"duplicate", &Faults::duplicate, 5},
    {"reorder", &Faults::reorder, 10}, {"partition", &Faults::partition, 10},
    {"crash", &Faults::crash, 10},     {"delay", &Faults::delay, 5},
};

// Latency when messages may overtake each other, and when they may not.
constexpr const char* kReorderLatency = "set latency 1..40";
// The longest `run` step of the safety phase.
constexpr Millis kLongestRunStep = 100;
// How long a held-back message waits (`delay`): far past the latency bound of
// 40 ms, about as long as a lease or an election timeout.
constexpr Millis kShortestHold = 100;
constexpr Millis kLongestHold = 500;

std::string node_name(std::size_t i) {
  // A, B, … Z, then N27, N28, …
  return i < 26 ? std::string(1, static_cast<char>('A' + i)) : "N" + std::to_string(i + 1);
}

// A discarding output stream: the runs the checker makes are silent.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
};

// One run in progress: a scenario session that the checker feeds one line at
// a time, keeping every line it ran.
class Driver {
 public:
  Driver(const Options& options, Run& run, bool trace = false, std::ostream* narration = nullptr)
      : options_(options),
        run_(run),
        null_(&null_buffer_),
        session_(make_run_options(trace), narration != nullptr ? *narration : null_) {}

  // Run one line; false once the run has failed (the verdict is set).
  bool execute(const std::string& text) {
    if (run_.verdict != Verdict::passed) return false;
    run_.lines.push_back(text);
    try {
      session_.execute(scenario::make_line(static_cast<int>(run_.lines.size()), text));
      if (!started_ && session_.protocol() != nullptr) {
        started_ = true;
        session_.protocol()->run_fast(options_.check_invariants);
      }
      return true;
    } catch (const ScenarioError& error) {
      fail(error);
    } catch (const std::exception& error) {
      run_.verdict = Verdict::error;
      run_.detail = std::string("error: ") + error.what();
    }
    run_.failed = run_.lines.size() - 1;
    return false;
  }

  // The header is over: build the cluster now (if no line has yet).
  bool start() {
    if (failed()) return false;
    try {
      session_.finish();
    } catch (const ScenarioError& error) {
      fail(error);
      run_.failed = run_.lines.size() - 1;
      return false;
    }
    if (!started_ && session_.protocol() != nullptr) {
      started_ = true;
      session_.protocol()->run_fast(options_.check_invariants);
    }
    return started_;
  }

  bool failed() const { return run_.verdict != Verdict::passed; }
  Checkable& cluster() { return *session_.protocol(); }
  bool started() const { return started_; }

  void finish() {
    if (started_) {
      const Checkable& c = *session_.protocol();
      run_.events = c.events();
      run_.delivered = c.delivered();
      run_.committed = c.committed();
    }
  }

 private:
  static scenario::RunOptions make_run_options(bool trace) {
    scenario::RunOptions options;
    options.trace = trace;
    return options;
  }

  void fail(const ScenarioError& error) {
    const std::string message = error.what();
    run_.detail = std::string(scenario::report_label(error.kind())) + ": " + message;
    switch (error.kind()) {
      case ScenarioError::Kind::invariant:
        run_.verdict = Verdict::safety;
        run_.what = message.substr(0, message.find(": "));
        break;
      case ScenarioError::Kind::expect:
        run_.verdict = Verdict::liveness;
        run_.what = message.substr(0, message.find(';'));
        break;
      case ScenarioError::Kind::error:
        run_.verdict = Verdict::error;
        break;
    }
  }

  const Options& options_;
  Run& run_;
  NullBuffer null_buffer_;
  std::ostream null_;
  scenario::Session session_;
  bool started_ = false;
};

std::vector<std::string> header_lines(const Options& options, std::uint64_t seed) {
  std::vector<std::string> lines{"protocol " + options.protocol};
  std::vector<NodeId> ids;
  std::string nodes = "nodes";
  for (std::size_t i = 0; i < options.nodes; ++i) {
    ids.push_back(node_name(i));
    nodes += " " + ids.back();
  }
  lines.push_back(nodes);
  const auto factory = scenario::protocols().find(options.protocol);
  if (factory != scenario::protocols().end()) {
    for (auto& line : factory->second()->check_header(ids)) lines.push_back(std::move(line));
  }
  lines.push_back("seed " + std::to_string(seed));
  return lines;
}

std::vector<std::string> settings_lines(const Options& options) {
  std::vector<std::string> lines;
  if (options.faults.reorder > 0) lines.emplace_back(kReorderLatency);
  if (options.faults.drop > 0) lines.push_back("set drop " + std::to_string(options.faults.drop));
  for (const auto& [name, on] : options.rules) {
    lines.push_back("set rule " + name + (on ? " on" : " off"));
  }
  const auto factory = scenario::protocols().find(options.protocol);
  if (factory != scenario::protocols().end()) {
    for (auto& line : factory->second()->check_settings()) lines.push_back(std::move(line));
  }
  return lines;
}

// The safety phase's steps, chosen one at a time from the cluster's state.
class Explorer {
 public:
  Explorer(const Options& options, std::uint64_t seed, Driver& driver)
      : options_(options), rng_(seed ^ 0x9e3779b97f4a7c15ULL), driver_(driver) {}

  void explore(Run& run) {
    Checkable& cluster = driver_.cluster();
    const Faults& faults = options_.faults;
    for (std::uint64_t step = 0;; ++step) {
      if (options_.ms ? cluster.now() >= *options_.ms : step >= options_.steps) break;
      run.steps = step + 1;
      if (!driver_.execute(next_line(cluster, faults))) return;
    }
  }

  std::uint64_t requests() const { return requests_; }

 private:
  std::string next_line(Checkable& cluster, const Faults& faults) {
    if (!follow_up_.empty()) {  // the rest of a step that takes several lines
      std::string line = std::move(follow_up_.front());
      follow_up_.pop_front();
      return line;
    }
    if (servers_.empty()) servers_ = cluster.servers();
    const auto& servers = servers_;
    std::vector<NodeId> up, down;
    for (const NodeId& id : servers) (cluster.is_up(id) ? up : down).push_back(id);

    if (!down.empty() && rng_.chance(20)) return "restart " + pick(down);
    if (partitioned_ && rng_.chance(20)) {
      partitioned_ = false;
      return "heal";
    }
    // Half the crashes and partitions aim at the leader, whose failures
    // start elections (Jepsen's nemeses do the same).
    const auto leader = cluster.leader();
    const bool aim = leader && rng_.chance(50);
    if (up.size() > 1 && rng_.chance(faults.crash)) return "crash " + (aim ? *leader : pick(up));
    if (!partitioned_ && servers.size() > 1 && rng_.chance(faults.partition)) {
      partitioned_ = true;
      return partition_line(servers, aim ? leader : std::nullopt);
    }
    if (rng_.chance(faults.duplicate)) {
      if (auto line = queued_line("duplicate", cluster)) return *line;
    }
    if (rng_.chance(faults.reorder)) {
      if (auto line = queued_line("deliver", cluster)) return *line;
    }
    if (rng_.chance(faults.delay)) {
      if (auto held = queued_message(cluster)) {
        const std::string link = held->from + " " + held->to + " " + held->type;
        const std::string hold =
            "delay " + link + " " +
            std::to_string(rng_.between(static_cast<std::uint64_t>(kShortestHold),
                                        static_cast<std::uint64_t>(kLongestHold)));
        if (!rng_.chance(50)) return hold;
        follow_up_.push_back(hold);  // the original arrives late; its copy in time
        return "duplicate " + link;
      }
    }
    if (rng_.chance(options_.requests)) {
      if (auto line = cluster.client_line(requests_ + 1, rng_.next())) {
        ++requests_;
        return *line;
      }
    }
    if (rng_.chance(options_.membership)) {
      auto lines = cluster.membership_lines(rng_.next());
      if (!lines.empty()) {
        for (std::size_t i = 1; i < lines.size(); ++i) follow_up_.push_back(std::move(lines[i]));
        return lines.front();
      }
    }
    if (options_.protocol != "paxos" && !up.empty() && rng_.chance(3)) {
      return "timeout " + pick(up);  // an election nobody asked for
    }
    return "run " + std::to_string(rng_.between(1, kLongestRunStep));
  }

  // `duplicate|deliver FROM TO TYPE` for a random queued message.
  std::optional<std::string> queued_line(const std::string& verb, const Checkable& cluster) {
    const auto m = queued_message(cluster);
    if (!m) return std::nullopt;
    return verb + " " + m->from + " " + m->to + " " + m->type;
  }
  std::optional<scenario::QueuedMessage> queued_message(const Checkable& cluster) {
    auto queued = cluster.queued_messages();
    if (queued.empty()) return std::nullopt;
    return std::move(queued[rng_.between(0, queued.size() - 1)]);
  }

  // Two random groups, or the leader alone against the rest.
  std::string partition_line(std::vector<NodeId> servers, const std::optional<NodeId>& alone) {
    for (std::size_t i = servers.size() - 1; i > 0; --i) {  // Fisher–Yates
      std::swap(servers[i], servers[rng_.between(0, i)]);
    }
    std::size_t cut = rng_.between(1, servers.size() - 1);
    if (alone) {
      std::iter_swap(servers.begin(), std::find(servers.begin(), servers.end(), *alone));
      cut = 1;
    }
    std::string line = "partition";
    for (std::size_t i = 0; i < servers.size(); ++i) {
      if (i == cut) line += " |";
      line += " " + servers[i];
    }
    return line;
  }

  const NodeId& pick(const std::vector<NodeId>& ids) {
    return ids[rng_.between(0, ids.size() - 1)];
  }

  const Options& options_;
  sim::Rng rng_;
  Driver& driver_;
  std::vector<NodeId> servers_;
  bool partitioned_ = false;
  std::uint64_t requests_ = 0;
  std::deque<std::string> follow_up_;
};

// The liveness phase: heal, restart, no more loss; then new work, and the
// expectations of progress.
void run_liveness(const Options& options, Driver& driver, std::uint64_t probe) {
  Checkable& cluster = driver.cluster();
  std::vector<std::string> lines{"heal"};
  for (const NodeId& id : cluster.servers()) {
    if (!cluster.is_up(id)) lines.push_back("restart " + id);
  }
  if (options.faults.drop > 0) lines.emplace_back("set drop 0");
  lines.push_back("run " + std::to_string(options.liveness_ms));
  for (const auto& line : lines) {
    if (!driver.execute(line)) return;
  }
  for (const auto& line : cluster.probe_lines(probe)) {
    if (!driver.execute(line)) return;
  }
  if (!driver.execute("run " + std::to_string(options.probe_ms))) return;
  for (const auto& line : cluster.progress_lines()) {
    if (!driver.execute(line)) return;
  }
}

// The request number of the liveness phase's probe: above every request of
// the safety phase (they are numbered from 1 in the order made).
std::uint64_t probe_number(const std::vector<std::string>& lines) {
  return 1'000'000 + lines.size();
}

bool same_failure(const Run& a, const Run& b) {
  return a.verdict == b.verdict && a.what == b.what;
}

bool is_run_step(const std::string& line) {
  return line.rfind("run ", 0) == 0;
}

Millis run_length(const std::string& line) {
  return std::stoll(line.substr(4));
}

// Consecutive `run A` and `run B` are `run A+B`: the world does the same.
std::vector<std::string> merge_runs(const std::vector<std::string>& body) {
  std::vector<std::string> out;
  for (const auto& line : body) {
    if (is_run_step(line) && !out.empty() && is_run_step(out.back())) {
      out.back() = "run " + std::to_string(run_length(out.back()) + run_length(line));
    } else {
      out.push_back(line);
    }
  }
  return out;
}

}  // namespace

Faults Faults::all() {
  Faults faults;
  for (const auto& fault : kFaults) faults.*fault.rate = fault.default_rate;
  return faults;
}

std::optional<std::string> parse_faults(const std::string& text, Faults& faults) {
  faults = Faults{};
  if (text == "none") return std::nullopt;
  if (text == "all") {
    faults = Faults::all();
    return std::nullopt;
  }
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto equals = item.find('=');
    const std::string name = item.substr(0, equals);
    const auto* fault = std::find_if(std::begin(kFaults), std::end(kFaults),
                                     [&](const FaultName& f) { return name == f.name; });
    if (fault == std::end(kFaults)) {
      return "unknown fault '" + name +
             "' (drop, duplicate, reorder, partition, crash, delay; or all, none)";
    }
    unsigned rate = fault->default_rate;
    if (equals != std::string::npos) {
      const std::string number = item.substr(equals + 1);
      if (number.empty() || number.size() > 3 ||
          !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          std::stoul(number) > 100) {
        return "the rate of " + name + " is a percentage, 0 to 100, not '" + number + "'";
      }
      rate = static_cast<unsigned>(std::stoul(number));
    }
    faults.*fault->rate = rate;
  }
  return std::nullopt;
}

std::string to_string(const Faults& faults) {
  std::string out;
  for (const auto& fault : kFaults) {
    if (faults.*fault.rate == 0) continue;
    if (!out.empty()) out += ",";
    out += std::string(fault.name) + "=" + std::to_string(faults.*fault.rate);
  }
  return out.empty() ? "none" : out;
}

std::vector<std::string> rule_names(const std::string& protocol) {
  if (protocol == "paxos") return {"promise1", "promise2", "promise3", "persist"};
  if (protocol == "multipaxos") {
    return {"skip-prepare-stops-on-reject",
            "lease",
            "persist",
            "read-after-recovery",
            "members-only-count",
            "lease-every-configuration",
            "learn-only-chosen"};
  }
  if (protocol == "raft") {
    return {"vote-restriction", "commit-current-term-only", "persist", "log-consistency-check",
            "leader-noop"};
  }
  return {};
}

Run run_seed(const Options& options, std::uint64_t seed) {
  Run run;
  Driver driver(options, run);
  auto lines = header_lines(options, seed);
  run.header = lines.size();
  for (const auto& line : settings_lines(options)) lines.push_back(line);
  for (const auto& line : lines) {
    if (!driver.execute(line)) break;
  }
  if (driver.start()) {
    Explorer explorer(options, seed, driver);
    explorer.explore(run);
  }
  run.safety_end = driver.failed() ? run.lines.size() - 1 : run.lines.size();
  if (!driver.failed() && options.liveness) {
    run_liveness(options, driver, probe_number(run.lines));
  }
  driver.finish();
  return run;
}

Run replay(const Options& options, const std::vector<std::string>& lines, std::size_t header) {
  Run run;
  run.header = header;
  Driver driver(options, run);
  for (const auto& line : lines) {
    if (!driver.execute(line)) break;
    if (is_run_step(line) || line.rfind("timeout", 0) == 0) ++run.steps;
  }
  driver.start();
  run.safety_end = driver.failed() ? run.lines.size() - 1 : run.lines.size();
  if (!driver.failed() && options.liveness) {
    run_liveness(options, driver, probe_number(run.lines));
  }
  driver.finish();
  return run;
}

Shrunk shrink(const Options& options, const Run& failing, std::size_t max_replays) {
  Shrunk result{failing, 0};
  if (failing.verdict != Verdict::safety && failing.verdict != Verdict::liveness) return result;
  const std::vector<std::string> header(failing.lines.begin(),
                                        failing.lines.begin() + static_cast<long>(failing.header));
  // The body: settings and safety steps, up to the failing line (a safety
  // failure) or the end of the safety phase (liveness: that phase is made
  // again after each candidate).
  auto body_of = [](const Run& run) {
    const std::size_t end = run.verdict == Verdict::safety
                                ? run.failed + 1
                                : std::min(run.safety_end, run.lines.size());
    return std::vector<std::string>(run.lines.begin() + static_cast<long>(run.header),
                                    run.lines.begin() + static_cast<long>(end));
  };
  // A safety failure happens before the liveness phase: skip that phase.
  Options again = options;
  if (failing.verdict == Verdict::safety) again.liveness = false;
  auto attempt = [&](const std::vector<std::string>& body) -> std::optional<Run> {
    if (result.replays >= max_replays) return std::nullopt;
    ++result.replays;
    std::vector<std::string> lines = header;
    lines.insert(lines.end(), body.begin(), body.end());
    Run run = replay(again, lines, header.size());
    if (!same_failure(run, failing)) return std::nullopt;
    return run;
  };

  std::vector<std::string> body = merge_runs(body_of(failing));
  if (auto run = attempt(body)) {
    result.run = *run;
    body = merge_runs(body_of(*run));
  } else {
    return result;  // merging changed the run (it should not): keep the original
  }

  // Delta debugging: remove chunks, halving their size, until no single line
  // can go; then pairs of lines (a crash and its restart, say), which often
  // can go together when neither can alone; and again, while that helps.
  auto remove_chunks = [&] {
    bool any = false;
    std::size_t chunk = std::max<std::size_t>(body.size() / 2, 1);
    while (result.replays < max_replays) {
      bool removed = false;
      for (std::size_t start = 0; start < body.size() && result.replays < max_replays;) {
        std::vector<std::string> candidate;
        for (std::size_t i = 0; i < body.size(); ++i) {
          if (i < start || i >= start + chunk) candidate.push_back(body[i]);
        }
        if (auto run = attempt(merge_runs(candidate))) {
          result.run = *run;
          body = merge_runs(body_of(*run));
          removed = any = true;
          continue;  // try the same place again: the lines there are new
        }
        start += chunk;
      }
      if (!removed) {
        if (chunk == 1) break;
        chunk = std::max<std::size_t>(chunk / 2, 1);
      } else {
        chunk = std::min(chunk, std::max<std::size_t>(body.size() / 2, 1));
      }
    }
    return any;
  };
  auto remove_pairs = [&] {
    for (std::size_t i = 0; i < body.size(); ++i) {
      for (std::size_t j = i + 1; j < body.size(); ++j) {
        if (result.replays >= max_replays) return false;
        std::vector<std::string> candidate;
        for (std::size_t k = 0; k < body.size(); ++k) {
          if (k != i && k != j) candidate.push_back(body[k]);
        }
        if (auto run = attempt(merge_runs(candidate))) {
          result.run = *run;
          body = merge_runs(body_of(*run));
          return true;
        }
      }
    }
    return false;
  };
  remove_chunks();
  while (remove_pairs()) remove_chunks();

  // Shorter `run` steps: halve each while the failure stays.
  for (std::size_t i = 0; i < body.size() && result.replays < max_replays; ++i) {
    while (is_run_step(body[i]) && run_length(body[i]) > 1 && result.replays < max_replays) {
      auto candidate = body;
      candidate[i] = "run " + std::to_string(run_length(body[i]) / 2);
      auto run = attempt(candidate);
      if (!run) break;
      result.run = *run;
      body = body_of(*run);
      if (i >= body.size()) break;
    }
  }
  return result;
}

Search search(const Options& options, std::uint64_t first, std::uint64_t last, bool keep_going,
              const std::function<void(const Search&)>& progress,
              const std::function<void(std::uint64_t, const Run&)>& on_failure, std::size_t tries) {
  Search result;
  std::size_t shrunk = 0;
  auto file_lines = [](const Counterexample& c) { return c.shrunk.run.lines.size() + 3; };
  auto good_enough = [&] {
    return result.counterexample &&
           (result.counterexample->found.verdict == Verdict::error ||
            file_lines(*result.counterexample) <= kShortEnough || shrunk >= tries);
  };
  for (std::uint64_t seed = first;; ++seed) {
    Run run = run_seed(options, seed);
    ++result.seeds;
    result.events += run.events;
    result.delivered += run.delivered;
    result.committed += run.committed;
    if (run.verdict != Verdict::passed) {
      ++result.violations;
      if (on_failure) on_failure(seed, run);
      const bool worse = result.counterexample &&
                         result.counterexample->found.verdict == Verdict::liveness &&
                         run.verdict == Verdict::safety;
      if (worse) {
        result.counterexample.reset();
        shrunk = 0;
      }
      if (!good_enough() &&
          (!result.counterexample || run.verdict == result.counterexample->found.verdict)) {
        const auto start = std::chrono::steady_clock::now();
        Counterexample candidate{seed, run, shrink(options, run)};
        ++shrunk;
        result.shrink_seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!result.counterexample || file_lines(candidate) < file_lines(*result.counterexample)) {
          result.counterexample = std::move(candidate);
        }
      }
    }
    if (progress) progress(result);
    const bool settled = good_enough() && result.counterexample->found.verdict != Verdict::liveness;
    if (seed == last || (!keep_going && settled)) break;
  }
  return result;
}

std::vector<std::string> events_before_failure(const Run& run, std::size_t count) {
  std::ostringstream narration;
  Options quiet;
  quiet.liveness = false;
  Run again;
  {
    Driver driver(quiet, again, /*trace=*/true, &narration);
    for (std::size_t i = 0; i <= run.failed && i < run.lines.size(); ++i) {
      if (!driver.execute(run.lines[i])) break;
    }
  }
  std::vector<std::string> lines;
  std::istringstream in(narration.str());
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("INVARIANT VIOLATED", 0) == 0) break;
    if (!line.empty() && line.rfind("@ ", 0) != 0 && line.rfind("line ", 0) != 0) {
      lines.push_back(line);
    }
  }
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return lines;
}

std::string scenario_file(const Run& run, const std::string& found_by,
                          const std::string& file_name) {
  // Three comment lines, then the run. The two directives make the file a
  // regression test as written (tests/scenarios/, cmake/RunScenario.cmake).
  constexpr std::size_t kComments = 3;
  std::string out = "# " + found_by + "\n";
  if (run.verdict != Verdict::passed) {
    out += "# expect-exit: 1\n";
    out += "# expect-output: " + file_name + ":" + std::to_string(run.failed + 1 + kComments) +
           ": " + run.detail + "\n";
  } else {
    out += "#\n#\n";
  }
  for (std::size_t i = 0; i < run.lines.size(); ++i) {
    out += run.lines[i];
    if (i == run.failed && run.verdict != Verdict::passed) {
      out += run.verdict == Verdict::safety ? "   # <- the invariant breaks here"
                                            : "   # <- no progress: this does not hold";
    }
    out += "\n";
  }
  return out;
}

std::string command_line(const Options& options, std::uint64_t seed) {
  std::string out = "conlab check " + options.protocol;
  if (options.nodes != 3) out += " --nodes " + std::to_string(options.nodes);
  out += " --seeds " + std::to_string(seed) + ".." + std::to_string(seed);
  if (options.ms) {
    out += " --ms " + std::to_string(*options.ms);
  } else if (options.steps != 100) {
    out += " --steps " + std::to_string(options.steps);
  }
  if (!(options.faults == Faults::all())) out += " --faults " + to_string(options.faults);
  if (options.requests != Options{}.requests) {
    out += " --requests " + std::to_string(options.requests);
  }
  if (options.membership != Options{}.membership) {
    out += " --membership " + std::to_string(options.membership);
  }
  for (const auto& [name, on] : options.rules) {
    out += " --rule " + name + (on ? "=on" : "=off");
  }
  return out;
}

}  // namespace consensus_lab::check
