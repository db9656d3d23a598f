// Sequence diagrams of a run, drawn from its trace: Mermaid (renders on
// GitHub and in most Markdown viewers) and mscgen (Debian's `mscgen` turns it
// into PNG or SVG). A message is drawn when it arrives (or is lost); a role's
// decisions appear as notes over it, in the Describer's brief words.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "narration/line.h"
#include "sim/narrator.h"
#include "sim/trace.h"

namespace consensus_lab::sim {

// Text that is safe inside a Mermaid message or note.
std::string mermaid_escape(const std::string& text);
// Text that is safe inside an mscgen label="…".
std::string msc_escape(const std::string& text);

// What a diagram format draws. The participants are the nodes, left to right,
// as ids (they may contain '-'); each is drawn under an alias n0, n1, ….
class Drawing {
 public:
  Drawing(std::ostream& out, const std::vector<NodeId>& participants)
      : out_(out), participants_(participants) {}
  virtual ~Drawing() = default;

  virtual void begin() = 0;
  virtual void arrow(const NodeId& from, const NodeId& to, const std::string& label, bool lost) = 0;
  // A note over the nodes from `first` to `last`.
  virtual void note(const NodeId& first, const NodeId& last, const std::string& text) = 0;
  virtual void end() = 0;

  void note_over(const NodeId& node, const std::string& text) { note(node, node, text); }
  void note_over_all(const std::string& text) {
    note(participants_.front(), participants_.back(), text);
  }

 protected:
  std::string alias(const NodeId& id) const;

  std::ostream& out_;
  const std::vector<NodeId>& participants_;
};

// The two formats: Mermaid and mscgen (sim/diagram.cpp).
std::unique_ptr<Drawing> mermaid_drawing(std::ostream& out,
                                         const std::vector<NodeId>& participants);
std::unique_ptr<Drawing> msc_drawing(std::ostream& out, const std::vector<NodeId>& participants);

namespace detail {

// Walks a trace and tells a drawing what to draw; shared by both formats.
template <class M, class E, class Describer>
class DiagramWalker {
 public:
  DiagramWalker(Drawing& drawing, narration::Lang lang) : drawing_(drawing), lang_(lang) {}

  void operator()(const Record<M, E>& record) {
    std::visit([&](const auto& what) { draw(what); }, record.what);
  }

 private:
  bool zh() const { return lang_ == narration::Lang::zh; }
  std::string label(const M& message) const { return Describer::message(message, lang_); }

  void draw(const Sent<M>&) {}  // drawn when it arrives, or is lost
  void draw(const Delivered<M>& m) { drawing_.arrow(m.from, m.to, label(m.message), false); }
  void draw(const Dropped<M>& m) {
    drawing_.arrow(
        m.from, m.to,
        label(m.message) + (zh() ? "（丢失）" : " (" + std::string(to_string(m.reason)) + ")"),
        true);
  }
  void draw(const Duplicated<M>& m) {
    drawing_.note_over(m.to, (zh() ? "网络复制了 " : "duplicated: ") + label(m.message));
  }
  void draw(const Held<M>& m) {
    const std::string until = std::to_string(m.until);
    drawing_.note_over(
        m.to,
        (zh() ? "扣留到 " + until + " ms：" : "held until " + until + " ms: ") + label(m.message));
  }
  void draw(const TimerFired&) {}  // the role's own event says what the timer did
  void draw(const Crashed& c) { drawing_.note_over(c.node, zh() ? "崩溃" : "crash"); }
  void draw(const Restarted& r) { drawing_.note_over(r.node, zh() ? "重启" : "restart"); }
  void draw(const Partitioned& p) { drawing_.note_over_all(describe_partition(p.groups, lang_)); }
  void draw(const Healed&) { drawing_.note_over_all(zh() ? "网络分区恢复" : "partition heals"); }
  void draw(const Noted<E>& n) {
    if (auto text = Describer::brief(n.node, n.event, lang_)) drawing_.note_over(n.node, *text);
  }
  void draw(const Violated& v) {
    drawing_.note_over_all(zh() ? "违反不变式「" + v.name(lang_) + "」"
                                : "INVARIANT VIOLATED: " + v.invariant);
  }

  Drawing& drawing_;
  narration::Lang lang_;
};

template <class M, class E, class Describer>
void draw(const std::vector<Record<M, E>>& trace, narration::Lang lang, Drawing& drawing) {
  drawing.begin();
  DiagramWalker<M, E, Describer> walker(drawing, lang);
  for (const auto& record : trace) walker(record);
  drawing.end();
}

}  // namespace detail

template <class M, class E, class Describer>
void write_mermaid(std::ostream& out, const std::vector<Record<M, E>>& trace,
                   const std::vector<NodeId>& participants, narration::Lang lang) {
  detail::draw<M, E, Describer>(trace, lang, *mermaid_drawing(out, participants));
}

template <class M, class E, class Describer>
void write_msc(std::ostream& out, const std::vector<Record<M, E>>& trace,
               const std::vector<NodeId>& participants, narration::Lang lang) {
  detail::draw<M, E, Describer>(trace, lang, *msc_drawing(out, participants));
}

}  // namespace consensus_lab::sim
