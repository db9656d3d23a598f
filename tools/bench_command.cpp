// `conlab bench election` (the Raft paper's Figure 16), `conlab bench
// checker` (how fast the randomized checker runs) and `conlab bench
// --cluster …` (puts per second on a real cluster).
#include <chrono>
#include <iomanip>
#include <iostream>
#include <string>

#include "net/client.h"
#include "tools/bench/cpu.h"
#include "tools/bench/election.h"
#include "tools/bench/real.h"
#include "tools/check/checker.h"
#include "tools/check/seed_pool.h"
#include "tools/cluster_access.h"
#include "tools/cluster_processes.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/real_words.h"

namespace consensus_lab::tools {

namespace {

const Text kHelpLanguage{"print this help and the results in English or in the notes' Chinese",
                         "用英文或笔记的中文打印本帮助和结果"};

const Text kOverview{
    "Usage: conlab bench election|checker [options]\n"
    "       conlab bench --dir DIR | --cluster A=HOST:PORT,… [options]\n\n"
    "  election   the Raft paper's election experiment (Figure 16)\n"
    "  checker    how fast the randomized checker runs\n"
    "  --cluster  puts per second and latency of a real cluster\n\n"
    "`conlab bench WHAT --help` describes each.\n",
    "用法：conlab bench election|checker [选项]\n"
    "      conlab bench --dir DIR | --cluster A=HOST:PORT,… [选项]\n\n"
    "  election   Raft 论文的选举实验（图 16）\n"
    "  checker    随机检查器跑得多快\n"
    "  --cluster  真实集群每秒的写请求数和延迟\n\n"
    "`conlab bench WHAT --help` 分别介绍它们。\n"};

const Help kElectionHelp{
    {"Usage: conlab bench election [options]\n\n"
     "Repeats the Raft paper's election experiment (section 9.3, Figure 16) in\n"
     "simulated time, on a microsecond clock: 5 servers, broadcast about 15 ms,\n"
     "heartbeat half the minimum election timeout; the leader crashes at a random\n"
     "point of its heartbeat interval; the survivors' logs differ in length, so two\n"
     "cannot win. Prints, per timeout range, the time without a leader (ms): min,\n"
     "median, p90, p99, max, and the paper's median. docs/raft.md compares them.\n\n",
     "用法：conlab bench election [选项]\n\n"
     "在模拟时间里（时钟以微秒为单位）重做 Raft 论文的选举实验（第 9.3 节，图 16）：\n"
     "5 台服务器，广播约 15 ms，心跳间隔为最小选举超时的一半；领导者在心跳间隔中的\n"
     "随机时刻崩溃；幸存者的日志长短不一，其中两个无法当选。对每个选举超时范围，\n"
     "打印没有领导者的时间（毫秒）：最小值、中位数、p90、p99、最大值，以及论文的\n"
     "中位数。docs/raft.md 对比了它们。\n\n"},
    {}};

const Help kCheckerHelp{
    {"Usage: conlab bench checker [options]\n\n"
     "Runs `conlab check` on one core (or --jobs N threads) for each protocol —\n"
     "every fault on, every rule on — twice: with every invariant checked after\n"
     "every event, and with the checks off. Prints seeds, simulated events and\n"
     "delivered messages per second of wall-clock time (docs/checker.md).\n\n",
     "用法：conlab bench checker [选项]\n\n"
     "在一个核上（或用 --jobs N 个线程）对每个协议运行 `conlab check`（所有故障开启，\n"
     "所有规则开启），\n"
     "各运行两遍：每个事件之后检查每个不变式，以及不检查。打印每秒（墙上时间）\n"
     "的种子数、模拟事件数和送达的消息数（docs/checker.md）。\n\n"},
    {}};

const Help kRealHelp{
    {"Usage: conlab bench --dir DIR | --cluster A=HOST:PORT,… [options]\n\n"
     "Puts (or gets, with --reads) as fast as N clients can, each waiting for its\n"
     "answer before the next, to the leader of a real cluster; prints operations per\n"
     "second and latency. Whether the cluster is durable or in memory is how its\n"
     "nodes were started (conlab cluster start [--in-memory]); docs/real-cluster.md\n"
     "has figures.\n\n",
     "用法：conlab bench --dir DIR | --cluster A=HOST:PORT,… [选项]\n\n"
     "N 个客户端尽快向真实集群的领导者发写请求（put；加 --reads 则发读请求 get），\n"
     "每个客户端收到回答后才发下一个；打印每秒的请求数和延迟。集群是否持久化，取决于节点怎样启动\n"
     "（conlab cluster start [--in-memory]）；docs/real-cluster.md 有实测数据。\n\n"},
    {}};

// One row of Figure 16: an election-timeout range.
struct Range {
  Millis low, high;
  const char* paper;  // 150-150, 150-155: §9.3's text; the others read off Figure 16 at 50 %
};
constexpr Range kRanges[] = {{150, 150, "over 10 s"}, {150, 151, "1197"}, {150, 155, "287"},
                             {150, 175, "141"},       {150, 200, "146"},  {150, 300, "171"},
                             {12, 24, "30"},          {25, 50, "43"},     {50, 100, "67"},
                             {100, 200, "120"}};

const Text kElectionHeader{
    "election timeout   trials    min  median     p90     p99     max  no leader   paper median\n",
    "选举超时         试验   最小  中位数     p90     p99    最大   无领导者   论文中位数\n"};
const Text kElectionFooter{
    "(times in simulated ms, from the crash until a new leader is elected; "
    "\"no leader\": trials without one after 10 s)\n",
    "（时间是模拟的毫秒数，从领导者崩溃到选出新的领导者；"
    "“无领导者”：10 秒后仍没有领导者的试验次数）\n"};

void print_election_row(const bench::ElectionOptions& options, const Range& range,
                        narration::Lang lang) {
  const auto row = bench::measure_election(options, range.low, range.high);
  const auto summary = bench::summarize(row);
  std::cout << std::setw(7) << range.low << "-" << std::left << std::setw(6) << range.high
            << std::right << std::setw(7) << options.trials;
  if (summary) {
    const auto ms = [](bench::Micros t) {
      return (t + bench::kMicrosPerMilli / 2) / bench::kMicrosPerMilli;
    };
    std::cout << std::setw(7) << ms(summary->min) << std::setw(8) << ms(summary->median)
              << std::setw(8) << ms(summary->p90) << std::setw(8) << ms(summary->p99)
              << std::setw(8) << ms(summary->max);
  } else {
    std::cout << std::setw(39) << "-";
  }
  const bool over = range.low == range.high;  // the paper saw no leader within 10 s
  std::cout << std::setw(11) << row.timed_out << "   "
            << (over && lang == narration::Lang::zh ? "10 秒以上" : range.paper) << '\n'
            << std::flush;
}

int bench_election(int argc, char** argv) {
  bench::ElectionOptions options;
  CommandLine line("conlab", "conlab bench election --help");
  line.value("trials", options.trials, "N",
             {"trials per election-timeout range", "每个选举超时范围的试验次数"})
      .value("seed", options.seed, "N", {"seed for every random choice", "所有随机选择的种子"})
      .lang(kHelpLanguage);
  if (const auto status = line.parse(argc, argv, kElectionHelp)) return *status;
  if (options.trials == 0)
    return line.error(Text{"--trials must be at least 1", "--trials 至少是 1"});

  const narration::Lang lang = line.language();
  std::cout << kElectionHeader.in(lang);
  for (const Range& range : kRanges) print_election_row(options, range, lang);
  std::cout << kElectionFooter.in(lang);
  return 0;
}

const Text kCheckerHeader{
    "protocol     invariants   seeds   seeds/s    events/s  delivered/s  delivered/seed\n",
    "协议         不变式        种子   种子/秒     事件/秒      送达/秒    每个种子送达\n"};
// "(one thread; a seed is …)", or "(2 threads; …)".
Text checker_footer(unsigned jobs) {
  const std::string n = std::to_string(jobs);
  const Text threads =
      jobs == 1 ? Text{"one thread", "单线程"} : Text{n + " threads", n + " 个线程"};
  return {
      "(" + threads.en + "; a seed is a whole run: cluster set-up, safety and liveness phases)\n",
      "（" + threads.zh + "；一个种子是一次完整的运行：建立集群、安全阶段和活性阶段）\n"};
}

// One row of `bench checker`: seeds 1..seeds of one protocol, checked or not.
void print_checker_row(const check::Options& options, std::uint64_t seeds, unsigned jobs,
                       narration::Lang lang) {
  std::uint64_t events = 0, delivered = 0;
  const auto start = std::chrono::steady_clock::now();
  check::SeedPool pool(options, 1, seeds, jobs);
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const auto run = pool.take();
    events += run.events;
    delivered += run.delivered;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto per_second = [&](double n) { return seconds > 0 ? n / seconds : 0.0; };
  if (lang == narration::Lang::zh) {
    std::cout << narration::pad_right(notes_name(options.protocol), 13)
              << narration::pad_right(options.check_invariants ? "检查" : "不检查", 11);
  } else {
    std::cout << std::left << std::setw(13) << options.protocol << std::setw(11)
              << (options.check_invariants ? "checked" : "off");
  }
  std::cout << std::right << std::fixed << std::setprecision(0) << std::setw(7) << seeds
            << std::setw(10) << per_second(static_cast<double>(seeds)) << std::setw(12)
            << per_second(static_cast<double>(events)) << std::setw(13)
            << per_second(static_cast<double>(delivered)) << std::setw(16)
            << static_cast<double>(delivered) / static_cast<double>(seeds) << '\n'
            << std::flush;
}

int bench_checker(int argc, char** argv) {
  std::uint64_t seeds = 300;
  unsigned jobs = 1;
  check::Options base;
  CommandLine line("conlab", "conlab bench checker --help");
  line.value("seeds", seeds, "N",
             {"seeds per protocol and mode (1..N)", "每个协议、每种模式的种子数（1..N）"})
      .value("steps", base.steps, "S",
             {"safety-phase steps per seed, as conlab check --steps",
              "每个种子的安全阶段步数，同 conlab check --steps"})
      .value("nodes", base.nodes, "N", {"servers per cluster", "每个集群的服务器个数"})
      .value("jobs", jobs, "N",
             {"threads, each running seeds (as conlab check --jobs)",
              "线程数，每个线程运行种子（同 conlab check --jobs）"})
      .lang(kHelpLanguage);
  if (const auto status = line.parse(argc, argv, kCheckerHelp)) return *status;
  if (jobs < 1 || jobs > check::kMaxJobs)
    return line.error(Text{"--jobs is 1 to 256", "--jobs 是 1 到 256"});
  if (seeds == 0) return line.error(Text{"--seeds must be at least 1", "--seeds 至少是 1"});
  if (base.nodes < 1 || base.nodes > 9) return line.error(kNodesRange);

  const narration::Lang lang = line.language();
  std::cout << kCheckerHeader.in(lang);
  for (const char* protocol : {"paxos", "multipaxos", "raft"}) {
    for (const bool checked : {true, false}) {
      check::Options options = base;
      options.protocol = protocol;
      options.check_invariants = checked;
      print_checker_row(options, seeds, jobs, lang);
    }
  }
  std::cout << checker_footer(jobs).in(lang);
  return 0;
}

int bench_real(int argc, char** argv) {
  bench::RealOptions options;
  AccessWords where;
  CommandLine line("conlab", "conlab bench --help");
  declare_access(line, where);
  line.value(
          "clients", options.clients, "N",
          {"closed-loop clients, each one put at a time", "闭环客户端个数，每个一次发一个写请求"})
      .value("seconds", options.seconds, "S", {"how long to run", "运行多久（秒）"})
      .value("size", options.size, "B", {"bytes per value", "每个值的字节数"})
      .value("count", options.count, "N",
             {"stop after N operations in all, or when --seconds are up (0: no count)",
              "一共完成 N 个请求就停止，或者到了 --seconds 也停止（0：不限个数）"})
      .flag("reads", options.reads,
            {"gets instead of puts (of keys written first), served as the nodes' --read says",
             "用读请求代替写请求（读先写入的键），按节点的 --read 方式服务"})
      .lang(kHelpLanguage);
  if (const auto status = line.parse(argc, argv, kRealHelp)) return *status;
  Access access;
  if (const auto error = resolve_access(where, access)) return line.error(*error);
  options.cluster = access.cluster;
  options.tls = access.tls;
  if (options.clients < 1 || options.clients > 4096) {
    return line.error(Text{"--clients: 1 to 4096", "--clients：1 到 4096"});
  }
  if (!(options.seconds > 0)) {
    return line.error(Text{"--seconds must be more than 0", "--seconds 必须大于 0"});
  }
  if (options.size < 1 || options.size > 1'000'000) {
    return line.error(Text{"--size: 1 to 1000000", "--size：1 到 1000000"});
  }
  // The nodes' CPU, when the cluster is a folder's (their processes are known).
  const auto nodes = where.dir.empty() ? std::vector<pid_t>{} : running_nodes(where.dir);
  const auto cpu_before = bench::cpu_seconds(nodes);
  const auto result = bench::run_real(options);
  const auto cpu_after = bench::cpu_seconds(nodes);
  if (!result.error.en.empty()) {
    print_error("conlab bench", result.error, line.language());
    return 1;
  }
  std::cout << bench_text(
      {.reads = options.reads,
       .clients = options.clients,
       .size = options.size,
       .seconds = result.seconds,
       .operations = result.operations,
       .failures = result.failures,
       .p50_us = result.p50_us,
       .p90_us = result.p90_us,
       .p99_us = result.p99_us,
       .cpu_seconds =
           cpu_before && cpu_after ? std::optional(*cpu_after - *cpu_before) : std::nullopt,
       .nodes = nodes.size()},
      line.language());
  return result.failures > 0 && result.operations == 0 ? 1 : 0;
}

}  // namespace

int bench_command(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "election") return bench_election(argc - 1, argv + 1);
  if (what == "checker") return bench_checker(argc - 1, argv + 1);
  if (what == "--help" || what == "-h") {
    std::cout << kOverview.in(help_language(argc, argv));
    return 0;
  }
  if (what.rfind("--", 0) == 0) return bench_real(argc, argv);
  return usage_error({"conlab bench takes `election` or `checker` (see conlab bench --help)",
                      "conlab bench 后面要跟 `election` 或 `checker`（见 conlab bench --help）"},
                     help_language(argc, argv));
}

}  // namespace consensus_lab::tools
