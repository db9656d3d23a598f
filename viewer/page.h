// The run viewer (docs/viewer.md): one self-contained HTML page that shows a
// simulated run — every demo, every scenario file, every checker
// counterexample — as something to scrub through, forward and back: the
// nodes as cards, the messages in flight as arrows, the narration in English
// or Chinese, the rule that decided each step with a link to its code.
//
// A Page is the run's trace in the page's terms (viewer/page.html and its
// scripts read it; the format: docs/viewer.md). The recorder (viewer/recorder.h)
// fills it from a simulated world, as the run goes; write() puts it into the
// page.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "common/types.h"
#include "narration/text.h"

namespace consensus_lab::viewer {

// One entry of a log (Multi-Paxos: a slot), as a card shows it.
struct LogRow {
  std::uint64_t index = 0;
  std::string term;  // Raft's term, Multi-Paxos's ballot
  std::string command;
  bool committed = false;
};

// What a node's card shows: its role, a badge (leader…), named fields in
// order and, for Multi-Paxos and Raft, the end of its log. Words are keys
// into the page's labels (Page::label); values are the same in both languages.
struct Card {
  std::string role;
  std::optional<std::string> badge;
  std::vector<std::pair<std::string, std::string>> fields;
  std::optional<std::vector<LogRow>> log;
  std::uint64_t base = 0;     // the log's entries up to here are in a snapshot
  std::uint64_t omitted = 0;  // entries before the first one listed, not listed
};
std::string to_json(const Card& card);

// A log shows at most this many entries, the last ones: a checker's trace
// stays small, and a card stays readable.
inline constexpr std::size_t kShownEntries = 24;

class Page {
 public:
  Page(std::string protocol, narration::Text title, narration::Lang lang,
       std::vector<NodeId> nodes);

  // A word the cards use (a role, a field's name), in both languages.
  void label(const std::string& key, narration::Text words);
  // A rule that decides events, and where in the code it is.
  void rule(const std::string& key, narration::Text words, std::string file, std::uint64_t line);
  // One event, written by the recorder (a JSON object).
  void add_event(std::string json) { events_.push_back(std::move(json)); }
  std::size_t events() const { return events_.size(); }

  // A chapter (a demo's step) that begins with the next event.
  void start_step(narration::Text caption);
  // An expected outcome and whether it held (a demo's check, a scenario's expect).
  void add_check(narration::Text text, bool held);
  void set_verdict(narration::Text text, bool ok);
  // The run broke an invariant at event `at` (a checker counterexample).
  void set_violation(narration::Text text, std::size_t at);

  // A live page (a real cluster, docs/viewer.md §5): it starts with the
  // events so far and asks `path` for the ones after (GET path?from=N).
  void set_live(std::string path) { live_events_ = std::move(path); }
  // The events from `from` on, as the live page asks for them: {"events":[…]}.
  std::string events_json(std::size_t from) const;

  // The page: viewer/page.html with this trace in it.
  void write(std::ostream& out) const;
  std::string trace_json() const;

 private:
  struct Step {
    std::size_t at;
    narration::Text caption;
  };
  struct Check {
    narration::Text text;
    bool held;
  };
  struct Rule {
    narration::Text words;
    std::string file;
    std::uint64_t line;
  };

  std::string protocol_;
  narration::Text title_;
  narration::Lang lang_;
  std::vector<NodeId> nodes_;
  std::vector<std::pair<std::string, narration::Text>> labels_;
  std::vector<std::pair<std::string, Rule>> rules_;
  std::vector<std::string> events_;
  std::vector<Step> steps_;
  std::vector<Check> checks_;
  std::optional<std::pair<narration::Text, bool>> verdict_;
  std::optional<std::pair<std::size_t, narration::Text>> violation_;
  std::optional<std::string> live_events_;
};

// The page's HTML, CSS and JavaScript (viewer/page.html, compiled in).
std::string_view page_template();

}  // namespace consensus_lab::viewer
