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

}  // namespace consensus_lab::sim
