#include "tools/check/request.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <vector>

#include "tools/check/seed_pool.h"
#include "tools/check/session.h"
#include "tools/check/workload.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/scenario/protocol.h"
#include "tools/scenario/rules.h"

namespace consensus_lab::check {

namespace {

using tools::Text;

constexpr const char* kProtocols[] = {"paxos", "multipaxos", "raft"};

const Text kUsage{
    "Usage: conlab check paxos|multipaxos|raft [options]\n\n"
    "Runs one randomized run per seed. The safety phase makes client requests and\n"
    "faults at random and checks every invariant after every event; the liveness\n"
    "phase then heals the network and restarts every node, and the cluster must make\n"
    "progress (a leader or a chosen value, a new request committed, every\n"
    "acknowledged one on every node). A failing run is shrunk and written as a\n"
    "scenario file that `conlab run` replays to the same failure.\n\n",
    "用法：conlab check paxos|multipaxos|raft [选项]\n\n"
    "每个种子随机运行一次。安全阶段随机发出客户端请求、制造故障，每个事件之后\n"
    "都检查每个不变式；活性阶段随后修复网络、重启每个节点，集群必须取得进展\n"
    "（选出领导者或选定一个值，提交一个新请求，每个已确认的请求都在每个节点上）。\n"
    "失败的运行会被缩小，写成一个场景文件，`conlab run` 重放它得到同样的失败。\n\n"};

const Text kExit{
    "\nExit status: 0 every seed passed; 1 a safety invariant was violated;\n"
    "3 no progress in the liveness phase; 2 bad options.\n"
    "Example: conlab check raft --seeds 1..1000 --rule vote-restriction=off\n",
    "\n退出码：0 每个种子都通过；1 违反了某个安全不变式；\n"
    "3 活性阶段没有进展；2 选项错误。\n"
    "例子：conlab check raft --seeds 1..1000 --rule vote-restriction=off\n"};

// Every protocol's rules with what each guarantees, from the tables next to
// the Rules structs.
std::string rules_help(narration::Lang lang) {
  std::string out = lang == narration::Lang::zh
                        ? "\n规则（默认全部开启；--rule NAME=off 关闭其中一条）：\n"
                        : "\nRules, all on unless switched off (--rule NAME=off):\n";
  for (const std::string protocol : kProtocols) {
    const auto rules = scenario::rules_of(protocol);
    std::size_t widest = 0;
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& rule : rules) {
      rows.emplace_back("    " + std::string(rule.name),
                        std::string(lang == narration::Lang::zh ? rule.zh : rule.en));
      widest = std::max(widest, rule.name.size());
    }
    out += "  " + protocol + "\n" + tools::two_columns(rows, 4 + widest + 2);
  }
  return out;
}

// The texts that name every fault and every rule: made from their tables.
struct GeneratedHelp {
  std::string faults_en = "all, none, or NAME[=PERCENT],… of " + fault_names();
  std::string faults_zh = "all（全部）、none（无），或 NAME[=百分比],…，NAME 取 " + fault_names();
  std::string after_en = rules_help(narration::Lang::en) + std::string(kExit.en);
  std::string after_zh = rules_help(narration::Lang::zh) + std::string(kExit.zh);
};

// The option words before they are checked.
struct Words {
  std::string seeds = "1..100", faults = "all";
  std::vector<std::string> rules, features;
  bool no_liveness = false;
  std::optional<unsigned> jobs;
};

void declare(tools::CommandLine& line, Request& request, Words& words, const GeneratedHelp& help) {
  Options& options = request.options;
  line.value("nodes", options.nodes, "N",
             {"servers (acceptors, replicas): A, B, C, …", "服务器个数（接受者、副本）：A、B、C……"})
      .value(
          "seeds", words.seeds, "A..B",
          {"the seeds to run, both included (one seed: N)", "要运行的种子，含两端（一个种子：N）"})
      .value("steps", options.steps, "S",
             {"steps of the safety phase per seed", "每个种子的安全阶段走多少步"})
      .value("ms", options.ms, "T",
             {"instead of --steps: simulated ms of the safety phase",
              "代替 --steps：安全阶段的模拟时间（毫秒）"})
      .value("faults", words.faults, "LIST", {help.faults_en, help.faults_zh})
      .value("requests", options.requests, "P",
             {"percent of steps with a client request: a put, or a read",
              "发出客户端请求（写或读）的步数百分比"})
      .value("membership", options.membership, "P",
             {"multipaxos, raft (4 nodes or more): percent of steps with a membership change",
              "multipaxos、raft（至少 4 个节点）：做成员变更的步数百分比"})
      .value("transfers", options.transfers, "P",
             {"raft: percent of steps with a leadership transfer to a random live server",
              "raft：把领导权转移给随机一个在线服务器的步数百分比"})
      .value(
          "rule", words.rules, "NAME=off",
          {"switch a safety rule off (or on); repeatable", "关闭（或开启）一条安全规则；可以重复"})
      .value("feature", words.features, "NAME=VALUE",
             {"raft: switch a feature on (pre-vote=on, check-quorum=on, read-mode=lease, "
              "snapshot-every=20); multipaxos: slots-per-accept=N; repeatable",
              "raft：打开一项功能（pre-vote=on、check-quorum=on、read-mode=lease、"
              "snapshot-every=20）；multipaxos：slots-per-accept=N；可以重复"})
      .value("out", request.out, "FILE",
             {"where to write the shrunk counterexample (default check-PROTOCOL-seed-N.txt)",
              "缩小后的反例写到哪个文件（默认 check-PROTOCOL-seed-N.txt）"})
      .value("html", request.html, "FILE.html",
             {"also write the counterexample as a page to step through in a browser, the "
              "violation marked (docs/viewer.md)",
              "同时把反例写成可在浏览器中逐步查看的网页，标出违反不变式之处（docs/zh/viewer.md）"})
      .value("jobs", words.jobs, "N",
             {"run N seeds at once, on N threads (default: one per core); the report is the "
              "same for any N",
              "同时运行 N 个种子，用 N 个线程（默认：每个核一个）；N 不同，报告相同"})
      .flag("keep-going", request.keep_going,
            {"run every seed even after a violation (one counterexample is written)",
             "发现违反后仍运行每个种子（只写一个反例）"})
      .flag("no-liveness", words.no_liveness, {"skip the liveness phase", "跳过活性阶段"})
      .lang({"print this help and the report in English or in the notes' Chinese",
             "用英文或笔记的中文打印本帮助和报告"})
      .positional("protocol", options.protocol);
}

// Raft's Figure 8 needs the new leader's noop off as well (docs/raft.md).
void figure_8_needs_no_noop(Options& options, narration::Lang lang) {
  if (options.protocol != "raft") return;
  bool commit_rule_off = false, noop_given = false;
  for (const auto& [name, on] : options.rules) {
    commit_rule_off |= name == "commit-current-term-only" && !on;
    noop_given |= name == "leader-noop";
  }
  if (commit_rule_off && !noop_given) {
    options.rules.emplace_back("leader-noop", false);
    const Text note{
        "note: commit-current-term-only=off also switches leader-noop off: a new leader's noop "
        "alone prevents Figure 8 (docs/checker.md)\n",
        "注意：`commit-current-term-only=off` 同时关闭 `leader-noop`：单是新领导者的 noop "
        "日志项就能防止图 8 的情形（docs/zh/checker.md）\n"};
    std::cerr << note.in(lang);
  }
}

// A feature's value is checked where every scenario file's is: the scenario
// runner runs the settings once, and its reason is the error.
std::optional<Text> settings_refused(const Options& options) {
  Run run;
  RecordingSession session(options, run);
  for (const std::string& line : header_lines(options, 1)) session.execute(line);
  for (const std::string& line : settings_lines(options)) {
    if (session.execute(line)) continue;
    // The detail after its label ("error: …", "错误：…").
    const auto reason = [](const std::string& detail, const std::string& colon) {
      const auto at = detail.find(colon);
      return at == std::string::npos ? detail : detail.substr(at + colon.size());
    };
    return Text{"--feature: " + reason(run.detail, ": "),
                "--feature：" + reason(run.detail_zh, "：")};
  }
  return std::nullopt;
}

// What is wrong with the options, if anything.
std::optional<Text> validate(Request& request, const Words& words) {
  Options& options = request.options;
  if (options.protocol.empty()) {
    return Text{"conlab check needs a protocol: paxos, multipaxos or raft",
                "conlab check 需要一个协议：paxos、multipaxos 或 raft"};
  }
  if (scenario::protocols().count(options.protocol) == 0) {
    return Text{"unknown protocol '" + options.protocol + "' (paxos, multipaxos or raft)",
                "未知的协议 '" + options.protocol + "'（paxos、multipaxos 或 raft）"};
  }
  if (options.nodes < 1 || options.nodes > 9) {
    return tools::kNodesRange;
  }
  const auto seeds = tools::parse_range(words.seeds, /*one_allowed=*/true);
  if (!seeds) {
    return Text{"--seeds takes A..B with A <= B (or one number), not '" + words.seeds + "'",
                "--seeds 的格式是 A..B，A <= B（或一个数），而不是 '" + words.seeds + "'"};
  }
  request.first = seeds->first;
  request.last = seeds->second;
  request.jobs = words.jobs.value_or(default_jobs());
  if (request.jobs < 1 || request.jobs > kMaxJobs) {
    return Text{"--jobs is 1 to 256", "--jobs 是 1 到 256"};
  }
  if (options.ms && *options.ms <= 0) return Text{"--ms must be at least 1", "--ms 至少是 1"};
  if (auto error = parse_faults(words.faults, options.faults)) return error;
  if (options.requests > 100) {
    return Text{"--requests is a percentage, 0 to 100", "--requests 是百分比，0 到 100"};
  }
  if (options.membership > 100) {
    return Text{"--membership is a percentage, 0 to 100", "--membership 是百分比，0 到 100"};
  }
  if (options.transfers > 100) {
    return Text{"--transfers is a percentage, 0 to 100", "--transfers 是百分比，0 到 100"};
  }
  if (options.transfers > 0 && options.protocol != "raft") {
    return Text{"--transfers is for raft", "--transfers 只用于 raft"};
  }
  for (const std::string& rule : words.rules) {
    if (auto error = switch_rule(options, rule)) return error;
  }
  for (const std::string& feature : words.features) {
    const auto equals = feature.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == feature.size()) {
      return Text{"--feature takes NAME=VALUE, not '" + feature + "'",
                  "--feature 的格式是 NAME=VALUE，而不是 '" + feature + "'"};
    }
    if (options.protocol == "paxos") {
      return Text{"--feature is for raft and multipaxos", "--feature 只用于 raft 和 multipaxos"};
    }
    options.features.emplace_back(feature.substr(0, equals), feature.substr(equals + 1));
  }
  if (auto error = settings_refused(options)) return error;
  figure_8_needs_no_noop(options, request.lang);
  options.liveness = !words.no_liveness;
  return std::nullopt;
}

}  // namespace

std::variant<Request, int> parse_request(int argc, char** argv) {
  Request request;
  Words words;
  const GeneratedHelp help;
  tools::CommandLine line("conlab", "conlab check --help");
  declare(line, request, words, help);
  if (const auto status = line.parse(argc, argv, {kUsage, {help.after_en, help.after_zh}})) {
    return *status;
  }
  request.lang = line.language();
  if (const auto error = validate(request, words)) return line.error(*error);
  return request;
}

std::optional<Text> switch_rule(Options& options, const std::string& text) {
  const auto equals = text.find('=');
  const std::string name = text.substr(0, equals);
  const std::string state = equals == std::string::npos ? "off" : text.substr(equals + 1);
  const auto known = scenario::rules_of(options.protocol);
  if (std::none_of(known.begin(), known.end(),
                   [&](const auto& rule) { return rule.name == name; })) {
    return scenario::unknown_rule(options.protocol, name);
  }
  if (state != "off" && state != "on") {
    return Text{"--rule takes NAME=off or NAME=on, not '" + text + "'",
                "--rule 的格式是 NAME=off 或 NAME=on，而不是 '" + text + "'"};
  }
  options.rules.emplace_back(name, state == "on");
  return std::nullopt;
}

std::string command_line(const Options& options, std::uint64_t seed) {
  std::string out = "conlab check " + options.protocol;
  if (options.nodes != 3) out += " --nodes " + std::to_string(options.nodes);
  out += " --seeds " + std::to_string(seed) + ".." + std::to_string(seed);
  if (options.ms) {
    out += " --ms " + std::to_string(*options.ms);
  } else if (options.steps != 100) {
    out += " --steps " + std::to_string(options.steps);
  }
  if (!(options.faults == Faults::all())) out += " --faults " + to_string(options.faults);
  if (options.requests != Options{}.requests) {
    out += " --requests " + std::to_string(options.requests);
  }
  if (options.membership != Options{}.membership) {
    out += " --membership " + std::to_string(options.membership);
  }
  if (options.transfers != 0) out += " --transfers " + std::to_string(options.transfers);
  for (const auto& [name, on] : options.rules) {
    out += " --rule " + name + (on ? "=on" : "=off");
  }
  for (const auto& [name, value] : options.features) out += " --feature " + name + "=" + value;
  return out;
}

}  // namespace consensus_lab::check
