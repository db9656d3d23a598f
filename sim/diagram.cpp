#include "sim/diagram.h"

namespace consensus_lab::sim {

std::string mermaid_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case ';':
        out += "#59;";
        break;
      case '#':
        out += "#35;";
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string msc_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string Drawing::alias(const NodeId& id) const {
  for (std::size_t i = 0; i < participants_.size(); ++i) {
    if (participants_[i] == id) return "n" + std::to_string(i);
  }
  return "unknown";
}

namespace {

class MermaidDrawing : public Drawing {
 public:
  using Drawing::Drawing;

  void begin() override {
    out_ << "```mermaid\nsequenceDiagram\n";
    for (std::size_t i = 0; i < participants_.size(); ++i) {
      out_ << "    participant n" << i << " as " << participants_[i] << '\n';
    }
  }
  void arrow(const NodeId& from, const NodeId& to, const std::string& label, bool lost) override {
    out_ << "    " << alias(from) << (lost ? "-x" : "->>") << alias(to) << ": "
         << mermaid_escape(label) << '\n';
  }
  void note(const NodeId& first, const NodeId& last, const std::string& text) override {
    out_ << "    Note over " << alias(first);
    if (first != last) out_ << ',' << alias(last);
    out_ << ": " << mermaid_escape(text) << '\n';
  }
  void end() override { out_ << "```\n"; }
};

class MscDrawing : public Drawing {
 public:
  using Drawing::Drawing;

  void begin() override {
    out_ << "msc {\n  hscale = \"" << (participants_.size() > 4 ? "1.5" : "1.2") << "\";\n  ";
    for (std::size_t i = 0; i < participants_.size(); ++i) {
      out_ << (i ? ", " : "") << 'n' << i << " [label=\"" << msc_escape(participants_[i]) << "\"]";
    }
    out_ << ";\n";
  }
  void arrow(const NodeId& from, const NodeId& to, const std::string& label, bool lost) override {
    out_ << "  " << alias(from) << (lost ? " -x " : " => ") << alias(to) << " [label=\""
         << msc_escape(label) << "\"];\n";
  }
  void note(const NodeId& first, const NodeId& last, const std::string& text) override {
    out_ << "  " << alias(first) << " rbox " << alias(last) << " [label=\"" << msc_escape(text)
         << "\"];\n";
  }
  void end() override { out_ << "}\n"; }
};

}  // namespace

std::unique_ptr<Drawing> mermaid_drawing(std::ostream& out,
                                         const std::vector<NodeId>& participants) {
  return std::make_unique<MermaidDrawing>(out, participants);
}

std::unique_ptr<Drawing> msc_drawing(std::ostream& out, const std::vector<NodeId>& participants) {
  return std::make_unique<MscDrawing>(out, participants);
}

}  // namespace consensus_lab::sim
