// How `conlab jepsen` tells its counts and its verdict (verdict.h).
#include <algorithm>
#include <cstdio>

#include "tools/jepsen/verdict.h"

namespace consensus_lab::tools::jepsen {

namespace {

using narration::Lang;

struct Counts {
  std::size_t puts = 0, puts_ok = 0, gets = 0, gets_ok = 0;
};

std::string n(std::size_t count) {
  return std::to_string(count);
}

// "  c3 put k1 c3-17      120 ms → 125 ms  ok"
std::string operation_line(const Operation& op, bool named, Lang lang) {
  const bool zh = lang == Lang::zh;
  std::string what =
      op.kind == Operation::Kind::put ? "put " + op.key + " " + op.value : "get " + op.key;
  std::string result;
  if (!op.ret) {
    result = zh ? "无回答（待定）" : "no answer (pending)";
  } else if (op.kind == Operation::Kind::put) {
    result = "ok";
  } else {
    result = "→ " + (op.result ? *op.result : std::string(zh ? "（无）" : "(none)"));
  }
  char times[64];
  std::snprintf(times, sizeof times, "%7lld ms .. %7s", static_cast<long long>(op.call_ms),
                op.ret ? (std::to_string(op.ret_ms) + " ms").c_str() : "?");
  return std::string(named ? "  * " : "    ") + times + "  " + op.client + " " + what + "  " +
         result + "\n";
}

}  // namespace

std::string counts_text(const std::vector<Recorded>& history, Lang lang) {
  Counts c;
  for (const Recorded& r : history) {
    const bool put = r.op.kind == Operation::Kind::put;
    (put ? c.puts : c.gets) += 1;
    (put ? c.puts_ok : c.gets_ok) += r.answered ? 1 : 0;
  }
  const std::string total = n(c.puts + c.gets), pending = n(c.puts - c.puts_ok),
                    failed = n(c.gets - c.gets_ok);
  if (lang == Lang::zh) {
    return "操作：" + total + " 个（写 " + n(c.puts) + "：成功 " + n(c.puts_ok) + "，待定 " +
           pending + "；读 " + n(c.gets) + "：成功 " + n(c.gets_ok) + "，失败 " + failed + "）\n";
  }
  return "operations: " + total + " (puts " + n(c.puts) + ": ok " + n(c.puts_ok) + ", pending " +
         pending + "; gets " + n(c.gets) + ": ok " + n(c.gets_ok) + ", failed " + failed + ")\n";
}

std::string verdict_text(const Verdict& verdict, Lang lang) {
  const bool zh = lang == Lang::zh;
  char took[32];
  std::snprintf(took, sizeof took, "%.0f", verdict.check_ms);
  const auto& r = verdict.result;
  if (r.verdict == Linearizability::Verdict::linearizable) {
    return zh ? "结论：可线性化（检查用时 " + std::string(took) + " 毫秒）\n"
              : "verdict: linearizable (checked in " + std::string(took) + " ms)\n";
  }
  if (r.verdict == Linearizability::Verdict::undecided) {
    return (zh ? "结论：无法判定（检查在 " + std::string(took) + " 毫秒后放弃）：" +
                     r.explanation_zh
               : "verdict: undecided (the check gave up after " + std::string(took) +
                     " ms): " + r.explanation) +
           "\n";
  }
  std::string text =
      zh ? "结论：不可线性化（检查用时 " + std::string(took) + " 毫秒）\n" + r.explanation_zh +
               "\n最小的不可线性化窗口（* 为上面提到的操作）：\n"
         : "verdict: NOT linearizable (checked in " + std::string(took) + " ms)\n" + r.explanation +
               "\nthe smallest non-linearizable window found (* the operations named above):\n";
  for (std::size_t i = 0; i < verdict.window.size(); ++i) {
    const bool named =
        std::find(verdict.named.begin(), verdict.named.end(), i) != verdict.named.end();
    text += operation_line(verdict.window[i], named, lang);
  }
  return text;
}

}  // namespace consensus_lab::tools::jepsen
