#include "net/wire.h"

#include <charconv>

#include "common/overloaded.h"

namespace consensus_lab::net {

namespace {

bool plain(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '~' || c == '=' || c == '+' || c == ':' || c == '/' || c == '@' ||
         c == ',' || c == '-';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Builds a line word by word.
class Writer {
 public:
  explicit Writer(std::string_view first) : line_(first) {}
  Writer& word(std::string_view w) {
    line_ += ' ';
    line_ += w;
    return *this;
  }
  Writer& number(std::uint64_t n) { return word(std::to_string(n)); }
  Writer& text(std::string_view s) { return word(encode_string(s)); }
  Writer& command(const Command& c) {
    switch (c.kind) {
      case Command::Kind::noop:
        return word("noop");
      case Command::Kind::put:
        return word("put").text(c.key).text(c.value).text(c.client).number(c.sequence);
      case Command::Kind::read:
        return word("read").text(c.key).text(c.client).number(c.sequence);
      case Command::Kind::add_replica:
        return word("add").word(c.key);
      case Command::Kind::remove_replica:
        return word("remove").word(c.key);
    }
    return *this;
  }
  std::string done() { return std::move(line_); }

 private:
  std::string line_;
};

// Reads a line word by word; every mismatch is a DecodeError.
class Reader {
 public:
  explicit Reader(std::string_view line) : line_(line) {
    if (line.size() > kMaxLine) throw DecodeError("line longer than " + std::to_string(kMaxLine));
    for (char ch : line) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7f) throw DecodeError("control character in line");
    }
  }

  std::string_view next(std::string_view what) {
    if (pos_ >= line_.size()) throw DecodeError("line ends before " + std::string(what));
    if (pos_ > 0) {
      if (line_[pos_] != ' ') throw DecodeError("words must be separated by one space");
      ++pos_;
    }
    const auto end = line_.find(' ', pos_);
    const std::string_view w =
        line_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
    if (w.empty()) throw DecodeError("empty word (two spaces?) before " + std::string(what));
    pos_ += w.size();
    return w;
  }
  void expect(std::string_view keyword) {
    const auto w = next(keyword);
    if (w != keyword) {
      throw DecodeError("expected '" + std::string(keyword) + "', found '" + shown(w) + "'");
    }
  }
  std::uint64_t number(std::string_view what) {
    const auto w = next(what);
    std::uint64_t n = 0;
    const auto [end, error] = std::from_chars(w.data(), w.data() + w.size(), n);
    if (error != std::errc{} || end != w.data() + w.size() || (w.size() > 1 && w[0] == '0')) {
      throw DecodeError(std::string(what) + " is not a number: '" + shown(w) + "'");
    }
    return n;
  }
  // A count of items that follow, each at least `min_bytes` long: a count
  // the rest of the line cannot hold is refused before anything is reserved.
  std::size_t count(std::string_view what, std::size_t min_bytes) {
    const auto n = number(what);
    if (n > (line_.size() - pos_) / min_bytes) {
      throw DecodeError(std::string(what) + " " + std::to_string(n) +
                        " is more than the line holds");
    }
    return static_cast<std::size_t>(n);
  }
  Millis millis(std::string_view what) {
    const auto n = number(what);
    if (n > static_cast<std::uint64_t>(INT64_MAX))
      throw DecodeError(std::string(what) + " too large");
    return static_cast<Millis>(n);
  }
  bool flag(std::string_view what) {
    const auto w = next(what);
    if (w == "yes") return true;
    if (w == "no") return false;
    throw DecodeError(std::string(what) + " must be yes or no, not '" + shown(w) + "'");
  }
  std::string text(std::string_view what) { return decode_string(next(what)); }
  NodeId node(std::string_view what) {
    const auto w = next(what);
    if (!is_node_id(w))
      throw DecodeError(std::string(what) + " is not a node id: '" + shown(w) + "'");
    return NodeId(w);
  }
  Command command() {
    const auto kind = next("a command");
    if (kind == "noop") return Command::noop();
    if (kind == "put") {
      auto key = text("the key");
      auto value = text("the value");
      auto client = text("the client");
      const auto sequence = number("the sequence number");
      return Command::put(std::move(key), std::move(value), std::move(client), sequence);
    }
    if (kind == "read") {
      auto key = text("the key");
      auto client = text("the client");
      const auto sequence = number("the sequence number");
      return Command::read(std::move(key), std::move(client), sequence);
    }
    if (kind == "add") return Command::add(node("the replica"));
    if (kind == "remove") return Command::remove(node("the replica"));
    throw DecodeError("unknown command '" + shown(kind) + "'");
  }
  void end() {
    if (pos_ != line_.size()) throw DecodeError("unexpected words at the end of the line");
  }

 private:
  static std::string shown(std::string_view w) {
    return std::string(w.substr(0, 40)) + (w.size() > 40 ? "…" : "");
  }
  std::string_view line_;
  std::size_t pos_ = 0;
};

template <class T>
T finish(Reader& reader, T value) {
  reader.end();
  return value;
}

}  // namespace

bool is_node_id(std::string_view word) {
  if (word.empty() || word.size() > 64) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(word[0])) return false;
  for (char c : word) {
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') return false;
  }
  return true;
}

std::string encode_string(std::string_view text) {
  if (text.empty()) return "%";
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (plain(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string decode_string(std::string_view word) {
  if (word == "%") return {};
  std::string out;
  out.reserve(word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (c == '%') {
      if (i + 2 >= word.size()) throw DecodeError("a % must be followed by two hex digits");
      const int high = hex_value(word[i + 1]), low = hex_value(word[i + 2]);
      if (high < 0 || low < 0) throw DecodeError("a % must be followed by two hex digits");
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (plain(c)) {
      out += static_cast<char>(c);
    } else {
      throw DecodeError("character not allowed in a string: code " + std::to_string(c));
    }
  }
  return out;
}

std::string encode(const Command& command) {
  std::string line = Writer("").command(command).done();
  return line.substr(1);  // without the leading space
}

Command decode_command(std::string_view words) {
  Reader r(words);
  Command command = r.command();
  r.end();
  return command;
}

// ---- Raft ---------------------------------------------------------------------

std::string encode(const raft::Message& message) {
  return std::visit(
      Overloaded{
          [](const raft::RequestVote& m) {
            return Writer("RequestVote")
                .word("term")
                .number(m.term.value)
                .word("candidate")
                .word(m.candidate_id)
                .word("last-log")
                .number(m.last_log_index.value)
                .number(m.last_log_term.value)
                .done();
          },
          [](const raft::Vote& m) {
            return Writer("Vote")
                .word("term")
                .number(m.term.value)
                .word("granted")
                .word(m.vote_granted ? "yes" : "no")
                .done();
          },
          [](const raft::AppendEntries& m) {
            Writer w("AppendEntries");
            w.word("term").number(m.term.value).word("leader").word(m.leader_id);
            w.word("prev").number(m.prev_log_index.value).number(m.prev_log_term.value);
            w.word("commit").number(m.leader_commit.value);
            w.word("entries").number(m.entries.size());
            for (const auto& entry : m.entries) {
              w.word("[").number(entry.term.value).command(entry.command).word("]");
            }
            return w.done();
          },
          [](const raft::AppendReply& m) {
            return Writer("AppendReply")
                .word("term")
                .number(m.term.value)
                .word("success")
                .word(m.success ? "yes" : "no")
                .word("match")
                .number(raft::named_index(m).value)
                .word("last")
                .number(m.last_log_index.value)
                .done();
          },
      },
      message);
}

raft::Message decode_raft(std::string_view line) {
  Reader r(line);
  const auto type = r.next("the message type");
  if (type == "RequestVote") {
    raft::RequestVote m;
    r.expect("term");
    m.term.value = r.number("the term");
    r.expect("candidate");
    m.candidate_id = r.node("the candidate");
    r.expect("last-log");
    m.last_log_index.value = r.number("the last log index");
    m.last_log_term.value = r.number("the last log term");
    return finish(r, raft::Message{m});
  }
  if (type == "Vote") {
    raft::Vote m;
    r.expect("term");
    m.term.value = r.number("the term");
    r.expect("granted");
    m.vote_granted = r.flag("granted");
    return finish(r, raft::Message{m});
  }
  if (type == "AppendEntries") {
    raft::AppendEntries m;
    r.expect("term");
    m.term.value = r.number("the term");
    r.expect("leader");
    m.leader_id = r.node("the leader");
    r.expect("prev");
    m.prev_log_index.value = r.number("the prev log index");
    m.prev_log_term.value = r.number("the prev log term");
    r.expect("commit");
    m.leader_commit.value = r.number("the leader commit");
    r.expect("entries");
    const std::size_t count = r.count("entries", 10);  // " [ 1 noop ]"
    m.entries.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      r.expect("[");
      raft::LogEntry entry;
      entry.term.value = r.number("an entry's term");
      entry.command = r.command();
      r.expect("]");
      m.entries.push_back(std::move(entry));
    }
    return finish(r, raft::Message{std::move(m)});
  }
  if (type == "AppendReply") {
    raft::AppendReply m;
    r.expect("term");
    m.term.value = r.number("the term");
    r.expect("success");
    m.success = r.flag("success");
    r.expect("match");
    const raft::LogIndex match{r.number("the match index")};
    if (m.success) {
      m.match_index = match;
    } else if (match.value != 0) {
      m.refused_prev_index = match;
    }
    r.expect("last");
    m.last_log_index.value = r.number("the last log index");
    return finish(r, raft::Message{m});
  }
  throw DecodeError("unknown raft message '" + std::string(type.substr(0, 40)) + "'");
}

// ---- Multi-Paxos --------------------------------------------------------------

std::string encode(const multipaxos::Message& message) {
  return std::visit(Overloaded{
                        [](const multipaxos::Prepare& m) {
                          return Writer("Prepare")
                              .word("ballot")
                              .number(m.ballot.value)
                              .word("from")
                              .number(m.from.value)
                              .done();
                        },
                        [](const multipaxos::Promise& m) {
                          Writer w("Promise");
                          w.word("ballot").number(m.ballot.value).word("from").number(m.from.value);
                          w.word("accepted").number(m.accepted.size());
                          for (const auto& [slot, proposal] : m.accepted) {
                            w.word("[").number(slot.value).number(proposal.ballot.value);
                            w.command(proposal.command).word("]");
                          }
                          return w.done();
                        },
                        [](const multipaxos::Reject& m) {
                          return Writer("Reject")
                              .word("ballot")
                              .number(m.ballot.value)
                              .word("promised")
                              .number(m.promised.value)
                              .done();
                        },
                        [](const multipaxos::Accept& m) {
                          return Writer("Accept")
                              .word("ballot")
                              .number(m.ballot.value)
                              .word("slot")
                              .number(m.slot.value)
                              .word("commit")
                              .number(m.commit.value)
                              .word("[")
                              .command(m.command)
                              .word("]")
                              .done();
                        },
                        [](const multipaxos::Accepted& m) {
                          return Writer("Accepted")
                              .word("ballot")
                              .number(m.ballot.value)
                              .word("slot")
                              .number(m.slot.value)
                              .done();
                        },
                        [](const multipaxos::Heartbeat& m) {
                          return Writer("Heartbeat")
                              .word("ballot")
                              .number(m.ballot.value)
                              .word("commit")
                              .number(m.commit.value)
                              .word("sent-at")
                              .number(static_cast<std::uint64_t>(m.sent_at))
                              .done();
                        },
                        [](const multipaxos::HeartbeatOk& m) {
                          return Writer("HeartbeatOk")
                              .word("ballot")
                              .number(m.ballot.value)
                              .word("sent-at")
                              .number(static_cast<std::uint64_t>(m.sent_at))
                              .done();
                        },
                        [](const multipaxos::CatchUp& m) {
                          return Writer("CatchUp").word("from").number(m.from.value).done();
                        },
                        [](const multipaxos::Chosen& m) {
                          Writer w("Chosen");
                          w.word("slots").number(m.slots.size());
                          for (const auto& [slot, command] : m.slots) {
                            w.word("[").number(slot.value).command(command).word("]");
                          }
                          return w.done();
                        },
                    },
                    message);
}

multipaxos::Message decode_multipaxos(std::string_view line) {
  using multipaxos::Ballot;
  using multipaxos::Slot;
  Reader r(line);
  const auto type = r.next("the message type");
  auto ballot = [&](std::string_view keyword) {
    r.expect(keyword);
    return Ballot{r.number("the ballot")};
  };
  auto slot = [&](std::string_view keyword) {
    r.expect(keyword);
    return Slot{r.number("the slot")};
  };
  if (type == "Prepare") {
    multipaxos::Prepare m;
    m.ballot = ballot("ballot");
    m.from = slot("from");
    return finish(r, multipaxos::Message{m});
  }
  if (type == "Promise") {
    multipaxos::Promise m;
    m.ballot = ballot("ballot");
    m.from = slot("from");
    r.expect("accepted");
    const std::size_t count = r.count("accepted", 12);  // " [ 1 1 noop ]"
    m.accepted.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      r.expect("[");
      const Slot s{r.number("a slot")};
      const Ballot b{r.number("a ballot")};
      Command command = r.command();
      r.expect("]");
      m.accepted.push_back({s, multipaxos::SlotProposal{b, std::move(command)}});
    }
    return finish(r, multipaxos::Message{std::move(m)});
  }
  if (type == "Reject") {
    multipaxos::Reject m;
    m.ballot = ballot("ballot");
    m.promised = ballot("promised");
    return finish(r, multipaxos::Message{m});
  }
  if (type == "Accept") {
    multipaxos::Accept m;
    m.ballot = ballot("ballot");
    m.slot = slot("slot");
    m.commit = slot("commit");
    r.expect("[");
    m.command = r.command();
    r.expect("]");
    return finish(r, multipaxos::Message{std::move(m)});
  }
  if (type == "Accepted") {
    multipaxos::Accepted m;
    m.ballot = ballot("ballot");
    m.slot = slot("slot");
    return finish(r, multipaxos::Message{m});
  }
  if (type == "Heartbeat") {
    multipaxos::Heartbeat m;
    m.ballot = ballot("ballot");
    m.commit = slot("commit");
    r.expect("sent-at");
    m.sent_at = r.millis("the time sent");
    return finish(r, multipaxos::Message{m});
  }
  if (type == "HeartbeatOk") {
    multipaxos::HeartbeatOk m;
    m.ballot = ballot("ballot");
    r.expect("sent-at");
    m.sent_at = r.millis("the time sent");
    return finish(r, multipaxos::Message{m});
  }
  if (type == "CatchUp") {
    multipaxos::CatchUp m;
    m.from = slot("from");
    return finish(r, multipaxos::Message{m});
  }
  if (type == "Chosen") {
    multipaxos::Chosen m;
    r.expect("slots");
    const std::size_t count = r.count("slots", 10);  // " [ 1 noop ]"
    m.slots.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      r.expect("[");
      const Slot s{r.number("a slot")};
      Command command = r.command();
      r.expect("]");
      m.slots.push_back({s, std::move(command)});
    }
    return finish(r, multipaxos::Message{std::move(m)});
  }
  throw DecodeError("unknown multipaxos message '" + std::string(type.substr(0, 40)) + "'");
}

// ---- connections and clients ----------------------------------------------------

std::string encode(const Hello& hello) {
  return std::visit(
      Overloaded{
          [](const PeerHello& h) { return Writer("peer").word(h.protocol).word(h.id).done(); },
          [](const ClientHello&) { return std::string("client"); },
      },
      hello);
}

Hello decode_hello(std::string_view line) {
  Reader r(line);
  const auto first = r.next("peer or client");
  if (first == "client") return finish(r, Hello{ClientHello{}});
  if (first != "peer") {
    throw DecodeError("a connection starts with `peer PROTOCOL ID` or `client`");
  }
  PeerHello hello;
  hello.protocol = std::string(r.next("the protocol"));
  if (hello.protocol != "raft" && hello.protocol != "multipaxos") {
    throw DecodeError("unknown protocol '" + hello.protocol.substr(0, 40) + "'");
  }
  hello.id = r.node("the node id");
  return finish(r, Hello{hello});
}

std::string encode(const Request& request) {
  return std::visit(
      Overloaded{
          [](const PutRequest& p) {
            return Writer("put").text(p.client).number(p.sequence).text(p.key).text(p.value).done();
          },
          [](const GetRequest& g) { return Writer("get").text(g.key).done(); },
      },
      request);
}

Request decode_request(std::string_view line) {
  Reader r(line);
  const auto verb = r.next("put or get");
  if (verb == "put") {
    PutRequest p;
    p.client = r.text("the client");
    if (p.client.empty()) throw DecodeError("a put needs a client id");
    p.sequence = r.number("the sequence number");
    if (p.sequence == 0) throw DecodeError("sequence numbers start at 1");
    p.key = r.text("the key");
    p.value = r.text("the value");
    return finish(r, Request{std::move(p)});
  }
  if (verb == "get") {
    GetRequest g;
    g.key = r.text("the key");
    return finish(r, Request{std::move(g)});
  }
  throw DecodeError("unknown request '" + std::string(verb.substr(0, 40)) + "' (put or get)");
}

std::string encode(const Reply& reply) {
  switch (reply.kind) {
    case Reply::Kind::ok:
      return "ok";
    case Reply::Kind::value:
      return Writer("value").text(reply.text).done();
    case Reply::Kind::none:
      return "none";
    case Reply::Kind::redirect:
      return Writer("redirect").word(reply.text).done();
    case Reply::Kind::retry:
      return "retry";
    case Reply::Kind::error:
      return Writer("error").text(reply.text).done();
  }
  return "error";
}

Reply decode_reply(std::string_view line) {
  Reader r(line);
  const auto kind = r.next("a reply");
  if (kind == "ok") return finish(r, Reply{Reply::Kind::ok, {}});
  if (kind == "none") return finish(r, Reply{Reply::Kind::none, {}});
  if (kind == "retry") return finish(r, Reply{Reply::Kind::retry, {}});
  if (kind == "value") {
    auto text = r.text("the value");
    return finish(r, Reply{Reply::Kind::value, std::move(text)});
  }
  if (kind == "redirect") {
    auto node = r.node("the node");
    return finish(r, Reply{Reply::Kind::redirect, std::move(node)});
  }
  if (kind == "error") {
    auto text = r.text("the reason");
    return finish(r, Reply{Reply::Kind::error, std::move(text)});
  }
  throw DecodeError("unknown reply '" + std::string(kind.substr(0, 40)) + "'");
}

}  // namespace consensus_lab::net
