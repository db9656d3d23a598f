// Random runs through an explorer model, replayed by the simulator: the run
// as scenario lines, each followed by the model's `expect` lines for the
// state it reached (Model::expectations). Every server state the model computes must
// be the simulator's — the check that holds the two together on runs that
// break nothing, where no counterexample is replayed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "narration/text.h"
#include "tools/explore/report.h"
#include "tools/explore/state_space.h"
#include "tools/scenario/runner.h"

namespace explore_walk {

using consensus_lab::explore::Key;
using consensus_lab::explore::Model;
using consensus_lab::explore::Violation;
using consensus_lab::explore::Word;

struct Collect final : consensus_lab::explore::Successors {
  struct Next {
    Word action;
    std::vector<Word> state;
    bool violated;
  };
  std::vector<Next> next;
  void add(Word action, Key state, std::optional<Violation> violation) override {
    next.push_back({action, {state.begin(), state.end()}, violation.has_value()});
  }
};

// Runs the scenario `text` (a set-up, without its `explore` line) in
// `session`; returns its lines, as a counterexample repeats them.
inline std::vector<std::string> set_up(consensus_lab::scenario::Session& session,
                                       const std::string& text) {
  std::istringstream stream(text);
  std::vector<std::string> lines;
  for (const auto& line : consensus_lab::scenario::read_script(stream)) {
    session.execute(line);
    lines.push_back(line.text());
  }
  session.finish();
  return lines;
}

// What a test's search found: its outcome, and the path to the violation as
// scenario lines.
struct Explored {
  consensus_lab::explore::Outcome outcome;
  std::vector<std::string> steps;
};

// Searches `model` (of a cluster after the set-up `lines`) within `limits`;
// `file` (if given) gets the counterexample, as `command` writes it (the
// report itself is not kept).
inline Explored explore(Model& model, const std::vector<std::string>& lines,
                        const consensus_lab::explore::Budget& budget,
                        const consensus_lab::explore::Limits& limits, const std::string& file,
                        const std::string& command) {
  Explored explored{consensus_lab::explore::search(model, limits), {}};
  for (const auto step : explored.outcome.path) explored.steps.push_back(model.line(step));
  if (!file.empty()) {
    std::ostringstream out;
    consensus_lab::explore::report(out, explored.outcome, model, lines, budget, limits, file,
                                   consensus_lab::narration::Lang::en, command);
  }
  return explored;
}

// Walks `model` from its start for at most `steps` random steps (seeded by
// `seed`), and returns the scenario: `setup`, then each step followed by the
// expectations of the state it reached.
inline std::string walk(Model& model, const std::vector<std::string>& setup, std::uint32_t seed,
                        std::size_t steps) {
  std::mt19937 random(seed);
  std::vector<Word> state = model.initial();
  std::string text;
  for (const auto& line : setup) text += line + "\n";
  for (std::size_t i = 0; i < steps; ++i) {
    Collect out;
    model.expand(state, out);
    if (out.next.empty()) break;
    const auto& chosen = out.next[random() % out.next.size()];
    if (chosen.violated) break;  // (every rule on: none expected)
    text += model.line(chosen.action) + "\n";
    state = chosen.state;
    // After every step, not only at the end: a step that took another
    // message than the model's may come out the same later on.
    for (const auto& line : model.expectations(state)) text += line + "\n";
  }
  return text;
}

// Runs `text` as a scenario file; the report when it fails, else empty.
inline std::string replay(const std::string& text, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  std::ostringstream narration, report;
  const int status = consensus_lab::scenario::run_file(path.string(), {}, narration, report);
  std::filesystem::remove(path);
  return status == 0 ? std::string() : report.str() + "\n--- the run:\n" + text;
}

}  // namespace explore_walk
