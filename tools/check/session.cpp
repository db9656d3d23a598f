#include "tools/check/session.h"

namespace consensus_lab::check {

namespace {

scenario::RunOptions narrated(bool trace, narration::Lang lang) {
  scenario::RunOptions options;
  options.trace = trace;
  options.lang = lang;
  return options;
}

}  // namespace

RecordingSession::RecordingSession(const Options& options, Run& run, std::ostream* narration,
                                   narration::Lang lang)
    : options_(options),
      run_(run),
      null_(&null_buffer_),
      session_(narrated(narration != nullptr, lang), narration != nullptr ? *narration : null_) {}

bool RecordingSession::execute(const std::string& text) {
  if (failed()) return false;
  run_.lines.push_back(text);
  try {
    session_.execute(scenario::make_line(static_cast<int>(run_.lines.size()), text));
    started();
    return true;
  } catch (const scenario::ScenarioError& error) {
    fail(error);
  } catch (const std::exception& error) {
    run_.verdict = Verdict::error;
    run_.detail = std::string("error: ") + error.what();
  }
  run_.failed = run_.lines.size() - 1;
  return false;
}

bool RecordingSession::start() {
  if (failed()) return false;
  try {
    session_.finish();
  } catch (const scenario::ScenarioError& error) {
    fail(error);
    run_.failed = run_.lines.size() - 1;
    return false;
  }
  started();
  return started_;
}

void RecordingSession::finish() {
  if (!started_) return;
  const scenario::Checkable& cluster = *session_.protocol();
  run_.events = cluster.events();
  run_.delivered = cluster.delivered();
  run_.committed = cluster.committed();
}

// Once the cluster exists: no trace kept, and the invariants checked unless
// the options say otherwise.
void RecordingSession::started() {
  if (started_ || session_.protocol() == nullptr) return;
  started_ = true;
  session_.protocol()->run_fast(options_.check_invariants);
}

void RecordingSession::fail(const scenario::ScenarioError& error) {
  const std::string message = error.what();
  run_.detail = std::string(scenario::report_label(error.kind())) + ": " + message;
  run_.detail_zh = std::string(scenario::report_label(error.kind(), narration::Lang::zh)) + "：" +
                   error.message(narration::Lang::zh);
  switch (error.kind()) {
    case scenario::ScenarioError::Kind::invariant:
      run_.verdict = Verdict::safety;
      run_.what = message.substr(0, message.find(": "));
      break;
    case scenario::ScenarioError::Kind::expect:
      run_.verdict = Verdict::liveness;
      run_.what = message.substr(0, message.find(';'));
      break;
    case scenario::ScenarioError::Kind::error:
      run_.verdict = Verdict::error;
      break;
  }
}

}  // namespace consensus_lab::check
