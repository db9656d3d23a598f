// Sequence diagrams of a run, drawn from its trace: Mermaid (renders on
// GitHub and in most Markdown viewers) and mscgen (Debian's `mscgen` turns it
// into PNG or SVG). A message is drawn when it arrives (or is lost); a role's
// decisions appear as notes over it, in the Describer's brief words.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "common/overloaded.h"
#include "sim/narration.h"
#include "sim/trace.h"

namespace consensus_lab::sim {

// Text that is safe inside a Mermaid message or note.
std::string mermaid_escape(const std::string& text);
// Text that is safe inside an mscgen label="…".
std::string msc_escape(const std::string& text);

namespace detail {

// Walks a trace and tells a drawing what to draw; shared by both formats.
template <class M, class E, class Describer, class Drawing>
void draw(const std::vector<Record<M, E>>& trace, const std::vector<NodeId>& participants,
          Lang lang, Drawing& drawing) {
  const bool zh = lang == Lang::zh;
  for (const auto& record : trace) {
    std::visit(
        Overloaded{
            [&](const Sent<M>&) {},
            [&](const Delivered<M>& m) {
              drawing.arrow(m.from, m.to, Describer::message(m.message, lang), false);
            },
            [&](const Dropped<M>& m) {
              drawing.arrow(m.from, m.to,
                            Describer::message(m.message, lang) + " (" +
                                (zh ? "丢失" : std::string(to_string(m.reason))) + ")",
                            true);
            },
            [&](const Duplicated<M>& m) {
              drawing.note(
                  m.to, m.to,
                  (zh ? "网络复制了 " : "duplicated: ") + Describer::message(m.message, lang));
            },
            [&](const Held<M>& m) {
              drawing.note(m.to, m.to,
                           (zh ? "扣留到 " + std::to_string(m.until) + " ms: "
                               : "held until " + std::to_string(m.until) + " ms: ") +
                               Describer::message(m.message, lang));
            },
            [&](const TimerFired&) {},  // the role's own event says what the timer did
            [&](const Crashed& c) { drawing.note(c.node, c.node, zh ? "崩溃" : "crash"); },
            [&](const Restarted& r) { drawing.note(r.node, r.node, zh ? "重启" : "restart"); },
            [&](const Partitioned& p) {
              drawing.note(participants.front(), participants.back(),
                           describe_partition(p.groups, lang));
            },
            [&](const Healed&) {
              drawing.note(participants.front(), participants.back(),
                           zh ? "网络分区恢复" : "partition heals");
            },
            [&](const Noted<E>& n) {
              if (auto text = Describer::brief(n.node, n.event, lang)) {
                drawing.note(n.node, n.node, *text);
              }
            },
            [&](const Violated& v) {
              drawing.note(participants.front(), participants.back(),
                           (zh ? "违反不变式 " : "INVARIANT VIOLATED: ") + v.invariant);
            },
        },
        record.what);
  }
}

}  // namespace detail

// participants: the nodes, left to right, as ids (they may contain '-').
template <class M, class E, class Describer>
void write_mermaid(std::ostream& out, const std::vector<Record<M, E>>& trace,
                   const std::vector<NodeId>& participants, Lang lang) {
  struct Drawing {
    std::ostream& out;
    const std::vector<NodeId>& names;
    std::string alias(const NodeId& id) const {
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == id) return "n" + std::to_string(i);
      }
      return "unknown";
    }
    void arrow(const NodeId& from, const NodeId& to, const std::string& label, bool lost) {
      out << "    " << alias(from) << (lost ? "-x" : "->>") << alias(to) << ": "
          << mermaid_escape(label) << '\n';
    }
    void note(const NodeId& first, const NodeId& last, const std::string& text) {
      out << "    Note over " << alias(first);
      if (first != last) out << ',' << alias(last);
      out << ": " << mermaid_escape(text) << '\n';
    }
  } drawing{out, participants};
  out << "```mermaid\nsequenceDiagram\n";
  for (std::size_t i = 0; i < participants.size(); ++i) {
    out << "    participant n" << i << " as " << participants[i] << '\n';
  }
  detail::draw<M, E, Describer>(trace, participants, lang, drawing);
  out << "```\n";
}

template <class M, class E, class Describer>
void write_msc(std::ostream& out, const std::vector<Record<M, E>>& trace,
               const std::vector<NodeId>& participants, Lang lang) {
  struct Drawing {
    std::ostream& out;
    const std::vector<NodeId>& names;
    std::string alias(const NodeId& id) const {
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == id) return "n" + std::to_string(i);
      }
      return "unknown";
    }
    void arrow(const NodeId& from, const NodeId& to, const std::string& label, bool lost) {
      out << "  " << alias(from) << (lost ? " -x " : " => ") << alias(to) << " [label=\""
          << msc_escape(label) << "\"];\n";
    }
    void note(const NodeId& first, const NodeId& last, const std::string& text) {
      out << "  " << alias(first) << " rbox " << alias(last) << " [label=\"" << msc_escape(text)
          << "\"];\n";
    }
  } drawing{out, participants};
  out << "msc {\n  hscale = \"" << (participants.size() > 4 ? "1.5" : "1.2") << "\";\n  ";
  for (std::size_t i = 0; i < participants.size(); ++i) {
    out << (i ? ", " : "") << 'n' << i << " [label=\"" << msc_escape(participants[i]) << "\"]";
  }
  out << ";\n";
  detail::draw<M, E, Describer>(trace, participants, lang, drawing);
  out << "}\n";
}

}  // namespace consensus_lab::sim
