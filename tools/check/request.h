// The `conlab check` command line: its options and their help, in English
// and in the notes' Chinese, and the command line that reproduces one seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "narration/line.h"
#include "tools/check/checker.h"

namespace consensus_lab::check {

// What `conlab check` is asked to do.
struct Request {
  Options options;
  std::uint64_t first = 1, last = 100;  // the seeds, both included
  bool keep_going = false;
  unsigned jobs = 1;                // threads running seeds (default: one per core)
  std::string out;                  // the counterexample file; empty: check-PROTOCOL-seed-N.txt
  std::optional<std::string> html;  // the counterexample's page (docs/viewer.md)
  narration::Lang lang = narration::Lang::en;  // of the help and of the report
};

// `conlab check`'s arguments (argv[0] is "check") as a Request; or the exit
// status when there is nothing to run: 0 once --help is printed, 2 once a
// bad option is named on stderr.
std::variant<Request, int> parse_request(int argc, char** argv);

// Switch a rule of options.protocol as `--rule TEXT` asks: NAME=off,
// NAME=on, or NAME (off). An error message for an unknown rule or state.
std::optional<narration::Text> switch_rule(Options& options, const std::string& text);

// The command line that reproduces a seed: "conlab check raft --seeds 17..17 …".
std::string command_line(const Options& options, std::uint64_t seed);

}  // namespace consensus_lab::check
