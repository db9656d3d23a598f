// `conlab jepsen`'s verdict (tools/jepsen/verdict.h) on hand-made histories:
// what it counts, that a stale read is caught and its window found, and that
// a pending put may explain a later read. A real cluster that serves stale
// reads on purpose is not needed to show the report path works.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "tools/jepsen/verdict.h"

using namespace consensus_lab;
using namespace consensus_lab::tools::jepsen;
using narration::Lang;

namespace {

Recorded op(Operation::Kind kind, const std::string& client, const std::string& value,
            std::uint64_t call, std::optional<std::uint64_t> ret,
            std::optional<std::string> result = std::nullopt) {
  Recorded r;
  r.op.kind = kind;
  r.op.client = client;
  r.op.key = "k1";
  r.op.value = kind == Operation::Kind::put ? value : "";
  r.op.result = result;
  r.op.call = call;
  r.op.ret = ret;
  r.op.call_ms = static_cast<Millis>(call * 10);
  r.op.ret_ms = static_cast<Millis>(ret.value_or(0) * 10);
  r.answered = ret.has_value();
  return r;
}

Recorded put(const std::string& client, const std::string& value, std::uint64_t call,
             std::optional<std::uint64_t> ret) {
  return op(Operation::Kind::put, client, value, call, ret);
}

Recorded get(const std::string& client, std::optional<std::string> seen, std::uint64_t call,
             std::optional<std::uint64_t> ret) {
  return op(Operation::Kind::read, client, "", call, ret, std::move(seen));
}

}  // namespace

TEST_CASE("jepsen verdict: counts puts ok and pending, gets ok and failed") {
  const std::vector<Recorded> history = {put("c1", "c1-1", 1, 2),
                                         put("c2", "c2-1", 3, std::nullopt),
                                         get("c3", "c1-1", 4, 5), get("c4", {}, 6, std::nullopt)};
  CHECK(counts_text(history, Lang::en) ==
        "operations: 4 (puts 2: ok 1, pending 1; gets 2: ok 1, failed 1)\n");
  CHECK(counts_text(history, Lang::zh) ==
        "操作：4 个（写 2：成功 1，待定 1；读 2：成功 1，失败 1）\n");
  // The failed get is dropped; the pending put stays in, open.
  CHECK(checked_history(history).size() == 3);
}

TEST_CASE("jepsen verdict: a pending put may explain a later read") {
  const std::vector<Recorded> history = {
      put("c1", "c1-1", 1, 2), put("c2", "c2-1", 3, std::nullopt), get("c3", "c1-1", 4, 5),
      get("c4", "c2-1", 6, 7), get("c5", "c2-1", 8, 9)};
  const Verdict verdict = judge(history);
  CHECK(verdict.result.verdict == Linearizability::Verdict::linearizable);
  CHECK(verdict_text(verdict, Lang::en).rfind("verdict: linearizable (checked in ", 0) == 0);
  CHECK(verdict_text(verdict, Lang::zh).rfind("结论：可线性化", 0) == 0);
}

TEST_CASE("jepsen verdict: a stale read is caught, with the smallest window") {
  // c1 writes x, c2 overwrites it with y, then c3 reads x: stale. What comes
  // after (c4's put and read) is no part of the window.
  const std::vector<Recorded> history = {put("c1", "x", 1, 2),  put("c2", "y", 3, 4),
                                         get("c3", "x", 5, 6),  put("c4", "z", 7, 8),
                                         get("c4", "z", 9, 10), get("c5", {}, 11, std::nullopt)};
  const Verdict verdict = judge(history);
  REQUIRE(verdict.result.verdict == Linearizability::Verdict::not_linearizable);
  CHECK(verdict.result.key == "k1");
  CHECK(verdict.window_end == 6);
  REQUIRE(verdict.window.size() == 3);
  CHECK(verdict.window[2].client == "c3");
  CHECK(std::find(verdict.named.begin(), verdict.named.end(), 2) != verdict.named.end());
  const std::string en = verdict_text(verdict, Lang::en);
  CHECK(en.find("verdict: NOT linearizable") == 0);
  CHECK(en.find("c3 get k1  → x") != std::string::npos);
  CHECK(en.find("c4") == std::string::npos);
  CHECK(verdict_text(verdict, Lang::zh).find("结论：不可线性化") == 0);
}

TEST_CASE("jepsen verdict: a long window keeps the named operations and the last ones") {
  std::vector<Recorded> history = {put("c1", "x", 1, 2), put("c2", "y", 3, 4)};
  for (std::uint64_t t = 5; t < 85; t += 2) history.push_back(get("c9", "y", t, t + 1));
  history.push_back(get("c3", "x", 90, 91));
  const Verdict verdict = judge(history);
  REQUIRE(verdict.result.verdict == Linearizability::Verdict::not_linearizable);
  REQUIRE(verdict.window.size() == 30);
  CHECK(verdict.window.front().value == "x");  // named: kept
  CHECK(verdict.window.back().client == "c3");
  CHECK(verdict.window[verdict.window.size() - 2].call == 83);  // the last others kept
}
