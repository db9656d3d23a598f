// The linearizability check (linearizability.h): each key on its own, by the
// WGL search (wgl_search.cpp); a failure explained (linearizability_explain.cpp).
#include "common/linearizability.h"

#include <cstddef>
#include <map>

#include "common/linearizability_explain.h"
#include "common/wgl_search.h"

namespace consensus_lab {
namespace {

using wgl::clip;
using wgl::Op;
using wgl::Outcome;
using wgl::Searched;

// The operations history[members[j]] of one key, as the search sees them.
std::vector<Op> key_history(const std::vector<Operation>& history,
                            const std::vector<std::size_t>& members) {
  std::vector<Op> ops;
  std::map<std::string, std::uint32_t> numbers;  // value -> its number (1, 2, …)
  for (const std::size_t i : members) {
    const Operation& operation = history[i];
    const bool put = operation.kind == Operation::Kind::put;
    const auto fresh = static_cast<std::uint32_t>(numbers.size() + 1);
    std::uint32_t value = 0;  // absent
    if (put || operation.result) {
      value = numbers.emplace(put ? operation.value : *operation.result, fresh).first->second;
    }
    ops.push_back({put, value, operation.call, operation.ret});
  }
  return ops;
}

}  // namespace

Linearizability check_linearizable(const std::vector<Operation>& history,
                                   std::uint64_t max_states) {
  // Locality: check each key on its own, in sorted order.
  std::map<std::string, std::vector<std::size_t>> keys;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Operation& op = history[i];
    if (op.kind == Operation::Kind::read && !op.ret) continue;  // a pending read: no constraint
    keys[op.key].push_back(i);
  }
  Linearizability result;
  Linearizability undecided;  // the first key left undecided
  for (const auto& [key, members] : keys) {
    const std::vector<Op> ops = key_history(history, members);
    const Searched searched = wgl::search(ops, max_states);
    result.states += searched.states;
    if (searched.outcome == Outcome::not_linearizable) {
      Linearizability failed = wgl::explain(history, key, members, ops, max_states);
      failed.states = result.states;
      return failed;
    }
    if (searched.outcome == Outcome::linearizable || !undecided.explanation.empty()) continue;
    undecided.verdict = Linearizability::Verdict::undecided;
    undecided.key = key;
    const bool malformed = searched.outcome == Outcome::malformed;
    const std::string states = std::to_string(max_states), count = std::to_string(members.size());
    undecided.explanation =
        "key " + clip(key) + ": " +
        (malformed ? "an operation was answered before it was called: the history is malformed"
                   : "gave up after " + states + " configurations of its " + count +
                         " operations (max_states); nothing was proven");
    undecided.explanation_zh = "键 " + clip(key) + "：" +
                               (malformed ? "有操作在发出之前就得到了回答：历史记录有误"
                                          : "搜索了它的 " + count + " 个操作的 " + states +
                                                " 种状态后放弃；什么也没有证明");
  }
  if (undecided.explanation.empty()) return result;
  undecided.states = result.states;
  return undecided;
}

std::string to_string(Linearizability::Verdict verdict) {
  constexpr const char* kNames[] = {"linearizable", "not linearizable", "undecided"};
  return kNames[static_cast<std::size_t>(verdict)];
}

}  // namespace consensus_lab
