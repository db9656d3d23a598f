// One run in progress: a scenario session (tools/scenario/runner.h) that the
// checker feeds one line at a time, recording every line it runs in a Run —
// and, when the line fails, the verdict.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>

#include "narration/line.h"
#include "tools/check/checker.h"
#include "tools/scenario/protocol.h"
#include "tools/scenario/runner.h"

namespace consensus_lab::check {

class RecordingSession {
 public:
  // The runs are silent, unless `narration` is given: then every event is
  // narrated to it, in `lang`.
  RecordingSession(const Options& options, Run& run, std::ostream* narration = nullptr,
                   narration::Lang lang = narration::Lang::en);

  // Run one line; false once the run has failed (the verdict is set).
  bool execute(const std::string& text);
  // The header is over: build the cluster now (if no line has yet).
  bool start();
  bool failed() const { return run_.verdict != Verdict::passed; }
  scenario::Checkable& cluster() { return *session_.protocol(); }
  // Copy the cluster's counts of events, deliveries and commits into the run.
  void finish();

 private:
  // A stream buffer that discards everything.
  class NullBuffer : public std::streambuf {
   protected:
    int overflow(int c) override { return c; }
  };

  void started();
  void fail(const scenario::ScenarioError& error);

  const Options& options_;
  Run& run_;
  NullBuffer null_buffer_;
  std::ostream null_;
  scenario::Session session_;
  bool started_ = false;
};

}  // namespace consensus_lab::check
