#include "tools/jepsen/verdict.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace consensus_lab::tools::jepsen {

namespace {

using narration::Lang;

constexpr std::size_t kWindowLines = 30;

bool is_put(const Operation& op) {
  return op.kind == Operation::Kind::put;
}

// The key's operations as they stood at tick `at`: those called by then;
// one that returned later had not returned yet — a put pending, a get
// dropped.
std::vector<Operation> as_seen_at(const std::vector<Operation>& ops, std::uint64_t at) {
  std::vector<Operation> seen;
  for (Operation op : ops) {
    if (op.call > at) continue;
    if (op.ret && *op.ret > at) {
      if (!is_put(op)) continue;
      op.ret.reset();
    }
    seen.push_back(std::move(op));
  }
  return seen;
}

bool fails(const std::vector<Operation>& ops, std::uint64_t max_states) {
  return check_linearizable(ops, max_states).verdict == Linearizability::Verdict::not_linearizable;
}

// The smallest return tick by which the key's history already fails (the
// failure can only appear when an answer comes back; once there, it stays).
std::uint64_t earliest_failure(const std::vector<Operation>& ops, std::uint64_t max_states) {
  std::vector<std::uint64_t> rets;
  for (const Operation& op : ops) {
    if (op.ret) rets.push_back(*op.ret);
  }
  std::sort(rets.begin(), rets.end());
  std::size_t low = 0, high = rets.size() - 1;  // rets[high] fails: the whole history does
  while (low < high) {
    const std::size_t middle = (low + high) / 2;
    if (fails(as_seen_at(ops, rets[middle]), max_states)) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return rets[high];
}

// The window around the failure: the named operations, and every other
// operation of the key that overlaps them (as recorded in the end).
void find_window(const std::vector<Operation>& key_ops, Verdict& verdict,
                 std::uint64_t max_states) {
  verdict.window_end = earliest_failure(key_ops, max_states);
  const auto seen = as_seen_at(key_ops, verdict.window_end);
  const Linearizability small = check_linearizable(seen, max_states);
  verdict.result.explanation = small.explanation;
  verdict.result.explanation_zh = small.explanation_zh;
  verdict.window_start = verdict.window_end;
  for (const std::size_t i : small.operations) {
    verdict.window_start = std::min(verdict.window_start, seen[i].call);
  }
  std::vector<std::pair<Operation, bool>> window;  // (operation, named)
  for (const Operation& op : key_ops) {
    if (op.call > verdict.window_end || (op.ret && *op.ret < verdict.window_start)) continue;
    const bool named = std::any_of(small.operations.begin(), small.operations.end(),
                                   [&](std::size_t i) { return seen[i].call == op.call; });
    window.emplace_back(op, named);
  }
  // At most kWindowLines: the named operations, and the others nearest the end.
  std::size_t others = 0;
  for (const auto& [op, named] : window) others += named ? 0 : 1;
  std::size_t skip = std::min(others, window.size() - std::min(window.size(), kWindowLines));
  for (const auto& [op, named] : window) {
    if (!named && skip > 0) {
      --skip;
      continue;
    }
    if (named) verdict.named.push_back(verdict.window.size());
    verdict.window.push_back(op);
  }
}

}  // namespace

std::vector<Operation> checked_history(const std::vector<Recorded>& history) {
  std::vector<Operation> ops;
  for (const Recorded& r : history) {
    if (r.answered || is_put(r.op)) ops.push_back(r.op);
  }
  return ops;
}

Verdict judge(const std::vector<Recorded>& history, std::uint64_t max_states) {
  const auto began = std::chrono::steady_clock::now();
  const std::vector<Operation> ops = checked_history(history);
  Verdict verdict;
  verdict.result = check_linearizable(ops, max_states);
  if (verdict.result.verdict == Linearizability::Verdict::not_linearizable) {
    std::vector<Operation> key_ops;
    for (const Operation& op : ops) {
      if (op.key == verdict.result.key) key_ops.push_back(op);
    }
    find_window(key_ops, verdict, max_states);
  }
  verdict.check_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
  return verdict;
}

}  // namespace consensus_lab::tools::jepsen
