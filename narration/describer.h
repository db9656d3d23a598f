// What the simulator's narrator, its sequence diagrams and a real node's log
// ask of a protocol's words (sim/narrator.h, sim/diagram.h, net/node.cpp):
//
//   message(m, lang)      "Prepare 5" / "准备请求 5"
//   event(node, e, lang)  one line per decision, or nothing for a quiet one
//   brief(node, e, lang)  a short note for a diagram, when the decision is
//                         worth one
//
// Each hands its message or event to the function for its type — the way the
// aosabook Paxos hands a message to its do_<Message> — in `Words`, the
// protocol's own small functions (narration/paxos.cpp, multipaxos.cpp,
// raft.cpp):
//
//   Words::chinese(m)               a message in the notes' Chinese (in English
//                                   a message reads as the protocol's
//                                   to_string writes it)
//   Words::describe(node, e, lang)  a decision, English and Chinese side by side
//   Words::note(e, lang)            a diagram's note for a decision (a
//                                   catch-all gives none to the others)
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "common/types.h"
#include "narration/line.h"

namespace consensus_lab::narration {

template <class Message, class Event, class Words>
struct Describer {
  static std::string message(const Message& message, Lang lang);
  static std::optional<Line> event(const NodeId& node, const Event& event, Lang lang);
  static std::optional<std::string> brief(const NodeId& node, const Event& event, Lang lang);
};

// Compiled once, in each protocol's file, where its Words are; the protocol's
// header says `extern template` so that no other file compiles them again.
template <class Message, class Event, class Words>
std::string Describer<Message, Event, Words>::message(const Message& message, Lang lang) {
  if (lang == Lang::en) return to_string(message);
  return std::visit([](const auto& m) { return Words::chinese(m); }, message);
}

template <class Message, class Event, class Words>
std::optional<Line> Describer<Message, Event, Words>::event(const NodeId& node, const Event& event,
                                                            Lang lang) {
  return std::visit([&](const auto& e) { return Words::describe(node, e, lang); }, event);
}

template <class Message, class Event, class Words>
std::optional<std::string> Describer<Message, Event, Words>::brief(const NodeId&,
                                                                   const Event& event, Lang lang) {
  return std::visit([lang](const auto& e) { return Words::note(e, lang); }, event);
}

}  // namespace consensus_lab::narration
