#include "tools/check/shrink.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace consensus_lab::check {

namespace {

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

// The body of a run: its settings and safety steps, up to the failing line
// (a safety failure) or the end of the safety phase (liveness: that phase is
// made again after each candidate).
std::vector<std::string> body_of(const Run& run) {
  const std::size_t end =
      run.verdict == Verdict::safety ? run.failed + 1 : std::min(run.safety_end, run.lines.size());
  return std::vector<std::string>(run.lines.begin() + static_cast<long>(run.header),
                                  run.lines.begin() + static_cast<long>(end));
}

// Delta debugging on a failing run's body. Every candidate body is replayed
// after the run's header; one that fails the same way becomes the new body.
class Shrinker {
 public:
  Shrinker(const Options& options, const Run& failing, std::size_t max_replays)
      : options_(options),
        failing_(failing),
        max_replays_(max_replays),
        header_(failing.lines.begin(), failing.lines.begin() + static_cast<long>(failing.header)),
        result_{failing, 0} {
    // A safety failure happens before the liveness phase: skip that phase.
    if (failing.verdict == Verdict::safety) options_.liveness = false;
  }

  Shrunk shrink() {
    // Merging `run` steps must not change the run; if it does, keep the original.
    if (!try_body(merge_runs(body_of(failing_)))) return result_;
    remove_chunks();
    while (remove_pairs()) remove_chunks();
    shorten_runs();
    return result_;
  }

 private:
  bool out_of_replays() const { return result_.replays >= max_replays_; }

  // Replay `body`; keep it if it fails the same way.
  bool try_body(const std::vector<std::string>& body, bool merge = true) {
    if (out_of_replays()) return false;
    ++result_.replays;
    std::vector<std::string> lines = header_;
    lines.insert(lines.end(), body.begin(), body.end());
    Run run = replay(options_, lines, header_.size());
    if (!same_failure(run, failing_)) return false;
    result_.run = std::move(run);
    body_ = merge ? merge_runs(body_of(result_.run)) : body_of(result_.run);
    return true;
  }

  // The body without lines [start, start + count).
  std::vector<std::string> without(std::size_t start, std::size_t count) const {
    std::vector<std::string> candidate;
    for (std::size_t i = 0; i < body_.size(); ++i) {
      if (i < start || i >= start + count) candidate.push_back(body_[i]);
    }
    return merge_runs(candidate);
  }

  // Remove chunks of lines, halving their size, until no single line can go.
  void remove_chunks() {
    std::size_t chunk = std::max<std::size_t>(body_.size() / 2, 1);
    while (!out_of_replays()) {
      bool removed = false;
      for (std::size_t start = 0; start < body_.size() && !out_of_replays();) {
        if (try_body(without(start, chunk))) {
          removed = true;
          continue;  // try the same place again: the lines there are new
        }
        start += chunk;
      }
      if (!removed) {
        if (chunk == 1) break;
        chunk = std::max<std::size_t>(chunk / 2, 1);
      } else {
        chunk = std::min(chunk, std::max<std::size_t>(body_.size() / 2, 1));
      }
    }
  }

  // Remove two lines at once (a crash and its restart, say), which often can
  // go together when neither can alone. True once a pair went.
  bool remove_pairs() {
    for (std::size_t i = 0; i < body_.size(); ++i) {
      for (std::size_t j = i + 1; j < body_.size(); ++j) {
        if (out_of_replays()) return false;
        std::vector<std::string> candidate;
        for (std::size_t k = 0; k < body_.size(); ++k) {
          if (k != i && k != j) candidate.push_back(body_[k]);
        }
        if (try_body(merge_runs(candidate))) return true;
      }
    }
    return false;
  }

  // Shorter `run` steps: halve each while the failure stays.
  void shorten_runs() {
    for (std::size_t i = 0; i < body_.size() && !out_of_replays(); ++i) {
      while (is_run_step(body_[i]) && run_length(body_[i]) > 1 && !out_of_replays()) {
        auto candidate = body_;
        candidate[i] = "run " + std::to_string(run_length(body_[i]) / 2);
        if (!try_body(candidate, /*merge=*/false)) break;
        if (i >= body_.size()) break;
      }
    }
  }

  Options options_;
  const Run& failing_;
  std::size_t max_replays_;
  std::vector<std::string> header_;
  std::vector<std::string> body_;
  Shrunk result_;
};

}  // namespace

Shrunk shrink(const Options& options, const Run& failing, std::size_t max_replays) {
  if (failing.verdict != Verdict::safety && failing.verdict != Verdict::liveness) {
    return {failing, 0};
  }
  return Shrinker(options, failing, max_replays).shrink();
}

}  // namespace consensus_lab::check
