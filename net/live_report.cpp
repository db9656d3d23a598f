#include "net/live_report.h"

#include <functional>
#include <iomanip>
#include <sstream>

#include "narration/describers.h"
#include "viewer/json.h"
#include "viewer/views.h"

namespace consensus_lab::net {

namespace {

void text(viewer::JsonWriter& w, const char* key, const std::string& en, const std::string& zh) {
  w.key(key).begin_object().key("en").value(en).key("zh").value(zh).end_object();
}

template <class Describer, class Event>
void tell_event(const NodeId& self, const Event& event, std::optional<std::string> rule,
                std::vector<std::string>& out) {
  const auto en = Describer::event(self, event, narration::Lang::en);
  const auto zh = Describer::event(self, event, narration::Lang::zh);
  if (!en || !zh) return;
  viewer::JsonWriter w;
  w.begin_object();
  text(w, "line", en->text, zh->text);
  if (en->tone == narration::Tone::warn) w.key("tone").value("warn");
  if (en->tone == narration::Tone::bad) w.key("tone").value("bad");
  if (en->tone == narration::Tone::good) w.key("tone").value("good");
  if (rule) w.key("rule").value(*rule);
  out.push_back("note " + w.end_object().take());
}

// "send B 3f2a… {…}": the peer, the message's key, its type and label.
template <class Describer, class Message>
void tell_message(const char* verb, const NodeId& peer, const Message& m, const std::string& line,
                  std::vector<std::string>& out) {
  std::ostringstream key;
  key << std::hex << std::setw(16) << std::setfill('0') << std::hash<std::string>{}(line);
  viewer::JsonWriter w;
  w.begin_object().key("ty").value(std::string(message_type(m)));
  text(w, "msg", Describer::message(m, narration::Lang::en),
       Describer::message(m, narration::Lang::zh));
  out.push_back(std::string(verb) + " " + peer + " " + key.str() + " " + w.end_object().take());
}

}  // namespace

void LiveReport::event(const raft::Event& event, const raft::Server& at,
                       std::vector<std::string>& out) const {
  tell_event<narration::RaftDescriber>(self_, event, viewer::rule_of(event, &at), out);
}
void LiveReport::event(const multipaxos::Event& event, const multipaxos::Replica&,
                       std::vector<std::string>& out) const {
  tell_event<narration::MultiPaxosDescriber>(self_, event, viewer::rule_of(event), out);
}

void LiveReport::sent(const NodeId& to, const raft::Message& m, const std::string& line,
                      std::vector<std::string>& out) const {
  tell_message<narration::RaftDescriber>("send", to, m, line, out);
}
void LiveReport::sent(const NodeId& to, const multipaxos::Message& m, const std::string& line,
                      std::vector<std::string>& out) const {
  tell_message<narration::MultiPaxosDescriber>("send", to, m, line, out);
}
void LiveReport::received(const NodeId& from, const raft::Message& m, const std::string& line,
                          std::vector<std::string>& out) const {
  tell_message<narration::RaftDescriber>("deliver", from, m, line, out);
}
void LiveReport::received(const NodeId& from, const multipaxos::Message& m, const std::string& line,
                          std::vector<std::string>& out) const {
  tell_message<narration::MultiPaxosDescriber>("deliver", from, m, line, out);
}

std::optional<std::string> LiveReport::card(const raft::Server& server) {
  return changed_card(viewer::to_json(viewer::card_of(server)));
}
std::optional<std::string> LiveReport::card(const multipaxos::Replica& replica) {
  return changed_card(viewer::to_json(viewer::card_of(replica)));
}

std::optional<std::string> LiveReport::changed_card(std::string card) {
  if (card == last_card_) return std::nullopt;
  last_card_ = std::move(card);
  return "card " + last_card_;
}

}  // namespace consensus_lab::net
