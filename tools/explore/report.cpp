#include "tools/explore/report.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/grouped.h"
#include "tools/scenario/runner.h"

namespace consensus_lab::explore {

namespace {

using narration::Lang;

std::string fixed(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string figures(const Outcome& o, Lang lang) {
  const double rate = o.seconds > 0 ? static_cast<double>(o.states) / o.seconds : 0;
  const std::string mib = fixed(static_cast<double>(o.bytes) / (1 << 20), 1);
  if (lang == Lang::zh) {
    return "  " + grouped(o.transitions) + " 次状态转移 · 深度 " + std::to_string(o.depth) + " · " +
           fixed(o.seconds, 2) + " 秒 · 每秒 " + grouped(static_cast<std::size_t>(rate)) +
           " 个状态 · 内存 " + mib + " MiB\n";
  }
  return "  " + grouped(o.transitions) + " transitions · depth " + std::to_string(o.depth) + " · " +
         fixed(o.seconds, 2) + " s · " + grouped(static_cast<std::size_t>(rate)) + " states/s · " +
         mib + " MiB\n";
}

std::string bounds(const Budget& budget, const Limits& limits, Lang lang) {
  const auto n = [](std::size_t v) { return std::to_string(v); };
  std::string only, puts;
  for (const std::string& id : budget.timeouts) only += (only.empty() ? "" : " ") + id;
  for (const std::string& put : budget.puts) puts += " " + put;
  if (lang == Lang::zh) {
    return "上限：深度 " + n(limits.depth) + "，丢失 " + n(budget.drops) + "，复制 " +
           n(budget.duplicates) + "，崩溃 " + n(budget.crashes) + "，超时 " + n(budget.timers) +
           (only.empty() || budget.early ? "" : "（只有 " + only + "）") +
           (budget.tick == 0 ? "" : "，时钟每步最多 " + std::to_string(budget.tick) + " 毫秒") +
           (only.empty() || !budget.early ? "" : "，可提前超时的副本 " + only) +
           (puts.empty() ? "" : "，写入" + puts) + "\n";
  }
  return "bounds: depth " + n(limits.depth) + ", drops " + n(budget.drops) + ", duplicates " +
         n(budget.duplicates) + ", crashes " + n(budget.crashes) + ", timers " + n(budget.timers) +
         (only.empty() || budget.early ? "" : " (" + only + " only)") +
         (budget.tick == 0 ? "" : ", tick " + std::to_string(budget.tick) + " ms") +
         (only.empty() || !budget.early ? "" : ", early timeouts " + only) +
         (puts.empty() ? "" : ", puts" + puts) + "\n";
}

// The set-up, then the steps: a manual-mode scenario `conlab run` replays.
bool write_run(const std::string& path, const std::vector<std::string>& comment,
               const std::vector<std::string>& setup, const Model& model,
               const std::vector<Word>& steps, const std::vector<std::string>& after, Lang lang) {
  std::ofstream file(path);
  for (const std::string& line : comment) file << "# " << line << "\n";
  for (const std::string& line : setup) file << line << "\n";
  file << "# " << steps.size()
       << (lang == Lang::zh ? " 步，由 conlab explore 找到\n" : " steps found by conlab explore\n");
  for (const Word step : steps) file << model.line(step) << "\n";
  for (const std::string& line : after) file << line << "\n";
  file.flush();
  return static_cast<bool>(file);
}

}  // namespace

std::string progress_line(const Outcome& so_far, Lang lang) {
  if (lang == Lang::zh) {
    return grouped(so_far.states) + " 个状态，深度 " + std::to_string(so_far.depth) + "，" +
           fixed(so_far.seconds, 1) + " 秒";
  }
  return grouped(so_far.states) + " states, depth " + std::to_string(so_far.depth) + ", " +
         fixed(so_far.seconds, 1) + " s";
}

int report(std::ostream& out, const Outcome& o, const Model& model,
           const std::vector<std::string>& setup, const Budget& budget, const Limits& limits,
           const std::string& path, Lang lang, const std::string& command) {
  const bool zh = lang == Lang::zh;
  out << bounds(budget, limits, lang);
  if (o.violation) {
    const std::string& name = o.violation->invariant.in(lang);
    out << (zh ? "在第 " + std::to_string(o.path.size()) + " 步违反不变式：" + name + "：" +
                     o.violation->detail.zh + "\n"
               : "invariant violated after " + std::to_string(o.path.size()) + " steps: " + name +
                     ": " + o.violation->detail.en + "\n");
    out << figures(o, lang);
    std::vector<std::string> comment{
        command,
        zh ? "违反“" + o.violation->invariant.zh + "”的最短运行，"
           : "The shortest run that breaks \"" + o.violation->invariant.en + "\" (" +
                 o.violation->invariant.zh + "),",
        zh ? "由 conlab explore 按广度优先在 " + grouped(o.states) + " 个不同状态中找到。"
           : "found by conlab explore breadth first among " + grouped(o.states) +
                 " distinct states.",
        "expect-exit: 1", "expect-output: (the replay's report, below)"};
    if (!write_run(path, comment, setup, model, o.path, {}, lang)) {
      std::cerr << (zh ? "conlab: 错误：" + path + "：无法写入反例\n"
                       : "conlab: error: " + path + ": cannot write the counterexample\n");
      return 2;
    }
    // The simulator replays it to the same invariant, or the two disagree;
    // what it says goes into the file, so that the file checks itself
    // (tests/scenarios run it: cmake/RunScenario.cmake).
    std::ostringstream narration, replay, replay_en;
    const int status = scenario::run_file(path, {.lang = lang}, narration, replay);
    scenario::run_file(path, {}, narration, replay_en);
    std::string said = replay_en.str();
    if (said.rfind(path, 0) == 0) {
      said = std::filesystem::path(path).filename().string() + said.substr(path.size());
    }
    while (!said.empty() && said.back() == '\n') said.pop_back();
    // The same invariant, broken the same way, at the last step: the file's
    // comment, set-up, one line, then the steps.
    const std::size_t last = comment.size() + setup.size() + 1 + o.path.size();
    const bool same = status == 1 && said == std::filesystem::path(path).filename().string() + ":" +
                                                 std::to_string(last) + ": invariant violated: " +
                                                 o.violation->invariant.en + ": " +
                                                 o.violation->detail.en;
    comment.back() = "expect-output: " + said;  // the same number of lines
    write_run(path, comment, setup, model, o.path, {}, lang);
    out << (zh ? "最短反例写在 " + path + "；`conlab run` 重放它：\n"
               : "the shortest counterexample is in " + path + "; `conlab run` replays it:\n")
        << "  " << replay.str();
    if (!same) {
      std::cerr << (zh ? "conlab: 错误：重放没有违反同一个不变式（探索器与模拟器不一致）\n"
                       : "conlab: error: the replay did not break the same invariant (the "
                         "explorer and the simulator disagree)\n");
      return 2;
    }
    return 1;
  }
  if (o.bound_reached) {
    out << (zh ? "达到上限：在覆盖到的 " + grouped(o.states) +
                     " 个不同状态中没有发现违反——这不是证明（调大 --depth 或 --max-states）\n"
               : "bound reached: no violation among the " + grouped(o.states) +
                     " distinct states covered — not a proof (raise --depth or --max-states)\n")
        << figures(o, lang);
    return 0;
  }
  out << (zh ? "穷举完毕：" + grouped(o.states) + " 个不同状态，没有违反\n"
             : "exhausted: " + grouped(o.states) + " distinct states, no violation\n")
      << figures(o, lang);
  const Model::GoalWords goal = model.goal_words();
  if (o.stuck == 0 && o.undecided == 0) {
    out << (zh ? "活性：故障停止后，从每一个状态出发" + goal.can.zh + "\n"
               : "liveness: from every state " + goal.can.en + " once faults stop\n");
    return 0;
  }
  if (o.stuck == 0) {
    out << (zh ? "活性：从 " + grouped(o.undecided) + " 个状态出发，在上限之内" +
                     goal.not_within.zh +
                     "：还有计时器要触发，但超时次数用完了——这不是活性失败（调大 --timers）\n"
               : "liveness: from " + grouped(o.undecided) +
                     (o.undecided == 1 ? " state " : " states ") + goal.not_within.en +
                     " within the bounds: a timer is still due, but the timer firings are used "
                     "up — not a liveness failure (raise --timers)\n");
    return 0;
  }
  out << (zh ? "活性：从 " + grouped(o.stuck) + " 个状态出发，即使故障停止，也" + goal.never.zh +
                   "（最终没有在途消息、没有要触发的计时器）；到达其中一个的最短路径写在 " + path +
                   "\n"
             : "liveness: from " + grouped(o.stuck) + (o.stuck == 1 ? " state " : " states ") +
                   goal.never.en +
                   ", even once faults stop (in the end nothing is in flight and no timer is "
                   "due); the shortest way to one is in " +
                   path + "\n");
  const std::vector<std::string> comment{
      command,
      zh ? "到达一个状态的最短运行：从那里出发，即使故障停止，也" + goal.never.zh + "。"
         : "The shortest run to a state from which " + goal.never.en + ",",
      zh ? "（conlab explore）重放它：conlab run " + path
         : "even once faults stop (conlab explore). Replay it: conlab run " + path};
  if (!write_run(path, comment, setup, model, o.stuck_path, {model.goal_missed_line()}, lang)) {
    std::cerr << (zh ? "conlab: 错误：" + path + "：无法写入路径\n"
                     : "conlab: error: " + path + ": cannot write the run\n");
    return 2;
  }
  return 3;
}

}  // namespace consensus_lab::explore
