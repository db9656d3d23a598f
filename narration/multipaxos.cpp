// Chubby-style Multi-Paxos in words: its messages, and the decisions of its
// replicas — electing a master, the steady state, the lease, catching up — in
// English and in the notes' Chinese (主节点, 准备请求, 接受请求, 槽位 …).

#include "narration/describers.h"

namespace consensus_lab::narration {

using multipaxos::to_string;
using paxos::to_string;
namespace event = multipaxos::event;

namespace {

// A slot's proposal in the notes' notation: "[5, x←3]".
std::string proposal(multipaxos::Ballot ballot, const Command& command, Lang lang) {
  return "[" + to_string(ballot) + ", " + command_text(command, lang) + "]";
}

// "：它给 B 的租约到 120 ms 才结束" / ": its lease to B holds until 120 ms".
std::string lease_to(const NodeId& master, Millis until, Lang lang) {
  const std::string t = std::to_string(until);
  return lang == Lang::zh ? "：它给 " + master + " 的租约到 " + t + " ms 才结束"
                          : ": its lease to " + master + " holds until " + t + " ms";
}

// Why `node` ignores a would-be master's message: a lease still holds, its
// own as master or the one it granted to `master`.
std::string lease_holds(const NodeId& node, const NodeId& master, Millis until, Lang lang) {
  if (master != node) return lease_to(master, until, lang);
  const std::string t = std::to_string(until);
  return lang == Lang::zh ? "：它是主节点，租约到 " + t + " ms 才结束"
                          : ": it is master, and its own lease holds until " + t + " ms";
}

}  // namespace

// Multi-Paxos's words: one function per message, per decision and per note
// on a diagram; MultiPaxosDescriber hands each message or event to its own
// (narration/describer.h).
struct MultiPaxosWords {
  // ---- Messages, as the notes name them ----

  static std::string chinese(const multipaxos::Prepare& m) {
    return "准备请求 " + to_string(m.ballot) + "（从第 " + to_string(m.from) + " 个槽位起）";
  }

  static std::string chinese(const multipaxos::Promise& m) {
    std::string text = "准备响应 " + to_string(m.ballot);
    if (m.accepted.empty()) return text + "（没有已通过的提案）";
    text += "（已通过";
    for (const auto& [slot, p] : m.accepted) {
      text += " " + to_string(slot) + ":" + proposal(p.ballot, p.command, Lang::zh);
    }
    return text + "）";
  }

  static std::string chinese(const multipaxos::Reject& m) {
    return "拒绝 " + to_string(m.ballot) + "（已承诺 " + to_string(m.promised) + "）";
  }

  static std::string chinese(const multipaxos::Accept& m) {
    std::string text =
        "接受请求 " + proposal(m.ballot, m.command, Lang::zh) + "，槽位 " + to_string(m.slot);
    multipaxos::Slot slot = m.slot;
    for (const Command& command : m.more) {
      slot = slot.next();
      text += "；" + proposal(m.ballot, command, Lang::zh) + "，槽位 " + to_string(slot);
    }
    return text + "（已提交到 " + to_string(m.commit) + "）";
  }

  static std::string chinese(const multipaxos::Accepted& m) {
    if (m.more == 0) return "通过通知 " + to_string(m.ballot) + "，槽位 " + to_string(m.slot);
    return "通过通知 " + to_string(m.ballot) + "，槽位 " + to_string(m.slot) + " 到 " +
           to_string(m.last());
  }

  static std::string chinese(const multipaxos::Heartbeat& m) {
    return "心跳 " + to_string(m.ballot) + "（已提交到 " + to_string(m.commit) + "）";
  }

  static std::string chinese(const multipaxos::HeartbeatOk& m) {
    return "心跳响应 " + to_string(m.ballot);
  }

  static std::string chinese(const multipaxos::CatchUp& m) {
    return "追赶请求（从第 " + to_string(m.from) + " 个槽位起）";
  }

  static std::string chinese(const multipaxos::Chosen& m) {
    std::string text = "已选定";
    for (const auto& [slot, command] : m.slots) {
      text += " " + to_string(slot) + ":" + command_text(command, Lang::zh);
    }
    return text;
  }

  // ---- Electing a master: Basic Paxos phase 1 for every open slot at once ----

  static Line describe(const NodeId& node, const event::CampaignStarted& c, Lang lang) {
    const std::string b = to_string(c.ballot), from = to_string(c.from);
    return {lang == Lang::zh
                ? node + " 认为主节点不在了：以编号 " + b +
                      " 执行 Basic Paxos 的准备阶段，覆盖从第 " + from + " 个槽位起的所有槽位"
                : node +
                      " suspects there is no master: it runs Basic Paxos phase 1 "
                      "with ballot " +
                      b + " for every slot from " + from};
  }

  static Line describe(const NodeId& node, const event::PromiseGranted& p, Lang lang) {
    const std::string b = to_string(p.ballot), n = std::to_string(p.reported);
    return {lang == Lang::zh
                ? node + " 承诺编号 " + b + " 给 " + p.candidate + "，报告 " + n + " 个已通过的槽位"
                : node + " promises ballot " + b + " to " + p.candidate + ", reporting " + n +
                      " accepted slot(s)"};
  }

  static Line describe(const NodeId& node, const event::PrepareRefused& p, Lang lang) {
    return {lang == Lang::zh ? node + " 拒绝准备请求 " + to_string(p.ballot) + "：已承诺 " +
                                   to_string(p.promised)
                             : node + " rejects Prepare " + to_string(p.ballot) +
                                   ": it has promised " + to_string(p.promised),
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::PromiseWithheld& p, Lang lang) {
    const std::string n = std::to_string(p.accepted);
    return {lang == Lang::zh
                ? node + " 暂不承诺编号 " + to_string(p.ballot) + "：" + p.candidate +
                      " 落后太多（要报告 " + n + " 个已通过的槽位），先把已选定的槽位发给它"
                : node + " does not promise ballot " + to_string(p.ballot) +
                      " yet: " + p.candidate + " is too far behind (" + n +
                      " accepted slots to report); it sends the chosen slots first",
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::BecameMaster& m, Lang lang) {
    const std::string b = to_string(m.ballot), re = std::to_string(m.reproposed),
                      gaps = std::to_string(m.filled), next = to_string(m.next);
    return {lang == Lang::zh
                ? node + " 获得大多数准备响应，成为主节点（编号 " + b + "）：重新提议 " + re +
                      " 个未决槽位，用 noop 填补 " + gaps + " 个空位；下一条命令用槽位 " + next
                : node + " has a majority of promises: it is master with ballot " + b +
                      "; it re-proposes " + re + " open slot(s), fills " + gaps +
                      " gap(s) with noop; the next command gets slot " + next,
            Tone::good};
  }

  static Line describe(const NodeId& node, const event::SteppedDown& s, Lang lang) {
    return {lang == Lang::zh ? node + " 不再是主节点：编号 " + to_string(s.ballot) + " 被更大的 " +
                                   to_string(s.higher) + " 超过"
                             : node + " steps down: ballot " + to_string(s.ballot) +
                                   " was overtaken by " + to_string(s.higher),
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::LeftConfiguration& l, Lang lang) {
    const std::string slot = to_string(l.slot);
    return {lang == Lang::zh ? node + " 不再是主节点：它已被移出成员，槽位 " + slot +
                                   " 已在不含它的成员配置中选定"
                             : node + " steps down: it is no longer a member — slot " + slot +
                                   " was chosen by a configuration without it",
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::PromisesRequested& r, Lang lang) {
    const std::string b = to_string(r.ballot), asked = join_names(r.asked, lang),
                      members = join_names(r.members, lang);
    return {lang == Lang::zh ? "主节点 " + node + " 向 " + asked + " 发送准备请求 " + b +
                                   "：它得到的准备响应还不是 " + members + " 的大多数"
                             : "master " + node + " asks " + asked + " for promises (Prepare " + b +
                                   "): those it holds are not a majority of " + members};
  }

  static Line describe(const NodeId& node, const event::PhaseOneStalled& p, Lang lang) {
    const std::string since = std::to_string(p.since);
    return {lang == Lang::zh
                ? node + " 不再是主节点（编号 " + to_string(p.ballot) + "）：从 " + since +
                      " ms 起，某个成员配置的大多数一直没有给它准备响应"
                : node + " steps down (ballot " + to_string(p.ballot) + "): since " + since +
                      " ms no majority of one of its configurations has promised",
            Tone::warn};
  }

  // ---- The steady state: phase 2 only, one slot per command ----

  static Line describe(const NodeId& node, const event::CommandProposed& c, Lang lang) {
    const std::string cmd = command_text(c.command, lang), slot = to_string(c.slot);
    return {lang == Lang::zh
                ? "主节点 " + node + " 把 " + cmd + " 放进槽位 " + slot + "：" + then(c, Lang::zh)
                : "master " + node + " puts " + cmd + " in slot " + slot + ": " +
                      then(c, Lang::en)};
  }
  // What the master did with the slot (CommandProposed::then).
  static std::string then(const event::CommandProposed& c, Lang lang) {
    using Then = event::CommandProposed::Then;
    switch (c.then) {
      case Then::accept:
        return lang == Lang::zh ? "省掉准备阶段，直接发送接受请求"
                                : "no Prepare, straight to Accept (steady state)";
      case Then::window:
        return lang == Lang::zh ? "在途的槽位已达上限，等前面的槽位被选定后再发送接受请求"
                                : "the window of slots in flight is full: its Accept waits until "
                                  "earlier slots are chosen";
      case Then::prepare:
        return lang == Lang::zh ? "还没有这个槽位成员中大多数的准备响应，先执行准备阶段"
                                : "no promises yet from a majority of this slot's members: "
                                  "phase 1 (Prepare) first";
    }
    return {};
  }

  static Line describe(const NodeId& node, const event::SlotAccepted& a, Lang lang) {
    const std::string p = proposal(a.ballot, a.command, lang), slot = to_string(a.slot);
    return {lang == Lang::zh ? node + " 通过槽位 " + slot + " 的提案 " + p
                             : node + " accepts " + p + " for slot " + slot};
  }

  static Line describe(const NodeId& node, const event::AcceptRefused& a, Lang lang) {
    const bool one = a.last == a.slot;
    const std::string slots = one ? to_string(a.slot) : to_string(a.slot) + "–" + to_string(a.last);
    return {lang == Lang::zh ? node + " 不通过槽位 " + slots + " 的编号 " + to_string(a.ballot) +
                                   "：已承诺 " + to_string(a.promised)
                             : node + " refuses ballot " + to_string(a.ballot) +
                                   (one ? " for slot " : " for slots ") + slots +
                                   ": it has promised " + to_string(a.promised),
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::SlotChosen& c, Lang lang) {
    const std::string cmd = command_text(c.command, lang), slot = to_string(c.slot);
    return {lang == Lang::zh ? node + "：槽位 " + slot + " 已选定 " + cmd
                             : node + ": slot " + slot + " is chosen: " + cmd,
            Tone::good};
  }

  static Line describe(const NodeId& node, const event::ChosenIgnored& c, Lang lang) {
    const std::string n = std::to_string(c.slots);
    return {lang == Lang::zh ? "主节点 " + node + " 不理会 " + n +
                                   " 个已选定槽位的通知：主节点只从自己编号的大多数通过中得知选定"
                             : "master " + node + " ignores a Chosen of " + n +
                                   " slot(s): a master learns only from a majority of Accepted "
                                   "for its own ballot",
            Tone::quiet};
  }

  static Line describe(const NodeId& node, const event::Applied& a, Lang lang) {
    const std::string cmd = command_text(a.command, lang), slot = to_string(a.slot);
    if (a.repeat) {
      return {lang == Lang::zh
                  ? node + " 跳过槽位 " + slot + " 的 " + cmd + "：同一客户端请求已执行过"
                  : node + " skips " + cmd + " in slot " + slot +
                        ": the client's request was applied already",
              Tone::quiet};
    }
    const std::string answer =
        a.command.kind == Command::Kind::read ? " → " + read_answer(a.value, lang) : "";
    return {lang == Lang::zh ? node + " 执行槽位 " + slot + "：" + cmd + answer
                             : node + " applies slot " + slot + ": " + cmd + answer,
            Tone::quiet};
  }

  static Line describe(const NodeId& node, const event::CatchingUp& c, Lang lang) {
    return {lang == Lang::zh
                ? node + " 缺少已选定的槽位，从第 " + to_string(c.from) + " 个起追赶"
                : node + " lacks chosen slots: it catches up from slot " + to_string(c.from)};
  }

  // ---- The master's lease ----

  static Line describe(const NodeId& node, const event::LeaseHeld& l, Lang lang) {
    const std::string until = std::to_string(l.until);
    return {lang == Lang::zh ? "主节点 " + node + " 持有租约到 " + until + " ms"
                             : "master " + node + " holds its lease until " + until + " ms",
            Tone::quiet};
  }

  static Line describe(const NodeId& node, const event::PrepareIgnoredForLease& p, Lang lang) {
    const std::string ignores = lang == Lang::zh ? node + " 不理会准备请求 " + to_string(p.ballot)
                                                 : node + " ignores Prepare " + to_string(p.ballot);
    if (!p.master.empty())
      return {ignores + lease_holds(node, p.master, p.until, lang), Tone::warn};
    // Restarted: it may have granted a lease before it crashed, to a master it no longer knows.
    const std::string until = std::to_string(p.until);
    return {ignores + (lang == Lang::zh
                           ? "：它刚重启，崩溃前可能给过某个主节点租约，要等到 " + until + " ms"
                           : ": it restarted and may have granted a lease before it crashed; it "
                             "waits until " +
                                 until + " ms"),
            Tone::warn};
  }

  static Line describe(const NodeId& node, const event::OrderIgnoredForLease& o, Lang lang) {
    const std::string b = to_string(o.ballot);
    const std::string ignores =
        lang == Lang::zh ? node + " 不理会" + (o.what == "Accept" ? "接受请求 " : "心跳 ") + b
                         : node + " ignores " + o.what + " " + b;
    return {ignores + lease_holds(node, o.master, o.until, lang), Tone::warn};
  }

  static Line describe(const NodeId& node, const event::CampaignDeferred& c, Lang lang) {
    const NodeId master = !c.master.empty()  ? c.master
                          : lang == Lang::zh ? "崩溃前的主节点"
                                             : "a master before it crashed";
    return {(lang == Lang::zh ? node + " 暂不竞选" : node + " does not campaign yet") +
                lease_to(master, c.until, lang),
            Tone::warn};
  }

  // ---- A diagram's notes ----

  static std::optional<std::string> note(const event::CampaignStarted& c, Lang lang) {
    return (lang == Lang::zh ? "竞选，编号 " : "campaign, ballot ") + to_string(c.ballot);
  }

  static std::optional<std::string> note(const event::BecameMaster& m, Lang lang) {
    return (lang == Lang::zh ? "主节点，编号 " : "master, ballot ") + to_string(m.ballot);
  }

  static std::optional<std::string> note(const event::SteppedDown&, Lang lang) {
    return lang == Lang::zh ? "退位" : "steps down";
  }

  static std::optional<std::string> note(const event::LeftConfiguration&, Lang lang) {
    return lang == Lang::zh ? "移出成员，退位" : "removed: steps down";
  }

  static std::optional<std::string> note(const event::PhaseOneStalled&, Lang lang) {
    return lang == Lang::zh ? "准备阶段无法完成，退位" : "phase 1 stalled: steps down";
  }

  static std::optional<std::string> note(const event::PrepareIgnoredForLease&, Lang lang) {
    return lang == Lang::zh ? "租约未到期，不理会" : "ignores: lease";
  }

  static std::optional<std::string> note(const event::SlotChosen& c, Lang lang) {
    return lang == Lang::zh
               ? "槽位 " + to_string(c.slot) + " 选定：" + command_text(c.command, lang)
               : "chosen " + to_string(c.slot) + ": " + to_string(c.command);
  }

  // The decisions that get no note on a diagram.
  static std::optional<std::string> note(const auto&, Lang) { return std::nullopt; }
};

template struct Describer<multipaxos::Message, multipaxos::Event, MultiPaxosWords>;

}  // namespace consensus_lab::narration
