// A real node (DESIGN.md §6): one process, one Boost.Asio io_context, that
// drives the same raft::Server or multipaxos::Replica the simulator drives.
//
//   peers     one outgoing TCP connection to each other node (reconnected
//             with a back-off when it breaks, net/peer_link.h) carries this
//             node's messages; the connections others open to it carry
//             theirs (net/incoming_connection.h). Each message is one line
//             (net/wire.h).
//   clients   connect, say `client`, and send put/get lines; only the leader
//             (master) serves them, the others redirect
//             (net/waiting_clients.h).
//   disk      with a data directory, everything the protocol asks to persist
//             is written to SQLite (net/storage.h) and committed — fsynced —
//             once per batch of events, before any message or reply of that
//             batch leaves (group commit). Without one, state is in memory.
//   timers    one steady_timer, set to the protocol's next wake-up.
//
// Bad input never stops a node: a line that does not decode or comes from a
// node it does not know, and a message no node following the protocol could
// have sent (the role's check() refuses it before it changes anything: a
// node speaking for another, an index past the end of the leader's log, a
// number too large to store), gets one log line, and the connection is
// closed. Nothing of it reaches the data directory.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/types.h"
#include "narration/line.h"
#include "net/asio.h"
#include "net/endpoint.h"
#include "net/node_log.h"
#include "net/tls.h"
#include "net/waiting_clients.h"
#include "raft/rules.h"

namespace consensus_lab::net {

struct NodeOptions {
  std::string protocol;  // raft or multipaxos
  NodeId id;
  Endpoint listen;
  std::map<NodeId, Endpoint> peers;     // the other nodes of the cluster
  std::optional<std::string> data_dir;  // none: state in memory only
  narration::Lang lang = narration::Lang::en;
  bool quiet = false;  // log only starts, stops, role changes and rejections
  bool colour = false;
  Millis election_timeout_min = 150;
  Millis election_timeout_max = 300;
  Millis heartbeat = 50;
  raft::Features raft_features;  // pre-vote, check-quorum, reads, snapshots
  // The cluster's first configuration (`--members`; empty: this node and its
  // peers): a node added later knows peers that are not all members.
  std::vector<NodeId> members;
  // TLS: this node's certificate and the cluster's CA (net/tls.h); none:
  // the readable plain text (--plaintext), and anyone may speak as a member.
  std::shared_ptr<Tls> tls;
  std::string certificates;  // the folder they came from, for the log
  bool writes_need_certificate =
      false;  // TLS: puts and membership changes need a client certificate
};

// Run a node until SIGINT or SIGTERM. Returns the exit status: 0 after a
// clean stop, 1 when it cannot start (a port in use, a bad data directory)
// or stops because it cannot write its data directory.
int run_node(const NodeOptions& options, std::ostream& log);

class IncomingConnection;
class PeerLink;
class ProtocolRunner;
class Store;
struct NodeEffects;

class Node {
 public:
  Node(const NodeOptions& options, std::ostream& log);
  ~Node();

  // Start, and serve until SIGINT or SIGTERM: run_node's exit status.
  int run();

  // ---- what the connections others open to this node hand it ----------------
  bool knows_peer(const NodeId& id) const { return links_.count(id) != 0; }
  const std::string& protocol() const { return options_.protocol; }
  void peer_line(IncomingConnection& from, const NodeId& peer, const std::string& line);
  void client_line(const std::shared_ptr<IncomingConnection>& from, const std::string& line);
  // A line that does not decode, or a connection that may not talk to this
  // node: one log line, and the connection is closed.
  void reject(IncomingConnection& from, const narration::Text& why);
  // A connection that may not talk to this node (its TLS handshake failed,
  // or it claims to be a node its certificate does not name): one log line,
  // and it is closed.
  void turn_away(IncomingConnection& from, const narration::Text& why);

 private:
  using Clock = std::chrono::steady_clock;

  bool start();
  void open_state(const std::vector<NodeId>& cluster);
  bool listen();
  void announce();
  void on_signal(int signal);
  void accept();

  template <class Work>
  bool durably(Work&& work);
  template <class Run>
  bool step(Run&& run);
  void carry_out(NodeEffects effects);
  void send(const NodeId& to, std::string line, bool before_sync = false);
  static void send_all(std::vector<std::pair<PeerLink*, std::string>>& lines);
  void wake_at(Millis at);
  void after_step();
  void answer(const std::shared_ptr<IncomingConnection>& to, const Reply& reply);
  void schedule_flush();
  void flush();

  void refuse(IncomingConnection& from, const narration::Text& why);
  bool may_write(const std::shared_ptr<IncomingConnection>& from);
  std::unique_ptr<PeerLink> link_to(const NodeId& id, const Endpoint& where);
  void disconnect(IncomingConnection& from, const std::string& what);
  Millis now() const;

  // ---- membership changes and a graceful stop (net/node_membership.cpp) ----
  Reply not_leader_reply() const;
  bool step_with(const std::function<NodeEffects()>& run);  // step(), for that file
  void admin_line(const std::shared_ptr<IncomingConnection>& from, const std::string& line);
  void meet(const NodeId& id, const Endpoint& where);
  void propose_change(const std::shared_ptr<IncomingConnection>& from, const Command& change);
  void answer_change(const Command& applied);
  void membership_after_step(bool stepped_down);
  bool hand_over();
  void stop_now();

  // ---- the live view's watchers (net/node_watch.cpp) ----
  void watch(const std::shared_ptr<IncomingConnection>& from);
  void tell_watchers();
  void keep_telling();

  asio::io_context io_{1};
  const NodeOptions& options_;
  NodeLog log_;
  tcp::acceptor acceptor_;
  asio::steady_timer timer_;
  asio::signal_set signals_;
  Clock::time_point start_;
  std::optional<Millis> armed_;  // the timer's wake-up time
  std::unique_ptr<Store> store_;
  std::unique_ptr<ProtocolRunner> runner_;
  std::map<NodeId, std::unique_ptr<PeerLink>> links_;
  // This batch's messages and replies: they leave at the next flush, after
  // the sync that makes the state they depend on durable.
  std::vector<std::pair<PeerLink*, std::string>> outbox_;
  std::vector<std::pair<PeerLink*, std::string>> outbox_before_sync_;  // a leader's log
  std::vector<std::pair<std::shared_ptr<IncomingConnection>, std::string>> replies_;
  bool flush_scheduled_ = false;
  std::vector<Command> proposals_;  // client requests waiting for the next flush
  bool led_ = false;                // led after the last step
  WaitingClients waiting_;
  bool failed_ = false;  // stopped because the data directory could not be written
  // Membership changes waiting for their entry to commit; a leader handing
  // over before it stops (SIGTERM).
  std::vector<std::pair<Command, std::shared_ptr<IncomingConnection>>> changes_;
  bool stopping_ = false, stopped_ = false;
  asio::steady_timer stop_timer_{io_};
  // Connections that watch this node (`conlab view`), and what this batch
  // tells them: sent at the flush, after the state it shows is durable.
  std::vector<std::weak_ptr<IncomingConnection>> watchers_;
  std::vector<std::string> report_;
  asio::steady_timer alive_timer_{io_};
  Clock::time_point card_told_{};
};

}  // namespace consensus_lab::net
