// Why a key is not linearizable (linearizability.h lists the cases). The read
// at fault: the key's history as it stood when answer number i came back is
// linearizable for small i, not for the last; an answer only adds
// constraints, so a binary search finds the first answer that makes it
// impossible. It is a read's: a put can always take effect just before its
// answer, after everything else. Cases 1-3 are exactly the ways a read can
// fail against the puts alone, so they need no search; case 4 searches (all
// searches share one budget of max_states).
#include "common/linearizability_explain.h"

#include <algorithm>
#include <optional>

namespace consensus_lab::wgl {
namespace {

// When `op` returned, seen from tick `t`: kNever if it was not answered by then.
std::uint64_t done_by(const Op& op, std::uint64_t t) {
  return op.ret && *op.ret <= t ? *op.ret : kNever;
}

// The key's history as it stood at tick `t`: the operations invoked before it,
// pending if not answered by then (a pending read dropped); `kept`: their indices.
std::vector<Op> as_of(const std::vector<Op>& ops, std::uint64_t t, std::vector<std::size_t>& kept) {
  std::vector<Op> prefix;
  for (std::size_t j = 0; j < ops.size(); ++j) {
    Op op = ops[j];
    if (op.call >= t || (!op.put && done_by(op, t) == kNever)) continue;
    if (done_by(op, t) == kNever) op.ret.reset();
    prefix.push_back(op);
    kept.push_back(j);
  }
  return prefix;
}

// An operation as an explanation names it, in English or (zh) in the notes' Chinese.
std::string put_text(const Operation& op, bool zh) {
  const std::string write = clip(op.key) + "=" + clip(op.value);
  return zh ? clip(op.client) + " 的写请求 " + write : "put " + write + " by " + clip(op.client);
}
std::string read_text(const Operation& op, bool zh) {  // (an answered read)
  const std::string when = std::to_string(op.call_ms) + ".." + std::to_string(op.ret_ms) + " ms";
  if (zh) {
    return clip(op.client) + " 在 " + when + " 的读请求" +
           (op.result ? "返回 " + clip(*op.result) : "发现该键不存在");
  }
  return "read by " + clip(op.client) + " at " + when +
         (op.result ? " returned " + clip(*op.result) : " found it absent");
}

class Explanation {
 public:
  Explanation(const std::vector<Operation>& history, const std::string& key,
              const std::vector<std::size_t>& members, const std::vector<Op>& ops,
              std::uint64_t max_states)
      : history_(history), key_(key), members_(members), ops_(ops), budget_(max_states) {
    result_.verdict = Linearizability::Verdict::not_linearizable;
    result_.key = key;
    result_.explanation = "key " + clip(key) + ": ";
    result_.explanation_zh = "键 " + clip(key) + "：";
  }
  Linearizability run();

 private:
  const Operation& at(std::size_t j) const { return history_[members_[j]]; }
  std::optional<bool> fails(const std::vector<Op>& sub);
  std::optional<std::size_t> read_at_fault();
  // The read at fault and why, in English and in Chinese; js: the operations named.
  Linearizability blame(const std::string& why, const std::string& why_zh,
                        const std::vector<std::size_t>& js);
  std::string done(std::size_t j, bool zh) const {
    const std::string ms = std::to_string(at(j).ret_ms) + " ms";
    return put_text(at(j), zh) + (zh ? "（" + ms + " 完成）" : " (done at " + ms + ")");
  }
  std::optional<Linearizability> against_puts();
  Linearizability against_reads();

  const std::vector<Operation>& history_;
  const std::string& key_;
  const std::vector<std::size_t>& members_;
  const std::vector<Op>& ops_;
  std::uint64_t budget_;
  Linearizability result_;
  // The read at fault, and the history as it stood when it returned.
  std::size_t r_ = 0;
  std::vector<std::size_t> kept_;
  std::vector<Op> prefix_;
  std::vector<std::size_t> before_;  // the puts answered before the read began, the latest first
};

// Whether `sub` has no legal order; nullopt once the budget is spent.
std::optional<bool> Explanation::fails(const std::vector<Op>& sub) {
  const Searched searched = search(sub, budget_);
  if (searched.outcome == Outcome::gave_up) return std::nullopt;
  budget_ -= searched.states;
  return searched.outcome == Outcome::not_linearizable;
}

// The first answer that leaves no legal order (binary search); nullopt if
// the budget ran out.
std::optional<std::size_t> Explanation::read_at_fault() {
  std::vector<std::size_t> answered;  // by the time of their answer
  for (std::size_t j = 0; j < ops_.size(); ++j) {
    if (ops_[j].ret) answered.push_back(j);
  }
  if (answered.empty()) return std::nullopt;
  std::sort(answered.begin(), answered.end(),
            [&](std::size_t a, std::size_t b) { return *ops_[a].ret < *ops_[b].ret; });
  // fails(answered.size() - 1) is known: the search of the whole key failed.
  std::size_t low = 0, high = answered.size() - 1;
  while (low < high) {
    const std::size_t middle = low + (high - low) / 2;
    std::vector<std::size_t> kept;
    const std::optional<bool> failed = fails(as_of(ops_, *ops_[answered[middle]].ret, kept));
    if (!failed) return std::nullopt;
    if (*failed) high = middle;
    if (!*failed) low = middle + 1;
  }
  return answered[low];
}

Linearizability Explanation::blame(const std::string& why, const std::string& why_zh,
                                   const std::vector<std::size_t>& js) {
  result_.explanation += read_text(at(r_), false) + why;
  result_.explanation_zh += read_text(at(r_), true) + why_zh;
  for (const std::size_t j : js) result_.operations.push_back(members_[j]);
  return result_;
}

Linearizability Explanation::run() {
  const std::optional<std::size_t> fault = read_at_fault();
  if (!fault || ops_[*fault].put) {  // (a put: cannot happen, see above)
    const std::string count = std::to_string(ops_.size());
    result_.explanation +=
        "no order of its " + count + " operations is legal (too large to find the one at fault)";
    result_.explanation_zh +=
        "它的 " + count + " 个操作没有合法的顺序（操作太多，找不出出错的那一个）";
    return result_;
  }
  r_ = *fault;
  const std::uint64_t t = *ops_[r_].ret;
  prefix_ = as_of(ops_, t, kept_);
  for (const std::size_t j : kept_) {
    if (ops_[j].put && done_by(ops_[j], t) < ops_[r_].call) before_.push_back(j);
  }
  std::sort(before_.begin(), before_.end(),
            [&](std::size_t a, std::size_t b) { return *ops_[a].ret > *ops_[b].ret; });
  if (auto blamed = against_puts()) return *blamed;
  return against_reads();
}

// Cases 1-3: the read does not fit the puts alone.
std::optional<Linearizability> Explanation::against_puts() {
  const Op& read = ops_[r_];
  const std::uint64_t t = *read.ret;
  // The put of the read's value invoked before it returned and answered last.
  std::size_t writer = kNone, writers = 0;
  for (const std::size_t j : kept_) {
    if (!ops_[j].put || read.value == 0 || ops_[j].value != read.value) continue;
    ++writers;
    if (writer == kNone || done_by(ops_[j], t) >= done_by(ops_[writer], t)) writer = j;
  }
  if (read.value != 0 && writer == kNone) {  // 2
    const std::string write = clip(key_) + "=" + clip(*at(r_).result);
    return blame(", but no put " + write + " was invoked before the read returned",
                 "，但读请求返回之前，没有人发出过写请求 " + write, {r_});
  }
  for (const std::size_t j : before_) {  // 1, 3: a put after the value's last put, before the read
    if (read.value == 0) {
      return blame(", but " + done(j, false) + " came before the read began",
                   "，但 " + done(j, true) + "早于读请求开始", {r_, j});
    }
    if (done_by(ops_[writer], t) < ops_[j].call) {
      return blame(", but " + done(j, false) + " came after " + (writers > 1 ? "the last " : "") +
                       done(writer, false) + " and before the read began",
                   "，但 " + done(j, true) + (writers > 1 ? "在最后一个 " : "在 ") +
                       done(writer, true) + "之后、读请求开始之前",
                   {r_, j, writer});
    }
  }
  return std::nullopt;
}

// Cases 4 and 5: the read fits the puts, but not together with the other reads.
Linearizability Explanation::against_reads() {
  const Op& read = ops_[r_];
  std::vector<std::size_t> reads;  // the other reads, the latest answer first
  for (std::size_t k = 0; k < kept_.size(); ++k) {
    if (!prefix_[k].put && kept_[k] != r_) reads.push_back(k);
  }
  std::sort(reads.begin(), reads.end(),
            [&](std::size_t a, std::size_t b) { return *prefix_[a].ret > *prefix_[b].ret; });
  for (const std::size_t other : reads) {  // 4
    std::vector<Op> sub;
    for (std::size_t k = 0; k < kept_.size(); ++k) {
      if (prefix_[k].put || kept_[k] == r_ || k == other) sub.push_back(prefix_[k]);
    }
    const std::optional<bool> failed = fails(sub);
    if (!failed) break;
    if (!*failed) continue;
    const std::size_t j = kept_[other];
    const bool earlier = *ops_[j].ret < read.call;
    const std::string but = std::string(", but the ") + (earlier ? "earlier " : "other ") +
                            read_text(at(j), false),
                      but_zh = std::string("，但") + (earlier ? "更早的 " : "另一个 ") +
                               read_text(at(j), true);
    for (const std::size_t q : before_) {  // a put of another value between the two reads?
      if (ops_[q].call > *ops_[j].ret && ops_[q].value != read.value) {
        return blame(but + " and " + done(q, false) + " came in between",
                     but_zh + "，两者之间又完成了 " + done(q, true), {r_, j, q});
      }
    }
    return blame(but + ", and no order of the puts explains both",
                 but_zh + "，没有哪种写请求的顺序能同时解释两者", {r_, j});
  }
  const std::string others = std::to_string(reads.size());
  return blame(", and no order of the puts explains it together with the " + others +
                   " other reads invoked before it returned",
               "，没有哪种写请求的顺序能同时解释它和它返回之前发出的另外 " + others + " 个读请求",
               {r_});
}

}  // namespace

std::string clip(const std::string& text) {
  const auto byte = [](char c) { return static_cast<unsigned char>(c); };
  std::size_t end = std::min<std::size_t>(text.size(), 16);
  while (end < text.size() && end > 0 && (byte(text[end]) & 0xC0) == 0x80) --end;
  std::string out = text.substr(0, end);
  std::replace_if(
      out.begin(), out.end(), [&](char c) { return byte(c) < 0x20 || c == 0x7F; }, '?');
  return end < text.size() ? out + "..." : out;
}

Linearizability explain(const std::vector<Operation>& history, const std::string& key,
                        const std::vector<std::size_t>& members, const std::vector<Op>& ops,
                        std::uint64_t max_states) {
  return Explanation(history, key, members, ops, max_states).run();
}

}  // namespace consensus_lab::wgl
