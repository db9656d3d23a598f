// Only members speak as members (net/tls.h): over TLS, a node believes
// `peer raft A` only from a connection whose certificate, signed by the
// cluster's CA and within its dates, names node A. Each way of claiming to
// be a member without being one gets one log line and a closed connection,
// and the node goes on unharmed.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "net/admin_wire.h"
#include "net/asio_ssl.h"
#include "net/certificates.h"
#include "net/client.h"
#include "net/client_connection.h"
#include "net/stream.h"
#include "tests/net/local_cluster.h"

namespace consensus_lab {
namespace {

using namespace tests;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Connect to `where` with `context` (null: plain text), send `bytes`, and
// wait (at most 5 s) for the node to close the connection: did it?
bool closed_after(const net::Endpoint& where, net::ssl::context* context,
                  const std::string& bytes) {
  net::asio::io_context io;
  net::Stream stream(io, context);
  bool closed = false;
  std::string out = bytes;
  char in[64];
  std::function<void()> read = [&] {
    stream.async_read_some(net::asio::buffer(in),
                           [&](const boost::system::error_code& e, std::size_t) {
                             if (e) {
                               closed = true;
                               return io.stop();
                             }
                             read();
                           });
  };
  stream.socket().async_connect(
      {net::asio::ip::make_address_v4(where.host), where.port}, [&](const auto& e) {
        if (e) return io.stop();
        stream.async_handshake(net::Stream::Side::client, [&](const auto& h) {
          if (h) {  // refused during the handshake: closed as well
            closed = true;
            return io.stop();
          }
          net::asio::async_write(stream, net::asio::buffer(out), [&](const auto&, std::size_t) {});
          read();
        });
      });
  io.run_for(std::chrono::seconds(5));
  return closed;
}

}  // namespace

TEST_CASE(
    "tls: a peer without a certificate, with one from another CA, with B's certificate claiming "
    "to be A, and an expired one are each refused with one log line, and the node is unharmed") {
  LocalCluster cluster("raft", 3);
  const fs::path ours = cluster.folder() / "tls";
  // Another cluster's CA, and node A's certificate from it.
  const fs::path foreign = cluster.folder() / "foreign";
  net::make_authority(foreign);
  net::make_certificate(foreign, {net::Certified::Role::node, "A"});
  // Our CA's certificate for A, but expired yesterday.
  const fs::path expired = cluster.folder() / "expired";
  fs::create_directories(expired);
  for (const char* file : {"ca.crt", "ca.key"}) fs::copy_file(ours / file, expired / file);
  net::make_certificate(expired, {net::Certified::Role::node, "A"},
                        net::Validity{.from_seconds = -2 * 86400, .for_seconds = 86400});

  const NodeId leader = cluster.leader();
  const NodeId to = leader == "C" ? "B" : "C";  // a node that is not A, nor the claimed one's own
  const std::string claim = "peer raft A\nRequestVote term 99 candidate A last-log 1000 99\n";
  const auto no_certificate = net::Tls::load_ca_only(ours);
  const auto other_ca = net::Tls::load(foreign, "A");
  other_ca->client().set_verify_mode(net::ssl::verify_none);  // it does not check us
  const auto out_of_date = net::Tls::load(expired, "A");
  const NodeId impostor = to == "B" ? "C" : "B";
  const auto someone_else = net::Tls::load(ours, impostor);
  // Our CA's certificate for a client named A: a client, not node A.
  const fs::path client_a = cluster.folder() / "client-a";
  fs::create_directories(client_a);
  for (const char* file : {"ca.crt", "ca.key"}) fs::copy_file(ours / file, client_a / file);
  net::make_certificate(client_a, {net::Certified::Role::client, "A"});
  const auto a_client = net::Tls::load(client_a, "A");
  CHECK(closed_after(cluster.endpoint(to), &no_certificate->client(), claim));
  CHECK(closed_after(cluster.endpoint(to), &other_ca->client(), claim));
  CHECK(closed_after(cluster.endpoint(to), &out_of_date->client(), claim));
  CHECK(closed_after(cluster.endpoint(to), &someone_else->client(), claim));
  CHECK(closed_after(cluster.endpoint(to), nullptr, claim));  // plain text to a TLS node
  CHECK(closed_after(cluster.endpoint(to), &a_client->client(), claim));

  std::string log;
  const auto all_told = [&] {
    log = cluster.log(to);
    return count(log, "] refused ") >= 6;
  };
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (!all_told() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
  CAPTURE(log);
  CHECK(count(log, "] refused ") == 6);
  CHECK(count(log, "it says it is node A but its certificate is client A's") == 1);
  CHECK(count(log, "it says it is node A but shows no certificate") == 1);
  // (another CA's certificate, alone or with that CA sent along)
  CHECK(
      count(log, "its certificate is refused (unable to get local issuer certificate)") +
          count(log, "its certificate is refused (self-signed certificate in certificate chain)") ==
      1);
  CHECK(count(log, "its certificate is refused (certificate has expired)") == 1);
  CHECK(count(log, "it says it is node A but its certificate is node " + impostor + "'s") == 1);
  CHECK(count(log, "wrong version number: it speaks plain text") == 1);
  // Unharmed: nobody's RequestVote of term 99 was believed, the leader serves.
  CHECK(log.find("term 99") == std::string::npos);
  CHECK(cluster.alive(to));
  auto client = cluster.client();
  const auto put = client.put("after", "impostors");
  REQUIRE_MESSAGE(put.done, put.error.en);
  CHECK(client.get("after").reply.text == "impostors");
  CHECK(cluster.leader() == leader);
}

TEST_CASE("tls: a client reaches only nodes that show the certificate of the node it meant") {
  LocalCluster cluster("raft", 3);
  const NodeId leader = cluster.leader();
  // A client told that B lives at A's address refuses A's certificate there.
  const NodeId elsewhere = leader == "A" ? "B" : "A";
  auto misled = net::Client({.cluster = {{elsewhere, cluster.endpoint(leader)}},
                             .deadline = 1'500,
                             .attempt = 500,
                             .tls = cluster.tls()});
  CHECK(!misled.get("x").done);
  // A client that trusts another CA trusts none of these nodes.
  const fs::path foreign = cluster.folder() / "foreign";
  net::make_authority(foreign);
  auto stranger = net::Client({.cluster = {{leader, cluster.endpoint(leader)}},
                               .deadline = 1'500,
                               .attempt = 500,
                               .tls = net::Tls::load_ca_only(foreign)});
  const auto refused = stranger.get("x");
  CHECK(!refused.done);
  CAPTURE(refused.error.en);
  CHECK(refused.error.en.find("the last TLS failure: its certificate is refused") !=
        std::string::npos);
  // Only their owner may read the keys.
  for (const char* key : {"ca.key", "A.key", "client.key"}) {
    CAPTURE(key);
    const auto mode = fs::status(cluster.folder() / "tls" / key).permissions();
    CHECK((mode & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  }
  // The cluster's own client does.
  auto client = cluster.client();
  REQUIRE(client.put("x", "1").done);
  CHECK(client.get("x").reply.text == "1");
}

TEST_CASE("tls: with --writes-need-certificate a client without one reads but cannot write") {
  LocalCluster cluster("raft", 3, {"--writes-need-certificate"});
  auto writer = cluster.client();  // shows client.crt
  REQUIRE(writer.put("x", "1").done);
  std::map<NodeId, net::Endpoint> nodes;
  for (const NodeId& id : cluster.ids()) nodes[id] = cluster.endpoint(id);
  auto reader = net::Client({.cluster = nodes,
                             .deadline = 5'000,
                             .tls = net::Tls::load_ca_only(cluster.folder() / "tls")});
  const auto got = reader.get("x");
  REQUIRE_MESSAGE(got.done, got.error.en);
  CHECK(got.reply.text == "1");
  const auto refused = reader.put("x", "2");
  CHECK(!refused.done);
  CHECK(refused.error.en.find("a write needs a client certificate") != std::string::npos);
  // A membership change is a write too: `meet` from the reader is refused.
  const auto leader = cluster.leader();
  const auto ca_only = net::Tls::load_ca_only(cluster.folder() / "tls");
  net::ClientConnection admin(leader, cluster.endpoint(leader), &ca_only->client());
  const auto met = admin.exchange(
      encode(net::AdminRequest{net::MeetRequest{"D", {"127.0.0.1", 1}}}) + "\n", 3'000);
  REQUIRE(met);
  CHECK(met->kind == net::Reply::Kind::error);
  CHECK(met->text == "a write needs a client certificate");
  CHECK(writer.get("x").reply.text == "1");
}

TEST_CASE("tls: a node needs --certs DIR or --plaintext, says which in one line, and says so") {
  const fs::path folder =
      fs::temp_directory_path() / ("consensus_lab_tls_" + std::to_string(getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  const std::vector<std::string> node{"node", "--protocol", "raft",        "--id",
                                      "A",    "--listen",   "127.0.0.1:1", "--in-memory"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = node;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_conlab(args, folder / "out.txt");
  };
  const auto [neither, neither_out] = with({});
  CHECK(neither == 2);
  CHECK(neither_out.find("give --certs DIR") != std::string::npos);
  const auto [missing, missing_out] = with({"--certs", (folder / "none").string()});
  CHECK(missing == 2);
  CHECK(missing_out.find("no file " + (folder / "none" / "ca.crt").string()) != std::string::npos);
  const auto [both, both_out] = with({"--certs", folder.string(), "--plaintext"});
  CHECK(both == 2);
  const auto [plain_writes, plain_writes_out] = with({"--plaintext", "--writes-need-certificate"});
  CHECK(plain_writes == 2);
  CHECK(plain_writes_out.find("--writes-need-certificate needs TLS") != std::string::npos);
  fs::remove_all(folder);

  LocalCluster plain("raft", 1, {"--plaintext"});
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (plain.log("A").find("listening on") == std::string::npos &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(20ms);
  }
  CHECK(plain.log("A").find("PLAIN TEXT (--plaintext): anyone who reaches the port can speak as a "
                            "member") != std::string::npos);
}

}  // namespace consensus_lab
