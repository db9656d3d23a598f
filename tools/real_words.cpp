#include "tools/real_words.h"

#include <iomanip>
#include <sstream>
#include <utility>

namespace consensus_lab::tools {

std::string notes_name(const std::string& protocol) {
  return protocol == "paxos" ? "Basic Paxos" : protocol == "multipaxos" ? "Multi-Paxos" : "Raft";
}

std::string stopped_text(int stopped, Lang lang) {
  const std::string count = std::to_string(stopped);
  if (lang == Lang::zh) return "停止了 " + count + " 个节点\n";
  return "stopped " + count + " node" + (stopped == 1 ? "" : "s") + "\n";
}

std::string started_text(const std::string& id, long pid, unsigned short port,
                         const std::string& log, Lang lang) {
  const std::string where = "127.0.0.1:" + std::to_string(port), process = std::to_string(pid);
  if (lang == Lang::zh) return id + "：进程号 " + process + "，" + where + "，日志 " + log + "\n";
  return id + ": pid " + process + ", " + where + ", log " + log + "\n";
}

std::string how_to_use_text(const ClusterUse& use, Lang lang) {
  const bool zh = lang == Lang::zh;
  const std::string cluster = " --dir " + use.dir;
  // What to type for each use, after its label.
  const std::pair<narration::Text, std::string> rows[] = {
      {{"write:", "写："}, use.conlab + " put x 3" + cluster},
      {{"read:", "读："}, use.conlab + " get x" + cluster},
      {{"watch:", "看日志："}, "tail -f " + use.logs},
      {{"kill one:", "杀掉一个："},
       zh ? "kill -9 进程号   （进程号见上）" : "kill -9 PID   (the pids are above)"},
      {{"restart:", "重启："}, "sh " + use.restart + (zh ? " &   （比如 A）" : " &   (A, say)")},
      {{"stop:", "停止："}, use.conlab + " cluster stop --dir " + use.dir},
  };
  // Raft's membership changes and graceful stop (docs/real-cluster.md §3.1, §3.2).
  const std::pair<narration::Text, std::string> raft_rows[] = {
      {{"add one:", "加一个："}, use.conlab + " cluster add-node --dir " + use.dir},
      {{"remove:", "移除："},
       use.conlab + " cluster remove-node D --dir " + use.dir +
           (zh ? "   （比如 D）" : "   (D, say)")},
      {{"stop one:", "停止一个："},
       use.conlab + " cluster stop-node A --dir " + use.dir +
           (zh ? "   （领导者先交出领导权再停止）"
               : "   (a leader hands its leadership over first)")},
  };
  const std::string nodes = std::to_string(use.nodes);
  std::string out =
      zh ? "\n一个 " + nodes + " 个节点的 " + notes_name(use.protocol) + " 集群正在启动。\n\n"
         : "\nA " + use.protocol + " cluster of " + nodes + " is starting.\n\n";
  const auto print = [&](const auto& table) {
    for (const auto& [label, what] : table) {
      out += "  " + narration::pad_right(label.in(lang), zh ? 12 : 10) + what + "\n";
    }
  };
  print(rows);
  if (use.protocol == "raft") print(raft_rows);
  return out;
}

std::string put_text(const std::string& leader, int attempts, Lang lang) {
  const std::string tries = std::to_string(attempts);
  if (lang == Lang::zh) return "ok（领导者 " + leader + "，尝试 " + tries + " 次）\n";
  return "ok (leader " + leader + ", " + tries + (attempts == 1 ? " attempt)" : " attempts)") +
         "\n";
}

std::string get_text(const std::optional<std::string>& value, Lang lang) {
  if (value) return *value + "\n";
  return lang == Lang::zh ? "（无）\n" : "(none)\n";
}

std::string bench_text(const BenchFigures& f, Lang lang) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(0);
  const double rate = static_cast<double>(f.operations) / f.seconds;
  if (lang == Lang::zh) {
    const char* what = f.reads ? " 个读请求" : " 个写请求";
    out << f.clients << " 个客户端，每个值 " << f.size << " 字节，" << std::setprecision(1)
        << f.seconds << " 秒：" << std::setprecision(0) << "每秒 " << rate << what << "，延迟 p50 "
        << f.p50_us << " 微秒，p90 " << f.p90_us << " 微秒，p99 " << f.p99_us << " 微秒（"
        << f.operations << what << "，" << f.failures << " 个失败）\n";
    if (f.cpu_seconds && f.operations > 0) {
      out << f.nodes << " 个节点的 CPU：每个" << (f.reads ? "读请求 " : "写请求 ")
          << *f.cpu_seconds * 1e6 / static_cast<double>(f.operations) << " 微秒（共 "
          << std::setprecision(2) << *f.cpu_seconds << " 秒）\n";
    }
    return out.str();
  }
  const char* what = f.reads ? " gets" : " puts";
  out << f.clients << " client" << (f.clients == 1 ? "" : "s") << ", " << f.size << "-byte values, "
      << std::setprecision(1) << f.seconds << " s: " << std::setprecision(0) << rate << what
      << "/s, latency p50 " << f.p50_us << " us, p90 " << f.p90_us << " us, p99 " << f.p99_us
      << " us (" << f.operations << what << ", " << f.failures << " failed)\n";
  if (f.cpu_seconds && f.operations > 0) {
    out << "CPU of the " << f.nodes
        << " nodes: " << *f.cpu_seconds * 1e6 / static_cast<double>(f.operations) << " us per "
        << (f.reads ? "get" : "put") << " (" << std::setprecision(2) << *f.cpu_seconds
        << " s in all)\n";
  }
  return out.str();
}

}  // namespace consensus_lab::tools
