// `conlab explore PROTOCOL [FILE]`: every reachable state of a small case,
// breadth first (docs/explore.md).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "narration/describers.h"
#include "tools/commands.h"
#include "tools/explore/report.h"
#include "tools/explore/start.h"
#include "tools/options.h"
#include "tools/scenario/explore_line.h"
#include "tools/scenario/runner.h"
#include "tools/scenario/world_scenario.h"

namespace consensus_lab::tools {

namespace {

const Help kHelp{
    {"Usage: conlab explore PROTOCOL [FILE] [options]\n\n"
     "Explores every state a small case can reach, breadth first: each step delivers,\n"
     "drops or duplicates one message in flight, fires a timer (a paxos proposer's, a raft\n"
     "server's election timer), moves a multipaxos clock to the next timer due (every timer\n"
     "due then fires), crashes or restarts a server, or hands a leader one of the listed\n"
     "client puts, and every invariant is checked after every step. FILE is a scenario\n"
     "whose set-up (the lines before its `explore` line) is the start; without FILE,\n"
     "paxos explores the notes' example:\n"
     "acceptors A, B, C, proposals [1, 3] and [5, 7], and the clients learn the value\n"
     "(tests/scenarios/explore/notes_acceptors.txt, without faults); raft explores servers\n"
     "A, B, C electing a leader with two election timeouts; multipaxos explores replicas\n"
     "A, B, C (election timeouts 150, 200, 300 ms) electing a master in two timer\n"
     "firings. PROTOCOL is paxos, multipaxos or raft.\n\n",
     "用法：conlab explore 协议 [文件] [选项]\n\n"
     "按广度优先，穷举一个小规模情形能到达的每一个状态：每一步投递、丢弃或复制一条\n"
     "在途消息，或触发一个计时器（paxos 提议者的计时器、raft 服务器的选举定时器），\n"
     "或让 multipaxos 的时钟走到下一个到期的计时器（那时到期的计时器都触发），\n"
     "或让一个服务器崩溃、重启，或把列出的一个客户端写入交给领导者；每一步之后\n"
     "检查每一个不变式。文件是一个场景，它的初始设置（`explore` 一行之前的各行）就是起点；\n"
     "不给文件时，paxos 用笔记中的例子：\n"
     "接受者 A、B、C，提案 [1, 3] 和 [5, 7]，由客户端得知选定的值\n"
     "（tests/scenarios/explore/notes_acceptors.txt，不加故障）；raft 用服务器 A、B、C\n"
     "在两次选举超时中选出领导者；multipaxos 用副本 A、B、C（选举超时 150、200、300 毫秒）\n"
     "在两次计时器触发中选出主节点。协议是 paxos、multipaxos 或 raft。\n\n"},
    {"\nVerdicts and exit status:\n"
     "  0  exhausted: N distinct states, no violation (a proof, for this case and bounds);\n"
     "     or bound reached: no violation among the states covered (not a proof)\n"
     "  1  an invariant broke: the shortest run that breaks it is written to --out,\n"
     "     a scenario that `conlab run` replays to the same invariant\n"
     "  2  the file or an option is wrong\n"
     "  3  from some state no value can be chosen (paxos) or no leader elected (raft)\n"
     "     any more, even once faults stop:\n"
     "     the shortest way there is written to --out\n\n"
     "Example: conlab explore paxos tests/scenarios/explore/notes_example.txt\n"
     "         conlab explore paxos --rule promise2=off\n"
     "         conlab explore raft tests/scenarios/explore/raft_figure8_three.txt \\\n"
     "             --rule commit-current-term-only=off\n"
     "         conlab explore multipaxos tests/scenarios/explore/multipaxos_two_crashes.txt \\\n"
     "             --rule persist=off\n",
     "\n结论与退出码：\n"
     "  0  穷举完毕：N 个不同状态，没有违反（对这个情形和这些上限而言，是证明）；\n"
     "     或达到上限：已覆盖的状态中没有违反（不是证明）\n"
     "  1  违反了某个不变式：把违反它的最短运行写到 --out，\n"
     "     这是一个场景文件，`conlab run` 重放它会违反同一个不变式\n"
     "  2  文件或选项有错\n"
     "  3  从某个状态出发，即使故障停止，也再也不能选定任何值（paxos）\n"
     "     或选出领导者（raft）：\n"
     "     把到达那里的最短路径写到 --out\n\n"
     "例子：conlab explore paxos tests/scenarios/explore/notes_example.txt\n"
     "      conlab explore paxos --rule promise2=off\n"
     "      conlab explore raft tests/scenarios/explore/raft_figure8_three.txt \\\n"
     "          --rule commit-current-term-only=off\n"
     "      conlab explore multipaxos tests/scenarios/explore/multipaxos_two_crashes.txt \\\n"
     "          --rule persist=off\n"}};

// The notes' example (准备阶段), as the set-up when no file is given.
const char* const kNotesExample =
    "protocol paxos\n"
    "nodes A B C\n"
    "proposers client1 client2\n"
    "learners none\n"
    "propose client1 1 3\n"
    "propose client2 5 7\n"
    "explore\n";

// Three servers elect a leader: every order of the messages of two election
// timeouts (any two servers', or one server's twice).
const char* const kRaftElection =
    "protocol raft\n"
    "nodes A B C\n"
    "explore timers 2\n";

using PaxosScenario = scenario::ClusterScenario<paxos::Message, paxos::Event,
                                                narration::PaxosDescriber, cluster::PaxosCluster>;
// Three replicas elect a master: every order of the messages, as time
// passes from timer to timer twice.
const char* const kMultiPaxosElection =
    "protocol multipaxos\n"
    "nodes A B C\n"
    "set election-timeout A=150 B=200 C=300\n"
    "explore timers 2\n";

using MultiPaxosScenario =
    scenario::ClusterScenario<multipaxos::Message, multipaxos::Event,
                              narration::MultiPaxosDescriber, cluster::MultiPaxosCluster>;
using RaftScenario = scenario::ClusterScenario<raft::Message, raft::Event, narration::RaftDescriber,
                                               cluster::RaftCluster>;

struct Setup {
  std::vector<std::string> lines;  // the set-up as the counterexample repeats it
  scenario::ExploreBounds bounds;  // the file's `explore` line
  int line = 0;                    // where it is (or the last line read)
};

// Runs the set-up of `text` (named `name` in errors), with the `extra` lines
// (--rule) at its end, before its `explore` line; the protocol's scenario is
// left in `session`. Returns 2 on an error.
int run_setup(const std::string& name, std::istream& text, const std::vector<std::string>& extra,
              scenario::Session& session, Setup& setup, narration::Lang lang) {
  bool extra_run = false;
  auto run_extra = [&] {
    if (extra_run) return;
    extra_run = true;
    session.finish();  // a file that is all header: its cluster first
    for (const std::string& line : extra) {
      try {
        session.execute(scenario::make_line(session.current_line(), line));
      } catch (const scenario::ScenarioError& error) {  // named after the option
        throw scenario::ScenarioError(error.kind(),
                                      {"--rule: " + error.message(narration::Lang::en),
                                       "--rule：" + error.message(narration::Lang::zh)});
      }
      setup.lines.push_back(line);
    }
  };
  try {
    for (const scenario::Line& line : scenario::read_script(text)) {
      if (line.command() == "explore") run_extra();
      session.execute(line);
      setup.line = session.current_line();
      if (session.explore_point()) {
        setup.bounds = *session.explore_point();
      } else {
        setup.lines.push_back(line.text());
      }
    }
    run_extra();
  } catch (const scenario::ScenarioError& error) {
    if (extra_run && error.message(lang).rfind("--rule", 0) == 0) {
      print_error("conlab",
                  {error.message(narration::Lang::en), error.message(narration::Lang::zh)}, lang);
      return 2;
    }
    std::cerr << name << ":" << session.current_line() << ": "
              << scenario::report_label(error.kind(), lang)
              << (lang == narration::Lang::zh ? "：" : ": ") << error.message(lang) << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int explore_command(int argc, char** argv) {
  std::string protocol, file, out;
  std::optional<std::uint64_t> depth, drops, duplicates, crashes, timers, tick;
  std::uint64_t max_states = 20'000'000;
  std::vector<std::string> rules, timeouts, puts;
  CommandLine line("conlab", "conlab explore --help");
  line.lang({"report in English or in the notes' Chinese", "用英文或笔记的中文报告"})
      .value("depth", depth, "N",
             {"explore runs of at most N steps (default: the file's, else 64)",
              "只探索不超过 N 步的运行（默认：文件中的值，否则 64）"})
      .value("drops", drops, "N",
             {"lose at most N messages in one run (default: the file's, else 0)",
              "一次运行中最多丢失 N 条消息（默认：文件中的值，否则 0）"})
      .value("duplicates", duplicates, "N",
             {"copy at most N messages in one run (default: the file's, else 0)",
              "一次运行中最多复制 N 条消息（默认：文件中的值，否则 0）"})
      .value("crashes", crashes, "N",
             {"crash servers at most N times in one run (default: the file's, else 0)",
              "一次运行中服务器最多崩溃 N 次（默认：文件中的值，否则 0）"})
      .value("timers", timers, "N",
             {"fire timers (a paxos proposer's, a raft server's election timer; in multipaxos, "
              "each clock step that fires timers, and each early timeout) at most N times in "
              "one run (default: the file's, else 0; the built-in raft and multipaxos set-ups "
              "say 2)",
              "一次运行中计时器（paxos 提议者的、raft 服务器的选举定时器；multipaxos 中，是每个"
              "触发了计时器的时钟步骤，以及每次提前超时）最多触发 N 次（默认：文件中的值，否则 0；"
              "raft 和 multipaxos 的内置设置是 2）"})
      .value("tick", tick, "MS",
             {"multipaxos: move the clock at most MS ms in one step (default: the file's, else "
              "0: always to the next timer due)",
              "multipaxos：每一步时钟最多走 MS 毫秒（默认：文件中的值，否则 "
              "0：总是走到下一个到期的计时器）"})
      .value("timeouts", timeouts, "ID",
             {"let only ID's timer fire (repeatable; default: the file's, else every node's); "
              "multipaxos: let ID's election timer also fire early (default: no replica's)",
              "只让 ID 的计时器触发（可重复；默认：文件中的值，否则每个节点的）；"
              "multipaxos：让 ID 的选举定时器也可以提前触发（默认：哪个副本都不提前）"})
      .value("put", puts, "KEY=VALUE",
             {"raft, multipaxos: a client put a leader may take, in the order given "
              "(repeatable; default: the file's)",
              "raft、multipaxos：领导者可以接收的一个客户端写入，按给出的顺序（可重复；默认："
              "文件中的）"})
      .value("max-states", max_states, "N",
             {"stop after N distinct states (a bound, not a proof)",
              "找到 N 个不同状态后停止（这是上限，不是证明）"})
      .value("rule", rules, "NAME=off",
             {"switch a safety rule off (repeatable; see conlab check --help)",
              "关闭一条安全规则（可重复；见 conlab check --help）"})
      .value("out", out, "FILE",
             {"where to write a counterexample (default explore-PROTOCOL.txt)",
              "反例写到哪里（默认 explore-协议.txt）"})
      .positional("protocol", protocol)
      .positional("file", file);
  if (const auto status = line.parse(argc, argv, kHelp)) return *status;
  const narration::Lang lang = line.language();
  if (protocol != "paxos" && protocol != "multipaxos" && protocol != "raft") {
    return line.error(Text{"conlab explore needs a protocol: paxos, multipaxos or raft",
                           "`conlab explore` 需要一个协议：paxos、multipaxos 或 raft"});
  }
  std::vector<std::string> extra;
  for (const std::string& rule : rules) {
    const auto equals = rule.find('=');
    if (equals == std::string::npos ||
        (rule.substr(equals + 1) != "off" && rule.substr(equals + 1) != "on")) {
      return line.error(Text{"--rule takes NAME=off or NAME=on, not '" + rule + "'",
                             "--rule 的写法是 NAME=off 或 NAME=on，而不是 '" + rule + "'"});
    }
    extra.push_back("set rule " + rule.substr(0, equals) + " " + rule.substr(equals + 1));
  }

  std::ifstream stream;
  std::istringstream notes(protocol == "raft"         ? kRaftElection
                           : protocol == "multipaxos" ? kMultiPaxosElection
                                                      : kNotesExample);
  if (!file.empty()) {
    stream.open(file);
    if (!stream) {
      return line.error(Text{file + ": cannot read the file", file + "：无法读取这个文件"});
    }
  }
  std::istream& text = file.empty() ? static_cast<std::istream&>(notes) : stream;
  const std::string name =
      !file.empty() ? file
      : protocol == "raft"
          ? Text{"(three servers elect a leader)", "（三个服务器选出领导者）"}.in(lang)
      : protocol == "multipaxos"
          ? Text{"(three replicas elect a master)", "（三个副本选出主节点）"}.in(lang)
          : Text{"(the notes' example)", "（笔记中的例子）"}.in(lang);
  std::ostringstream quiet;
  scenario::Session session({.lang = lang}, quiet);
  Setup setup;
  if (const int status = run_setup(name, text, extra, session, setup, lang)) return status;
  const auto bound = [](const std::optional<std::uint64_t>& given,
                        const std::optional<std::uint64_t>& in_file, std::uint64_t otherwise) {
    return given ? *given : in_file ? *in_file : otherwise;
  };
  const explore::Limits limits{.depth = bound(depth, setup.bounds.depth, 64),
                               .states = static_cast<std::size_t>(max_states)};
  if (max_states == 0) {
    return line.error(Text{"--max-states is at least 1", "--max-states 至少是 1"});
  }
  // A bound that is wrong, named where it was given: on the command line, or
  // at the file's `explore` line.
  const auto bound_error = [&](bool on_command_line, const std::string& bound_name,
                               const Text& problem) {
    if (on_command_line) {
      return line.error(
          Text{"--" + bound_name + " " + problem.en, "--" + bound_name + " " + problem.zh});
    }
    std::cerr << name << ":" << setup.line << ": "
              << (lang == narration::Lang::zh ? "错误：`" + bound_name + "` " + problem.zh
                                              : "error: " + bound_name + " " + problem.en)
              << "\n";
    return 2;
  };
  // One `advance` line moves the clock at most scenario::kLongestStep.
  const std::uint64_t tick_ms = bound(tick, setup.bounds.tick, 0);
  const std::string longest = std::to_string(scenario::kLongestStep);
  if (tick_ms > static_cast<std::uint64_t>(scenario::kLongestStep)) {
    return bound_error(
        tick.has_value(), "tick",
        Text{"is at most " + longest + " ms (one `advance`), not " + std::to_string(tick_ms),
             "最多是 " + longest + " 毫秒（一次 `advance`），而不是 " + std::to_string(tick_ms)});
  }
  // A fault or timer budget takes one byte of a state (tools/explore/actions.h).
  std::optional<int> too_large;
  const auto byte = [&](const char* bound_name, const std::optional<std::uint64_t>& given,
                        const std::optional<std::uint64_t>& in_file) {
    const std::uint64_t value = bound(given, in_file, 0);
    if (value > 255 && !too_large) {
      too_large = bound_error(given.has_value(), bound_name,
                              Text{"is at most 255, not " + std::to_string(value),
                                   "最多是 255，而不是 " + std::to_string(value)});
    }
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(value, 255));
  };
  const explore::Budget budget{
      .drops = byte("drops", drops, setup.bounds.drops),
      .duplicates = byte("duplicates", duplicates, setup.bounds.duplicates),
      .crashes = byte("crashes", crashes, setup.bounds.crashes),
      .timers = byte("timers", timers, setup.bounds.timers),
      .timeouts = timeouts.empty() ? setup.bounds.timeouts : timeouts,
      .puts = puts.empty() ? setup.bounds.puts : puts,
      .tick = static_cast<Millis>(tick_ms),
      .early = protocol == "multipaxos"};
  if (too_large) return *too_large;
  for (const std::string& put : budget.puts) {
    if (!scenario::put_word(put)) {
      return line.error(
          Text{"--put takes KEY=VALUE (two words, neither empty), not '" + put + "'",
               "--put 的写法是 KEY=VALUE（两个词，都不能为空），而不是 '" + put + "'"});
    }
  }
  explore::Start start;
  if (const auto* paxos = dynamic_cast<const PaxosScenario*>(session.protocol());
      paxos && protocol == "paxos") {
    start = explore::paxos_start(paxos->cluster(), budget);
  } else if (const auto* raft = dynamic_cast<const RaftScenario*>(session.protocol());
             raft && protocol == "raft") {
    start = explore::raft_start(raft->cluster(), budget);
  } else if (const auto* multi = dynamic_cast<const MultiPaxosScenario*>(session.protocol());
             multi && protocol == "multipaxos") {
    start = explore::multipaxos_start(multi->cluster(), budget);
  } else {
    start = Text{"this is not a " + protocol + " scenario", "这不是 " + protocol + " 场景"};
  }
  if (const Text* refused = std::get_if<Text>(&start)) {
    // Named after the place the explorer would start from: the `explore` line.
    std::cerr << name << ":" << setup.line << ": "
              << (lang == narration::Lang::zh ? "错误：" : "error: ") << refused->in(lang) << "\n";
    return 2;
  }
  const auto& model = std::get<std::unique_ptr<explore::Model>>(start);
  const bool terminal = isatty(fileno(stderr)) != 0;
  const explore::Outcome outcome =
      explore::search(*model, limits, [&](const explore::Outcome& so_far) {
        if (terminal) std::cerr << "\r" << explore::progress_line(so_far, lang) << std::flush;
      });
  if (terminal) std::cerr << "\r\033[K" << std::flush;
  const std::string path = out.empty() ? "explore-" + protocol + ".txt" : out;
  std::string command = "conlab explore";  // as given, but for --out
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--out") {
      ++i;
    } else if (word.rfind("--out=", 0) != 0) {
      command += " " + word;
    }
  }
  return explore::report(std::cout, outcome, *model, setup.lines, budget, limits, path, lang,
                         command);
}

}  // namespace consensus_lab::tools
