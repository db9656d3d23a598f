// The linearizability checker (tools/check/linearizability.h): small
// hand-made histories that are and are not linearizable (Herlihy & Wing 1990),
// one per situation a student meets, and a random one made from a real
// register. Ticks are logical (a global event counter); each tick is 10 ms of
// simulated time, so tick 5 reads "50 ms" in an explanation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/linearizability.h"

using namespace consensus_lab;
using Verdict = Linearizability::Verdict;

namespace {

Operation put(const std::string& client, const std::string& key, const std::string& value,
              std::uint64_t call, std::optional<std::uint64_t> ret) {
  Operation op;
  op.kind = Operation::Kind::put;
  op.client = client;
  op.key = key;
  op.value = value;
  op.call = call;
  op.ret = ret;
  op.call_ms = static_cast<Millis>(call * 10);
  op.ret_ms = static_cast<Millis>(ret.value_or(0) * 10);
  return op;
}

Operation read(const std::string& client, const std::string& key, std::optional<std::string> result,
               std::uint64_t call, std::optional<std::uint64_t> ret) {
  Operation op = put(client, key, "", call, ret);
  op.kind = Operation::Kind::read;
  op.result = std::move(result);
  return op;
}

const std::optional<std::string> absent = std::nullopt;
const std::optional<std::uint64_t> never = std::nullopt;

bool linearizable(const std::vector<Operation>& history) {
  return check_linearizable(history).verdict == Verdict::linearizable;
}

// Checks that `history` is not linearizable, and returns the result.
Linearizability refuted(const std::vector<Operation>& history) {
  const Linearizability result = check_linearizable(history);
  CHECK(result.verdict == Verdict::not_linearizable);
  CHECK(result.explanation.find('\n') == std::string::npos);
  CHECK(result.explanation.size() <= 300);
  CHECK(result.explanation == check_linearizable(history).explanation);  // deterministic
  return result;
}

}  // namespace

TEST_CASE("Linearizability: an empty history is linearizable") {
  const Linearizability result = check_linearizable({});
  CHECK(result.verdict == Verdict::linearizable);
  CHECK(result.states == 0);
  CHECK(result.explanation.empty());
}

TEST_CASE("Linearizability: a single put is linearizable, answered or not") {
  CHECK(linearizable({put("c1", "x", "1", 1, 2)}));
  CHECK(linearizable({put("c1", "x", "1", 1, never)}));
}

TEST_CASE("Linearizability: a read of a key never written finds it absent") {
  CHECK(linearizable({read("c1", "x", absent, 1, 2)}));
}

TEST_CASE("Linearizability: a read that sees a value never written is not linearizable") {
  const Linearizability result = refuted({read("c1", "x", "5", 1, 2)});
  CHECK(result.key == "x");
  CHECK(result.explanation ==
        "key x: read by c1 at 10..20 ms returned 5, but no put x=5 was invoked before the read "
        "returned");
  CHECK(result.explanation_zh ==
        "键 x：c1 在 10..20 ms 的读请求返回 5，但读请求返回之前，没有人发出过写请求 x=5");
  CHECK(result.operations == std::vector<std::size_t>{0});
}

TEST_CASE("Linearizability: a put then a read of its value is linearizable") {
  CHECK(linearizable({put("c1", "x", "1", 1, 2), read("c1", "x", "1", 3, 4)}));
}

TEST_CASE("Linearizability: put 1, put 2, then a read of 1 by the same client is not") {
  const Linearizability result =
      refuted({put("c1", "x", "1", 1, 2), put("c1", "x", "2", 3, 4), read("c1", "x", "1", 5, 6)});
  CHECK(result.key == "x");
  CHECK(result.explanation ==
        "key x: read by c1 at 50..60 ms returned 1, but put x=2 by c1 (done at 40 ms) came after "
        "put x=1 by c1 (done at 20 ms) and before the read began");
  CHECK(result.explanation_zh ==
        "键 x：c1 在 50..60 ms 的读请求返回 1，但 c1 的写请求 x=2（40 ms 完成）在 c1 的写请求 "
        "x=1（20 ms 完成）之后、读请求开始之前");
  CHECK(result.operations == std::vector<std::size_t>{2, 1, 0});
}

TEST_CASE("Linearizability: a read concurrent with a put may see the old or the new value") {
  // put x=1 done; put x=2 from 30 to 60 ms; the read from 40 to 50 ms.
  for (const char* seen : {"1", "2"}) {
    CAPTURE(seen);
    CHECK(linearizable(
        {put("c1", "x", "1", 1, 2), put("c1", "x", "2", 3, 6), read("c2", "x", seen, 4, 5)}));
  }
  // …but not "absent": put x=1 had finished before the read began.
  const Linearizability result = refuted(
      {put("c1", "x", "1", 1, 2), put("c1", "x", "2", 3, 6), read("c2", "x", absent, 4, 5)});
  CHECK(result.explanation ==
        "key x: read by c2 at 40..50 ms found it absent, but put x=1 by c1 (done at 20 ms) came "
        "before the read began");
  CHECK(result.explanation_zh ==
        "键 x：c2 在 40..50 ms 的读请求发现该键不存在，但 c1 的写请求 x=1（20 ms "
        "完成）早于读请求开始");
}

TEST_CASE("Linearizability: the classic stale read (a lagging replica) is not linearizable") {
  // c1 writes 1, c2 writes 2, then c3 reads 1 — even with a put of 3 going on.
  const Linearizability result = refuted({
      put("c1", "x", "1", 1, 4),
      read("c3", "x", absent, 2, 3),
      put("c2", "x", "2", 5, 6),
      read("c3", "x", "1", 7, 9),
      put("c1", "x", "3", 8, 10),
  });
  CHECK(result.explanation ==
        "key x: read by c3 at 70..90 ms returned 1, but put x=2 by c2 (done at 60 ms) came after "
        "put x=1 by c1 (done at 40 ms) and before the read began");
  CHECK(result.operations == std::vector<std::size_t>{3, 2, 0});
}

TEST_CASE("Linearizability: a new-old inversion between two reads is not linearizable") {
  // put x=2 runs from 30 to 100 ms; c2 reads 2 (40..50 ms), then c3 reads 1
  // (60..70 ms). Each read alone is fine; together, x went back from 2 to 1.
  std::vector<Operation> history{put("c1", "x", "1", 1, 2), put("c1", "x", "2", 3, 10),
                                 read("c2", "x", "2", 4, 5), read("c3", "x", "1", 6, 7)};
  const Linearizability result = refuted(history);
  CHECK(result.explanation ==
        "key x: read by c3 at 60..70 ms returned 1, but the earlier read by c2 at 40..50 ms "
        "returned 2, and no order of the puts explains both");
  CHECK(result.explanation_zh ==
        "键 x：c3 在 60..70 ms 的读请求返回 1，但更早的 c2 在 40..50 ms 的读请求返回 2，"
        "没有哪种写请求的顺序能同时解释两者");
  CHECK(result.operations == std::vector<std::size_t>{3, 2});
  // The other way round (old, then new) is fine.
  history[2].result = "1";
  history[3].result = "2";
  CHECK(linearizable(history));
}

TEST_CASE("Linearizability: three reads that no order explains, though any two are fine") {
  // x=1 and x=2 written at once; the reads see 1, then 2, then 1 again.
  const Linearizability result =
      refuted({put("c1", "x", "1", 1, 20), put("c2", "x", "2", 2, 20), read("c3", "x", "1", 3, 4),
               read("c3", "x", "2", 5, 6), read("c3", "x", "1", 7, 8)});
  CHECK(result.explanation ==
        "key x: read by c3 at 70..80 ms returned 1, and no order of the puts explains it together "
        "with the 2 other reads invoked before it returned");
  CHECK(result.explanation_zh ==
        "键 x：c3 在 70..80 ms 的读请求返回 1，没有哪种写请求的顺序能同时解释它和它返回之前发出的"
        "另外 2 个读请求");
  CHECK(result.operations == std::vector<std::size_t>{4});
}

TEST_CASE("Linearizability: a pending put may have taken effect, or not") {
  // put x=2 was invoked at 30 ms and never answered.
  for (const char* seen : {"1", "2"}) {
    CAPTURE(seen);
    CHECK(linearizable({put("c1", "x", "1", 1, 2), put("c2", "x", "2", 3, never),
                        read("c3", "x", seen, 5, 6), read("c3", "x", seen, 7, 8)}));
  }
  // Once a read has seen it, it has taken effect: a later read cannot go back.
  refuted({put("c1", "x", "1", 1, 2), put("c2", "x", "2", 3, never), read("c3", "x", "2", 5, 6),
           read("c3", "x", "1", 7, 8)});
  // …nor see it again after a put that came later.
  const Linearizability result = refuted({put("c1", "x", "1", 1, never), read("c2", "x", "1", 2, 3),
                                          put("c3", "x", "2", 4, 5), read("c4", "x", "1", 6, 7)});
  CHECK(result.explanation ==
        "key x: read by c4 at 60..70 ms returned 1, but the earlier read by c2 at 20..30 ms "
        "returned 1 and put x=2 by c3 (done at 50 ms) came in between");
  CHECK(result.explanation_zh ==
        "键 x：c4 在 60..70 ms 的读请求返回 1，但更早的 c2 在 20..30 ms 的读请求返回 1，"
        "两者之间又完成了 c3 的写请求 x=2（50 ms 完成）");
  CHECK(result.operations == std::vector<std::size_t>{3, 1, 2});
}

TEST_CASE("Linearizability: a pending put cannot explain a read that returned before its call") {
  const Linearizability result = refuted(
      {put("c1", "x", "1", 1, 2), read("c3", "x", "2", 3, 4), put("c2", "x", "2", 5, never)});
  CHECK(result.explanation ==
        "key x: read by c3 at 30..40 ms returned 2, but no put x=2 was invoked before the read "
        "returned");
}

TEST_CASE("Linearizability: a pending read constrains nothing") {
  CHECK(linearizable({put("c1", "x", "1", 1, 2), read("c2", "x", "garbage", 3, never)}));
}

TEST_CASE("Linearizability: keys are independent registers") {
  SUBCASE("a violation on key b is reported as key b, though key a is fine") {
    const Linearizability result = refuted({put("c1", "a", "1", 1, 2), read("c2", "a", "1", 3, 4),
                                            put("c1", "b", "1", 5, 6), read("c2", "b", "7", 7, 8)});
    CHECK(result.key == "b");
    CHECK(result.explanation.rfind("key b: read by c2", 0) == 0);
  }
  SUBCASE("the first key in sorted order is reported") {
    const Linearizability result =
        refuted({read("c1", "b", "7", 1, 2), read("c1", "a", "7", 3, 4)});
    CHECK(result.key == "a");
  }
  SUBCASE("a history linearizable key by key is linearizable") {
    // Each read sees the other key's put not yet done: fine per key.
    CHECK(linearizable({put("c1", "a", "1", 1, 6), put("c2", "b", "1", 2, 7),
                        read("c1", "b", absent, 3, 4), read("c2", "a", absent, 4, 5),
                        read("c3", "a", "1", 8, 9), read("c3", "b", "1", 10, 11)}));
  }
}

TEST_CASE("Linearizability: a random history made from a real register is linearizable") {
  // Operations on a real map, one every 1000 units of time, each stretched
  // to an interval around that moment: the moments are a linearization, so
  // the history is linearizable however the intervals overlap. Then one read
  // is corrupted to a value never written.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 random(seed);  // the engine's output is the same everywhere
    const auto below = [&](std::uint64_t n) { return random() % n; };
    std::vector<std::optional<std::string>> registers(3);
    std::vector<Operation> history;
    std::vector<std::size_t> answered_reads;
    for (std::uint64_t i = 0; i < 200; ++i) {
      const std::size_t k = below(3);
      const std::string key = "k" + std::to_string(k);
      const std::string client = "c" + std::to_string(below(5));
      const std::uint64_t moment = 1000 * (i + 2);
      // Distinct ticks: the low 12 bits tell the operations apart.
      const std::uint64_t call = ((moment - 10 * (1 + below(150))) << 12) + 2 * i;
      std::optional<std::uint64_t> ret = ((moment + 10 * (1 + below(150))) << 12) + 2 * i + 1;
      const bool lost = below(20) == 0;
      if (below(2) == 0) {
        registers[k] = std::to_string(i);
        history.push_back(put(client, key, std::to_string(i), call, lost ? never : ret));
      } else {
        history.push_back(
            read(client, key, lost ? "lost" : registers[k], call, lost ? never : ret));
        if (!lost) answered_reads.push_back(history.size() - 1);
      }
      history.back().call_ms = static_cast<Millis>((call >> 12) / 10);
      history.back().ret_ms = static_cast<Millis>((*ret >> 12) / 10);
    }
    const Linearizability fine = check_linearizable(history);
    CHECK(fine.verdict == Verdict::linearizable);
    CHECK(fine.states >= answered_reads.size());

    const std::size_t bad = answered_reads[answered_reads.size() / 2];
    history[bad].result = "bogus";
    const Linearizability result = refuted(history);
    CHECK(result.key == history[bad].key);
    CHECK(result.operations == std::vector<std::size_t>{bad});
    CHECK(result.explanation.find("returned bogus, but no put") != std::string::npos);
  }
}

// Herlihy & Wing's definition, tried literally: every order of the
// operations that respects real time (pending puts may be left out). Fine for
// a handful of operations on one key.
bool exhaustive(const std::vector<Operation>& history, std::vector<bool>& placed,
                const std::optional<std::string>& value) {
  bool all = true;
  for (std::size_t i = 0; i < history.size(); ++i) all = all && (placed[i] || !history[i].ret);
  if (all) return true;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Operation& op = history[i];
    if (placed[i] || (op.kind == Operation::Kind::read && !op.ret)) continue;
    bool minimal = true;
    for (std::size_t j = 0; j < history.size(); ++j) {
      minimal = minimal && (placed[j] || !history[j].ret || *history[j].ret > op.call);
    }
    const bool put = op.kind == Operation::Kind::put;
    if (!minimal || (!put && op.result != value)) continue;
    placed[i] = true;
    const bool found = exhaustive(history, placed, put ? std::optional(op.value) : value);
    placed[i] = false;
    if (found) return true;
  }
  return false;
}

TEST_CASE("Linearizability: the search agrees with trying every order, on small histories") {
  std::mt19937_64 random(7);
  const auto below = [&](std::uint64_t n) { return random() % n; };
  std::size_t refuted_count = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::size_t n = 1 + below(7);
    std::vector<std::uint64_t> ticks(2 * n);
    for (std::size_t t = 0; t < ticks.size(); ++t) ticks[t] = t + 1;
    for (std::size_t t = ticks.size() - 1; t > 0; --t) std::swap(ticks[t], ticks[below(t + 1)]);
    std::vector<Operation> history;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t call = std::min(ticks[2 * i], ticks[2 * i + 1]);
      const std::uint64_t answer = std::max(ticks[2 * i], ticks[2 * i + 1]);
      const std::optional<std::uint64_t> ret = below(8) == 0 ? never : std::optional(answer);
      const std::string value = std::to_string(1 + below(3));
      history.push_back(below(2) == 0
                            ? put("c" + std::to_string(i), "x", value, call, ret)
                            : read("c" + std::to_string(i), "x",
                                   below(5) == 0 ? absent : std::optional(value), call, ret));
    }
    std::vector<bool> placed(n);
    const bool expected = exhaustive(history, placed, absent);
    const Linearizability result = check_linearizable(history);
    CAPTURE(round);
    CHECK(result.verdict == (expected ? Verdict::linearizable : Verdict::not_linearizable));
    if (result.verdict == Verdict::not_linearizable) {
      ++refuted_count;
      REQUIRE(!result.operations.empty());
      CHECK(history[result.operations[0]].kind == Operation::Kind::read);
      CHECK(result.explanation.rfind("key x: read by " + history[result.operations[0]].client, 0) ==
            0);
    }
  }
  CHECK(refuted_count > 100);  // both verdicts were exercised
}

TEST_CASE("Linearizability: a search cut short by max_states is undecided, not a verdict") {
  // Eight puts at once, then a read of the one put first: the search tries
  // orders before it finds one that ends with x=1.
  std::vector<Operation> history;
  for (std::uint64_t i = 1; i <= 8; ++i) {
    history.push_back(put("c" + std::to_string(i), "x", std::to_string(i), i, 20 + i));
  }
  history.push_back(read("c9", "x", "1", 30, 31));
  const Linearizability full = check_linearizable(history);
  CHECK(full.verdict == Verdict::linearizable);
  CHECK(full.states > 3);

  const Linearizability cut = check_linearizable(history, 3);
  CHECK(cut.verdict == Verdict::undecided);
  CHECK(cut.key == "x");
  CHECK(cut.explanation ==
        "key x: gave up after 3 configurations of its 9 operations (max_states); nothing was "
        "proven");
  // A proven violation on another key still wins over an undecided one.
  history.push_back(read("c1", "y", "5", 40, 41));
  CHECK(check_linearizable(history, 3).verdict == Verdict::not_linearizable);
}

TEST_CASE("Linearizability: an answer before its call is a malformed history, undecided") {
  const Linearizability result = check_linearizable({put("c1", "x", "1", 5, 4)});
  CHECK(result.verdict == Verdict::undecided);
  CHECK(result.explanation.find("malformed") != std::string::npos);
}

TEST_CASE("Linearizability: an explanation stays one short line whatever the values") {
  const std::string long_value(500, 'v');
  const Linearizability result =
      refuted({put("c1", "x", long_value, 1, 2), put("c1\nc2", "x", "2", 3, 4),
               read("c1", "x", long_value, 5, 6)});
  CHECK(result.explanation.find("vvv...") != std::string::npos);
}
