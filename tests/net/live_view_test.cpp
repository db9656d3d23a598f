// The live view on a real cluster (docs/viewer.md §5), as a class uses it:
// `conlab cluster start --viewer`, the page and its events over HTTP, the
// leader killed with kill -9, the page told that it stopped reporting and
// who leads next; `conlab cluster stop` stops the view too.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "tests/net/cluster_folder.h"

using namespace consensus_lab;
using tests::ClusterFolder;
using namespace std::chrono_literals;

namespace {

// GET `target` from the view at 127.0.0.1:`port` (HTTP/1.0: the server
// closes when it has answered): the response, headers and body.
std::string http_get(unsigned short port, const std::string& target) {
  net::asio::io_context io;
  net::tcp::socket socket(io);
  boost::system::error_code error;
  socket.connect({net::asio::ip::address_v4::loopback(), port}, error);
  if (error) return {};
  const std::string request = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  net::asio::write(socket, net::asio::buffer(request), error);
  std::string response;
  net::asio::read(socket, net::asio::dynamic_buffer(response), error);
  return response;
}

// The node of the last event that says `words` after `after` in `events`.
std::optional<std::string> node_saying(const std::string& events, const std::string& words,
                                       std::size_t after = 0) {
  static const std::regex event(R"re(\{"t":\d+,"k":"(\w+)","n":"(\w+)")re");
  std::optional<std::string> found;
  std::size_t at = events.find(words, after);
  while (at != std::string::npos) {
    const std::size_t start = events.rfind("{\"t\":", at);
    std::smatch match;
    const std::string head = events.substr(start, 40);
    if (std::regex_search(head, match, event)) found = match[2];
    at = events.find(words, at + 1);
  }
  return found;
}

}  // namespace

TEST_CASE("live view: a class watches the election after kill -9 of the leader") {
  const unsigned short port = tests::free_port_for_view();
  ClusterFolder folder("--in-memory --viewer --viewer-port " + std::to_string(port));
  std::string events;
  const auto refresh = [&] { return events = http_get(port, "/events?from=0"), !events.empty(); };

  // The page, live: it asks /events for what happens next.
  REQUIRE(ClusterFolder::eventually([&] { return !http_get(port, "/").empty(); }, 5s));
  const std::string page = http_get(port, "/");
  CHECK(page.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
  CHECK(page.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
  CHECK(page.find(R"("live":{"events":"/events"})") != std::string::npos);
  CHECK(http_get(port, "/nothing").rfind("HTTP/1.0 404", 0) == 0);

  // Every node watched; one of them wins the first election.
  std::optional<std::string> leader;
  REQUIRE(ClusterFolder::eventually(
      [&] {
        refresh();
        leader = node_saying(events, "wins a majority");
        return leader && node_saying(events, "watching C");
      },
      10s));
  CHECK(events.find(R"("k":"send")") != std::string::npos);
  CHECK(events.find(R"("k":"deliver")") != std::string::npos);
  CHECK(events.find(R"("cards":{")") != std::string::npos);

  // kill -9: its connection closes, the page says so; another node leads.
  const std::size_t before = events.size();
  REQUIRE(folder.kill9(*leader));
  std::optional<std::string> next;
  REQUIRE(ClusterFolder::eventually(
      [&] {
        refresh();
        next = node_saying(events, "wins a majority", before);
        return next && events.find(*leader + " stopped reporting", before) != std::string::npos;
      },
      10s));
  CHECK(*next != *leader);
  CHECK(events.find(R"("k":"silent","n":")" + *leader + "\"") != std::string::npos);

  // Restarted, it reports again.
  REQUIRE(folder.restart(*leader));
  CHECK(ClusterFolder::eventually(
      [&] { return refresh() && events.find(*leader + " reports again") != std::string::npos; },
      10s));

  // `conlab cluster stop` stops the view.
  folder.conlab("stop");
  CHECK(ClusterFolder::eventually([&] { return http_get(port, "/").empty(); }, 5s));
}

TEST_CASE("live view: a node asked to watch twice on one connection tells everything once") {
  ClusterFolder folder("--in-memory --plaintext");  // (the test speaks the readable wire)
  const auto a = folder.cluster().at("A");
  net::asio::io_context io;
  net::tcp::socket socket(io);
  // (the node may not listen yet: cluster start returns once it is spawned)
  REQUIRE(ClusterFolder::eventually(
      [&] {
        boost::system::error_code refused;
        socket.close(refused);
        socket.connect({net::asio::ip::make_address(a.host), a.port}, refused);
        return !refused;
      },
      5s));
  net::asio::write(socket, net::asio::buffer(std::string("client\nwatch\nwatch\n")));
  std::this_thread::sleep_for(1200ms);
  std::string lines;
  boost::system::error_code error;
  while (socket.available() > 0 && !error) {
    std::string chunk(socket.available(), '\0');
    socket.read_some(net::asio::buffer(chunk), error);
    lines += chunk;
  }
  std::size_t hellos = 0, alives = 0;
  std::istringstream in(lines);
  for (std::string line; std::getline(in, line);) {
    hellos += line.rfind("hello raft A", 0) == 0;
    alives += line == "alive";
  }
  CHECK(hellos == 1);
  CHECK(alives >= 1);
  CHECK(alives <= 3);  // every half second, once
}

TEST_CASE("live view: conlab view says what is wrong in one line") {
  ClusterFolder folder("--in-memory");
  // A port already taken.
  net::asio::io_context io;
  net::tcp::acceptor taken(io, {net::asio::ip::address_v4::loopback(), 0});
  const std::string port = std::to_string(taken.local_endpoint().port());
  const std::string view = std::string(CONLAB_PATH) + " view --port " + port + " --dir ";
  const auto run = [](const std::string& command) {
    std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    const int status = pclose(pipe);
    return std::pair{WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
  };
  const auto [busy, busy_out] = run(view + folder.dir().string());
  CHECK(busy != 0);
  CHECK(busy_out.rfind("conlab: error: cannot listen on 127.0.0.1:" + port + ": ", 0) == 0);
  CHECK(std::count(busy_out.begin(), busy_out.end(), '\n') == 1);
  const auto [none, none_out] = run(view + "/nonexistent/folder");
  CHECK(none != 0);
  CHECK(none_out.find("conlab: error: which protocol does /nonexistent/folder run?") == 0);
}
