// `conlab check PROTOCOL`: the randomized safety checker (docs/checker.md).
#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <string>

#include "tools/check/report.h"
#include "tools/check/request.h"
#include "tools/check/search.h"
#include "tools/commands.h"
#include "tools/scenario/runner.h"

namespace consensus_lab::tools {

namespace {

// The exit status for a counterexample: 1 safety, 3 liveness, 2 a checker's
// bug or a file that could not be written.
int status_of(const check::Counterexample& found, bool written) {
  const check::Verdict verdict = found.found.verdict;
  const int status = verdict == check::Verdict::safety     ? 1
                     : verdict == check::Verdict::liveness ? 3
                                                           : 2;
  return written ? status : std::max(status, 2);
}

// The counterexample at `path`, replayed into the viewer's page at `html`:
// 0, or 2 when the page cannot be written (said on stderr).
int write_page(const std::string& path, const std::string& html, narration::Lang lang) {
  std::ostringstream narration, report;  // the replay's report is the one just printed
  scenario::RunOptions options{.lang = lang,
                               .html = html,
                               .title = narration::Text{"Counterexample " + path, "反例 " + path}};
  if (scenario::run_file(path, options, narration, report) == 2) {
    std::cerr << report.str();
    return 2;
  }
  std::cout << (lang == narration::Lang::zh ? "网页：" + html + "（在浏览器中打开）\n"
                                            : "wrote " + html + " (open it in a browser)\n");
  return 0;
}

}  // namespace

int check_command(int argc, char** argv) {
  const auto parsed = check::parse_request(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const check::Request& request = std::get<check::Request>(parsed);
  const check::Options& options = request.options;

  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  check::Progress progress(request.last - request.first + 1, request.lang);
  const check::Search result = check::search(
      options, request.first, request.last, request.keep_going,
      [&](const check::Search& so_far) {
        progress.update(so_far.seeds, so_far.violations, seconds() - so_far.shrink_seconds);
      },
      [&](std::uint64_t seed, const check::Run& run) {
        if (!request.keep_going) return;
        progress.clear();
        const bool zh = request.lang == narration::Lang::zh;
        std::cout << (zh ? "种子 " : "seed ") << seed << (zh ? "：" : ": ")
                  << check::describe(run.verdict, request.lang)
                  << (zh ? "：" + run.detail_zh : ": " + run.detail) << "\n";
      },
      /*tries=*/5, request.jobs);
  progress.clear();
  const double elapsed = seconds() - result.shrink_seconds;
  int status = 0;
  if (const auto& found = result.counterexample) {
    const std::string path = !request.out.empty() ? request.out
                                                  : "check-" + options.protocol + "-seed-" +
                                                        std::to_string(found->seed) + ".txt";
    status = status_of(
        *found, check::report_counterexample(std::cout, options, *found, path, request.lang));
    if (request.html) status = std::max(status, write_page(path, *request.html, request.lang));
  }
  check::print_counts(std::cout, options, result, elapsed, request.lang);
  return status;
}

}  // namespace consensus_lab::tools
