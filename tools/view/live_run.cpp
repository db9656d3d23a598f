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

// A JSON object's members, to put after others in another object: ",…",
// or nothing for an empty one.
std::string more(std::string_view object) {
  const std::string_view members = object.substr(1, object.size() - 2);
  return members.find_first_not_of(" \t\r\n") == std::string_view::npos
             ? std::string()
             : "," + std::string(members);
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
// At most this many messages in flight are kept per pair of nodes.
constexpr std::size_t kLongestFlight = 256;

// What the page says of a message to a node whose process is gone.
Text down(const std::pair<NodeId, NodeId>& ends) {
  return {ends.second + " is down: the message from " + ends.first + " is lost",
          ends.second + " 已宕机：" + ends.first + " 发来的消息丢失了"};
}

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
  if (verb == "note") hold(node, begin(t, "note", node) + more(rest));
  return true;
}

std::string LiveRun::begin(Millis t, const char* kind, const NodeId& node) const {
  viewer::JsonWriter w;
  std::string json = w.begin_object().key("t").value(static_cast<std::uint64_t>(t)).take();
  return json + ",\"k\":\"" + kind + "\",\"n\":" + viewer::quoted(node);
}

bool LiveRun::message(const NodeId& node, std::string_view verb, std::string_view rest, Millis t) {
  const auto [peer_word, after_peer] = split(rest);
  const auto [key, object] = split(after_peer);
  const NodeId peer(peer_word);
  if (peer == node || !reporting_.count(peer) || !is_key(key) || !viewer::is_json_object(object)) {
    return false;
  }
  if (!reporting(node)) back(node, t, false);
  if (verb == "send") {
    sent({node, peer}, std::string(key), std::string(object), t);
  } else {
    delivered({peer, node}, std::string(key), std::string(object), t);
  }
  return true;
}

// Is it news: does it say something the last message shown from one to the
// other did not? A steady leader's heartbeats and their answers are not.
bool LiveRun::news(const Ends& ends, const std::string& object) {
  std::string& last = shown_[ends];
  if (last == object) return false;
  last = object;
  return true;
}

std::string LiveRun::message_event(Millis t, const char* kind, std::uint64_t id, const Ends& ends,
                                   const std::string& object) const {
  return begin(t, kind, kind == std::string_view("send") ? ends.first : ends.second) +
         ",\"id\":" + std::to_string(id) + ",\"from\":" + viewer::quoted(ends.first) +
         ",\"to\":" + viewer::quoted(ends.second) + more(object);
}

void LiveRun::sent(const Ends& ends, const std::string& key, const std::string& object, Millis t) {
  // Its delivery was told first (the receiver's line came before the
  // sender's): it is on the page already, or was no news.
  auto& early = early_[ends];
  const auto told = std::find(early.begin(), early.end(), key);
  if (told != early.end()) return void(early.erase(told));
  const std::uint64_t id = news(ends, object) ? next_id_++ : 0;
  if (id != 0) hold(ends.first, message_event(t, "send", id, ends, object));
  if (!gone_.count(ends.second)) {
    auto& flights = flights_[ends];
    flights.push_back({key, id});
    // A receiver that never answers (paused, or down since before the view
    // began): the oldest message is given up as not seen.
    if (flights.size() > kLongestFlight) {
      if (flights.front().id != 0) unseen(ends, flights.front().id, t);
      flights.pop_front();
    }
    return;
  }
  // Its receiver's process is gone: the message is lost as it is sent.
  if (id != 0) drop(t, ends, id, "receiver_down", down(ends));
}

void LiveRun::delivered(const Ends& ends, const std::string& key, const std::string& object,
                        Millis t) {
  auto& flights = flights_[ends];
  const auto it =
      std::find_if(flights.begin(), flights.end(), [&](const Flight& f) { return f.key == key; });
  std::uint64_t id = 0;
  if (it == flights.end()) {
    // Not sent yet as far as the view knows: the send goes on the page now,
    // just before its delivery, and is not told again.
    auto& early = early_[ends];
    early.push_back(key);
    if (early.size() > kEarliest) early.pop_front();
    if (!news(ends, object)) return;
    id = next_id_++;
    hold(ends.first, message_event(t, "send", id, ends, object));
  } else {
    id = it->id;
    // Those sent before it on the same connection never arrived.
    for (auto lost = flights.begin(); lost != it; ++lost) {
      if (lost->id == 0) continue;
      drop(t, ends, lost->id, "lost",
           {ends.first + " → " + ends.second + ": lost (the connection broke)",
            ends.first + " → " + ends.second + "：消息丢失（连接断了）"});
    }
    flights.erase(flights.begin(), std::next(it));
    if (id == 0) return;
  }
  hold(ends.second, message_event(t, "deliver", id, ends, object));
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

void LiveRun::unseen(const Ends& ends, std::uint64_t id, Millis t) {
  drop(t, ends, id, "unseen",
       {ends.second + " was not heard to get this message: it is given up",
        "没有听到 " + ends.second + " 收到这条消息：不再等待"});
}

// Message `id` from one to the other will not arrive: the page says why.
void LiveRun::drop(Millis t, const Ends& ends, std::uint64_t id, const char* why,
                   const Text& words) {
  settle();
  page_.add_event(begin(t, "drop", ends.second) + ",\"id\":" + std::to_string(id) + ",\"why\":\"" +
                  why + "\"" + line_json(words) + "}");
}

void LiveRun::lose(const NodeId& to, Millis t, const char* why) {
  settle();
  const bool never_seen = why == std::string_view("unseen");
  for (auto& [ends, flights] : flights_) {
    if (ends.second != to) continue;
    for (const Flight& f : flights) {
      if (f.id == 0) continue;
      drop(t, ends, f.id, why,
           never_seen ? Text{to + " was not watched yet: whether it got this is not known",
                             to + " 还没有被观察：不知道它是否收到了这条消息"}
                      : down(ends));
    }
    flights.clear();
  }
}

void LiveRun::silent(const NodeId& node, Millis t, bool closed) {
  // A node already silent (paused) whose connection then closes (killed)
  // is said silent once, but its process is gone all the same.
  if (closed && !gone_.count(node)) {
    gone_.insert(node);
    if (!reporting(node)) return lose(node, t, "receiver_down");
  }
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
  if (restarted) lose(node, t, first ? "unseen" : "receiver_down");
  reporting_[node] = true;
  gone_.erase(node);
  const Text words = first ? Text{"watching " + node, "开始观察 " + node}
                           : Text{node + " reports again", node + " 重新报告"};
  hold(node, begin(t, "reporting", node) + line_json(words) + ",\"tone\":\"good\"");
}

}  // namespace consensus_lab::tools
