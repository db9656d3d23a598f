// The trace: every event of a simulated run, in order (DESIGN.md, principle 6).
// Narration, step mode, sequence diagrams and counterexamples are all views of
// it. The simulator knows no protocol, so a record holds the protocol's own
// message type M and event type E.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/types.h"
#include "narration/line.h"

namespace consensus_lab::sim {

using MessageId = std::uint64_t;

enum class DropReason {
  by_hand,        // a script dropped it (`drop FROM TO`)
  loss,           // random loss at the drop rate, in timed mode
  partition,      // sender and receiver are in different groups
  receiver_down,  // sent to (or queued for) a crashed node
  sender_down,    // queued from a node that then crashed
};

std::string_view to_string(DropReason reason);

template <class M>
struct Sent {
  MessageId id;
  NodeId from, to;
  M message;
};
template <class M>
struct Delivered {
  MessageId id;
  NodeId from, to;
  M message;
};
template <class M>
struct Dropped {
  MessageId id;
  NodeId from, to;
  M message;
  DropReason reason;
};
template <class M>
struct Duplicated {
  MessageId original, copy;
  NodeId from, to;
  M message;
};
// A queued message held back: it arrives no earlier than `until` (a message
// delayed far past the latency bound, as networks sometimes do).
template <class M>
struct Held {
  MessageId id;
  NodeId from, to;
  M message;
  Millis until;
};
struct TimerFired {
  NodeId node;
};
struct Crashed {
  NodeId node;
};
struct Restarted {
  NodeId node;
};
struct Partitioned {
  std::vector<std::vector<NodeId>> groups;
};
struct Healed {};
// Something a protocol role decided (promised, refused, learned…).
template <class E>
struct Noted {
  NodeId node;
  E event;
};
// A safety invariant failed; the run stops here.
struct Violated {
  std::string invariant;          // its name, in English
  std::string detail;             // what broke it, in English
  std::string invariant_zh = {};  // the name in the notes' Chinese (empty: none given)
  std::string detail_zh = {};     // what broke it in Chinese (empty: none given)
  // The name and the detail in `lang`; in Chinese the English ones when none was given.
  const std::string& name(narration::Lang lang) const {
    return lang == narration::Lang::zh && !invariant_zh.empty() ? invariant_zh : invariant;
  }
  const std::string& what(narration::Lang lang) const {
    return lang == narration::Lang::zh && !detail_zh.empty() ? detail_zh : detail;
  }
};

// The invariant `name` is violated, as `problem` says.
inline Violated violated(narration::Text name, narration::Text problem) {
  return Violated{std::move(name.en), std::move(problem.en), std::move(name.zh),
                  std::move(problem.zh)};
}

template <class M, class E>
using Happening =
    std::variant<Sent<M>, Delivered<M>, Dropped<M>, Duplicated<M>, Held<M>, TimerFired, Crashed,
                 Restarted, Partitioned, Healed, Noted<E>, Violated>;

template <class M, class E>
struct Record {
  Millis at;
  Happening<M, E> what;
};

// Where records go as they are made: to the listeners (live narration, step
// mode) and, unless told not to (the checker), into the kept trace.
template <class M, class E>
class Recorder {
 public:
  using Listener = std::function<void(const Record<M, E>&)>;

  void add_listener(Listener listener) { listeners_.push_back(std::move(listener)); }
  void keep_trace(bool keep) { keep_ = keep; }
  const std::vector<Record<M, E>>& trace() const { return trace_; }
  // Whether anyone looks at records (building one copies a message).
  bool recording() const { return keep_ || !listeners_.empty(); }
  void record(Millis at, Happening<M, E> what) {
    Record<M, E> entry{at, std::move(what)};
    for (const auto& listener : listeners_) listener(entry);
    if (keep_) trace_.push_back(std::move(entry));
  }

 private:
  std::vector<Listener> listeners_;
  std::vector<Record<M, E>> trace_;
  bool keep_ = true;
};

}  // namespace consensus_lab::sim
