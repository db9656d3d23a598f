// `conlab run FILE…`: run scenario files (docs/scenarios.md).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "narration/line.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/scenario/runner.h"

namespace consensus_lab::tools {

namespace {

const Help kHelp{{"Usage: conlab run [options] FILE…\n\n"
                  "Runs each scenario file against the simulator. A file passes when every\n"
                  "command runs and every `expect` holds. The last line counts them:\n"
                  "\"N passed, N failed\".\n\n",
                  "用法：conlab run [选项] 文件…\n\n"
                  "用模拟器逐个运行场景文件。文件中每条命令都能执行、每个 `expect` 都成立，\n"
                  "这个文件就通过。最后一行统计结果：“N 个通过，N 个失败”。\n\n"},
                 {"\nExit status: 0 all passed; 1 an expectation or an invariant failed;\n"
                  "2 a file cannot be run (unknown command, bad number, unknown node…).\n"
                  "With several files, the worst of them.\n\n"
                  "The language: docs/scenarios.md. Examples: tests/scenarios/paxos/.\n",
                  "\n退出码：0 全部通过；1 某个期望（expect）不成立，或违反了某个不变式；\n"
                  "2 文件无法运行（未知命令、错误的数字、未知节点……）。\n"
                  "有多个文件时，取其中最坏的退出码。\n\n"
                  "场景语言：docs/scenarios.md。例子：tests/scenarios/paxos/。\n"}};

}  // namespace

int run_command(int argc, char** argv) {
  scenario::RunOptions options;
  std::optional<std::string> diagram;
  std::vector<std::string> files;
  CommandLine line("conlab", "conlab run --help");
  line.flag("trace", options.trace,
            {"print every event as it happens, and each command before it runs",
             "每个事件一发生就打印出来，每条命令执行前先打印它"})
      .lang({"narrate in English or in the notes' Chinese", "用英文或笔记的中文讲述"})
      .value("diagram", diagram, "OUT.md",
             {"write a Mermaid sequence diagram of the run (one file only)",
              "把运行过程写成 Mermaid 时序图（只能运行一个文件）"})
      .value("html", options.html, "OUT.html",
             {"write the run as a page to step through in a browser (one file only; "
              "docs/viewer.md)",
              "把运行过程写成可在浏览器中逐步查看的网页（只能运行一个文件；docs/zh/viewer.md）"})
      .value("seed", options.seed, "N", {"override the file's seed", "代替文件中的种子（seed）"})
      .positional("file", files);
  if (const auto status = line.parse(argc, argv, kHelp)) return *status;
  options.lang = line.language();
  if (files.empty()) {
    return line.error(
        Text{"conlab run needs at least one scenario file", "`conlab run` 至少需要一个场景文件"});
  }
  if (diagram && files.size() > 1) {
    return line.error(
        Text{"--diagram draws one run: give one file", "`--diagram` 只画一次运行：请只给一个文件"});
  }
  if (options.html && files.size() > 1) {
    return line.error(
        Text{"--html shows one run: give one file", "`--html` 只显示一次运行：请只给一个文件"});
  }
  options.diagram = diagram;
  options.colour = narration::colour_wanted(stdout);

  int worst = 0, passed = 0, failed = 0;
  for (const std::string& file : files) {
    const int status = scenario::run_file(file, options, std::cout, std::cerr);
    std::cout.flush();
    status == 0 ? ++passed : ++failed;
    worst = std::max(worst, status);
  }
  if (options.lang == narration::Lang::zh) {
    std::cout << passed << " 个通过，" << failed << " 个失败\n";
  } else {
    std::cout << passed << " passed, " << failed << " failed\n";
  }
  return worst;
}

}  // namespace consensus_lab::tools
