// The randomized checker (tools/check, docs/checker.md): every rule on, runs
// with every fault pass; every rule off, it finds a run that breaks safety,
// shrinks it to a short scenario file, and the file replays to the same
// violation.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/check/checker.h"
#include "tools/scenario/runner.h"

using namespace consensus_lab;
using check::Options;
using check::Verdict;

namespace {

Options protocol(const std::string& name) {
  Options options;
  options.protocol = name;
  return options;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Write `text` as FILE in a fresh folder and run it as `conlab run` would:
// the exit status, and the report with the folder taken out.
std::pair<int, std::string> run_as_file(const std::string& name, const std::string& text) {
  const auto folder = std::filesystem::temp_directory_path() / "consensus_lab_checker_test";
  std::filesystem::create_directories(folder);
  const auto path = folder / name;
  std::ofstream(path) << text;
  std::ostringstream out, err;
  const int status = scenario::run_file(path.string(), {}, out, err);
  std::filesystem::remove(path);
  std::string report = err.str();
  const std::string prefix = (folder / "").string();
  if (report.rfind(prefix, 0) == 0) report.erase(0, prefix.size());
  return {status, report};
}

// With `rule` off, the checker must find a safety violation within 1,000
// seeds, shrink it to a file of at most 40 lines, and that file must replay
// to the same invariant.
void rule_off_is_caught(const std::string& name, const std::string& rule) {
  Options options = protocol(name);
  options.rules = {{rule, false}};
  if (rule == "commit-current-term-only") options.rules.emplace_back("leader-noop", false);
  const check::Search search = check::search(options, 1, 1000, /*keep_going=*/false);
  REQUIRE(search.counterexample);
  const check::Counterexample& found = *search.counterexample;
  CAPTURE(found.seed);
  CHECK(found.found.verdict == Verdict::safety);
  const check::Run& small = found.shrunk.run;
  CHECK(small.verdict == Verdict::safety);
  CHECK(small.what == found.found.what);  // the same invariant, in fewer lines
  CHECK(small.lines.size() <= found.found.lines.size());

  const std::string file = name + "-" + rule + ".txt";
  const std::string text = check::scenario_file(small, "found by a test", file);
  CHECK(count_lines(text) <= check::kShortEnough);
  const auto [status, report] = run_as_file(file, text);
  CHECK(status == 1);
  CHECK(report.find(": invariant violated: " + small.what + ": ") != std::string::npos);
  CHECK(report == file + ":" + std::to_string(small.failed + 4) + ": " + small.detail + "\n");
}

}  // namespace

TEST_CASE("checker: with every rule on, 300 seeds of every protocol pass, faults and all") {
  for (const char* name : {"paxos", "multipaxos", "raft"}) {
    CAPTURE(name);
    const check::Search search = check::search(protocol(name), 1, 300, /*keep_going=*/true);
    CHECK(search.seeds == 300);
    CHECK(search.violations == 0);
    if (search.counterexample) FAIL_CHECK(search.counterexample->found.detail);
    // The runs did something: messages flowed, and (liveness phase) every
    // seed ended with a value chosen (paxos) or its probe committed.
    CHECK(search.delivered > 300 * 100);
    CHECK(search.committed >= 300);
  }
}

TEST_CASE("checker: a seed gives the same run every time, and its lines replay to it") {
  const Options options = protocol("raft");
  const check::Run first = check::run_seed(options, 42);
  const check::Run again = check::run_seed(options, 42);
  CHECK(first.verdict == Verdict::passed);
  CHECK(first.lines == again.lines);
  CHECK(first.events == again.events);
  CHECK(check::run_seed(options, 43).lines != first.lines);

  // The lines, without the liveness phase the replay makes again.
  const std::vector<std::string> safety(first.lines.begin(),
                                        first.lines.begin() + static_cast<long>(first.safety_end));
  const check::Run replayed = check::replay(options, safety, first.header);
  CHECK(replayed.lines == first.lines);
  CHECK(replayed.events == first.events);
}

TEST_CASE("checker: the liveness phase fails a cluster that is given no time to make progress") {
  Options options = protocol("raft");
  options.faults = {};
  options.probe_ms = 0;  // the new request has no time to reach anyone
  const check::Run run = check::run_seed(options, 1);
  CHECK(run.verdict == Verdict::liveness);
  CHECK(run.lines[run.failed].rfind("expect kv ", 0) == 0);
  CHECK(run.detail.rfind("expect failed: kv ", 0) == 0);
}

TEST_CASE("checker: --faults names faults and rates") {
  check::Faults faults;
  CHECK_FALSE(check::parse_faults("all", faults));
  CHECK(faults == check::Faults::all());
  CHECK_FALSE(check::parse_faults("none", faults));
  CHECK(faults == check::Faults{});
  CHECK_FALSE(check::parse_faults("drop=20,crash", faults));
  CHECK(faults.drop == 20);
  CHECK(faults.crash == check::Faults::all().crash);
  CHECK(faults.partition == 0);
  CHECK(check::to_string(faults) == "drop=20,crash=10");
  CHECK(*check::parse_faults("flood", faults) ==
        "unknown fault 'flood' (drop, duplicate, reorder, partition, crash; or all, none)");
  CHECK(*check::parse_faults("drop=101", faults) ==
        "the rate of drop is a percentage, 0 to 100, not '101'");
}

TEST_CASE("rule promise1 off: the checker finds two values chosen") {
  rule_off_is_caught("paxos", "promise1");
}
TEST_CASE("rule promise2 off: the checker finds two values chosen") {
  rule_off_is_caught("paxos", "promise2");
}
TEST_CASE("rule promise3 off: the checker finds two values chosen") {
  rule_off_is_caught("paxos", "promise3");
}
TEST_CASE("rule persist off (paxos): the checker finds two values chosen") {
  rule_off_is_caught("paxos", "persist");
}
TEST_CASE("rule skip-prepare-stops-on-reject off: the checker finds two commands in one slot") {
  rule_off_is_caught("multipaxos", "skip-prepare-stops-on-reject");
}
TEST_CASE("rule lease off (multipaxos): the checker finds two masters serving reads") {
  rule_off_is_caught("multipaxos", "lease");
}
TEST_CASE("rule persist off (multipaxos): the checker finds a violation") {
  rule_off_is_caught("multipaxos", "persist");
}
TEST_CASE("rule vote-restriction off: the checker finds a leader without a committed entry") {
  rule_off_is_caught("raft", "vote-restriction");
}
TEST_CASE("rule commit-current-term-only off: the checker finds Figure 8") {
  rule_off_is_caught("raft", "commit-current-term-only");
}
TEST_CASE("rule persist off (raft): the checker finds a violation") {
  rule_off_is_caught("raft", "persist");
}
TEST_CASE("rule log-consistency-check off: the checker finds a violation") {
  rule_off_is_caught("raft", "log-consistency-check");
}
