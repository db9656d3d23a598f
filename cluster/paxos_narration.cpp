#include "cluster/paxos_narration.h"

#include "common/overloaded.h"

namespace consensus_lab::cluster {

using paxos::to_string;
using sim::Lang;
using sim::Line;
using sim::Tone;
namespace event = paxos::event;

std::string PaxosDescriber::message(const paxos::Message& message, Lang lang) {
  if (lang == Lang::en) return paxos::to_string(message);
  return std::visit(
      Overloaded{
          [](const paxos::Prepare& m) { return "准备请求 " + to_string(m.number); },
          [](const paxos::Promise& m) {
            return "准备响应 " + to_string(m.number) +
                   (m.accepted ? "（已通过 " + to_string(*m.accepted) + "）" : std::string{});
          },
          [](const paxos::Accept& m) { return "接受请求 " + to_string(m.proposal); },
          [](const paxos::Accepted& m) { return "通过通知 " + to_string(m.proposal); },
      },
      message);
}

std::optional<Line> PaxosDescriber::event(const NodeId& node, const paxos::Event& e, Lang lang) {
  const bool zh = lang == Lang::zh;
  return std::visit(
      Overloaded{
          [&](const event::Promised& p) -> std::optional<Line> {
            const std::string n = to_string(p.number);
            std::string text;
            if (zh) {
              text = node + " 响应准备请求 " + n + "，承诺不再响应编号小于等于 " + n +
                     " 的准备请求、不通过编号小于 " + n + " 的提案";
              text += p.reported ? "；响应中带上已通过的最大编号提案 " + to_string(*p.reported)
                      : p.withheld ? "；承诺 3 已关闭：它不告诉已通过的提案"
                                   : "；它还没有通过任何提案";
            } else {
              text = node + " promises " + n + ": no Prepare <= " + n +
                     " will be answered, no proposal < " + n + " accepted";
              text += p.previous ? " (it had promised " + to_string(*p.previous) + ")" : "";
              text += p.reported ? "; it reports its accepted proposal " + to_string(*p.reported)
                      : p.withheld
                          ? "; with promise 3 off it does not report the proposal it accepted"
                          : "; it has accepted nothing yet";
            }
            return Line{text};
          },
          [&](const event::PrepareIgnored& p) -> std::optional<Line> {
            const std::string n = to_string(p.number), promised = to_string(p.promised);
            return Line{zh ? node + " 不响应准备请求 " + n + "：" + n +
                                 " 小于等于已响应的准备请求编号 " + promised + "（承诺 1）"
                           : node + " does not answer Prepare " + n + ": " + n + " <= " + promised +
                                 ", the number it has promised (promise 1)",
                        Tone::warn};
          },
          [&](const event::ProposalAccepted& p) -> std::optional<Line> {
            return Line{zh ? node + " 通过提案 " + to_string(p.proposal)
                           : node + " accepts proposal " + to_string(p.proposal),
                        Tone::good};
          },
          [&](const event::AcceptRefused& p) -> std::optional<Line> {
            const std::string n = to_string(p.proposal.number), promised = to_string(p.promised);
            return Line{zh ? node + " 不通过提案 " + to_string(p.proposal) + "：" + n +
                                 " 小于已响应的准备请求编号 " + promised + "（承诺 2）"
                           : node + " does not accept " + to_string(p.proposal) + ": " + n + " < " +
                                 promised + ", the number it has promised (promise 2)",
                        Tone::warn};
          },
          [&](const event::RoundStarted& r) -> std::optional<Line> {
            const std::string n = to_string(r.number);
            return Line{zh ? node + " 发起提案，提案编号 " + n + "，提议值 " + r.value
                           : node + " starts proposal number " + n + " with its value " + r.value};
          },
          [&](const event::PromiseCounted& c) -> std::optional<Line> {
            const std::string count = std::to_string(c.count) + "/" + std::to_string(c.needed);
            return Line{zh ? node + " 已收到编号 " + to_string(c.number) + " 的准备响应 " + count
                           : node + " has " + count + " promises needed for " + to_string(c.number),
                        Tone::quiet};
          },
          [&](const event::AcceptPhaseStarted& v) -> std::optional<Line> {
            const std::string accept = to_string(v.proposal);
            if (v.adopted_from) {
              const std::string from = to_string(*v.adopted_from);
              return Line{zh ? node + " 收到大多数准备响应；其中已通过的最大编号提案是 " + from +
                                   "，所以提议它的值 " + v.proposal.value + "：接受请求 " + accept
                             : node +
                                   " has a majority of promises; the highest-numbered accepted "
                                   "proposal among them is " +
                                   from + ", so it proposes that value: Accept " + accept};
            }
            return Line{
                zh ? node + " 收到大多数准备响应；其中没有已通过的提案，提议自己的值：接受请求 " +
                         accept
                   : node +
                         " has a majority of promises; none reports an accepted "
                         "proposal, so it proposes its own value: Accept " +
                         accept};
          },
          [&](const event::ProposerSawChosen& c) -> std::optional<Line> {
            return Line{zh ? node + " 收到大多数接受者对 " + to_string(c.proposal) +
                                 " 的通过通知：值 " + c.proposal.value + " 已被选定"
                           : node + " hears Accepted " + to_string(c.proposal) +
                                 " from a majority: " + c.proposal.value + " is chosen",
                        Tone::good};
          },
          [&](const event::RoundTimedOut& t) -> std::optional<Line> {
            const std::string n = to_string(t.number);
            if (zh) {
              return Line{node + " 的提案编号 " + n + " 超时：没有收到大多数" +
                              (t.promises_phase ? "准备响应" : "通过通知"),
                          Tone::warn};
            }
            return Line{node + "'s proposal number " + n + " times out without a majority of " +
                            (t.promises_phase ? "promises" : "acceptances"),
                        Tone::warn};
          },
          [&](const event::BackingOff& b) -> std::optional<Line> {
            const std::string until = std::to_string(b.until);
            return Line{zh ? node + " 随机退避，" + until + " ms 时再试"
                           : node + " backs off at random until " + until + " ms"};
          },
          [&](const event::StaleReplyIgnored& s) -> std::optional<Line> {
            return Line{zh ? node + " 忽略旧编号 " + to_string(s.number) + " 的响应（当前编号 " +
                                 to_string(s.current) + "）"
                           : node + " ignores a reply to its old number " + to_string(s.number) +
                                 " (now " + to_string(s.current) + ")",
                        Tone::quiet};
          },
          [&](const event::AcceptanceCounted& c) -> std::optional<Line> {
            const std::string count = std::to_string(c.count) + "/" + std::to_string(c.needed);
            return Line{zh ? "学习者 " + node + "：提案 " + to_string(c.proposal) + " 已有 " +
                                 count + " 个接受者通过"
                           : "learner " + node + ": " + count + " acceptors have accepted " +
                                 to_string(c.proposal),
                        Tone::quiet};
          },
          [&](const event::Learned& l) -> std::optional<Line> {
            return Line{zh ? "学习者 " + node + " 学到值 " + l.proposal.value +
                                 "：大多数接受者通过了提案 " + to_string(l.proposal)
                           : "learner " + node + " learns " + l.proposal.value +
                                 ": a majority accepted " + to_string(l.proposal),
                        Tone::good};
          },
      },
      e);
}

std::optional<std::string> PaxosDescriber::brief(const NodeId&, const paxos::Event& e, Lang lang) {
  const bool zh = lang == Lang::zh;
  return std::visit(Overloaded{
                        [&](const event::Promised& p) -> std::optional<std::string> {
                          return (zh ? "承诺 " : "promised ") + to_string(p.number);
                        },
                        [&](const event::PrepareIgnored& p) -> std::optional<std::string> {
                          return zh ? "不响应 " + to_string(p.number) + "（承诺 1）"
                                    : "ignores " + to_string(p.number) + " (promise 1)";
                        },
                        [&](const event::ProposalAccepted& p) -> std::optional<std::string> {
                          return (zh ? "通过 " : "accepted ") + to_string(p.proposal);
                        },
                        [&](const event::AcceptRefused& p) -> std::optional<std::string> {
                          return zh ? "不通过 " + to_string(p.proposal) + "（承诺 2）"
                                    : "refuses " + to_string(p.proposal) + " (promise 2)";
                        },
                        [&](const event::AcceptPhaseStarted& v) -> std::optional<std::string> {
                          if (!v.adopted_from) return std::nullopt;
                          return zh ? "采用 " + to_string(*v.adopted_from) + " 的值"
                                    : "adopts the value of " + to_string(*v.adopted_from);
                        },
                        [&](const event::ProposerSawChosen& c) -> std::optional<std::string> {
                          return (zh ? "选定 " : "chosen: ") + c.proposal.value;
                        },
                        [&](const event::RoundTimedOut& t) -> std::optional<std::string> {
                          return (zh ? "编号超时 " : "round timed out: ") + to_string(t.number);
                        },
                        [&](const event::Learned& l) -> std::optional<std::string> {
                          return (zh ? "学到 " : "learned ") + l.proposal.value;
                        },
                        [&](const auto&) -> std::optional<std::string> { return std::nullopt; },
                    },
                    e);
}

}  // namespace consensus_lab::cluster
