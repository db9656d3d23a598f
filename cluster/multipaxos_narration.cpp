#include "cluster/multipaxos_narration.h"

#include "common/overloaded.h"

namespace consensus_lab::cluster {

using multipaxos::to_string;
using paxos::to_string;
using sim::Lang;
using sim::Line;
using sim::Tone;
namespace event = multipaxos::event;

namespace {

std::string proposal(multipaxos::Ballot ballot, const multipaxos::Command& command) {
  return "[" + to_string(ballot) + ", " + to_string(command) + "]";
}

}  // namespace

std::string MultiPaxosDescriber::message(const multipaxos::Message& message, Lang lang) {
  if (lang == Lang::en) return multipaxos::to_string(message);
  return std::visit(
      Overloaded{
          [](const multipaxos::Prepare& m) {
            return "准备请求 " + to_string(m.ballot) + "（从第 " + to_string(m.from) +
                   " 个槽位起）";
          },
          [](const multipaxos::Promise& m) {
            std::string text = "准备响应 " + to_string(m.ballot);
            if (m.accepted.empty()) return text + "（没有已通过的提案）";
            text += "（已通过";
            for (const auto& [slot, p] : m.accepted) {
              text += " " + to_string(slot) + ":" + proposal(p.ballot, p.command);
            }
            return text + "）";
          },
          [](const multipaxos::Reject& m) {
            return "拒绝 " + to_string(m.ballot) + "（已承诺 " + to_string(m.promised) + "）";
          },
          [](const multipaxos::Accept& m) {
            return "接受请求 " + proposal(m.ballot, m.command) + "，槽位 " + to_string(m.slot) +
                   "（已提交到 " + to_string(m.commit) + "）";
          },
          [](const multipaxos::Accepted& m) {
            return "通过通知 " + to_string(m.ballot) + "，槽位 " + to_string(m.slot);
          },
          [](const multipaxos::Heartbeat& m) {
            return "心跳 " + to_string(m.ballot) + "（已提交到 " + to_string(m.commit) + "）";
          },
          [](const multipaxos::HeartbeatOk& m) { return "心跳响应 " + to_string(m.ballot); },
          [](const multipaxos::CatchUp& m) {
            return "追赶请求（从第 " + to_string(m.from) + " 个槽位起）";
          },
          [](const multipaxos::Chosen& m) {
            std::string text = "已选定";
            for (const auto& [slot, command] : m.slots) {
              text += " " + to_string(slot) + ":" + to_string(command);
            }
            return text;
          },
      },
      message);
}

std::optional<Line> MultiPaxosDescriber::event(const NodeId& node, const multipaxos::Event& e,
                                               Lang lang) {
  const bool zh = lang == Lang::zh;
  return std::visit(
      Overloaded{
          [&](const event::CampaignStarted& c) -> std::optional<Line> {
            const std::string b = to_string(c.ballot), from = to_string(c.from);
            return Line{zh ? node + " 认为主节点不在了：以编号 " + b +
                                 " 执行 Basic Paxos 的准备阶段，覆盖从第 " + from +
                                 " 个槽位起的所有槽位"
                           : node +
                                 " suspects there is no master: it runs Basic Paxos phase 1 "
                                 "with ballot " +
                                 b + " for every slot from " + from};
          },
          [&](const event::PromiseGranted& p) -> std::optional<Line> {
            const std::string b = to_string(p.ballot), n = std::to_string(p.reported);
            return Line{zh ? node + " 承诺编号 " + b + " 给 " + p.candidate + "，报告 " + n +
                                 " 个已通过的槽位"
                           : node + " promises ballot " + b + " to " + p.candidate +
                                 ", reporting " + n + " accepted slot(s)"};
          },
          [&](const event::PrepareRefused& p) -> std::optional<Line> {
            return Line{zh ? node + " 拒绝准备请求 " + to_string(p.ballot) + "：已承诺 " +
                                 to_string(p.promised)
                           : node + " rejects Prepare " + to_string(p.ballot) +
                                 ": it has promised " + to_string(p.promised),
                        Tone::warn};
          },
          [&](const event::PrepareIgnoredForLease& p) -> std::optional<Line> {
            const std::string until = std::to_string(p.until);
            if (p.master.empty()) {
              return Line{zh ? node + " 不理会准备请求 " + to_string(p.ballot) +
                                   "：它刚重启，崩溃前可能给过某个主节点租约，要等到 " + until +
                                   " ms"
                             : node + " ignores Prepare " + to_string(p.ballot) +
                                   ": it restarted and may have granted a lease before it "
                                   "crashed; it waits until " +
                                   until + " ms",
                          Tone::warn};
            }
            if (p.master == node) {  // a master under its own lease
              return Line{zh ? node + " 不理会准备请求 " + to_string(p.ballot) +
                                   "：它是主节点，租约到 " + until + " ms 才结束"
                             : node + " ignores Prepare " + to_string(p.ballot) +
                                   ": it is master, and its own lease holds until " + until + " ms",
                          Tone::warn};
            }
            return Line{zh ? node + " 不理会准备请求 " + to_string(p.ballot) + "：它给 " +
                                 p.master + " 的租约到 " + until + " ms 才结束"
                           : node + " ignores Prepare " + to_string(p.ballot) + ": its lease to " +
                                 p.master + " holds until " + until + " ms",
                        Tone::warn};
          },
          [&](const event::BecameMaster& m) -> std::optional<Line> {
            const std::string b = to_string(m.ballot), re = std::to_string(m.reproposed),
                              gaps = std::to_string(m.filled), next = to_string(m.next);
            return Line{zh ? node + " 获得大多数准备响应，成为主节点（编号 " + b + "）：重新提议 " +
                                 re + " 个未决槽位，用 noop 填补 " + gaps +
                                 " 个空位；下一条命令用槽位 " + next
                           : node + " has a majority of promises: it is master with ballot " + b +
                                 "; it re-proposes " + re + " open slot(s), fills " + gaps +
                                 " gap(s) with noop; the next command gets slot " + next,
                        Tone::good};
          },
          [&](const event::SteppedDown& s) -> std::optional<Line> {
            return Line{zh ? node + " 不再是主节点：编号 " + to_string(s.ballot) + " 被更大的 " +
                                 to_string(s.higher) + " 超过"
                           : node + " steps down: ballot " + to_string(s.ballot) +
                                 " was overtaken by " + to_string(s.higher),
                        Tone::warn};
          },
          [&](const event::CommandProposed& c) -> std::optional<Line> {
            const std::string cmd = to_string(c.command), slot = to_string(c.slot);
            return Line{zh ? "主节点 " + node + " 把 " + cmd + " 放进槽位 " + slot +
                                 "：省掉准备阶段，直接发送接受请求"
                           : "master " + node + " puts " + cmd + " in slot " + slot +
                                 ": no Prepare, straight to Accept (steady state)"};
          },
          [&](const event::SlotAccepted& a) -> std::optional<Line> {
            const std::string p = proposal(a.ballot, a.command), slot = to_string(a.slot);
            return Line{zh ? node + " 通过槽位 " + slot + " 的提案 " + p
                           : node + " accepts " + p + " for slot " + slot};
          },
          [&](const event::AcceptRefused& a) -> std::optional<Line> {
            return Line{zh ? node + " 不通过槽位 " + to_string(a.slot) + " 的编号 " +
                                 to_string(a.ballot) + "：已承诺 " + to_string(a.promised)
                           : node + " refuses ballot " + to_string(a.ballot) + " for slot " +
                                 to_string(a.slot) + ": it has promised " + to_string(a.promised),
                        Tone::warn};
          },
          [&](const event::SlotChosen& c) -> std::optional<Line> {
            const std::string cmd = to_string(c.command), slot = to_string(c.slot);
            return Line{zh ? node + "：槽位 " + slot + " 已选定 " + cmd
                           : node + ": slot " + slot + " is chosen: " + cmd,
                        Tone::good};
          },
          [&](const event::Applied& a) -> std::optional<Line> {
            const std::string cmd = to_string(a.command), slot = to_string(a.slot);
            if (a.repeat) {
              return Line{
                  zh ? node + " 跳过槽位 " + slot + " 的 " + cmd + "：同一客户端请求已执行过"
                     : node + " skips " + cmd + " in slot " + slot +
                           ": the client's request was applied already",
                  Tone::quiet};
            }
            const std::string answer =
                a.command.kind == Command::Kind::read ? " → " + a.value.value_or("none") : "";
            return Line{zh ? node + " 执行槽位 " + slot + "：" + cmd + answer
                           : node + " applies slot " + slot + ": " + cmd + answer,
                        Tone::quiet};
          },
          [&](const event::LeaseHeld& l) -> std::optional<Line> {
            const std::string until = std::to_string(l.until);
            return Line{zh ? "主节点 " + node + " 持有租约到 " + until + " ms"
                           : "master " + node + " holds its lease until " + until + " ms",
                        Tone::quiet};
          },
          [&](const event::CampaignDeferred& c) -> std::optional<Line> {
            const std::string until = std::to_string(c.until);
            const std::string master = c.master.empty()
                                           ? (zh ? "崩溃前的主节点" : "a master before it crashed")
                                           : c.master;
            return Line{
                zh ? node + " 暂不竞选：它给 " + master + " 的租约到 " + until + " ms 才结束"
                   : node + " does not campaign yet: its lease to " + master + " holds until " +
                         until + " ms",
                Tone::warn};
          },
          [&](const event::OrderIgnoredForLease& o) -> std::optional<Line> {
            const std::string b = to_string(o.ballot), until = std::to_string(o.until);
            const std::string what_zh = o.what == "Accept" ? "接受请求 " : "心跳 ";
            if (o.master == node) {
              return Line{zh ? node + " 不理会" + what_zh + b + "：它是主节点，租约到 " + until +
                                   " ms 才结束"
                             : node + " ignores " + o.what + " " + b +
                                   ": it is master, and its own lease holds until " + until + " ms",
                          Tone::warn};
            }
            return Line{zh ? node + " 不理会" + what_zh + b + "：它给 " + o.master + " 的租约到 " +
                                 until + " ms 才结束"
                           : node + " ignores " + o.what + " " + b + ": its lease to " + o.master +
                                 " holds until " + until + " ms",
                        Tone::warn};
          },
          [&](const event::PromiseWithheld& p) -> std::optional<Line> {
            const std::string n = std::to_string(p.accepted);
            return Line{zh ? node + " 暂不承诺编号 " + to_string(p.ballot) + "：" + p.candidate +
                                 " 落后太多（要报告 " + n +
                                 " 个已通过的槽位），先把已选定的槽位发给它"
                           : node + " does not promise ballot " + to_string(p.ballot) +
                                 " yet: " + p.candidate + " is too far behind (" + n +
                                 " accepted slots to report); it sends the chosen slots first",
                        Tone::warn};
          },
          [&](const event::ChosenIgnored& c) -> std::optional<Line> {
            const std::string n = std::to_string(c.slots);
            return Line{zh ? "主节点 " + node + " 不理会 " + n +
                                 " 个已选定槽位的通知：主节点只从自己编号的大多数通过中得知选定"
                           : "master " + node + " ignores a Chosen of " + n +
                                 " slot(s): a master learns only from a majority of Accepted "
                                 "for its own ballot",
                        Tone::quiet};
          },
          [&](const event::LeftConfiguration& l) -> std::optional<Line> {
            const std::string slot = to_string(l.slot);
            return Line{zh ? node + " 不再是主节点：它已被移出成员，槽位 " + slot +
                                 " 已在不含它的成员配置中选定"
                           : node + " steps down: it is no longer a member — slot " + slot +
                                 " was chosen by a configuration without it",
                        Tone::warn};
          },
          [&](const event::PhaseOneStalled& p) -> std::optional<Line> {
            const std::string since = std::to_string(p.since);
            return Line{zh ? node + " 不再是主节点（编号 " + to_string(p.ballot) + "）：从 " +
                                 since + " ms 起，某个成员配置的大多数一直没有给它准备响应"
                           : node + " steps down (ballot " + to_string(p.ballot) + "): since " +
                                 since +
                                 " ms no majority of one of its configurations has promised",
                        Tone::warn};
          },
          [&](const event::CatchingUp& c) -> std::optional<Line> {
            return Line{zh ? node + " 缺少已选定的槽位，从第 " + to_string(c.from) + " 个起追赶"
                           : node + " lacks chosen slots: it catches up from slot " +
                                 to_string(c.from)};
          },
      },
      e);
}

std::optional<std::string> MultiPaxosDescriber::brief(const NodeId&, const multipaxos::Event& e,
                                                      Lang lang) {
  const bool zh = lang == Lang::zh;
  return std::visit(Overloaded{
                        [&](const event::CampaignStarted& c) -> std::optional<std::string> {
                          return (zh ? "竞选，编号 " : "campaign, ballot ") + to_string(c.ballot);
                        },
                        [&](const event::BecameMaster& m) -> std::optional<std::string> {
                          return (zh ? "成为主节点 " : "master, ballot ") + to_string(m.ballot);
                        },
                        [&](const event::SteppedDown&) -> std::optional<std::string> {
                          return zh ? "退位" : "steps down";
                        },
                        [&](const event::LeftConfiguration&) -> std::optional<std::string> {
                          return zh ? "移出成员，退位" : "removed: steps down";
                        },
                        [&](const event::PhaseOneStalled&) -> std::optional<std::string> {
                          return zh ? "准备阶段无法完成，退位" : "phase 1 stalled: steps down";
                        },
                        [&](const event::PrepareIgnoredForLease&) -> std::optional<std::string> {
                          return zh ? "租约未到期，不理会" : "ignores: lease";
                        },
                        [&](const event::SlotChosen& c) -> std::optional<std::string> {
                          return (zh ? "选定 " : "chosen ") + to_string(c.slot) + ": " +
                                 to_string(c.command);
                        },
                        [&](const auto&) -> std::optional<std::string> { return std::nullopt; },
                    },
                    e);
}

}  // namespace consensus_lab::cluster
