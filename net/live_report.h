// What a watched node tells the live view (docs/viewer.md §5): `conlab view`
// connects to every node, says `client` and `watch`, and from then on reads
// one line per thing that happens, each a word and, mostly, a JSON object in
// the page's own terms (viewer/page.h), so that the view only stamps and
// forwards them:
//
//   hello PROTOCOL ID           first: who is speaking
//   card CARD                   the node's card, whenever it changed
//   note {"line":…,"rule":…}    a decision, in both languages
//   send TO KEY {"ty":…,"msg":…}      a message to TO
//   deliver FROM KEY {"ty":…,"msg":…} a message from FROM, handled now
//   alive                       every half second: "I still run"
//
// KEY names a message's bytes (a hash of its wire line), so that the view
// matches a delivery to its send. Every message is told, heartbeats too: the
// view decides which ones are news (tools/view/live_run.h), so that both
// ends of a message are judged alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/types.h"
#include "multipaxos/replica.h"
#include "raft/server.h"

namespace consensus_lab::net {

class LiveReport {
 public:
  explicit LiveReport(NodeId self) : self_(std::move(self)) {}

  // Each appends its line (if any) to `out`.
  void event(const raft::Event& event, const raft::Server& at, std::vector<std::string>& out) const;
  void event(const multipaxos::Event& event, const multipaxos::Replica& at,
             std::vector<std::string>& out) const;
  void sent(const NodeId& to, const raft::Message& m, const std::string& line,
            std::vector<std::string>& out) const;
  void sent(const NodeId& to, const multipaxos::Message& m, const std::string& line,
            std::vector<std::string>& out) const;
  void received(const NodeId& from, const raft::Message& m, const std::string& line,
                std::vector<std::string>& out) const;
  void received(const NodeId& from, const multipaxos::Message& m, const std::string& line,
                std::vector<std::string>& out) const;

  // "card CARD", or nothing when the card is as last told.
  std::optional<std::string> card(const raft::Server& server);
  std::optional<std::string> card(const multipaxos::Replica& replica);

  // A new watcher is told the card again.
  void forget() { last_card_.clear(); }

 private:
  std::optional<std::string> changed_card(std::string card);

  NodeId self_;
  std::string last_card_;
};

}  // namespace consensus_lab::net
