// The live view's run (docs/viewer.md §5): the page of a real cluster, made
// from what its nodes tell `conlab view` (net/live_report.h), as it happens.
// No sockets here: the watchers (tools/view/node_watcher.h) hand it each
// line and say when a node goes quiet; the HTTP server
// (tools/view/http_server.h) serves its page and its events.
//
// What it adds to the nodes' words: the time (ms since the view started),
// the message ids that tie a delivery to its send — a message from A to B is
// the oldest one in flight from A to B with the same bytes (one TCP
// connection carries A's messages to B, in order); those before it that
// never arrived were lost; a delivery heard before its send (the nodes
// report over different connections) brings its send onto the page with
// it — and the nodes that stopped reporting.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/types.h"
#include "narration/text.h"
#include "viewer/page.h"

namespace consensus_lab::tools {

class LiveRun {
 public:
  LiveRun(const std::string& protocol, std::vector<NodeId> nodes, narration::Text title,
          narration::Lang lang);

  // One line from `node` (without its '\n'). False: the line is not one the
  // view reads (then nothing of it is kept); `why` says what is wrong.
  bool heard(const NodeId& node, std::string_view line, Millis t, narration::Text& why);
  // `node` stopped reporting: its connection closed (the process is gone:
  // what was in flight to it is lost) or it said nothing for a while.
  void silent(const NodeId& node, Millis t, bool closed);
  bool reporting(const NodeId& node) const;

  // Events held back for a card that may follow are written out.
  void settle();
  const viewer::Page& page() const { return page_; }

 private:
  struct Flight {
    std::string key;
    std::uint64_t id;
  };
  // An event being written: its JSON without the closing brace.
  struct Held {
    NodeId node;
    std::string json;
  };

  void hold(const NodeId& node, std::string json);
  void add_card(const NodeId& node, std::string_view card, Millis t);
  std::string begin(Millis t, const char* kind, const NodeId& node) const;
  bool message(const NodeId& node, std::string_view verb, std::string_view rest, Millis t);
  void lose(const NodeId& to, Millis t, const char* why);
  void back(const NodeId& node, Millis t, bool restarted);

  std::string protocol_;
  viewer::Page page_;
  std::map<std::pair<NodeId, NodeId>, std::deque<Flight>> flights_;  // (from, to)
  // Messages whose delivery was told before their send (the receiver's
  // connection to the view was quicker): the send is not told again.
  std::map<std::pair<NodeId, NodeId>, std::deque<std::string>> early_;
  std::uint64_t next_id_ = 1;
  std::map<NodeId, bool> reporting_;
  std::set<NodeId> seen_;  // nodes that reported at least once
  std::optional<Held> held_;
};

}  // namespace consensus_lab::tools
