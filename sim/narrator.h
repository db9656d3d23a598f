// The simulator's narrator: every trace record as one line of English or
// Chinese, printed as the run goes (live narration, step mode, `--trace`).
//
// The simulator's own events (deliveries, losses, crashes, partitions…) are
// worded here (sim/narrator.cpp); a protocol's messages and decisions by its
// Describer (narration/describer.h).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "narration/line.h"
#include "sim/trace.h"

namespace consensus_lab::sim {

// The simulator's own events, in both languages. `message` is the message
// already worded by the protocol's Describer.
narration::Line describe_delivery(const NodeId& from, const NodeId& to, const std::string& message,
                                  narration::Lang lang);
narration::Line describe_drop(const NodeId& from, const NodeId& to, const std::string& message,
                              DropReason reason, narration::Lang lang);
narration::Line describe_duplicate(const NodeId& from, const NodeId& to, const std::string& message,
                                   narration::Lang lang);
narration::Line describe_hold(const NodeId& from, const NodeId& to, const std::string& message,
                              Millis until, narration::Lang lang);
narration::Line describe(const Crashed& crash, narration::Lang lang);
narration::Line describe(const Restarted& restart, narration::Lang lang);
narration::Line describe(const Partitioned& partition, narration::Lang lang);
narration::Line describe(const Healed& heal, narration::Lang lang);
narration::Line describe(const Violated& violation, narration::Lang lang);
// "{A, B} | {C}" after "network partition: " (en) or "网络分区：" (zh).
std::string describe_partition(const std::vector<std::vector<NodeId>>& groups,
                               narration::Lang lang);

template <class M, class E, class Describer>
class Narrator {
 public:
  struct Options {
    narration::Lang lang = narration::Lang::en;
    bool colour = false;
    bool show_time = false;  // prefix each line with the virtual time
    bool mark_time = false;  // a line "@ 120 ms" whenever the clock has moved
  };

  Narrator(std::ostream& out, Options options) : out_(out), options_(options) {}

  // Render one record. Consecutive identical sends from one node (a
  // broadcast) are gathered into one line: "client1 → A, B, C: Prepare 1".
  void operator()(const Record<M, E>& record) {
    std::visit([&](const auto& what) { tell(record.at, what); }, record.what);
  }

  // Print a gathered broadcast that is still waiting for more recipients.
  void flush() {
    if (!pending_) return;
    PendingSend send = std::move(*pending_);
    pending_.reset();
    const std::string colon = options_.lang == narration::Lang::zh ? "：" : ": ";
    emit(send.at, 2,
         {send.from + " → " + narration::join_names(send.to, options_.lang) + colon + send.label});
    for (const narration::Line& lost : send.lost) emit(send.at, 2, lost);
  }

  // A line of the demo's own (a step's caption, a check's result).
  void say(const narration::Line& line, int indent = 0) {
    flush();
    out_ << std::string(static_cast<std::size_t>(indent), ' ')
         << narration::paint(line.text, line.tone, options_.colour) << '\n';
  }

  const Options& options() const { return options_; }

 private:
  struct PendingSend {
    Millis at;
    NodeId from;
    std::vector<NodeId> to;
    std::string label;
    std::vector<narration::Line> lost;  // those lost on the way out
  };

  std::string label(const M& message) const { return Describer::message(message, options_.lang); }

  void tell(Millis at, const Sent<M>& sent) {
    std::string text = label(sent.message);
    if (pending_ && pending_->from == sent.from && pending_->label == text && pending_->at == at) {
      pending_->to.push_back(sent.to);
      return;
    }
    flush();
    pending_ = PendingSend{at, sent.from, {sent.to}, std::move(text), {}};
  }

  void tell(Millis at, const Delivered<M>& delivered) {
    emit(at, 0,
         describe_delivery(delivered.from, delivered.to, label(delivered.message), options_.lang));
  }

  void tell(Millis at, const Dropped<M>& dropped) {
    narration::Line line = describe_drop(dropped.from, dropped.to, label(dropped.message),
                                         dropped.reason, options_.lang);
    // A message lost as it is sent (to a node that is down, or across a
    // partition) is told after the broadcast it belongs to.
    if (pending_ && pending_->from == dropped.from && pending_->at == at &&
        (dropped.reason == DropReason::receiver_down || dropped.reason == DropReason::partition)) {
      pending_->lost.push_back(std::move(line));
      return;
    }
    emit(at, 0, line);
  }

  void tell(Millis at, const Duplicated<M>& copy) {
    emit(at, 0, describe_duplicate(copy.from, copy.to, label(copy.message), options_.lang));
  }

  void tell(Millis at, const Held<M>& held) {
    emit(at, 0, describe_hold(held.from, held.to, label(held.message), held.until, options_.lang));
  }

  // A timer is told by what the role does when it fires (times out,
  // retries…); a timer that finds nothing to do is not worth a line.
  void tell(Millis, const TimerFired&) {}

  void tell(Millis at, const Noted<E>& noted) {
    if (auto line = Describer::event(noted.node, noted.event, options_.lang)) emit(at, 2, *line);
  }

  // The rest: a crash, a restart, a partition, its healing, a violated
  // invariant.
  template <class Happened>
  void tell(Millis at, const Happened& happened) {
    emit(at, 0, describe(happened, options_.lang));
  }

  void emit(Millis at, int indent, const narration::Line& line) {
    if (indent == 0 || pending_) flush();
    if (options_.mark_time && at != last_time_) {
      out_ << narration::paint("@ " + std::to_string(at) + " ms", narration::Tone::quiet,
                               options_.colour)
           << '\n';
    }
    last_time_ = at;
    std::string prefix;
    if (options_.show_time) {
      std::string t = std::to_string(at);
      prefix = "[" + std::string(t.size() < 5 ? 5 - t.size() : 0, ' ') + t + " ms] ";
    }
    out_ << narration::paint(prefix, narration::Tone::quiet, options_.colour)
         << std::string(static_cast<std::size_t>(indent), ' ')
         << narration::paint(line.text, line.tone, options_.colour) << '\n';
  }

  std::ostream& out_;
  Options options_;
  std::optional<PendingSend> pending_;
  Millis last_time_ = 0;
};

}  // namespace consensus_lab::sim
