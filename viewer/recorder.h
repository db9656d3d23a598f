// Fills a Page (viewer/page.h) from a simulated world as the run goes: a
// listener on the world's trace (sim/trace.h) turns each record into one
// event of the page — its kind, its message, its narration line in both
// languages (the same words the terminal prints: sim/narrator.h), the rule
// that decided it — with the cards of the nodes whose state it changed.
//
// When a card is read: a delivery is recorded before the receiver handles
// the message, and what it decided (its events, its messages) after. So the
// node of each record is read again at the next record: the delivery shows
// the state before, the decisions the state after.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "sim/narrator.h"
#include "sim/trace.h"
#include "viewer/json.h"
#include "viewer/page.h"

namespace consensus_lab::viewer {

// What a protocol's view gives the recorder: the card of a node now, and the
// rule (a key of Page::rule) that decided an event, if one did.
template <class E>
struct ProtocolView {
  std::function<Card(const NodeId&)> card;
  std::function<std::optional<std::string>(const NodeId&, const E&)> rule_of;
};

template <class M, class E, class Describer>
class Recorder {
 public:
  Recorder(Page& page, std::vector<NodeId> nodes, ProtocolView<E> view)
      : page_(page), nodes_(std::move(nodes)), view_(std::move(view)) {}

  void operator()(const sim::Record<M, E>& record) {
    JsonWriter w;
    w.begin_object().key("t").value(static_cast<std::uint64_t>(record.at));
    std::optional<NodeId> node;
    std::visit([&](const auto& what) { node = write(w, what); }, record.what);
    write_cards(w, node);
    page_.add_event(w.end_object().take());
  }

 private:
  static void text(JsonWriter& w, const char* key, const narration::Text& words) {
    w.key(key).begin_object().key("en").value(words.en).key("zh").value(words.zh).end_object();
  }
  static void line(JsonWriter& w, const narration::Line& en, const narration::Line& zh) {
    text(w, "line", {en.text, zh.text});
    if (en.tone == narration::Tone::warn) {
      w.key("tone").value("warn");
    } else if (en.tone == narration::Tone::bad) {
      w.key("tone").value("bad");
    } else if (en.tone == narration::Tone::good) {
      w.key("tone").value("good");
    }
  }
  static narration::Text label(const M& message) {
    return {Describer::message(message, narration::Lang::en),
            Describer::message(message, narration::Lang::zh)};
  }
  // The fields every message event has: its id, its ends, its type.
  template <class Flight>
  static void message(JsonWriter& w, const char* kind, sim::MessageId id, const Flight& m) {
    w.key("k").value(kind).key("id").value(std::uint64_t{id});
    w.key("from").value(m.from).key("to").value(m.to);
    w.key("ty").value(std::string(message_type(m.message)));
  }

  std::optional<NodeId> write(JsonWriter& w, const sim::Sent<M>& m) {
    message(w, "send", m.id, m);
    const narration::Text words = label(m.message);
    text(w, "msg", words);
    text(w, "line",
         {m.from + " → " + m.to + ": " + words.en, m.from + " → " + m.to + "：" + words.zh});
    return m.from;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Delivered<M>& m) {
    message(w, "deliver", m.id, m);
    const narration::Text words = label(m.message);
    line(w, sim::describe_delivery(m.from, m.to, words.en, narration::Lang::en),
         sim::describe_delivery(m.from, m.to, words.zh, narration::Lang::zh));
    return m.to;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Dropped<M>& m) {
    message(w, "drop", m.id, m);
    w.key("why").value(sim::to_string(m.reason));
    const narration::Text words = label(m.message);
    line(w, sim::describe_drop(m.from, m.to, words.en, m.reason, narration::Lang::en),
         sim::describe_drop(m.from, m.to, words.zh, m.reason, narration::Lang::zh));
    return m.to;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Duplicated<M>& m) {
    message(w, "dup", m.original, m);
    w.key("copy").value(std::uint64_t{m.copy});
    const narration::Text words = label(m.message);
    text(w, "msg", words);
    line(w, sim::describe_duplicate(m.from, m.to, words.en, narration::Lang::en),
         sim::describe_duplicate(m.from, m.to, words.zh, narration::Lang::zh));
    return m.to;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Held<M>& m) {
    message(w, "hold", m.id, m);
    w.key("until").value(static_cast<std::uint64_t>(m.until));
    const narration::Text words = label(m.message);
    line(w, sim::describe_hold(m.from, m.to, words.en, m.until, narration::Lang::en),
         sim::describe_hold(m.from, m.to, words.zh, m.until, narration::Lang::zh));
    return m.to;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::TimerFired& timer) {
    w.key("k").value("timer").key("n").value(timer.node);
    return timer.node;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Crashed& crash) {
    w.key("k").value("crash").key("n").value(crash.node);
    line(w, sim::describe(crash, narration::Lang::en), sim::describe(crash, narration::Lang::zh));
    return crash.node;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Restarted& restart) {
    w.key("k").value("restart").key("n").value(restart.node);
    line(w, sim::describe(restart, narration::Lang::en),
         sim::describe(restart, narration::Lang::zh));
    return restart.node;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Partitioned& partition) {
    w.key("k").value("partition").key("groups").begin_array();
    for (const auto& group : partition.groups) {
      w.begin_array();
      for (const NodeId& id : group) w.value(id);
      w.end_array();
    }
    w.end_array();
    line(w, sim::describe(partition, narration::Lang::en),
         sim::describe(partition, narration::Lang::zh));
    return std::nullopt;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Healed& heal) {
    w.key("k").value("heal");
    line(w, sim::describe(heal, narration::Lang::en), sim::describe(heal, narration::Lang::zh));
    return std::nullopt;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Noted<E>& noted) {
    w.key("k").value("note").key("n").value(noted.node);
    const auto en = Describer::event(noted.node, noted.event, narration::Lang::en);
    const auto zh = Describer::event(noted.node, noted.event, narration::Lang::zh);
    if (en && zh) line(w, *en, *zh);
    if (auto rule = view_.rule_of(noted.node, noted.event)) w.key("rule").value(*rule);
    return noted.node;
  }
  std::optional<NodeId> write(JsonWriter& w, const sim::Violated& violation) {
    w.key("k").value("violation");
    line(w, sim::describe(violation, narration::Lang::en),
         sim::describe(violation, narration::Lang::zh));
    page_.set_violation(
        {violation.name(narration::Lang::en) + ": " + violation.what(narration::Lang::en),
         violation.name(narration::Lang::zh) + "：" + violation.what(narration::Lang::zh)},
        page_.events());  // this event's index
    return std::nullopt;
  }

  // The cards that changed: every node's at the first event, else this
  // record's node and the one before it (see the top of this file).
  void write_cards(JsonWriter& w, const std::optional<NodeId>& node) {
    std::set<NodeId> read;
    if (shown_.empty()) read.insert(nodes_.begin(), nodes_.end());
    if (node) read.insert(*node);
    if (previous_) read.insert(*previous_);
    previous_ = node;
    bool any = false;
    for (const NodeId& id : read) {
      std::string card = to_json(view_.card(id));
      auto& shown = shown_[id];
      if (card == shown) continue;
      if (!any) w.key("cards").begin_object();
      any = true;
      w.key(id).raw(card);
      shown = std::move(card);
    }
    if (any) w.end_object();
  }

  Page& page_;
  std::vector<NodeId> nodes_;
  ProtocolView<E> view_;
  std::map<NodeId, std::string> shown_;  // each node's card as last written
  std::optional<NodeId> previous_;
};

}  // namespace consensus_lab::viewer
