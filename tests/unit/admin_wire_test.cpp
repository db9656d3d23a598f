// Real mode's membership requests (net/admin_wire.h) and what a Raft server
// does with a server it meets while running (raft/known_servers.cpp).
#include <doctest/doctest.h>

#include <string>

#include "net/admin_wire.h"
#include "net/wire.h"
#include "tests/unit/raft_test_support.h"

using namespace consensus_lab;
using namespace consensus_lab::raft_testing;

TEST_CASE("admin wire: meet, change and members round-trip, and malformed lines are refused") {
  const net::AdminRequest meet = net::MeetRequest{"D", net::Endpoint{"127.0.0.1", 7004}};
  CHECK(encode(meet) == "meet D 127.0.0.1:7004");
  const auto back = std::get<net::MeetRequest>(net::decode_admin_request(encode(meet)));
  CHECK(back.id == "D");
  CHECK(back.where.text() == "127.0.0.1:7004");
  for (const Command& change : {Command::learner("D"), Command::add("D"), Command::remove("B")}) {
    const std::string line = encode(net::AdminRequest{net::ChangeRequest{change}});
    CHECK(std::get<net::ChangeRequest>(net::decode_admin_request(line)).change == change);
  }
  CHECK(encode(net::AdminRequest{net::ChangeRequest{Command::learner("D")}}) == "change learner D");
  CHECK(std::holds_alternative<net::MembersRequest>(net::decode_admin_request("members")));
  CHECK(net::is_admin_request("members"));
  CHECK(net::is_admin_request("change add D"));
  CHECK(!net::is_admin_request("put c 1 x 1"));
  CHECK(!net::is_admin_request("membersx"));
  for (const char* bad : {"meet D", "meet D nowhere", "meet D 127.0.0.1:0", "change", "change add",
                          "change frobnicate D", "change add D E", "change add %", "members now",
                          "meet D 127.0.0.1:7004 extra"}) {
    CHECK_THROWS_AS(net::decode_admin_request(bad), net::DecodeError);
  }
}

TEST_CASE("a leader that meets a new server replicates to it once a learner entry names it") {
  LowestDraw low;
  Server a = elected("A", {"A", "B", "C"});
  a.handle(0, "B", reply_success(a.current_term(), LogIndex{1}, LogIndex{1}), low);
  REQUIRE(a.commit_index() == LogIndex{1});
  a.know_server("D");
  a.know_server("D");  // twice: once
  CHECK(a.config().servers == std::vector<NodeId>{"A", "B", "C", "D"});
  const Effects effects = a.submit(0, Command::learner("D"));
  CHECK(a.configuration().learners == std::vector<NodeId>{"D"});
  bool to_d = false;
  for (const auto& out : effects.send) to_d = to_d || out.to == "D";
  CHECK(to_d);
  // The voter to hand over to: the most up to date (B acknowledged index 1, C nothing).
  CHECK(a.best_transfer_target() == NodeId("B"));
  CHECK(a.match_index("B") == LogIndex{1});
}
