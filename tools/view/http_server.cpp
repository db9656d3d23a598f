#include "tools/view/http_server.h"

#include <charconv>
#include <sstream>

// After net/asio.h (through http_server.h): Beast includes Asio.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace consensus_lab::tools {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// One browser connection: requests read and answered in turn, kept alive
// while the browser asks to.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(net::tcp::socket socket, LiveRun& run) : stream_(std::move(socket)), run_(run) {}
  void read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       if (error) return self->close();
                       self->respond();
                     });
  }

 private:
  void respond() {
    const auto answer = HttpServer::answer(run_, std::string(request_.method_string()),
                                           std::string(request_.target()));
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(answer.status), request_.version());
    response->set(http::field::server, "conlab view");
    response->set(http::field::content_type, answer.type);
    response->set(http::field::cache_control, "no-store");
    response->keep_alive(request_.keep_alive());
    response->body() = answer.body;
    response->prepare_payload();
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code error, std::size_t) {
                        if (error || !response->keep_alive()) return self->close();
                        self->read();
                      });
  }
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  LiveRun& run_;
};

}  // namespace

HttpServer::HttpServer(net::asio::io_context& io, const net::tcp::endpoint& where, LiveRun& run)
    : acceptor_(io, where), pause_(io), run_(run) {}

void HttpServer::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, net::tcp::socket socket) {
    if (!error) {
      std::make_shared<Session>(std::move(socket), run_)->read();
      return accept();
    }
    // Out of file descriptors, say: wait a little rather than spin.
    pause_.expires_after(std::chrono::milliseconds(100));
    pause_.async_wait([this](const boost::system::error_code& e) {
      if (!e) accept();
    });
  });
}

HttpServer::Answer HttpServer::answer(LiveRun& run, const std::string& method,
                                      const std::string& target) {
  const std::string text = "text/plain; charset=utf-8";
  if (method != "GET") return {405, text, "only GET\n"};
  run.settle();
  if (target == "/" || target == "/index.html") {
    std::ostringstream page;
    run.page().write(page);
    return {200, "text/html; charset=utf-8", page.str()};
  }
  const std::string events = "/events?from=";
  if (target.rfind(events, 0) == 0) {
    const char* first = target.data() + events.size();
    const char* last = target.data() + target.size();
    std::size_t from = 0;
    const auto [end, error] = std::from_chars(first, last, from);
    if (error != std::errc() || end != last || first == last) {
      return {400, text, "from=N, N a number\n"};
    }
    return {200, "application/json", run.page().events_json(from)};
  }
  return {404, text, "no such page: " + target + "\n"};
}

}  // namespace consensus_lab::tools
