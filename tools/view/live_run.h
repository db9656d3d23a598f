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
// it; a message that says what the last one shown between the same two
// nodes said (a steady leader's heartbeat) is not shown — and the nodes that
// stopped reporting.
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
  using Ends = std::pair<NodeId, NodeId>;  // (from, to)
  struct Flight {
    std::string key;
    std::uint64_t id;  // 0: no news, not on the page
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
  bool news(const Ends& ends, const std::string& object);
  std::string message_event(Millis t, const char* kind, std::uint64_t id, const Ends& ends,
                            const std::string& object) const;
  void sent(const Ends& ends, const std::string& key, const std::string& object, Millis t);
  void delivered(const Ends& ends, const std::string& key, const std::string& object, Millis t);
  void lose(const NodeId& to, Millis t, const char* why);
  void unseen(const Ends& ends, std::uint64_t id, Millis t);
  void drop(Millis t, const Ends& ends, std::uint64_t id, const char* why,
            const narration::Text& words);
  void back(const NodeId& node, Millis t, bool restarted);

  std::string protocol_;
  viewer::Page page_;
  std::map<Ends, std::deque<Flight>> flights_;
  // Messages whose delivery was told before their send (the receiver's
  // connection to the view was quicker): the send is not told again.
  std::map<Ends, std::deque<std::string>> early_;
  std::map<Ends, std::string> shown_;  // the last message shown from one to the other
  std::uint64_t next_id_ = 1;
  std::map<NodeId, bool> reporting_;
  std::set<NodeId> seen_;  // nodes that reported at least once
  std::set<NodeId> gone_;  // nodes whose connection closed: their process is gone
  std::optional<Held> held_;
};

}  // namespace consensus_lab::tools
