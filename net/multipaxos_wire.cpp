#include "net/multipaxos_wire.h"

#include <variant>

#include "multipaxos/rules.h"
#include "net/line_reader.h"
#include "net/line_writer.h"

namespace consensus_lab::net {

using multipaxos::Ballot;
using multipaxos::Slot;

// ---- writing: one line per message type, in the order the reader reads it ----

namespace {

std::string line_of(const multipaxos::Prepare& m) {
  return LineWriter("Prepare").field("ballot", m.ballot.value).field("from", m.from.value).done();
}
std::string line_of(const multipaxos::Promise& m) {
  LineWriter w("Promise");
  w.field("ballot", m.ballot.value).field("from", m.from.value);
  w.list("accepted", m.accepted, [&w](const auto& accepted) {
    w.number(accepted.first.value).number(accepted.second.ballot.value);
    w.command(accepted.second.command);
  });
  return w.done();
}
std::string line_of(const multipaxos::Reject& m) {
  return LineWriter("Reject")
      .field("ballot", m.ballot.value)
      .field("promised", m.promised.value)
      .done();
}
std::string line_of(const multipaxos::Accept& m) {
  LineWriter w("Accept");
  w.field("ballot", m.ballot.value).field("slot", m.slot.value).field("commit", m.commit.value);
  w.word("[").command(m.command).word("]");
  for (const Command& command : m.more) w.word("[").command(command).word("]");  // next slots
  return w.done();
}
std::string line_of(const multipaxos::Accepted& m) {
  LineWriter w("Accepted");
  w.field("ballot", m.ballot.value).field("slot", m.slot.value);
  if (m.more != 0) w.field("through", m.last().value);
  return w.done();
}
std::string line_of(const multipaxos::Heartbeat& m) {
  LineWriter w("Heartbeat");
  w.field("ballot", m.ballot.value).field("commit", m.commit.value);
  return w.field("sent-at", static_cast<std::uint64_t>(m.sent_at)).done();
}
std::string line_of(const multipaxos::HeartbeatOk& m) {
  LineWriter w("HeartbeatOk");
  w.field("ballot", m.ballot.value);
  return w.field("sent-at", static_cast<std::uint64_t>(m.sent_at)).done();
}
std::string line_of(const multipaxos::CatchUp& m) {
  return LineWriter("CatchUp").field("from", m.from.value).done();
}
std::string line_of(const multipaxos::Chosen& m) {
  LineWriter w("Chosen");
  w.list("slots", m.slots,
         [&w](const auto& chosen) { w.number(chosen.first.value).command(chosen.second); });
  return w.done();
}

}  // namespace

std::string encode(const multipaxos::Message& message) {
  return std::visit([](const auto& m) { return line_of(m); }, message);
}

// ---- reading: strictly, every field checked ----------------------------------

namespace {

// "ballot 5", "promised 7": a ballot after its keyword.
Ballot ballot(LineReader& r, std::string_view keyword) {
  return Ballot{r.field(keyword, "the ballot")};
}
// "slot 2", "from 3", "commit 1": a slot after its keyword.
Slot slot(LineReader& r, std::string_view keyword) {
  return Slot{r.field(keyword, "the slot")};
}
// "sent-at 1200": when the master sent a heartbeat, by its own clock.
Millis sent_at(LineReader& r) {
  r.expect("sent-at");
  return r.millis("the time sent");
}

// "2 5 put x 3 c7 12": a slot, the ballot it was accepted in, and the command.
std::pair<Slot, multipaxos::SlotProposal> read_accepted(LineReader& r) {
  const Slot s{r.number("a slot")};
  const Ballot b{r.number("a ballot")};
  return {s, multipaxos::SlotProposal{b, r.command()}};
}

// "3 noop": a slot and the command chosen in it.
std::pair<Slot, Command> read_chosen(LineReader& r) {
  const Slot s{r.number("a slot")};
  return {s, r.command()};
}

multipaxos::Promise read_promise(LineReader& r) {
  multipaxos::Promise m;
  m.ballot = ballot(r, "ballot");
  m.from = slot(r, "from");
  m.accepted = r.list("accepted", 12, [&r] { return read_accepted(r); });  // " [ 1 1 noop ]"
  return m;
}

multipaxos::Accept read_accept(LineReader& r) {
  multipaxos::Accept m;
  m.ballot = ballot(r, "ballot");
  m.slot = slot(r, "slot");
  m.commit = slot(r, "commit");
  r.expect("[");
  m.command = r.command();
  r.expect("]");
  while (!r.at_end()) {  // the commands of the next slots, if the Accept carries more
    if (m.more.size() + 1 >= multipaxos::kMaxSlotsPerMessage) {
      throw DecodeError(
          {"an Accept for more than " + std::to_string(multipaxos::kMaxSlotsPerMessage) + " slots",
           "接受请求带了超过 " + std::to_string(multipaxos::kMaxSlotsPerMessage) + " 个槽位"});
    }
    r.expect("[");
    m.more.push_back(r.command());
    r.expect("]");
  }
  return m;
}

multipaxos::Accepted read_accepted_message(LineReader& r) {
  multipaxos::Accepted m{.ballot = ballot(r, "ballot"), .slot = slot(r, "slot")};
  if (!r.at_end()) {
    const multipaxos::Slot through = slot(r, "through");
    if (through < m.slot) {
      throw DecodeError({"Accepted through slot " + std::to_string(through.value) +
                             ", before its first slot " + std::to_string(m.slot.value),
                         "通过通知的最后槽位 " + std::to_string(through.value) + " 在第一个槽位 " +
                             std::to_string(m.slot.value) + " 之前"});
    }
    m.more = through.value - m.slot.value;  // `through` equal to `slot`: one slot, as without it
  }
  return m;
}

// The message a line holds after its type word.
multipaxos::Message read_message(LineReader& r, std::string_view type) {
  if (type == "Prepare") {
    return multipaxos::Prepare{.ballot = ballot(r, "ballot"), .from = slot(r, "from")};
  }
  if (type == "Promise") return read_promise(r);
  if (type == "Reject") {
    return multipaxos::Reject{.ballot = ballot(r, "ballot"), .promised = ballot(r, "promised")};
  }
  if (type == "Accept") return read_accept(r);
  if (type == "Accepted") {
    return read_accepted_message(r);
  }
  if (type == "Heartbeat") {
    return multipaxos::Heartbeat{
        .ballot = ballot(r, "ballot"), .commit = slot(r, "commit"), .sent_at = sent_at(r)};
  }
  if (type == "HeartbeatOk") {
    return multipaxos::HeartbeatOk{.ballot = ballot(r, "ballot"), .sent_at = sent_at(r)};
  }
  if (type == "CatchUp") return multipaxos::CatchUp{.from = slot(r, "from")};
  if (type == "Chosen") {
    return multipaxos::Chosen{
        .slots = r.list("slots", 10, [&r] { return read_chosen(r); })};  // " [ 1 noop ]"
  }
  throw unknown_word({"multipaxos message", "Multi-Paxos 消息"}, type);
}

}  // namespace

multipaxos::Message decode_multipaxos(std::string_view line) {
  return decode_line(line, "the message type", read_message);
}

}  // namespace consensus_lab::net
