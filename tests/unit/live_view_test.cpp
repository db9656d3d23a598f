// The live view of a real cluster (docs/viewer.md §5), without sockets: what
// the page shows from what the nodes tell (net/live_report.h) — a delivery
// tied to its send, a message lost, a node that stops reporting and comes
// back — and what it refuses to show. (A real cluster with a killed leader:
// tests/net/live_view_test.cpp and tests/browser/live_cluster.test.mjs.)
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "net/live_report.h"
#include "tools/view/http_server.h"
#include "tools/view/live_run.h"
#include "viewer/json_check.h"

using namespace consensus_lab;
using tools::LiveRun;

namespace {

const std::string kVote =
    R"({"ty":"request-vote","msg":{"en":"RequestVote term 2","zh":"请求投票 RPC（任期 2）"}})";
const std::string kCard = R"({"role":"leader","fields":[["term","2"]],"log":[]})";

LiveRun raft_run() {
  return LiveRun("raft", {"A", "B", "C"}, {"test", "测试"}, narration::Lang::en);
}

void tell(LiveRun& run, const NodeId& node, const std::string& line, Millis t = 10) {
  narration::Text why;
  INFO(line);
  REQUIRE(run.heard(node, line, t, why));
}

// The page's events, one JSON object each.
std::vector<std::string> events(LiveRun& run) {
  run.settle();
  const std::string json = run.page().events_json(0);
  std::vector<std::string> out;
  int depth = 0;
  std::size_t start = 0;
  bool in_string = false;
  for (std::size_t i = std::string("{\"events\":[").size(); i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' && depth++ == 0) start = i;
    if (c == '}' && --depth == 0) out.push_back(json.substr(start, i - start + 1));
  }
  return out;
}

bool has(const std::string& event, const std::string& part) {
  return event.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("live view: a delivery is tied to its send by the message's bytes") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "B", "hello raft B");
  tell(run, "A", "send B 00ab " + kVote);
  tell(run, "B", "deliver A 00ab " + kVote);
  const auto all = events(run);
  REQUIRE(all.size() == 4);
  CHECK(has(all[0], R"("k":"reporting","n":"A")"));
  CHECK(has(all[0], "watching A"));
  CHECK(has(all[2], R"("k":"send","n":"A","id":1,"from":"A","to":"B","ty":"request-vote")"));
  CHECK(has(all[3], R"("k":"deliver","n":"B","id":1,"from":"A","to":"B")"));
}

TEST_CASE("live view: a delivery told before its send brings the send with it, once") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "B", "hello raft B");
  tell(run, "B", "deliver A 00ab " + kVote);  // B's connection to the view was quicker
  tell(run, "A", "send B 00ab " + kVote);     // not told again
  const auto all = events(run);
  REQUIRE(all.size() == 4);
  CHECK(has(all[2], R"("k":"send","n":"A","id":1)"));
  CHECK(has(all[3], R"("k":"deliver","n":"B","id":1)"));
}

TEST_CASE("live view: messages sent before the one delivered were lost") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "B", "hello raft B");
  const std::string vote3 =
      R"({"ty":"request-vote","msg":{"en":"RequestVote term 3","zh":"请求投票 RPC（任期 3）"}})";
  tell(run, "A", "send B 0001 " + kVote);
  tell(run, "A", "send B 0002 " + vote3);
  tell(run, "B", "deliver A 0002 " + vote3);
  const auto all = events(run);
  REQUIRE(all.size() == 6);
  CHECK(has(all[4], R"("k":"drop","n":"B","id":1,"why":"lost")"));
  CHECK(has(all[5], R"("k":"deliver","n":"B","id":2)"));
}

TEST_CASE(
    "live view: a node whose connection closes stops reporting, and what was sent to it is lost") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "B", "hello raft B");
  tell(run, "A", "send B 0001 " + kVote);
  run.silent("B", 2000, true);
  CHECK_FALSE(run.reporting("B"));
  run.silent("B", 2100, true);           // said once
  tell(run, "B", "hello raft B", 3000);  // restarted
  const auto all = events(run);
  REQUIRE(all.size() == 6);
  CHECK(has(all[3], R"("t":2000,"k":"silent","n":"B")"));
  CHECK(has(all[3], "B stopped reporting: its connection closed"));
  CHECK(has(all[4], R"("k":"drop","n":"B","id":1,"why":"receiver_down")"));
  CHECK(has(all[5], R"("t":3000,"k":"reporting","n":"B")"));
  CHECK(has(all[5], "B reports again"));
  CHECK(run.reporting("B"));
}

TEST_CASE("live view: a message sent to a node whose process is gone is lost as it is sent") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "B", "hello raft B");
  run.silent("B", 100, true);
  tell(run, "A", "send B 0001 " + kVote, 200);
  const auto all = events(run);
  REQUIRE(all.size() == 5);
  CHECK(has(all[3], R"("t":200,"k":"send","n":"A","id":1)"));
  CHECK(has(all[4], R"("t":200,"k":"drop","n":"B","id":1,"why":"receiver_down")"));
}

TEST_CASE("live view: a paused node stops reporting and reports again at its next line") {
  LiveRun run = raft_run();
  tell(run, "C", "hello raft C");
  tell(run, "A", "hello raft A");
  tell(run, "A", "send C 0001 " + kVote);
  run.silent("C", 1500, false);  // no word: its messages may still arrive
  tell(run, "C", "alive", 4000);
  tell(run, "C", "deliver A 0001 " + kVote, 4000);
  const auto all = events(run);
  REQUIRE(all.size() == 6);
  CHECK(has(all[3], "no word for over a second"));
  CHECK(has(all[4], R"("k":"reporting","n":"C")"));
  CHECK(has(all[5], R"("k":"deliver","n":"C","id":1)"));
}

TEST_CASE("live view: a card goes with the node's last event, or is an event of its own") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "A", R"(note {"line":{"en":"A wins","zh":"A 赢得选举"}})");
  tell(run, "A", "card " + kCard);
  tell(run, "B", "hello raft B");
  tell(run, "C", "hello raft C");
  tell(run, "B", "card " + kCard);
  const auto all = events(run);
  REQUIRE(all.size() == 5);
  CHECK(has(all[1], R"("k":"note","n":"A","line":{"en":"A wins")"));
  CHECK(has(all[1], R"("cards":{"A":{"role":"leader")"));
  CHECK(has(all[4], R"("k":"state","n":"B","cards":{"B":)"));
}

TEST_CASE("live view: a line the view cannot read is refused and nothing of it is kept") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  const std::vector<std::string> bad = {
      "hello raft B",                          // A speaking for B
      "hello multipaxos A",                    // another protocol
      "shout hello",                           // no such word
      "note not json",                         // no JSON object
      R"(note {"line":})",                     // broken JSON
      R"(note {"line":"</script><script>"})",  // would end the page's script
      "card [1,2]",                            // not an object
      "send D 0001 " + kVote,                  // no such node
      "send A 0001 " + kVote,                  // to itself
      "send B zz!! " + kVote,                  // not a key
      "send B 0001",                           // no message
  };
  for (const std::string& line : bad) {
    narration::Text why;
    INFO(line);
    CHECK_FALSE(run.heard("A", line, 5, why));
    CHECK_FALSE(why.en.empty());
  }
  CHECK(events(run).size() == 1);
}

TEST_CASE("live view: the web server's answers") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "B", "hello raft B");
  const auto page = tools::HttpServer::answer(run, "GET", "/");
  CHECK(page.status == 200);
  CHECK(page.type == "text/html; charset=utf-8");
  CHECK(has(page.body, R"("live":{"events":"/events"})"));
  CHECK(has(page.body, "watching B"));
  const auto after_one = tools::HttpServer::answer(run, "GET", "/events?from=1");
  CHECK(after_one.status == 200);
  CHECK_FALSE(has(after_one.body, "watching A"));
  CHECK(has(after_one.body, "watching B"));
  CHECK(tools::HttpServer::answer(run, "GET", "/events?from=9").body == R"({"events":[]})");
  CHECK(tools::HttpServer::answer(run, "GET", "/events?from=x").status == 400);
  CHECK(tools::HttpServer::answer(run, "GET", "/events?from=").status == 400);
  CHECK(tools::HttpServer::answer(run, "POST", "/").status == 405);
  CHECK(tools::HttpServer::answer(run, "GET", "/etc/passwd").status == 404);
}

TEST_CASE("live view: JSON objects the view accepts") {
  for (const char* good :
       {R"({})", R"({"a":[1,-2.5e3,true,false,null,"x\"\u00e9"]})", R"({"a":{"b":{}}})",
        R"({"zh":"心跳（任期 2）","lt":"\u003c/script>"})"}) {
    CHECK(viewer::is_json_object(good));
  }
  for (const char* bad :
       {"", "[]", "{", R"({"a"})", R"({"a":01})", R"({"a":1,})", R"({"a":"x)", "{\"a\":\"\x01\"}",
        R"({"a":1} x)", R"({"a":"<\/b</"})", R"({"a":"<!--"})", R"( {"a":1})", R"({"a":1} )"}) {
    INFO(bad);
    CHECK_FALSE(viewer::is_json_object(bad));
  }
}

TEST_CASE("live view: a steady leader's heartbeat is shown once, whichever end speaks first") {
  LiveRun run = raft_run();
  for (const char* node : {"A", "B", "C"}) tell(run, node, std::string("hello raft ") + node);
  const std::string beat =
      R"({"ty":"append-entries","msg":{"en":"Heartbeat term 2 commit 1","zh":"心跳"}})";
  tell(run, "A", "send B 0001 " + beat);
  tell(run, "B", "deliver A 0001 " + beat);
  tell(run, "B", "deliver A 0002 " + beat);  // the next one: no news, shown at neither end
  tell(run, "A", "send B 0002 " + beat);
  tell(run, "A", "send C 0003 " + beat);  // to another node: news there
  tell(run, "A", "send B 0004 " + beat);
  run.silent("B", 900, true);  // a hidden message is not "lost" on the page
  const auto all = events(run);
  REQUIRE(all.size() == 7);
  CHECK(has(all[3], R"("k":"send","n":"A","id":1,"from":"A","to":"B")"));
  CHECK(has(all[4], R"("k":"deliver","n":"B","id":1)"));
  CHECK(has(all[5], R"("k":"send","n":"A","id":2,"from":"A","to":"C")"));
  CHECK(has(all[6], R"("k":"silent","n":"B")"));
}

TEST_CASE("live view: messages to a node not yet watched are marked unknown when it is") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "A", "send B 0001 " + kVote);
  tell(run, "B", "hello raft B");
  const auto all = events(run);
  REQUIRE(all.size() == 4);
  CHECK(has(all[2], R"("k":"drop","n":"B","id":1,"why":"unseen")"));
  CHECK(has(all[2], "B was not watched yet"));
  CHECK(has(all[3], "watching B"));
}

TEST_CASE("live view: a paused node that is then killed loses what was sent to it") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "B", "hello raft B");
  tell(run, "A", "send B 0001 " + kVote);
  run.silent("B", 1500, false);  // kill -STOP: its messages may still arrive
  run.silent("B", 2500, true);   // kill -9: they will not
  const auto all = events(run);
  REQUIRE(all.size() == 5);
  CHECK(has(all[3], R"("k":"silent","n":"B")"));
  CHECK(has(all[4], R"("t":2500,"k":"drop","n":"B","id":1,"why":"receiver_down")"));
}

TEST_CASE("live view: an empty object and a long silence keep the page's JSON whole") {
  LiveRun run = raft_run();
  tell(run, "A", "hello raft A");
  tell(run, "B", "hello raft B");
  tell(run, "A", "note {}");
  CHECK(viewer::is_json_object(run.page().events_json(0)));
  // B never answers: A's news to it piles up; the oldest are given up.
  for (int i = 0; i < 300; ++i) {
    tell(run, "A",
         "send B " + std::to_string(1000 + i) + " " +
             R"({"ty":"request-vote","msg":{"en":"RequestVote term )" + std::to_string(i) +
             R"(","zh":"请求投票"}})");
  }
  const std::string json = run.page().events_json(0);
  CHECK(viewer::is_json_object(json));
  std::size_t given_up = 0;
  for (std::size_t at = json.find("\"why\":\"unseen\""); at != std::string::npos;
       at = json.find("\"why\":\"unseen\"", at + 1)) {
    ++given_up;
  }
  CHECK(given_up == 300 - 256);
}
