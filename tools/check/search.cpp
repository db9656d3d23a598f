#include "tools/check/search.h"

#include <chrono>

#include "tools/check/seed_pool.h"
#include "tools/check/session.h"
#include "tools/check/workload.h"

namespace consensus_lab::check {

namespace {

// The request number of the liveness phase's probe: above every request of
// the safety phase (they are numbered from 1 in the order made).
std::uint64_t probe_number(const std::vector<std::string>& lines) {
  return 1'000'000 + lines.size();
}

// After the safety phase (whole, or up to the line that failed): the
// liveness phase, if the run has not failed and the options ask for it.
void finish_run(const Options& options, RecordingSession& session, Run& run) {
  run.safety_end = session.failed() ? run.lines.size() - 1 : run.lines.size();
  if (!session.failed() && options.liveness) {
    run_liveness_phase(options, session, probe_number(run.lines));
  }
  session.finish();
}

// The number of lines the file of a counterexample has.
std::size_t file_lines(const Counterexample& c) {
  return c.shrunk.run.lines.size() + 3;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Run run_seed(const Options& options, std::uint64_t seed) {
  Run run;
  RecordingSession session(options, run);
  auto lines = header_lines(options, seed);
  run.header = lines.size();
  for (const auto& line : settings_lines(options)) lines.push_back(line);
  for (const auto& line : lines) {
    if (!session.execute(line)) break;
  }
  if (session.start()) Workload(options, seed, session).run_safety_phase(run);
  finish_run(options, session, run);
  return run;
}

Run replay(const Options& options, const std::vector<std::string>& lines, std::size_t header) {
  Run run;
  run.header = header;
  RecordingSession session(options, run);
  for (const auto& line : lines) {
    if (!session.execute(line)) break;
    if (line.rfind("run ", 0) == 0 || line.rfind("timeout", 0) == 0) ++run.steps;
  }
  session.start();
  finish_run(options, session, run);
  return run;
}

Search search(const Options& options, std::uint64_t first, std::uint64_t last, bool keep_going,
              const std::function<void(const Search&)>& progress,
              const std::function<void(std::uint64_t, const Run&)>& on_failure, std::size_t tries,
              unsigned jobs) {
  Search result;
  std::size_t shrunk = 0;
  auto good_enough = [&] {
    return result.counterexample &&
           (result.counterexample->found.verdict == Verdict::error ||
            file_lines(*result.counterexample) <= kShortEnough || shrunk >= tries);
  };
  // A failing run: shrunk, and kept if it is the first, the shortest, or
  // the first safety failure after liveness ones.
  auto consider = [&](std::uint64_t seed, const Run& run) {
    const bool worse = result.counterexample &&
                       result.counterexample->found.verdict == Verdict::liveness &&
                       run.verdict == Verdict::safety;
    if (worse) {
      result.counterexample.reset();
      shrunk = 0;
    }
    if (good_enough() ||
        (result.counterexample && run.verdict != result.counterexample->found.verdict)) {
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    Counterexample candidate{seed, run, shrink(options, run)};
    ++shrunk;
    result.shrink_seconds += seconds_since(start);
    if (!result.counterexample || file_lines(candidate) < file_lines(*result.counterexample)) {
      result.counterexample = std::move(candidate);
    }
  };
  SeedPool pool(options, first, last, jobs);  // in seed order, however many threads
  for (std::uint64_t seed = first;; ++seed) {
    const Run run = pool.take();
    ++result.seeds;
    result.events += run.events;
    result.delivered += run.delivered;
    result.committed += run.committed;
    if (run.verdict != Verdict::passed) {
      ++result.violations;
      if (on_failure) on_failure(seed, run);
      consider(seed, run);
    }
    if (progress) progress(result);
    const bool settled = good_enough() && result.counterexample->found.verdict != Verdict::liveness;
    if (seed == last || (!keep_going && settled)) break;
  }
  return result;
}

}  // namespace consensus_lab::check
