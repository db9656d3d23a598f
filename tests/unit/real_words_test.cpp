// What the real-mode commands print (tools/real_words.h): the English as it
// always was, and the notes' Chinese with no English word left in it.
#include "tools/real_words.h"

#include <doctest/doctest.h>

#include <regex>

using namespace consensus_lab;
using tools::Lang;

namespace {

// English words (three letters or more) in `text`, once paths, command
// lines and the protocols' names are taken out: what the zh.no_english tests
// (cmake/NoEnglishInChinese.cmake) would find.
std::string english_in(std::string text) {
  for (const char* quoted : {"conlab [^\n]*", "tail -f [^\n]*", "kill -9", "sh [^ ]*",
                             "[A-Za-z0-9_.~-]*/[A-Za-z0-9_./-]*", "Basic Paxos|Multi-Paxos|Raft"}) {
    text = std::regex_replace(text, std::regex(quoted), "");
  }
  std::smatch word;
  return std::regex_search(text, word, std::regex("[A-Za-z]{3,}")) ? word.str() : "";
}

const tools::ClusterUse kUse{.protocol = "raft",
                             .nodes = 3,
                             .conlab = "build/tools/conlab",
                             .logs = "/tmp/c/*.log",
                             .restart = "/tmp/c/restart-A.sh",
                             .dir = "c"};

const tools::BenchFigures kFigures{.clients = 4,
                                   .size = 256,
                                   .seconds = 5.04,
                                   .operations = 10000,
                                   .failures = 1,
                                   .p50_us = 350,
                                   .p90_us = 800.4,
                                   .p99_us = 2000};

}  // namespace

TEST_CASE("real mode: what conlab cluster, put, get and bench print, in English") {
  CHECK(tools::stopped_text(1, Lang::en) == "stopped 1 node\n");
  CHECK(tools::stopped_text(3, Lang::en) == "stopped 3 nodes\n");
  CHECK(tools::started_text("A", 4242, 7001, "/tmp/c/A.log", Lang::en) ==
        "A: pid 4242, 127.0.0.1:7001, log /tmp/c/A.log\n");
  CHECK(tools::how_to_use_text(kUse, Lang::en) ==
        "\nA raft cluster of 3 is starting.\n\n"
        "  write:    build/tools/conlab put x 3 --dir c\n"
        "  read:     build/tools/conlab get x --dir c\n"
        "  watch:    tail -f /tmp/c/*.log\n"
        "  kill one: kill -9 PID   (the pids are above)\n"
        "  restart:  sh /tmp/c/restart-A.sh &   (A, say)\n"
        "  stop:     build/tools/conlab cluster stop --dir c\n"
        "  add one:  build/tools/conlab cluster add-node --dir c\n"
        "  remove:   build/tools/conlab cluster remove-node D --dir c   (D, say)\n"
        "  stop one: build/tools/conlab cluster stop-node A --dir c   (a leader hands its "
        "leadership over first)\n");
  CHECK(tools::put_text("B", 1, Lang::en) == "ok (leader B, 1 attempt)\n");
  CHECK(tools::put_text("B", 2, Lang::en) == "ok (leader B, 2 attempts)\n");
  CHECK(tools::get_text("3", Lang::en) == "3\n");
  CHECK(tools::get_text(std::nullopt, Lang::en) == "(none)\n");
  CHECK(tools::bench_text(kFigures, Lang::en) ==
        "4 clients, 256-byte values, 5.0 s: 1984 puts/s, latency p50 350 us, p90 800 us, p99 "
        "2000 us (10000 puts, 1 failed)\n");
  tools::BenchFigures with_cpu = kFigures;
  with_cpu.cpu_seconds = 0.41;
  with_cpu.nodes = 3;
  CHECK(tools::bench_text(with_cpu, Lang::en)
            .ends_with("CPU of the 3 nodes: 41 us per put (0.41 s in all)\n"));
  CHECK(tools::bench_text(with_cpu, Lang::zh)
            .ends_with("3 个节点的 CPU：每个写请求 41 微秒（共 0.41 秒）\n"));
}

TEST_CASE("real mode: what conlab cluster, put, get and bench print, in the notes' Chinese") {
  const std::string texts[] = {
      tools::stopped_text(3, Lang::zh),
      tools::started_text("A", 4242, 7001, "/tmp/c/A.log", Lang::zh),
      tools::how_to_use_text(kUse, Lang::zh),
      tools::put_text("B", 2, Lang::zh),
      tools::get_text(std::nullopt, Lang::zh),
      tools::bench_text(kFigures, Lang::zh),
  };
  for (const std::string& text : texts) {
    CAPTURE(text);
    CHECK(english_in(text).empty());
  }
  CHECK(tools::put_text("B", 2, Lang::zh) == "ok（领导者 B，尝试 2 次）\n");
  CHECK(tools::get_text(std::nullopt, Lang::zh) == "（无）\n");
  CHECK(tools::stopped_text(3, Lang::zh) == "停止了 3 个节点\n");
}
