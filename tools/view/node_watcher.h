// One node, watched for the live view (docs/viewer.md §5): a connection to
// its client port that says `client` and `watch` and hands every line it
// reads to the LiveRun (tools/view/live_run.h). The connection is opened
// again every 100 ms while the node is down; a node that says nothing
// — not even its half-second `alive` — for kSilence has stopped reporting
// (a process paused with SIGSTOP keeps its connection open).
#pragma once

#include <chrono>
#include <functional>
#include <ostream>
#include <string>

#include "common/types.h"
#include "net/endpoint.h"
#include "net/stream.h"
#include "tools/view/live_run.h"

namespace consensus_lab::tools {

class NodeWatcher {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kSilence{1500};

  NodeWatcher(net::asio::io_context& io, NodeId node, net::Endpoint where, LiveRun& run,
              std::function<Millis()> now, std::function<void(const std::string&)> say,
              narration::Lang lang, net::ssl::context* tls);

  void start() { connect(), check(); }

 private:
  void connect();
  void handshake();
  void again();
  void read();
  void on_line(const std::string& line);
  void lost();
  void check();

  net::asio::io_context& io_;
  NodeId node_;
  net::Endpoint where_;
  LiveRun& run_;
  std::function<Millis()> now_;
  std::function<void(const std::string&)> say_;
  narration::Lang lang_;
  net::Stream stream_;  // TLS unless the cluster runs --plaintext
  net::asio::streambuf buffer_;
  net::asio::steady_timer retry_, check_;
  Clock::time_point heard_{};
  bool connected_ = false;
  std::string told_;  // the last TLS failure said
};

}  // namespace consensus_lab::tools
