#include "tools/check/report.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "common/grouped.h"
#include "tools/check/request.h"
#include "tools/check/session.h"

namespace consensus_lab::check {

namespace {

// "1 seed" / "2 seeds": a count and its noun.
std::string counted(std::uint64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Write `text` to `path`; false (and an error on stderr) if it cannot be.
bool write_file(const std::string& path, const std::string& text, narration::Lang lang) {
  std::ofstream file(path);
  file << text;
  file.close();
  if (!file) {
    std::cerr << (lang == narration::Lang::zh ? "conlab: 错误：无法写入 "
                                              : "conlab: error: cannot write ")
              << path << "\n";
  }
  return static_cast<bool>(file);
}

}  // namespace

std::string describe(Verdict verdict, narration::Lang lang) {
  constexpr const char* kWords[] = {"passed", "safety", "liveness", "error"};  // Verdict's order
  constexpr const char* kChinese[] = {"通过", "安全性", "活性", "错误"};
  const auto i = static_cast<std::size_t>(verdict);
  return lang == narration::Lang::zh ? kChinese[i] : kWords[i];
}

std::vector<std::string> events_before_failure(const Run& run, narration::Lang lang,
                                               std::size_t count) {
  std::ostringstream narration;
  Options quiet;
  quiet.liveness = false;
  Run again;
  {
    RecordingSession session(quiet, again, &narration, lang);
    for (std::size_t i = 0; i <= run.failed && i < run.lines.size(); ++i) {
      if (!session.execute(run.lines[i])) break;
    }
  }
  std::vector<std::string> lines;
  std::istringstream in(narration.str());
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("INVARIANT VIOLATED", 0) == 0 || line.rfind("违反不变式", 0) == 0) break;
    const bool echo = line.rfind("line ", 0) == 0 || line.rfind("第 ", 0) == 0;
    if (!line.empty() && line.rfind("@ ", 0) != 0 && !echo) {
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
                           const std::string& path, narration::Lang lang) {
  const bool zh = lang == narration::Lang::zh;
  const Run& run = found.found;
  const std::string at = std::to_string(run.failed + 1);
  out << (zh ? "种子 " : "seed ") << found.seed << (zh ? "：" + run.detail_zh : ": " + run.detail)
      << "\n";
  out << (zh ? "  出错在运行的第 " + at + " 行：" : "  at line " + at + " of the run: ")
      << run.lines[run.failed] << "\n";
  if (run.verdict == Verdict::error) {
    out << (zh ? "  （检查器写出了场景运行器拒绝的一行：这是检查器的错误）\n"
               : "  (the checker made a line the scenario runner refused: a bug in the checker)\n");
    return false;
  }
  const Run& small = found.shrunk.run;
  const std::string from = std::to_string(run.lines.size()),
                    to = std::to_string(small.lines.size()),
                    replays = std::to_string(found.shrunk.replays);
  out << (zh ? "从 " + from + " 行缩小到 " + to + " 行（重放 " + replays + " 次）："
             : "shrunk from " + from + " to " + to + " lines (" + replays + " replays): ")
      << (zh ? small.detail_zh : small.detail) << "\n";
  const auto events = events_before_failure(small, lang);
  if (!events.empty() && small.verdict == Verdict::safety) {
    out << (zh ? "破坏它的事件：\n" : "the events that broke it:\n");
    for (const auto& line : events) out << "  " << line << "\n";
  }
  const std::string found_by =
      command_line(options, found.seed) + " (shrunk from " + from + " lines)";
  const std::string text =
      scenario_file(small, found_by, std::filesystem::path(path).filename().string());
  if (!write_file(path, text, lang)) return false;
  const std::string lines = std::to_string(std::count(text.begin(), text.end(), '\n'));
  out << (zh ? "已写入 " + path + "（" + lines + " 行）；重放它：conlab run " + path +
                   " --trace --lang zh\n"
             : "wrote " + path + " (" + lines + " lines); replay it with: conlab run " + path +
                   " --trace\n");
  return true;
}

void print_counts(std::ostream& out, const Options& options, const Search& result, double seconds,
                  narration::Lang lang) {
  const bool paxos = options.protocol == "paxos";
  std::ostringstream rate;
  rate << std::fixed << std::setprecision(0)
       << (seconds > 0 ? static_cast<double>(result.seeds) / seconds : 0.0);
  if (lang == narration::Lang::zh) {
    out << result.seeds << " 个种子，" << grouped(result.events) << " 个事件，送达 "
        << grouped(result.delivered) << " 条消息，" << (paxos ? "选定 " : "提交 ")
        << grouped(result.committed) << (paxos ? " 个值，" : " 条命令，") << result.violations
        << " 次违反，每秒 " << rate.str() << " 个种子（不含缩小的时间）\n";
    return;
  }
  out << counted(result.seeds, "seed", "seeds") << ", " << grouped(result.events) << " events, "
      << grouped(result.delivered) << " messages delivered, " << grouped(result.committed)
      << (paxos ? (result.committed == 1 ? " value chosen, " : " values chosen, ")
                : (result.committed == 1 ? " command committed, " : " commands committed, "))
      << counted(result.violations, "violation", "violations") << ", " << rate.str()
      << " seeds/s (shrinking not counted)\n";
}

Progress::Progress(std::uint64_t total, narration::Lang lang)
    : total_(total), lang_(lang), shown_(isatty(STDERR_FILENO) != 0) {}

void Progress::update(std::uint64_t done, std::uint64_t violations, double seconds) {
  if (!shown_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - drawn_ < std::chrono::milliseconds(100)) return;
  drawn_ = now;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / std::max<std::uint64_t>(total_, 1));
  std::ostringstream rate;
  rate << std::fixed << std::setprecision(0)
       << (seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
  std::ostringstream line;
  line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
       << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << done << "/"
       << total_;
  if (lang_ == narration::Lang::zh) {
    line << " 个种子  每秒 " << rate.str() << " 个  " << violations << " 次违反";
  } else {
    line << " seeds  " << rate.str() << " seeds/s  " << violations
         << (violations == 1 ? " violation " : " violations");
  }
  std::cerr << line.str() << std::flush;
}

void Progress::clear() {
  if (shown_) std::cerr << "\r" << std::string(79, ' ') << "\r" << std::flush;
}

}  // namespace consensus_lab::check
