#include "tools/check/report.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "tools/check/request.h"
#include "tools/check/session.h"

namespace consensus_lab::check {

namespace {

// "1234567" → "1,234,567".
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "1 seed" / "2 seeds": a count and its noun.
std::string counted(std::uint64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Write `text` to `path`; false (and an error on stderr) if it cannot be.
bool write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path);
  file << text;
  file.close();
  if (!file) std::cerr << "conlab: error: cannot write " << path << "\n";
  return static_cast<bool>(file);
}

}  // namespace

std::string describe(Verdict verdict) {
  constexpr const char* kWords[] = {"passed", "safety", "liveness", "error"};  // Verdict's order
  return kWords[static_cast<std::size_t>(verdict)];
}

std::vector<std::string> events_before_failure(const Run& run, std::size_t count) {
  std::ostringstream narration;
  Options quiet;
  quiet.liveness = false;
  Run again;
  {
    RecordingSession session(quiet, again, &narration);
    for (std::size_t i = 0; i <= run.failed && i < run.lines.size(); ++i) {
      if (!session.execute(run.lines[i])) break;
    }
  }
  std::vector<std::string> lines;
  std::istringstream in(narration.str());
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("INVARIANT VIOLATED", 0) == 0) break;
    if (!line.empty() && line.rfind("@ ", 0) != 0 && line.rfind("line ", 0) != 0) {
      lines.push_back(line);
    }
  }
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return lines;
}

std::string scenario_file(const Run& run, const std::string& found_by,
                          const std::string& file_name) {
  // Three comment lines, then the run. The two directives make the file a
  // regression test as written (tests/scenarios/, cmake/RunScenario.cmake).
  constexpr std::size_t kComments = 3;
  std::string out = "# " + found_by + "\n";
  if (run.verdict != Verdict::passed) {
    out += "# expect-exit: 1\n";
    out += "# expect-output: " + file_name + ":" + std::to_string(run.failed + 1 + kComments) +
           ": " + run.detail + "\n";
  } else {
    out += "#\n#\n";
  }
  for (std::size_t i = 0; i < run.lines.size(); ++i) {
    out += run.lines[i];
    if (i == run.failed && run.verdict != Verdict::passed) {
      out += run.verdict == Verdict::safety ? "   # <- the invariant breaks here"
                                            : "   # <- no progress: this does not hold";
    }
    out += "\n";
  }
  return out;
}

bool report_counterexample(std::ostream& out, const Options& options, const Counterexample& found,
                           const std::string& path) {
  const Run& run = found.found;
  out << "seed " << found.seed << ": " << run.detail << "\n";
  out << "  at line " << run.failed + 1 << " of the run: " << run.lines[run.failed] << "\n";
  if (run.verdict == Verdict::error) {
    out << "  (the checker made a line the scenario runner refused: a bug in the checker)\n";
    return false;
  }
  const Run& small = found.shrunk.run;
  out << "shrunk from " << run.lines.size() << " to " << small.lines.size() << " lines ("
      << found.shrunk.replays << " replays): " << small.detail << "\n";
  const auto events = events_before_failure(small);
  if (!events.empty() && small.verdict == Verdict::safety) {
    out << "the events that broke it:\n";
    for (const auto& line : events) out << "  " << line << "\n";
  }
  const std::string found_by = command_line(options, found.seed) + " (shrunk from " +
                               std::to_string(run.lines.size()) + " lines)";
  const std::string text =
      scenario_file(small, found_by, std::filesystem::path(path).filename().string());
  if (!write_file(path, text)) return false;
  out << "wrote " << path << " (" << std::count(text.begin(), text.end(), '\n')
      << " lines); replay it with: conlab run " << path << " --trace\n";
  return true;
}

void print_counts(std::ostream& out, const Options& options, const Search& result, double seconds) {
  const bool paxos = options.protocol == "paxos";
  out << counted(result.seeds, "seed", "seeds") << ", " << grouped(result.events) << " events, "
      << grouped(result.delivered) << " messages delivered, " << grouped(result.committed)
      << (paxos ? (result.committed == 1 ? " value chosen, " : " values chosen, ")
                : (result.committed == 1 ? " command committed, " : " commands committed, "))
      << counted(result.violations, "violation", "violations") << ", " << std::fixed
      << std::setprecision(0) << (seconds > 0 ? static_cast<double>(result.seeds) / seconds : 0.0)
      << " seeds/s (shrinking not counted)\n";
}

Progress::Progress(std::uint64_t total) : total_(total), shown_(isatty(STDERR_FILENO) != 0) {}

void Progress::update(std::uint64_t done, std::uint64_t violations, double seconds) {
  if (!shown_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - drawn_ < std::chrono::milliseconds(100)) return;
  drawn_ = now;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / std::max<std::uint64_t>(total_, 1));
  std::ostringstream line;
  line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
       << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << done << "/"
       << total_ << " seeds  " << std::fixed << std::setprecision(0)
       << (seconds > 0 ? static_cast<double>(done) / seconds : 0.0) << " seeds/s  " << violations
       << (violations == 1 ? " violation " : " violations");
  std::cerr << line.str() << std::flush;
}

void Progress::clear() {
  if (shown_) std::cerr << "\r" << std::string(79, ' ') << "\r" << std::flush;
}

}  // namespace consensus_lab::check
