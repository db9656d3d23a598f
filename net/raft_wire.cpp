#include "net/raft_wire.h"

#include <variant>

#include "net/line_reader.h"
#include "net/line_writer.h"

namespace consensus_lab::net {

using raft::LogIndex;
using raft::Term;

// ---- writing: one line per message type, in the order the reader reads it ----

namespace {

std::string line_of(const raft::RequestVote& m) {
  LineWriter w("RequestVote");
  w.field("term", m.term.value).word("candidate").word(m.candidate_id);
  w.field("last-log", m.last_log_index.value).number(m.last_log_term.value);
  if (m.transfer) w.word("transfer");  // only after TimeoutNow: older lines stay as they were
  return w.done();
}
std::string line_of(const raft::PreVote& m) {
  LineWriter w("PreVote");
  w.field("term", m.term.value).word("candidate").word(m.candidate_id);
  return w.field("last-log", m.last_log_index.value).number(m.last_log_term.value).done();
}
std::string line_of(const raft::PreVoteReply& m) {
  return LineWriter("PreVoteReply").field("term", m.term.value).flag("granted", m.granted).done();
}
std::string line_of(const raft::TimeoutNow& m) {
  return LineWriter("TimeoutNow").field("term", m.term.value).done();
}
std::string line_of(const raft::Removed& m) {
  return LineWriter("Removed")
      .field("term", m.term.value)
      .field("configuration", m.configuration_index.value)
      .done();
}
std::string line_of(const raft::Vote& m) {
  return LineWriter("Vote").field("term", m.term.value).flag("granted", m.vote_granted).done();
}
std::string line_of(const raft::AppendEntries& m) {
  LineWriter w("AppendEntries");
  w.field("term", m.term.value).word("leader").word(m.leader_id);
  w.field("prev", m.prev_log_index.value).number(m.prev_log_term.value);
  w.field("commit", m.leader_commit.value);
  w.list("entries", m.entries,
         [&w](const raft::LogEntry& entry) { w.number(entry.term.value).command(entry.command); });
  if (m.round != 0) w.field("round", m.round);  // last and optional: older lines have none
  return w.done();
}
std::string line_of(const raft::AppendReply& m) {
  LineWriter w("AppendReply");
  w.field("term", m.term.value).flag("success", m.success);
  w.field("match", raft::named_index(m).value).field("last", m.last_log_index.value);
  if (m.round != 0) w.field("round", m.round);  // last and optional: older lines have none
  return w.done();
}
// The chunk's bytes percent-encoded: one line whatever they hold.
std::string line_of(const raft::InstallSnapshot& m) {
  LineWriter w("InstallSnapshot");
  w.field("term", m.term.value).word("leader").word(m.leader_id);
  w.field("last", m.last_included_index.value).number(m.last_included_term.value);
  w.field("offset", m.offset).word("data").text(m.data);
  return w.flag("done", m.done).done();
}
std::string line_of(const raft::SnapshotReply& m) {
  LineWriter w("SnapshotReply");
  w.field("term", m.term.value).field("last", m.last_included_index.value);
  return w.field("offset", m.offset).flag("done", m.done).done();
}

}  // namespace

std::string encode(const raft::Message& message) {
  return std::visit([](const auto& m) { return line_of(m); }, message);
}

// ---- reading: strictly, every field checked ----------------------------------

namespace {

// "term 5": every message's first field.
Term term(LineReader& r) {
  return Term{r.field("term", "the term")};
}
// "candidate A", "leader A".
NodeId node(LineReader& r, std::string_view keyword, std::string_view what) {
  r.expect(keyword);
  return r.node(what);
}

// "4 put x 3 c7 12": an entry's term and command (between brackets).
raft::LogEntry read_entry(LineReader& r) {
  const Term term{r.number("an entry's term")};
  return raft::LogEntry{term, r.command()};
}

// "round 7" at the end of AppendEntries and AppendReply (thesis §6.4): none
// is round 0, so a line of a node that counts no rounds still decodes.
std::uint64_t read_round(LineReader& r) {
  if (r.at_end()) return 0;
  const std::uint64_t round = r.field("round", "the heartbeat round");
  if (round == 0) throw DecodeError({"round 0 is written as no round", "轮次 0 不写出来"});
  return round;
}

raft::AppendEntries read_append_entries(LineReader& r) {
  raft::AppendEntries m;
  m.term = term(r);
  m.leader_id = node(r, "leader", "the leader");
  m.prev_log_index = LogIndex{r.field("prev", "the prev log index")};
  m.prev_log_term = Term{r.number("the prev log term")};
  m.leader_commit = LogIndex{r.field("commit", "the leader commit")};
  m.entries = r.list("entries", 10, [&r] { return read_entry(r); });  // " [ 1 noop ]"
  m.round = read_round(r);
  return m;
}

// One number on the wire, "match", says where the logs agree: on success the
// match index, on a refusal the prev index that did not match (0: the term
// was old) — raft::named_index.
raft::AppendReply read_append_reply(LineReader& r) {
  raft::AppendReply m{.term = term(r), .success = r.flag("success")};
  const LogIndex match{r.field("match", "the match index")};
  if (m.success) {
    m.match_index = match;
  } else if (match.value != 0) {
    m.refused_prev_index = match;
  }
  m.last_log_index = LogIndex{r.field("last", "the last log index")};
  m.round = read_round(r);
  return m;
}

// (Braced initialisers are read left to right: the fields in wire order.)
raft::InstallSnapshot read_install_snapshot(LineReader& r) {
  return raft::InstallSnapshot{
      .term = term(r),
      .leader_id = node(r, "leader", "the leader"),
      .last_included_index = LogIndex{r.field("last", "the last included index")},
      .last_included_term = Term{r.number("the last included term")},
      .offset = r.field("offset", "the offset"),
      .data = (r.expect("data"), r.text("the snapshot's data")),
      .done = r.flag("done")};
}

// The message a line holds after its type word.
raft::Message read_message(LineReader& r, std::string_view type) {
  if (type == "RequestVote" || type == "PreVote") {
    const raft::PreVote m{.term = term(r),
                          .candidate_id = node(r, "candidate", "the candidate"),
                          .last_log_index = LogIndex{r.field("last-log", "the last log index")},
                          .last_log_term = Term{r.number("the last log term")}};
    if (type == "PreVote") return m;
    const bool transfer = !r.at_end();
    if (transfer) r.expect("transfer");
    return raft::RequestVote{m.term, m.candidate_id, m.last_log_index, m.last_log_term, transfer};
  }
  if (type == "PreVoteReply") {
    return raft::PreVoteReply{.term = term(r), .granted = r.flag("granted")};
  }
  if (type == "TimeoutNow") return raft::TimeoutNow{.term = term(r)};
  if (type == "Removed") {
    return raft::Removed{
        .term = term(r),
        .configuration_index = LogIndex{r.field("configuration", "the configuration's index")}};
  }
  if (type == "Vote") {
    return raft::Vote{.term = term(r), .vote_granted = r.flag("granted")};
  }
  if (type == "AppendEntries") return read_append_entries(r);
  if (type == "AppendReply") return read_append_reply(r);
  if (type == "InstallSnapshot") return read_install_snapshot(r);
  if (type == "SnapshotReply") {
    return raft::SnapshotReply{.term = term(r),
                               .last_included_index = LogIndex{r.field("last", "the last index")},
                               .offset = r.field("offset", "the offset"),
                               .done = r.flag("done")};
  }
  throw unknown_word({"raft message", "Raft 消息"}, type);
}

}  // namespace

raft::Message decode_raft(std::string_view line) {
  return decode_line(line, "the message type", read_message);
}

}  // namespace consensus_lab::net
