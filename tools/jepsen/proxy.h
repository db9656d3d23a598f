// The proxy between the nodes of `conlab jepsen`: one loopback listener per
// ordered pair of nodes (from, to). Node `from` is told that `to` lives at
// the listener for (from, to); the proxy forwards what it receives to `to`'s
// own port. So every message between two nodes crosses it, and it can
//   pass     forward the bytes as they come,
//   delay    hold each chunk for a while before forwarding it (in order),
//   drop     close the link's connections and refuse new ones (a partition
//            is a set of links dropped).
// Clients do not go through it: they reach the nodes directly.
//
// Boost.Asio on a thread of its own; its state is touched on that thread
// only (the public calls post their work to it).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <thread>
#include <utility>

#include "common/types.h"
#include "net/asio.h"

namespace consensus_lab::tools::jepsen {

// Messages from the first node to the second.
using Link = std::pair<NodeId, NodeId>;

class Proxy {
 public:
  // `nodes`: each node's own port on 127.0.0.1. Opens a listener on a free
  // loopback port for every ordered pair.
  explicit Proxy(const std::map<NodeId, unsigned short>& nodes);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Where node `from` reaches node `to`.
  unsigned short port(const NodeId& from, const NodeId& to) const;

  // Drop these links (their connections are closed, new ones refused).
  void drop(const std::set<Link>& links);
  // Hold every chunk on these links for `ms` before forwarding it.
  void delay(const std::set<Link>& links, Millis ms);
  // Pass everything again, without delay.
  void heal();

  struct LinkState;

 private:
  void accept(LinkState& link);

  net::asio::io_context io_;
  std::map<Link, std::unique_ptr<LinkState>> links_;
  std::thread thread_;
};

}  // namespace consensus_lab::tools::jepsen
