// The live view's web server (docs/viewer.md §5): HTTP/1.1 on a loopback
// address, with Boost.Beast. Two answers:
//
//   GET /                 the page (viewer/page.html) with the run so far
//   GET /events?from=N    {"events":[…]}: the run's events from the N-th on
//
// Anything else gets 404 (405 for another method, 400 for a bad N).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "net/asio.h"
#include "tools/view/live_run.h"

namespace consensus_lab::tools {

class HttpServer {
 public:
  // Listens at `where` (port 0: any free port; see port()). Throws
  // boost::system::system_error when it cannot.
  HttpServer(net::asio::io_context& io, const net::tcp::endpoint& where, LiveRun& run);
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void start() { accept(); }

  struct Answer {
    unsigned status;
    std::string type;
    std::string body;
  };
  // What the server answers to a GET of `target` (no sockets: for tests).
  static Answer answer(LiveRun& run, const std::string& method, const std::string& target);

 private:
  void accept();

  net::tcp::acceptor acceptor_;
  net::asio::steady_timer pause_;
  LiveRun& run_;
};

}  // namespace consensus_lab::tools
