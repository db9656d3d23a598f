// What `conlab check` prints: progress while it runs, the counterexample it
// found (and the scenario file it writes for it), and a last line of counts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "narration/line.h"
#include "tools/check/checker.h"
#include "tools/check/search.h"

namespace consensus_lab::check {

// "safety", "liveness", "error" or "passed" (en); "安全性", "活性", "错误", "通过" (zh).
std::string describe(Verdict verdict, narration::Lang lang = narration::Lang::en);

// The last events before the failure, narrated (replays `run` with a trace).
std::vector<std::string> events_before_failure(const Run& run,
                                               narration::Lang lang = narration::Lang::en,
                                               std::size_t count = 4);

// The scenario file for a failing run: a comment line (`found_by`), the
// directives `# expect-exit: 1` and `# expect-output: FILE:LINE: …` (so the
// file, saved as `file_name`, is a regression test as it stands), then the run,
// with a comment on the line where it fails.
std::string scenario_file(const Run& run, const std::string& found_by,
                          const std::string& file_name);

// Say what failed and how it shrank, and write the shrunk run to `path` as a
// scenario file. False when the run failed for a bug of the checker's (a
// line the scenario runner refused), or the file cannot be written.
bool report_counterexample(std::ostream& out, const Options& options, const Counterexample& found,
                           const std::string& path, narration::Lang lang = narration::Lang::en);

// "300 seeds, 1,234 events, … 0 violations, 812 seeds/s (shrinking not counted)".
// In Chinese: "300 个种子，1,234 个事件，…".
void print_counts(std::ostream& out, const Options& options, const Search& result, double seconds,
                  narration::Lang lang = narration::Lang::en);

// The progress bar, on stderr when it is a terminal: redrawn at most ten
// times a second.
class Progress {
 public:
  Progress(std::uint64_t total, narration::Lang lang);
  void update(std::uint64_t done, std::uint64_t violations, double seconds);
  void clear();

 private:
  std::uint64_t total_;
  narration::Lang lang_;
  bool shown_;
  std::chrono::steady_clock::time_point drawn_{};
};

}  // namespace consensus_lab::check
