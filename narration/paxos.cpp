// Basic Paxos in words: its messages, and the decisions of its acceptors,
// proposers and learners, in English and in the notes' Chinese (提议者, 接受者,
// 学习者, 准备请求, 准备响应, 接受请求, 通过, 提案 [n, v]).

#include "narration/describers.h"

namespace consensus_lab::narration {

using paxos::to_string;
namespace event = paxos::event;

// Basic Paxos's words: one function per message, per decision and per note
// on a diagram; PaxosDescriber hands each message or event to its own
// (narration/describer.h).
struct PaxosWords {
  // ---- Messages, as the notes name them ----

  static std::string chinese(const paxos::Prepare& m) { return "准备请求 " + to_string(m.number); }

  static std::string chinese(const paxos::Promise& m) {
    return "准备响应 " + to_string(m.number) +
           (m.accepted ? "（已通过 " + to_string(*m.accepted) + "）" : std::string{});
  }

  static std::string chinese(const paxos::Accept& m) { return "接受请求 " + to_string(m.proposal); }

  static std::string chinese(const paxos::Accepted& m) {
    return "通过通知 " + to_string(m.proposal);
  }

  // ---- The acceptor keeps the notes' promises 1–3 ----

  static Line describe(const NodeId& node, const event::Promised& p, Lang lang) {
    const std::string n = to_string(p.number);
    if (lang == Lang::zh) {
      return {node + " 响应准备请求 " + n + "，承诺不再响应编号小于等于 " + n +
              " 的准备请求、不通过编号小于 " + n + " 的提案" +
              (p.reported ? "；响应中带上已通过的最大编号提案 " + to_string(*p.reported)
               : p.withheld ? "；第三个承诺已关闭：它不告诉已通过的提案"
                            : "；它还没有通过任何提案")};
    }
    return {node + " promises " + n + ": no Prepare <= " + n + " will be answered, no proposal < " +
            n + " accepted" +
            (p.previous ? " (it had promised " + to_string(*p.previous) + ")" : "") +
            (p.reported   ? "; it reports its accepted proposal " + to_string(*p.reported)
             : p.withheld ? "; with promise 3 off it does not report the proposal it accepted"
                          : "; it has accepted nothing yet")};
  }

  static Line describe(const NodeId& node, const event::PrepareIgnored& p, Lang lang) {
    const std::string n = to_string(p.number), promised = to_string(p.promised);
    return {lang == Lang::zh ? node + " 不响应准备请求 " + n + "：" + n +
                                   " 小于等于已响应的准备请求编号 " + promised + "（第一个承诺）"
                             : node + " does not answer Prepare " + n + ": " + n +
                                   " <= " + promised + ", the number it has promised (promise 1)",
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::ProposalAccepted& p, Lang lang) {
    return {lang == Lang::zh ? node + " 通过提案 " + to_string(p.proposal)
                             : node + " accepts proposal " + to_string(p.proposal),
            Tone::good};
  }

  static Line describe(const NodeId& node, const event::AcceptRefused& p, Lang lang) {
    const std::string n = to_string(p.proposal.number), promised = to_string(p.promised);
    return {lang == Lang::zh ? node + " 不通过提案 " + to_string(p.proposal) + "：" + n +
                                   " 小于已响应的准备请求编号 " + promised + "（第二个承诺）"
                             : node + " does not accept " + to_string(p.proposal) + ": " + n +
                                   " < " + promised + ", the number it has promised (promise 2)",
            Tone::warn};
  }

  // ---- The proposer runs its two phases ----

  static Line describe(const NodeId& node, const event::RoundStarted& r, Lang lang) {
    const std::string n = to_string(r.number);
    return {lang == Lang::zh
                ? node + " 发起提案，提案编号 " + n + "，提议值 " + r.value
                : node + " starts proposal number " + n + " with its value " + r.value};
  }

  static Line describe(const NodeId& node, const event::PromiseCounted& c, Lang lang) {
    return {lang == Lang::zh
                ? node + " 的准备响应（编号 " + to_string(c.number) + "）：" +
                      received(c.count, c.needed)
                : node + " has " + std::to_string(c.count) + "/" + std::to_string(c.needed) +
                      " promises needed for " + to_string(c.number),
            Tone::quiet};
  }

  // The value of the Accept: the notes' "the value of the highest-numbered
  // accepted proposal among the promises, or its own when there is none".
  static Line describe(const NodeId& node, const event::AcceptPhaseStarted& v, Lang lang) {
    const std::string accept = to_string(v.proposal);
    if (!v.adopted_from) {
      return {lang == Lang::zh
                  ? node + " 收到大多数准备响应；其中没有已通过的提案，提议自己的值：接受请求 " +
                        accept
                  : node +
                        " has a majority of promises; none reports an accepted proposal, so it "
                        "proposes its own value: Accept " +
                        accept};
    }
    const std::string from = to_string(*v.adopted_from);
    return {lang == Lang::zh ? node + " 收到大多数准备响应；其中已通过的最大编号提案是 " + from +
                                   "，所以提议它的值 " + v.proposal.value + "：接受请求 " + accept
                             : node +
                                   " has a majority of promises; the highest-numbered accepted "
                                   "proposal among them is " +
                                   from + ", so it proposes that value: Accept " + accept};
  }

  static Line describe(const NodeId& node, const event::ProposerSawChosen& c, Lang lang) {
    return {lang == Lang::zh ? node + " 收到大多数接受者对 " + to_string(c.proposal) +
                                   " 的通过通知：值 " + c.proposal.value + " 已被选定"
                             : node + " hears Accepted " + to_string(c.proposal) +
                                   " from a majority: " + c.proposal.value + " is chosen",
            Tone::good};
  }

  static Line describe(const NodeId& node, const event::RoundTimedOut& t, Lang lang) {
    const std::string n = to_string(t.number);
    return {lang == Lang::zh
                ? node + " 的提案编号 " + n + " 超时：没有收到大多数" +
                      (t.promises_phase ? "准备响应" : "通过通知")
                : node + "'s proposal number " + n + " times out without a majority of " +
                      (t.promises_phase ? "promises" : "acceptances"),
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::BackingOff& b, Lang lang) {
    const std::string until = std::to_string(b.until);
    return {lang == Lang::zh ? node + " 随机退避，" + until + " ms 时再试"
                             : node + " backs off at random until " + until + " ms"};
  }

  static Line describe(const NodeId& node, const event::StaleReplyIgnored& s, Lang lang) {
    return {lang == Lang::zh ? node + " 忽略旧编号 " + to_string(s.number) + " 的响应（当前编号 " +
                                   to_string(s.current) + "）"
                             : node + " ignores a reply to its old number " + to_string(s.number) +
                                   " (now " + to_string(s.current) + ")",
            Tone::quiet};
  }

  // ---- The learner counts acceptances ----

  static Line describe(const NodeId& node, const event::AcceptanceCounted& c, Lang lang) {
    return {lang == Lang::zh ? "学习者 " + node + "：提案 " + to_string(c.proposal) +
                                   " 的通过通知" + received(c.count, c.needed)
                             : "learner " + node + ": " + std::to_string(c.count) + "/" +
                                   std::to_string(c.needed) + " acceptors have accepted " +
                                   to_string(c.proposal),
            Tone::quiet};
  }

  static Line describe(const NodeId& node, const event::Learned& l, Lang lang) {
    return {lang == Lang::zh ? "学习者 " + node + " 学到值 " + l.proposal.value +
                                   "：大多数接受者通过了提案 " + to_string(l.proposal)
                             : "learner " + node + " learns " + l.proposal.value +
                                   ": a majority accepted " + to_string(l.proposal),
            Tone::good};
  }

  // ---- A diagram's notes ----

  static std::optional<std::string> note(const event::Promised& p, Lang lang) {
    return (lang == Lang::zh ? "承诺了 " : "promised ") + to_string(p.number);
  }

  static std::optional<std::string> note(const event::PrepareIgnored& p, Lang lang) {
    return lang == Lang::zh ? "不响应 " + to_string(p.number) + "（第一个承诺）"
                            : "ignores " + to_string(p.number) + " (promise 1)";
  }

  static std::optional<std::string> note(const event::ProposalAccepted& p, Lang lang) {
    return (lang == Lang::zh ? "通过 " : "accepted ") + to_string(p.proposal);
  }

  static std::optional<std::string> note(const event::AcceptRefused& p, Lang lang) {
    return lang == Lang::zh ? "不通过 " + to_string(p.proposal) + "（第二个承诺）"
                            : "refuses " + to_string(p.proposal) + " (promise 2)";
  }

  static std::optional<std::string> note(const event::AcceptPhaseStarted& v, Lang lang) {
    if (!v.adopted_from) return std::nullopt;
    return lang == Lang::zh ? "采用 " + to_string(*v.adopted_from) + " 的值"
                            : "adopts the value of " + to_string(*v.adopted_from);
  }

  static std::optional<std::string> note(const event::ProposerSawChosen& c, Lang lang) {
    return (lang == Lang::zh ? "选定 " : "chosen: ") + c.proposal.value;
  }

  static std::optional<std::string> note(const event::RoundTimedOut& t, Lang lang) {
    return lang == Lang::zh ? "编号 " + to_string(t.number) + " 超时"
                            : "round timed out: " + to_string(t.number);
  }

  static std::optional<std::string> note(const event::Learned& l, Lang lang) {
    return (lang == Lang::zh ? "学到 " : "learned ") + l.proposal.value;
  }

  // The decisions that get no note on a diagram.
  static std::optional<std::string> note(const auto&, Lang) { return std::nullopt; }
};

template struct Describer<paxos::Message, paxos::Event, PaxosWords>;

}  // namespace consensus_lab::narration
