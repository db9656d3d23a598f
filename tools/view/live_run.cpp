#include "tools/view/live_run.h"

#include <algorithm>
#include <cctype>

#include "viewer/json.h"
#include "viewer/json_check.h"
#include "viewer/views.h"

namespace consensus_lab::tools {

namespace {

using narration::Text;

std::string line_json(const Text& words) {
  viewer::JsonWriter w;
  w.begin_object().key("en").value(words.en).key("zh").value(words.zh).end_object();
  return ",\"line\":" + w.take();
}

// The inside of a JSON object: its members, to put into another one.
std::string_view members(std::string_view object) {
  return object.substr(1, object.size() - 2);
}

// "WORD REST": the first word, and the rest after one space.
std::pair<std::string_view, std::string_view> split(std::string_view line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return {line, {}};
  return {line.substr(0, space), line.substr(space + 1)};
}

// At most this many deliveries told before their sends are remembered per
// pair of nodes (a send the sender never tells must not be kept forever).
constexpr std::size_t kEarliest = 64;

bool is_key(std::string_view key) {
  return !key.empty() && key.size() <= 32 && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

LiveRun::LiveRun(const std::string& protocol, std::vector<NodeId> nodes, Text title,
                 narration::Lang lang)
    : protocol_(protocol), page_(protocol, std::move(title), lang, nodes) {
  if (protocol == "raft") viewer::describe_raft(page_);
  if (protocol == "multipaxos") viewer::describe_multipaxos(page_);
  page_.set_live("/events");
  for (const NodeId& node : nodes) reporting_[node] = false;
}

bool LiveRun::reporting(const NodeId& node) const {
  const auto it = reporting_.find(node);
  return it != reporting_.end() && it->second;
}

bool LiveRun::heard(const NodeId& node, std::string_view line, Millis t, Text& why) {
  const auto [verb, rest] = split(line);
  if (verb == "hello") {
    if (rest != protocol_ + " " + node) {
      why = {"it says '" + std::string(line) + "', not hello " + protocol_ + " " + node,
             "它说的是 '" + std::string(line) + "'，而不是 hello " + protocol_ + " " + node};
      return false;
    }
    back(node, t, true);
    return true;
  }
  if (verb != "alive" && verb != "card" && verb != "note" && verb != "send" && verb != "deliver") {
    why = {"unknown word '" + std::string(verb) + "'", "不认识的词 '" + std::string(verb) + "'"};
    return false;
  }
  if ((verb == "card" || verb == "note") && !viewer::is_json_object(rest)) {
    why = {"'" + std::string(verb) + "' without a JSON object",
           std::string(verb) + " 后面不是 JSON 对象"};
    return false;
  }
  if ((verb == "send" || verb == "deliver") && !message(node, verb, rest, t)) {
    why = {"a malformed '" + std::string(verb) + "' line",
           "格式错误的 " + std::string(verb) + " 行"};
    return false;
  }
  if (!reporting(node)) back(node, t, false);
  if (verb == "card") add_card(node, rest, t);
  if (verb == "note") hold(node, begin(t, "note", node) + "," + std::string(members(rest)));
  return true;
}

std::string LiveRun::begin(Millis t, const char* kind, const NodeId& node) const {
  viewer::JsonWriter w;
  std::string json = w.begin_object().key("t").value(static_cast<std::uint64_t>(t)).take();
  return json + ",\"k\":\"" + kind + "\",\"n\":" + viewer::quoted(node);
}

bool LiveRun::message(const NodeId& node, std::string_view verb, std::string_view rest, Millis t) {
  const auto [peer_word, after_peer] = split(rest);
  const auto [key_word, object] = split(after_peer);
  const NodeId peer(peer_word);
  if (peer == node || !reporting_.count(peer) || !is_key(key_word) ||
      !viewer::is_json_object(object)) {
    return false;
  }
  if (!reporting(node)) back(node, t, false);
  const std::string key(key_word);
  const bool sent = verb == "send";
  const NodeId& from = sent ? node : peer;
  const NodeId& to = sent ? peer : node;
  auto& flights = flights_[{from, to}];
  auto& early = early_[{from, to}];
  std::uint64_t id = 0;
  if (sent) {
    // Its delivery was told first (the receiver's line came before the
    // sender's): it is on the page already.
    const auto told = std::find(early.begin(), early.end(), key);
    if (told != early.end()) return early.erase(told), true;
    id = next_id_++;
    flights.push_back({key, id});
  } else {
    const auto it =
        std::find_if(flights.begin(), flights.end(), [&](const Flight& f) { return f.key == key; });
    if (it == flights.end()) {
      // Not sent yet as far as the view knows: the send goes on the page
      // now, just before its delivery, and is not told again.
      id = next_id_++;
      early.push_back(key);
      if (early.size() > kEarliest) early.pop_front();
      hold(from, begin(t, "send", from) + ",\"id\":" + std::to_string(id) +
                     ",\"from\":" + viewer::quoted(from) + ",\"to\":" + viewer::quoted(to) + "," +
                     std::string(members(object)));
    } else {
      id = it->id;
      settle();
      // Those sent before it on the same connection never arrived.
      for (auto lost = flights.begin(); lost != it; ++lost) {
        page_.add_event(begin(t, "drop", to) + ",\"id\":" + std::to_string(lost->id) +
                        ",\"why\":\"lost\"" +
                        line_json({from + " → " + to + ": lost (the connection broke)",
                                   from + " → " + to + "：消息丢失（连接断了）"}) +
                        "}");
      }
      flights.erase(flights.begin(), std::next(it));
    }
  }
  hold(node, begin(t, sent ? "send" : "deliver", sent ? from : to) +
                 ",\"id\":" + std::to_string(id) + ",\"from\":" + viewer::quoted(from) +
                 ",\"to\":" + viewer::quoted(to) + "," + std::string(members(object)));
  return true;
}

void LiveRun::hold(const NodeId& node, std::string json) {
  settle();
  held_ = Held{node, std::move(json)};
}

void LiveRun::settle() {
  if (!held_) return;
  page_.add_event(std::move(held_->json) + "}");
  held_.reset();
}

// A node tells its card after the lines of its batch: it goes with the last
// of them, or, after none, as an event of its own.
void LiveRun::add_card(const NodeId& node, std::string_view card, Millis t) {
  if (!held_ || held_->node != node) hold(node, begin(t, "state", node));
  held_->json += ",\"cards\":{" + viewer::quoted(node) + ":" + std::string(card) + "}";
  settle();
}

void LiveRun::lose(const NodeId& to, Millis t, const char* why) {
  settle();
  for (auto& [ends, flights] : flights_) {
    if (ends.second != to) continue;
    for (const Flight& f : flights) {
      page_.add_event(begin(t, "drop", to) + ",\"id\":" + std::to_string(f.id) + ",\"why\":\"" +
                      why + "\"}");
    }
    flights.clear();
  }
}

void LiveRun::silent(const NodeId& node, Millis t, bool closed) {
  if (!reporting(node)) return;
  reporting_[node] = false;
  settle();
  const Text words =
      closed ? Text{node + " stopped reporting: its connection closed (is the process gone?)",
                    node + " 不再报告：连接断开了（进程没了？）"}
             : Text{node + " stopped reporting: no word for over a second (paused?)",
                    node + " 不再报告：超过一秒没有消息（被暂停了？）"};
  page_.add_event(begin(t, "silent", node) + line_json(words) + ",\"tone\":\"bad\"}");
  if (closed) lose(node, t, "receiver_down");
}

// `node` reports (again): after a restart (hello), what was in flight to its
// old process is lost.
void LiveRun::back(const NodeId& node, Millis t, bool restarted) {
  const bool first = seen_.insert(node).second;
  if (restarted) lose(node, t, "receiver_down");
  reporting_[node] = true;
  const Text words = first ? Text{"watching " + node, "开始观察 " + node}
                           : Text{node + " reports again", node + " 重新报告"};
  hold(node, begin(t, "reporting", node) + line_json(words) + ",\"tone\":\"good\"");
}

}  // namespace consensus_lab::tools
