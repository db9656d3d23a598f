#include "tools/jepsen/run.h"

#include <signal.h>

#include <atomic>
#include <iostream>
#include <optional>
#include <thread>

#include "tools/jepsen/clients.h"
#include "tools/jepsen/verdict.h"
#include "tools/options.h"

namespace consensus_lab::tools::jepsen {

namespace {

namespace fs = std::filesystem;
using narration::Lang;

// Ctrl-C (or SIGTERM, SIGHUP) ends the run early, cleanly: the nodes run in
// sessions of their own and would outlive this process otherwise.
std::atomic<bool> interrupted{false};

void on_signal(int) {
  interrupted = true;
}

void catch_signals() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
}

// A fresh folder for the nodes: the data directories and logs of an
// earlier run in it go.
void clear(const NodesOptions& options) {
  fs::create_directories(options.folder);
  for (std::size_t i = 0; i < options.nodes; ++i) {
    const std::string id(1, static_cast<char>('A' + i));
    fs::remove_all(options.folder / id);
    fs::remove(options.folder / (id + ".log"));
  }
}

// Wait until a put goes through (a leader is elected), at most 10 s.
bool cluster_ready(const Nodes& nodes) {
  auto client = connect_client(nodes.cluster(), nodes.tls(), "setup");
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < give_up && !interrupted) {
    if (client->put("setup", "ready").done) return true;
  }
  return false;
}

void print_header(const RunOptions& o, Lang lang) {
  std::string protocol = o.nodes.protocol;
  if (o.nodes.protocol == "raft" && o.nodes.features.read == RaftFeatureWords{}.read) {
    protocol += " --read " + o.nodes.features.read;  // the default, said
  }
  for (const std::string& arg : raft_feature_args(o.nodes.features)) protocol += " " + arg;
  const std::string storage = o.nodes.in_memory ? "in memory" : "durable";
  if (lang == Lang::zh) {
    std::cout << "conlab jepsen：" << protocol << "，" << o.nodes.nodes << " 个节点（"
              << (o.nodes.in_memory ? "内存" : "持久化") << "），" << o.clients << " 个客户端，"
              << o.keys << " 个键，" << o.seconds << " 秒，故障 " << o.nemesis_words << "，种子 "
              << o.seed << "\n";
  } else {
    std::cout << "conlab jepsen: " << protocol << ", " << o.nodes.nodes << " nodes (" << storage
              << "), " << o.clients << " clients, " << o.keys << " keys, " << o.seconds
              << " s, nemesis " << o.nemesis_words << ", seed " << o.seed << "\n";
  }
}

void print_events(const std::vector<NemesisEvent>& events, Lang lang) {
  std::cout << (lang == Lang::zh ? "故障事件：" : "nemesis events: ") << events.size() << "\n";
  for (const NemesisEvent& event : events) {
    char at[24];
    std::snprintf(at, sizeof at, "%8lld ms  ", static_cast<long long>(event.at));
    std::cout << at << event.what.in(lang) << "\n";
  }
}

struct Outcome {
  std::vector<Recorded> history;
  std::vector<NemesisEvent> events;
};

Outcome run_workload(const RunOptions& options, Nodes& nodes) {
  std::atomic<bool> stop{false};
  LeaderSeen leader;
  const auto start = Clock::now();
  Outcome outcome;
  std::thread nemesis([&] {
    outcome.events = run_nemesis(nodes, options.faults, options.seed, start, stop, leader);
  });
  std::thread clock([&] {
    const auto end = start + std::chrono::seconds(options.seconds);
    while (Clock::now() < end && !interrupted) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop = true;
  });
  outcome.history = run_clients({.cluster = nodes.cluster(),
                                 .tls = nodes.tls(),
                                 .clients = options.clients,
                                 .keys = options.keys,
                                 .seed = options.seed,
                                 .start = start},
                                stop, leader);
  clock.join();
  nemesis.join();
  return outcome;
}

}  // namespace

int run(const RunOptions& options) {
  const Lang lang = options.nodes.lang;
  catch_signals();
  clear(options.nodes);
  std::optional<Nodes> made;
  try {
    made.emplace(options.nodes);
  } catch (const net::TlsError& error) {
    print_error("conlab", error.reason, lang);
    return 2;
  }
  Nodes& nodes = *made;
  const std::string logs = (options.nodes.folder / "*.log").string();
  if (!nodes.start_all()) {
    print_error("conlab", {"cannot start a node process", "无法启动节点进程"}, lang);
    return 2;
  }
  if (!cluster_ready(nodes)) {
    print_error("conlab",
                {"the cluster elected no leader within 10 s (see " + logs + ")",
                 "集群在 10 秒内没有选出领导者（见 " + logs + "）"},
                lang);
    return 2;
  }
  print_header(options, lang);
  const Outcome outcome = run_workload(options, nodes);
  nodes.stop_all();
  if (interrupted) {
    std::cout << (lang == Lang::zh ? "（运行被中断，提前结束）\n"
                                   : "(interrupted: the run ended early)\n");
  }
  std::cout << counts_text(outcome.history, lang);
  print_events(outcome.events, lang);
  const Verdict verdict = judge(outcome.history);
  std::cout << verdict_text(verdict, lang);
  std::cout << (lang == Lang::zh ? "节点日志：" : "node logs: ") << logs << "\n";
  return verdict.result.verdict == Linearizability::Verdict::linearizable ? 0 : 1;
}

}  // namespace consensus_lab::tools::jepsen
