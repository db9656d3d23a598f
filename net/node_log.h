// A real node's log: one line per event, with the wall-clock time and the
// node's id ("12:04:31.207 [A] A becomes leader in term 3"), in the
// language and colours the node was started with.
#pragma once

#include <ostream>
#include <string>
#include <utility>

#include "common/types.h"
#include "narration/line.h"

namespace consensus_lab::net {

class NodeLog {
 public:
  NodeLog(std::ostream& out, NodeId node, narration::Lang lang, bool colour)
      : out_(out), node_(std::move(node)), lang_(lang), colour_(colour) {}

  void say(const std::string& text, narration::Tone tone = narration::Tone::plain);
  // The one of two wordings in the log's language.
  std::string in_language(const std::string& en, const std::string& zh) const {
    return lang_ == narration::Lang::zh ? zh : en;
  }
  const std::string& in_language(const narration::Text& text) const { return text.in(lang_); }

 private:
  std::ostream& out_;
  NodeId node_;
  narration::Lang lang_;
  bool colour_;
};

}  // namespace consensus_lab::net
