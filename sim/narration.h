// Narration: every trace record as one line of English or Chinese.
//
// The simulator's own events (deliveries, losses, crashes, partitions…) are
// worded here; a protocol's messages and decisions are worded by its
// Describer, a type with these static functions:
//
//   std::string message(const M&, Lang)            "Prepare 5" / "准备请求 5"
//   std::optional<Line> event(const NodeId&, const E&, Lang)
//                                                  one line per decision, or
//                                                  nothing for a quiet one
//   std::optional<std::string> brief(const NodeId&, const E&, Lang)
//                                                  a short note for diagrams
#pragma once

#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/overloaded.h"
#include "sim/trace.h"

namespace consensus_lab::sim {

enum class Lang { en, zh };

// How a line should stand out, when colour is on.
enum class Tone { plain, good, warn, bad, quiet };

struct Line {
  std::string text;
  Tone tone = Tone::plain;
};

// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
bool colour_wanted(std::FILE* stream);

// `text` wrapped in the ANSI colour for `tone` (unchanged when !colour).
std::string paint(std::string_view text, Tone tone, bool colour);
std::string bold(std::string_view text, bool colour);

// "A, B, C" (en) or "A、B、C" (zh).
std::string join_names(const std::vector<NodeId>& names, Lang lang);

// The simulator's own events, in both languages.
std::string describe_drop(const NodeId& from, const NodeId& to, const std::string& message,
                          DropReason reason, Lang lang);
std::string describe_partition(const std::vector<std::vector<NodeId>>& groups, Lang lang);

template <class M, class E, class Describer>
class Narrator {
 public:
  struct Options {
    Lang lang = Lang::en;
    bool colour = false;
    bool show_time = false;  // prefix each line with the virtual time
    bool mark_time = false;  // a line "@ 120 ms" whenever the clock has moved
  };

  Narrator(std::ostream& out, Options options) : out_(out), options_(options) {}

  // Render one record. Consecutive identical sends from one node (a
  // broadcast) are gathered into one line: "client1 → A, B, C: Prepare 1".
  void operator()(const Record<M, E>& record) {
    const Lang lang = options_.lang;
    std::visit(
        Overloaded{
            [&](const Sent<M>& sent) {
              std::string label = Describer::message(sent.message, lang);
              if (pending_ && pending_->from == sent.from && pending_->label == label &&
                  pending_->at == record.at) {
                pending_->to.push_back(sent.to);
                return;
              }
              flush();
              pending_ = PendingSend{record.at, sent.from, {sent.to}, std::move(label), {}};
            },
            [&](const Delivered<M>& delivered) {
              const std::string label = Describer::message(delivered.message, lang);
              emit(record.at, 0,
                   {lang == Lang::zh
                        ? delivered.to + " 收到 " + delivered.from + " 的" + label
                        : delivered.to + " receives " + label + " from " + delivered.from});
            },
            [&](const Dropped<M>& dropped) {
              // A message lost as it is sent (to a node that is down, or across
              // a partition) is told after the broadcast it belongs to.
              if (pending_ && pending_->from == dropped.from && pending_->at == record.at &&
                  (dropped.reason == DropReason::receiver_down ||
                   dropped.reason == DropReason::partition)) {
                pending_->lost.push_back(
                    {describe_drop(dropped.from, dropped.to,
                                   Describer::message(dropped.message, lang), dropped.reason, lang),
                     Tone::bad});
                return;
              }
              emit(record.at, 0,
                   {describe_drop(dropped.from, dropped.to,
                                  Describer::message(dropped.message, lang), dropped.reason, lang),
                    Tone::bad});
            },
            [&](const Duplicated<M>& copy) {
              const std::string label = Describer::message(copy.message, lang);
              emit(record.at, 0,
                   {lang == Lang::zh
                        ? "网络复制了 " + copy.from + " → " + copy.to + " 的" + label
                        : "the network duplicates " + label + " on " + copy.from + " → " + copy.to,
                    Tone::warn});
            },
            [&](const Held<M>& held) {
              const std::string label = Describer::message(held.message, lang);
              const std::string until = std::to_string(held.until);
              emit(record.at, 0,
                   {lang == Lang::zh ? "网络把 " + held.from + " → " + held.to + " 的" + label +
                                           "扣留到 " + until + " ms"
                                     : "the network holds back " + label + " on " + held.from +
                                           " → " + held.to + " until " + until + " ms",
                    Tone::warn});
            },
            // A timer is told by what the role does when it fires (times out,
            // retries…); a timer that finds nothing to do is not worth a line.
            [&](const TimerFired&) {},
            [&](const Crashed& crash) {
              emit(record.at, 0,
                   {lang == Lang::zh
                        ? crash.node + " 崩溃：内存中的状态和在途消息全部丢失"
                        : crash.node + " crashes: its volatile state and in-flight messages "
                                       "are lost",
                    Tone::bad});
            },
            [&](const Restarted& restart) {
              emit(record.at, 0,
                   {lang == Lang::zh ? restart.node + " 重启，从持久化存储恢复状态"
                                     : restart.node + " restarts from its durable state",
                    Tone::good});
            },
            [&](const Partitioned& partition) {
              emit(record.at, 0, {describe_partition(partition.groups, lang), Tone::warn});
            },
            [&](const Healed&) {
              emit(record.at, 0,
                   {lang == Lang::zh ? "网络分区恢复" : "the partition heals", Tone::good});
            },
            [&](const Noted<E>& noted) {
              if (auto line = Describer::event(noted.node, noted.event, lang)) {
                emit(record.at, 2, *line);
              }
            },
            [&](const Violated& violated) {
              emit(record.at, 0,
                   {(lang == Lang::zh ? "违反不变式 " : "INVARIANT VIOLATED: ") +
                        violated.invariant + ": " + violated.detail,
                    Tone::bad});
            },
        },
        record.what);
  }

  // Print a gathered broadcast that is still waiting for more recipients.
  void flush() {
    if (!pending_) return;
    PendingSend send = std::move(*pending_);
    pending_.reset();
    emit(send.at, 2, {send.from + " → " + join_names(send.to, options_.lang) + ": " + send.label});
    for (const Line& lost : send.lost) emit(send.at, 2, lost);
  }

  // A line of the demo's own (a step's caption, a check's result).
  void say(const Line& line, int indent = 0) {
    flush();
    out_ << std::string(static_cast<std::size_t>(indent), ' ')
         << paint(line.text, line.tone, options_.colour) << '\n';
  }

  const Options& options() const { return options_; }

 private:
  struct PendingSend {
    Millis at;
    NodeId from;
    std::vector<NodeId> to;
    std::string label;
    std::vector<Line> lost;  // those lost on the way out
  };

  void emit(Millis at, int indent, const Line& line) {
    if (indent == 0 || pending_) flush();
    if (options_.mark_time && at != last_time_) {
      out_ << paint("@ " + std::to_string(at) + " ms", Tone::quiet, options_.colour) << '\n';
    }
    last_time_ = at;
    std::string prefix;
    if (options_.show_time) {
      std::string t = std::to_string(at);
      prefix = "[" + std::string(t.size() < 5 ? 5 - t.size() : 0, ' ') + t + " ms] ";
    }
    out_ << paint(prefix, Tone::quiet, options_.colour)
         << std::string(static_cast<std::size_t>(indent), ' ')
         << paint(line.text, line.tone, options_.colour) << '\n';
  }

  std::ostream& out_;
  Options options_;
  std::optional<PendingSend> pending_;
  Millis last_time_ = 0;
};

}  // namespace consensus_lab::sim
