// Runs scenario files (shared/SCENARIOS.md) against the simulator and
// reports as the specification says: `FILE:LINE: error: …` (exit 2),
// `FILE:LINE: expect failed: …; actual: …` or `FILE:LINE: invariant
// violated: …` (exit 1), or nothing (exit 0).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "narration/line.h"
#include "narration/text.h"
#include "tools/scenario/explore_line.h"
#include "tools/scenario/script.h"

namespace consensus_lab::viewer {
class Page;
}

namespace consensus_lab::scenario {

struct RunOptions {
  bool trace = false;  // narrate every event (and echo each command)
  narration::Lang lang = narration::Lang::en;
  bool colour = false;
  std::optional<std::string> diagram;  // write a Mermaid sequence diagram here
  std::optional<std::string> html;     // write the run viewer's page here (docs/viewer.md)
  // The page's title (run_file, when none is given: "Scenario FILE").
  std::optional<narration::Text> title;
  std::optional<std::uint64_t> seed;  // overrides the file's `seed`
};

class ProtocolScenario;

// A scenario being run, one line at a time: what run_file does for a file,
// and what the randomized checker (tools/check) does as it writes a run.
// Each line throws ScenarioError when it cannot run, an expectation fails or
// an invariant breaks.
class Session {
 public:
  Session(const RunOptions& options, std::ostream& out);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void execute(const Line& line);
  // After the last line: a file that is all header still builds its cluster.
  void finish();
  // The protocol, once the header is over (nullptr before).
  ProtocolScenario* protocol();
  int current_line() const;
  // The file's `explore` line (explore_line.h), once it has been run.
  const std::optional<ExploreBounds>& explore_point() const;
  // With RunOptions::html: the run so far, as the viewer shows it (none before
  // the header is over).
  viewer::Page* page();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// How a ScenarioError is labelled in a report: "error", "expect failed",
// "invariant violated" (en); "错误", "期望不成立", "违反不变式" (zh).
const char* report_label(ScenarioError::Kind kind, narration::Lang lang = narration::Lang::en);

// Run one file; narration goes to `out`, the report line to `err`.
// Returns the exit status: 0 passed, 1 an expectation or invariant failed,
// 2 the file cannot be run.
int run_file(const std::string& path, const RunOptions& options, std::ostream& out,
             std::ostream& err);

}  // namespace consensus_lab::scenario
