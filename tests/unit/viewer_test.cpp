// The run viewer's trace (viewer/page.h, viewer/recorder.h): what a page
// says at each event is what the run did — the cards after each decision,
// the rule that made it and where that rule is in the code, the checks, the
// violation. (The page's drawing is tested in a browser: tests/browser/.)
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tools/scenario/runner.h"
#include "tools/scenario/script.h"
#include "viewer/json.h"
#include "viewer/page.h"
#include "viewer/rules.h"

using namespace consensus_lab;

namespace {

// The trace of a scenario given as text, as its page would hold it.
std::string trace_of(const std::string& scenario_text) {
  std::istringstream in(scenario_text);
  std::ostringstream narration;
  scenario::Session session({.html = "unused.html", .title = narration::Text{"test"}}, narration);
  for (const scenario::Line& line : scenario::read_script(in)) {
    try {
      session.execute(line);
    } catch (const scenario::ScenarioError&) {
      break;  // the run stops here, as the page's does
    }
  }
  REQUIRE(session.page() != nullptr);
  return session.page()->trace_json();
}

// The event (a JSON object) whose narration line contains `words`.
std::string event_saying(const std::string& trace, const std::string& words) {
  const std::size_t at = trace.find(words);
  REQUIRE(at != std::string::npos);
  const std::size_t begin = trace.rfind("{\"t\":", at);
  const std::size_t end = trace.find("{\"t\":", at);
  return trace.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

const char* const kPromise1 = R"(protocol paxos
nodes A B C
proposers client1 client2
propose client2 5 7
deliver client2 A
deliver client2 B
propose client1 1 3
deliver client1 A
expect promised A 5
)";

}  // namespace

TEST_CASE("viewer: JSON text is escaped, and no tag can begin in the page's script element") {
  CHECK(viewer::quoted("a\"b\\c\nd") == R"("a\"b\\c\nd")");
  CHECK(viewer::quoted("</script>") == R"("\u003c/script>")");
  CHECK(viewer::quoted("<!--<script>") == R"("\u003c!--\u003cscript>")");
  CHECK(viewer::quoted(std::string("x\x01y")) == R"("x\u0001y")");
  CHECK(viewer::quoted("准备请求 / 5") == "\"准备请求 / 5\"");
  viewer::JsonWriter w;
  w.begin_object().key("a").begin_array().value(std::uint64_t{1}).value(true).end_array();
  w.key("b").value("x").end_object();
  CHECK(w.text() == R"({"a":[1,true],"b":"x"})");
}

TEST_CASE(
    "viewer: at the event where A ignores Prepare 1, A's card says promised 5, by promise 1") {
  const std::string trace = trace_of(kPromise1);
  const std::string ignored = event_saying(trace, "A does not answer Prepare 1");
  CHECK(ignored.find(R"("rule":"promise1")") != std::string::npos);
  CHECK(ignored.find(R"("tone":"warn")") != std::string::npos);
  // Its Chinese words are there too.
  CHECK(ignored.find("A 不响应准备请求 1") != std::string::npos);
  // A's card changed when it promised 5, not when it ignored Prepare 1.
  const std::string promised = event_saying(trace, "A promises 5");
  CHECK(promised.find(R"("A":{"role":"acceptor","fields":[["promised","5"])") != std::string::npos);
  CHECK(ignored.find(R"("cards")") == std::string::npos);
  // Each line of the file is a chapter; the expectation is a check that held.
  CHECK(trace.find(R"("en":"line 8: deliver client1 A")") != std::string::npos);
  CHECK(trace.find(R"({"en":"expect promised A 5","zh":"expect promised A 5","held":true})") !=
        std::string::npos);
}

TEST_CASE("viewer: a rule's link is the line of its protocol's code that reads it") {
  for (const auto& [protocol, member] :
       {std::pair{"paxos", "promise1"}, std::pair{"raft", "log_consistency_check"},
        std::pair{"multipaxos", "lease"}}) {
    const auto where = viewer::rule_location(protocol, member);
    REQUIRE(where.has_value());
    std::ifstream file(std::string(CONSENSUS_LAB_SOURCE_DIR) + "/" + std::string(where->file));
    REQUIRE(file);
    std::string line;
    for (std::uint64_t n = 0; n < where->line; ++n) std::getline(file, line);
    CHECK(line.find("." + std::string(member)) != std::string::npos);
  }
  CHECK_FALSE(viewer::rule_location("paxos", "no_such_rule").has_value());
}

TEST_CASE("viewer: a Raft page shows each log with its committed part, and a failed expectation") {
  const std::string trace = trace_of(R"(protocol raft
nodes A B C
set election-timeout A=10000 B=10000 C=10000
set-log A 1 1 2
set-log B 1 1
timeout A
deliver-all
expect commit A 4
expect commit B 9
)");
  CHECK(trace.find(R"({"i":4,"t":"3","c":"noop","ok":true})") != std::string::npos);
  CHECK(trace.find(R"({"en":"expect commit B 9","zh":"expect commit B 9","held":false})") !=
        std::string::npos);
}

TEST_CASE("viewer: a counterexample's page names the invariant it broke, at the event it broke") {
  std::ifstream file(std::string(CONSENSUS_LAB_SOURCE_DIR) +
                     "/tests/scenarios/raft/figure8_rule_off.txt");
  REQUIRE(file);
  std::ostringstream text;
  text << file.rdbuf();
  const std::string trace = trace_of(text.str());
  const std::string key = R"("violation":{"at":)";
  const std::size_t violation = trace.find(key);
  REQUIRE(violation != std::string::npos);
  CHECK(trace.find("leader completeness", violation) != std::string::npos);
  // The event it names is the last one, of kind violation.
  const std::size_t events = trace.find(R"("events":[)");
  std::size_t count = 0;
  for (std::size_t at = trace.find(R"({"t":)", events); at < violation;
       at = trace.find(R"({"t":)", at + 1)) {
    ++count;
  }
  const std::size_t number = violation + key.size();
  const std::string at = trace.substr(number, trace.find(',', number) - number);
  CHECK(std::stoul(at) + 1 == count);
}

TEST_CASE("viewer: a written page holds the template and the trace, once") {
  viewer::Page page("paxos", {"title", "标题"}, narration::Lang::zh, {"A"});
  page.add_event(R"({"t":0,"k":"crash","n":"A"})");
  std::ostringstream out;
  page.write(out);
  const std::string html = out.str();
  CHECK(html.find("/*TRACE*/") == std::string::npos);
  CHECK(html.find(R"("title":{"en":"title","zh":"标题"},"lang":"zh")") != std::string::npos);
  CHECK(html.find("<!doctype html>") == 0);
}

TEST_CASE("viewer: the commit rule is named where the leader decides, not for what follows it") {
  const std::string trace = trace_of(R"(protocol raft
nodes A B C
set election-timeout A=10000 B=10000 C=10000
set-log A 1 1 2
timeout A
deliver-all
advance 100
deliver-all
)");
  // A, leader of term 3, counts replicas only for its own term's entry (4)...
  CHECK(event_saying(trace, "A commits (4, 3").find(R"("rule":"commit-current-term-only")") !=
        std::string::npos);
  // ...the entries before it are committed along with it, by no rule of their own,
  CHECK(event_saying(trace, "A commits (1, 1").find("\"rule\"") == std::string::npos);
  CHECK(event_saying(trace, "A commits (3, 2").find("\"rule\"") == std::string::npos);
  // and a follower learns the commit index from the leader.
  CHECK(event_saying(trace, "B commits (4, 3").find("\"rule\"") == std::string::npos);
}
