// The randomized checker (tools/check, docs/checker.md): every rule on, runs
// with every fault pass; every rule off, it finds a run that breaks safety,
// shrinks it to a short scenario file, and the file replays to the same
// violation.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "cluster/client_history.h"
#include "multipaxos/rules.h"
#include "paxos/rules.h"
#include "raft/server.h"
#include "tools/check/checker.h"
#include "tools/check/report.h"
#include "tools/check/request.h"
#include "tools/check/search.h"
#include "tools/check/seed_pool.h"
#include "tools/scenario/rules.h"
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

// Five nodes, three of them members at first; more requests and membership
// changes, more partitions and held messages: two changes in one α window,
// and partitions between an old and a new majority, happen often enough.
// (The command line: --nodes 5 --steps 300 --requests 40 --membership 10
// --faults drop=5,duplicate=5,reorder=10,partition=20,crash=5,delay=20.)
Options reconfiguring() {
  Options options;
  options.nodes = 5;
  options.steps = 300;
  options.requests = 40;
  options.membership = 10;
  options.faults.partition = 20;
  options.faults.crash = 5;
  options.faults.delay = 20;
  return options;
}

// Raft with membership changes: five nodes, A B C D the first voters, a
// membership change in half the steps and few client requests, so that
// leaders often have a change to make before an entry of their term is
// committed. (The command line: --nodes 5 --steps 200 --requests 5
// --membership 50.)
Options raft_reconfiguring() {
  Options options;
  options.nodes = 5;
  options.steps = 200;
  options.requests = 5;
  options.membership = 50;
  return options;
}

// With `rule` off, the checker must find a safety violation within 1,000
// seeds, shrink it to a file of at most 40 lines, and that file must replay
// to the same invariant.
void is_caught(const std::string& name, const std::string& what, Options options);

void rule_off_is_caught(const std::string& name, const std::string& rule, Options options = {}) {
  options.rules = {{rule, false}};
  if (rule == "commit-current-term-only") options.rules.emplace_back("leader-noop", false);
  is_caught(name, rule, options);
}

// The same for what `options` switches (its rules and features), the file
// named after `what`.
void is_caught(const std::string& name, const std::string& what, Options options) {
  options.protocol = name;
  const check::Search search = check::search(options, 1, 1000, /*keep_going=*/false);
  REQUIRE(search.counterexample);
  const check::Counterexample& found = *search.counterexample;
  CAPTURE(found.seed);
  CHECK(found.found.verdict == Verdict::safety);
  const check::Run& small = found.shrunk.run;
  CHECK(small.verdict == Verdict::safety);
  CHECK(small.what == found.found.what);  // the same invariant, in fewer lines
  CHECK(small.lines.size() <= found.found.lines.size());

  const std::string file = name + "-" + what + ".txt";
  const std::string text = check::scenario_file(small, "found by a test", file);
  CHECK(count_lines(text) <= check::kShortEnough);
  const auto [status, report] = run_as_file(file, text);
  CHECK(status == 1);
  CHECK(report.find(": invariant violated: " + small.what + ": ") != std::string::npos);
  CHECK(report == file + ":" + std::to_string(small.failed + 4) + ": " + small.detail + "\n");
}

// Raft with check-quorum, under partitions that heal and no other fault: the
// checker then holds that a leader which keeps its majority is not deposed
// (cluster/raft_stability_invariant.h).
Options partitions_with_check_quorum(const std::string& pre_vote) {
  Options options = protocol("raft");
  options.faults = check::Faults{.partition = 10};
  options.features = {{"check-quorum", "on"}, {"pre-vote", pre_vote}};
  return options;
}

}  // namespace

TEST_CASE(
    "pre-vote off: the checker finds a healed server deposing a leader that kept its majority") {
  is_caught("raft", "pre-vote", partitions_with_check_quorum("off"));
}

TEST_CASE("checker: pre-vote and check-quorum on, 1,000 seeds of partitions that heal pass") {
  const check::Search search =
      check::search(partitions_with_check_quorum("on"), 1, 1000, /*keep_going=*/true);
  CHECK(search.violations == 0);
  if (search.counterexample) FAIL_CHECK(search.counterexample->found.detail);
  CHECK(search.committed >= 1000);
}

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
  CHECK(
      check::parse_faults("flood", faults)->en ==
      "unknown fault 'flood' (drop, duplicate, reorder, partition, crash, delay, isolate; or all, "
      "none)");
  // `isolate` is named, never in `all` (kept counterexamples stay as written).
  CHECK(check::Faults::all().isolate == 0);
  CHECK_FALSE(check::parse_faults("isolate", faults));
  CHECK(faults == check::Faults{.isolate = 10});
  CHECK(check::parse_faults("drop=101", faults)->en ==
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
TEST_CASE("rule skip-prepare-stops-on-reject off: the checker finds a violation") {
  rule_off_is_caught("multipaxos", "skip-prepare-stops-on-reject");
}
TEST_CASE("rule read-after-recovery off: the checker finds a master reading before it recovered") {
  rule_off_is_caught("multipaxos", "read-after-recovery");
}
TEST_CASE("rule members-only-count off: the checker finds a slot learned that no majority chose") {
  rule_off_is_caught("multipaxos", "members-only-count");
}
TEST_CASE(
    "rule lease-every-configuration off: with membership changes in the mix, the checker finds "
    "two masters serving reads") {
  rule_off_is_caught("multipaxos", "lease-every-configuration", reconfiguring());
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
TEST_CASE(
    "rule read-after-own-term-commit off: with ReadIndex reads, the checker finds a new leader's "
    "stale read") {
  Options options;
  options.features = {{"read-mode", "read-index"}};
  rule_off_is_caught("raft", "read-after-own-term-commit", options);
}
TEST_CASE("with ReadIndex reads and every rule on, 300 seeds of raft pass, faults and all") {
  Options options = protocol("raft");
  options.features = {{"read-mode", "read-index"}};
  const check::Search search = check::search(options, 1, 300, /*keep_going=*/true);
  CHECK(search.violations == 0);
  if (search.counterexample) FAIL_CHECK(search.counterexample->found.detail);
}
// Lease reads (thesis §6.4.1) are safe only while servers that heard from the
// leader refuse to vote for the minimum election timeout — check-quorum's
// vote refusal (thesis §6.2, `check-quorum`). With it, they pass, the fault
// `isolate` too (tests/scenarios/raft/lease_read_needs_check_quorum.txt shows
// the stale read without it by hand).
TEST_CASE("lease reads with check-quorum: 1,000 seeds of raft pass, faults and all") {
  Options options = protocol("raft");
  options.faults.isolate = 10;
  options.features = {{"read-mode", "lease"}, {"check-quorum", "on"}};
  const check::Search safe = check::search(options, 1, 1000, /*keep_going=*/true);
  CHECK(safe.violations == 0);
  if (safe.counterexample) FAIL_CHECK(safe.counterexample->found.detail);
}
// Without check-quorum the fault `isolate` finds the stale read: a follower
// that missed the leader's heartbeats times out on its own once the leader is
// cut off, and the others, still hearing from the leader, vote for it while
// the old leader's lease holds.
TEST_CASE(
    "feature check-quorum off, under lease reads: the checker finds a stale read (fault isolate)") {
  Options options;
  options.faults = check::Faults{.isolate = 10};
  options.features = {{"read-mode", "lease"}};
  is_caught("raft", "lease-check-quorum", options);
}
TEST_CASE(
    "rule one-change-at-a-time off: two uncommitted changes, majorities that do not overlap, and a "
    "leader without a committed entry") {
  rule_off_is_caught("raft", "one-change-at-a-time", raft_reconfiguring());
}
TEST_CASE(
    "rule config-after-own-term-commit off: the published bug of single-server changes — a "
    "change of the old leader and one of the new leader, each in effect somewhere") {
  rule_off_is_caught("raft", "config-after-own-term-commit", raft_reconfiguring());
}
TEST_CASE("checker: with every rule on, 300 seeds of raft with membership changes pass") {
  const check::Search search = check::search(
      [] {
        Options options = raft_reconfiguring();
        options.protocol = "raft";
        return options;
      }(),
      1, 300, /*keep_going=*/true);
  CHECK(search.violations == 0);
  if (search.counterexample) FAIL_CHECK(search.counterexample->found.detail);
  CHECK(search.committed >= 300);
}

// Every feature at once — the majorities they count are the voters of the
// configuration in effect, which membership changes move and snapshots keep.
TEST_CASE(
    "every feature at once (membership, snapshots, pre-vote, check-quorum, lease and ReadIndex "
    "reads): 200 seeds of raft pass each") {
  for (const char* read : {"lease", "read-index"}) {
    CAPTURE(read);
    Options options = raft_reconfiguring();
    options.protocol = "raft";
    options.membership = 20;
    options.requests = 15;
    options.features = {
        {"snapshot-every", "2"}, {"pre-vote", "on"}, {"check-quorum", "on"}, {"read-mode", read}};
    const check::Search search = check::search(options, 1, 200, /*keep_going=*/true);
    CHECK(search.violations == 0);
    if (search.counterexample) FAIL_CHECK(search.counterexample->found.detail);
  }
}

// The table next to a Rules struct names every switch of it — a Rules struct
// is nothing but its switches, so it has as many bytes as the table has
// rows — and each name switches its own rule and no other.
namespace {
template <class Rules, std::size_t N>
void every_switch_is_named(const NamedRule<Rules> (&table)[N]) {
  CHECK(sizeof(Rules) == N * sizeof(bool));
  for (const auto& rule : table) {
    CAPTURE(rule.name);
    CHECK_FALSE(rule.en.empty());
    CHECK_FALSE(rule.zh.empty());
    const Rules off = scenario::switch_rule(table, Rules{}, "test", std::string(rule.name), false);
    for (const auto& other : table) CHECK(off.*other.flag == (other.name != rule.name));
  }
}
}  // namespace

TEST_CASE("rules by name: each protocol's table names every rule of its Rules struct once") {
  every_switch_is_named(paxos::kRuleNames);
  every_switch_is_named(multipaxos::kRuleNames);
  every_switch_is_named(raft::kRuleNames);
}

TEST_CASE(
    "rules by name: every rule in the tables switches off in a scenario (set rule NAME off) and "
    "on the command line (conlab check --rule NAME=off)") {
  for (const std::string name : {"paxos", "multipaxos", "raft"}) {
    const auto rules = scenario::rules_of(name);
    REQUIRE_FALSE(rules.empty());
    for (const auto& rule : rules) {
      const std::string rule_name(rule.name);
      CAPTURE(name);
      CAPTURE(rule_name);
      const auto [status, report] = run_as_file(
          "rule.txt", "protocol " + name + "\nnodes A B C\nset rule " + rule_name + " off\n");
      CHECK(status == 0);
      CHECK(report.empty());

      std::vector<std::string> words{"check",   name, "--seeds", "1..1",
                                     "--steps", "5",  "--rule",  rule_name + "=off"};
      std::vector<char*> argv;
      for (auto& word : words) argv.push_back(word.data());
      const auto parsed = check::parse_request(static_cast<int>(argv.size()), argv.data());
      REQUIRE(std::holds_alternative<check::Request>(parsed));
      const Options& options = std::get<check::Request>(parsed).options;
      REQUIRE_FALSE(options.rules.empty());
      CHECK(options.rules.front() == std::pair{rule_name, false});
      const check::Run run = check::run_seed(options, 1);
      CHECK(run.verdict != Verdict::error);
      CHECK(std::count(run.lines.begin(), run.lines.end(), "set rule " + rule_name + " off") == 1);
    }
  }
}

TEST_CASE(
    "checker: with every rule on, 300 seeds of multipaxos with five nodes, reads, membership "
    "changes, partitions and held messages pass") {
  Options options = reconfiguring();
  options.protocol = "multipaxos";
  const check::Search search = check::search(options, 1, 300, /*keep_going=*/true);
  CHECK(search.violations == 0);
  if (search.counterexample) FAIL_CHECK(search.counterexample->found.detail);
  CHECK(search.committed >= 300);
}

TEST_CASE(
    "checker: the workload puts and reads a few keys, at the leader and elsewhere, changes "
    "membership, and holds messages back") {
  Options options = protocol("multipaxos");
  options.nodes = 5;
  std::map<std::string, int> seen;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const check::Run run = check::run_seed(options, seed);
    REQUIRE(run.verdict == Verdict::passed);
    for (const std::string& line : run.lines) {
      const std::string word = line.substr(0, line.find(' '));
      ++seen[word];
      if (word == "read")
        ++seen[std::count(line.begin(), line.end(), ' ') == 2 ? "read at" : "read"];
    }
  }
  CHECK(seen["put"] > 20);
  CHECK(seen["read"] > 20);
  CHECK(seen["read at"] > 5);  // `read ID KEY`: at a node picked at random
  CHECK(seen["add-replica"] + seen["remove-replica"] > 5);
  CHECK(seen["delay"] > 5);
  CHECK(seen["members"] == 20);  // five nodes: three members at first
}

TEST_CASE("checker: a cluster's client history is checked for linearizability as answers come") {
  cluster::ClientHistory history;
  const Command put = history.begin_put("A", "x", "1", 0);
  history.applied("B", put, false, std::nullopt, 5);  // another node: not the client's answer
  CHECK(history.operations().back().ret == std::nullopt);
  history.applied("A", put, false, std::nullopt, 10);
  REQUIRE(history.operations().back().ret);
  CHECK_FALSE(history.violation());
  history.read_locally("C", "x", std::nullopt, 20);  // x was written and acknowledged: stale
  const auto why = history.violation();
  REQUIRE(why);
  CHECK(why->en.find("key x") != std::string::npos);
  CHECK(why->zh.find("键 x") != std::string::npos);
  // A read through the log that never returns constrains nothing.
  cluster::ClientHistory pending;
  pending.begin_read("A", "x", 0);
  pending.read_locally("A", "x", std::nullopt, 1);
  CHECK_FALSE(pending.violation());
}

// `conlab check --jobs N` (tools/check/seed_pool.h): seeds run on N threads,
// and the search reports what it reports on one — the same seeds run, counts,
// failures in seed order, and counterexample, shrunk to the same lines.
namespace {

struct Outcome {
  check::Search search;
  std::vector<std::uint64_t> failures;  // as on_failure was told, in order
  std::size_t progress_calls = 0;
};

Outcome search_on(unsigned jobs, const Options& options, std::uint64_t last, bool keep_going) {
  Outcome outcome;
  outcome.search = check::search(
      options, 1, last, keep_going, [&](const check::Search&) { ++outcome.progress_calls; },
      [&](std::uint64_t seed, const check::Run&) { outcome.failures.push_back(seed); },
      /*tries=*/5, jobs);
  return outcome;
}

void same_on_any_threads(const Options& options, std::uint64_t last, bool keep_going) {
  const Outcome one = search_on(1, options, last, keep_going);
  for (const unsigned jobs : {2u, 3u}) {
    CAPTURE(jobs);
    const Outcome many = search_on(jobs, options, last, keep_going);
    CHECK(many.search.seeds == one.search.seeds);
    CHECK(many.search.events == one.search.events);
    CHECK(many.search.delivered == one.search.delivered);
    CHECK(many.search.committed == one.search.committed);
    CHECK(many.search.violations == one.search.violations);
    CHECK(many.failures == one.failures);
    CHECK(many.progress_calls == one.progress_calls);
    REQUIRE(many.search.counterexample.has_value() == one.search.counterexample.has_value());
    if (one.search.counterexample) {
      CHECK(many.search.counterexample->seed == one.search.counterexample->seed);
      CHECK(many.search.counterexample->shrunk.run.lines ==
            one.search.counterexample->shrunk.run.lines);
    }
  }
}

}  // namespace

TEST_CASE("checker on several threads: every rule on, the same seeds and counts as on one") {
  same_on_any_threads(protocol("raft"), 40, /*keep_going=*/true);
}
TEST_CASE("checker on several threads: promise 2 off, the same failures and counterexample") {
  Options options = protocol("paxos");
  options.rules = {{"promise2", false}};
  same_on_any_threads(options, 60, /*keep_going=*/true);
  same_on_any_threads(options, 60, /*keep_going=*/false);  // stops at the same seed
}
TEST_CASE("checker --jobs: 1 to 256, one per core by default, a bad count named in one line") {
  auto parse = [](std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return check::parse_request(static_cast<int>(argv.size()), argv.data());
  };
  const auto plain = parse({"check", "raft"});
  REQUIRE(std::holds_alternative<check::Request>(plain));
  CHECK(std::get<check::Request>(plain).jobs ==
        std::clamp(std::thread::hardware_concurrency(), 1u, check::kMaxJobs));
  const auto two = parse({"check", "raft", "--jobs", "2"});
  REQUIRE(std::holds_alternative<check::Request>(two));
  CHECK(std::get<check::Request>(two).jobs == 2);
  for (const char* bad : {"0", "257", "-1", "two"}) {
    CAPTURE(bad);
    const auto refused = parse({"check", "raft", "--jobs", bad});
    REQUIRE(std::holds_alternative<int>(refused));
    CHECK(std::get<int>(refused) == 2);
  }
}
