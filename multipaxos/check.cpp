// Messages validated for meaning, not only syntax — part of
// multipaxos::Replica (replica.h). The wire decoder (net/wire.h) makes sure
// a line is a well-formed message; this decides whether a replica following
// the protocol could have sent it. handle() refuses an impossible message
// before it changes anything, and a real node closes the connection it came
// on: a garbled or hostile peer can neither crash a replica, nor hang it, nor
// write a slot to its disk that it cannot read back.
//
// Every rule below says why a correct replica never breaks it — so that a
// message that is merely old, duplicated or reordered is never refused.
#include <algorithm>

#include "multipaxos/replica.h"

namespace consensus_lab::multipaxos {

namespace {

using narration::Text;
using Problem = std::optional<Text>;

std::string number(std::uint64_t n) {
  return std::to_string(n);
}

// What a reason names (a message, a field of it), in both languages.
const Text kPrepare{"Prepare", "准备请求"}, kPromise{"Promise", "准备响应"},
    kReject{"Reject", "拒绝"}, kAccept{"Accept", "接受请求"}, kAccepted{"Accepted", "通过通知"},
    kHeartbeat{"Heartbeat", "心跳"}, kHeartbeatOk{"HeartbeatOk", "心跳响应"},
    kCatchUp{"CatchUp", "追赶请求"}, kChosen{"Chosen", "已选定通知"};

Problem slot_in_range(Slot slot, const Text& what) {
  if (slot.value == 0) {
    return Text{what.en + " is slot 0 (slots start at 1)", what.zh + "：槽位 0（槽位从 1 开始）"};
  }
  if (slot.value >= kMaxNumber) {
    return Text{what.en + " " + number(slot.value) + " is too large",
                what.zh + "：槽位 " + number(slot.value) + " 太大"};
  }
  return std::nullopt;
}

Problem ballot_in_range(Ballot ballot, const Text& what) {
  if (ballot.value == 0) {
    return Text{what.en + " is ballot 0 (ballots start at 1)",
                what.zh + "：编号 0（编号从 1 开始）"};
  }
  if (ballot.value >= kMaxNumber) {
    return Text{what.en + " " + number(ballot.value) + " is too large",
                what.zh + "：编号 " + number(ballot.value) + " 太大"};
  }
  return std::nullopt;
}

Problem commit_in_range(Slot commit) {
  if (commit.value >= kMaxNumber) {
    return Text{"commit index " + number(commit.value) + " is too large",
                "已提交到 " + number(commit.value) + "：数值太大"};
  }
  return std::nullopt;
}

// The slots after the first that an Accept (or its Accepted) names: a
// master sends at most kMaxSlotsPerMessage in one.
Problem slot_count(std::uint64_t more, const Text& what) {
  if (more >= kMaxSlotsPerMessage) {
    return Text{what.en + " for " + number(more) + " more slots (at most " +
                    number(kMaxSlotsPerMessage) + " in all)",
                what.zh + "多带了 " + number(more) + " 个槽位（最多共 " +
                    number(kMaxSlotsPerMessage) + " 个）"};
  }
  return std::nullopt;
}

template <class Entries>
Problem slot_list(const Entries& entries, Slot from, const Text& what) {
  if (entries.size() > kMaxSlotsPerMessage) {
    return Text{what.en + " carries " + number(entries.size()) + " slots (at most " +
                    number(kMaxSlotsPerMessage) + ")",
                what.zh + "带了 " + number(entries.size()) + " 个槽位（最多 " +
                    number(kMaxSlotsPerMessage) + " 个）"};
  }
  std::optional<Slot> previous;
  for (const auto& entry : entries) {
    const std::string slot = number(entry.first.value);
    if (auto problem = slot_in_range(entry.first, what)) return problem;
    if (entry.first < from) {
      return Text{
          what.en + " reports slot " + slot + ", before its first slot " + number(from.value),
          what.zh + "报告了槽位 " + slot + "，在它的第一个槽位 " + number(from.value) + " 之前"};
    }
    if (previous && entry.first <= *previous) {
      return Text{what.en + " lists slot " + slot + " out of order",
                  what.zh + "列出的槽位 " + slot + " 次序错乱"};
    }
    previous = entry.first;
  }
  return std::nullopt;
}

struct Context {
  Millis now;
  std::optional<Ballot> mine;      // its ballot, as candidate or master
  std::optional<Slot> asked_from;  // the first slot its Prepare asked for
  std::optional<Slot> next_slot;   // as master: the slot the next command gets
  std::uint64_t window;            // Timing::window
};

Problem check_message(const Prepare& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, kPrepare)) return problem;
  // Ballots are owned: only this replica uses its own.
  if (c.mine && m.ballot == *c.mine) {
    return Text{"a Prepare with this replica's own ballot", "准备请求用的是本副本自己的编号"};
  }
  return slot_in_range(m.from, {"Prepare's first slot", "准备请求的第一个槽位"});
}

Problem check_message(const Promise& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, kPromise)) return problem;
  if (auto problem = slot_in_range(m.from, {"Promise's first slot", "准备响应的第一个槽位"})) {
    return problem;
  }
  // A promise answers a Prepare this candidate sent with its ballot: from
  // its first slot, or from an earlier one (a candidate that caught up asks
  // again, from further on). A promise for another ballot is merely late.
  if (c.mine && m.ballot == *c.mine && m.from > *c.asked_from) {
    const std::string from = number(m.from.value), asked = number(c.asked_from->value);
    return Text{"a Promise from slot " + from + ", but the Prepare asked from slot " + asked,
                "准备响应从槽位 " + from + " 起，但准备请求是从槽位 " + asked + " 起要的"};
  }
  if (auto problem = slot_list(m.accepted, m.from, kPromise)) return problem;
  // An acceptor accepts nothing above the ballot it promises next.
  for (const auto& [slot, proposal] : m.accepted) {
    if (auto problem = ballot_in_range(proposal.ballot, {"accepted proposal", "已通过的提案"})) {
      return problem;
    }
    if (proposal.ballot > m.ballot) {
      const std::string promised = number(m.ballot.value), ballot = number(proposal.ballot.value),
                        at = number(slot.value);
      return Text{
          "a Promise " + promised + " reporting a proposal of ballot " + ballot + " in slot " + at,
          "准备响应 " + promised + " 报告槽位 " + at + " 有编号 " + ballot + " 的提案"};
    }
  }
  return std::nullopt;
}

Problem check_message(const Reject& m, const Context&) {
  if (auto problem = ballot_in_range(m.ballot, kReject)) return problem;
  if (auto problem = ballot_in_range(m.promised, {"Reject's promise", "拒绝中的承诺"})) {
    return problem;
  }
  // A Reject is sent only because a higher ballot was promised.
  if (m.promised <= m.ballot) {
    return Text{"a Reject whose promise is not higher", "拒绝中承诺的编号并不更大"};
  }
  return std::nullopt;
}

Problem check_message(const Accept& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, kAccept)) return problem;
  if (c.mine && m.ballot == *c.mine) {
    return Text{"an Accept with this replica's own ballot", "接受请求用的是本副本自己的编号"};
  }
  if (auto problem = slot_in_range(m.slot, kAccept)) return problem;
  if (auto problem = commit_in_range(m.commit)) return problem;
  if (auto problem = slot_count(m.more.size(), kAccept)) return problem;
  if (auto problem = slot_in_range(m.last(), kAccept)) return problem;
  // A master sends a slot only within `window` of its commit index
  // (send_window), and its commit index only grows.
  if (m.last().value > m.commit.value + c.window) {
    const std::string slot = number(m.last().value), commit = number(m.commit.value),
                      window = number(c.window);
    return Text{"an Accept for slot " + slot + " with commit index " + commit +
                    " (a master stays within " + window + " slots of it)",
                "接受请求的槽位 " + slot + " 而已提交到 " + commit + "（主节点最多领先 " + window +
                    " 个槽位）"};
  }
  return std::nullopt;
}

Problem check_message(const Accepted& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, kAccepted)) return problem;
  if (auto problem = slot_in_range(m.slot, kAccepted)) return problem;
  if (auto problem = slot_count(m.more, kAccepted)) return problem;
  if (auto problem = slot_in_range(m.last(), kAccepted)) return problem;
  // Accepted under this master's ballot answers an Accept it sent.
  if (c.next_slot && m.ballot == *c.mine && m.last() >= *c.next_slot) {
    const std::string slot = number(m.last().value), next = number(c.next_slot->value);
    return Text{"Accepted for slot " + slot + ", never proposed (next is " + next + ")",
                "槽位 " + slot + " 的通过通知，但这个槽位从未提议过（下一个是 " + next + "）"};
  }
  return std::nullopt;
}

Problem check_message(const Heartbeat& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, kHeartbeat)) return problem;
  if (c.mine && m.ballot == *c.mine) {
    return Text{"a Heartbeat with this replica's own ballot", "心跳用的是本副本自己的编号"};
  }
  if (m.sent_at < 0) return Text{"a Heartbeat sent at a negative time", "心跳的发送时间是负数"};
  return commit_in_range(m.commit);
}

Problem check_message(const HeartbeatOk& m, const Context& c) {
  if (auto problem = ballot_in_range(m.ballot, kHeartbeatOk)) return problem;
  // It echoes the time this master sent its heartbeat: not later than now.
  if (c.next_slot && m.ballot == *c.mine && m.sent_at > c.now) {
    const std::string sent = std::to_string(m.sent_at), now = std::to_string(c.now);
    return Text{"a HeartbeatOk for a heartbeat sent at " + sent + " ms, after now (" + now + " ms)",
                "心跳响应回答的心跳发送于 " + sent + " ms，晚于现在（" + now + " ms）"};
  }
  return std::nullopt;
}

Problem check_message(const CatchUp& m, const Context&) {
  return slot_in_range(m.from, kCatchUp);
}

Problem check_message(const Chosen& m, const Context&) {
  return slot_list(m.slots, Slot{1}, kChosen);
}

}  // namespace

std::optional<narration::Text> Replica::check(Millis now, const NodeId& from,
                                              const Message& message) const {
  // A replica never sends a message to itself (the simulator and real mode
  // both deliver its own promise and acceptance directly).
  if (from == config_.self) {
    return Text{"a message from " + from + " to itself", from + " 发给自己的消息"};
  }
  const Context context{
      .now = now,
      .mine = ballot(),
      .asked_from = ballot() ? std::optional<Slot>(phase_one().from) : std::nullopt,
      .next_slot = master_ ? std::optional<Slot>(master_->next_slot) : std::nullopt,
      .window = config_.timing.window};
  return std::visit([&](const auto& m) { return check_message(m, context); }, message);
}

}  // namespace consensus_lab::multipaxos
