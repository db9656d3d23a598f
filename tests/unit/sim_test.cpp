// The simulator on its own, driven by a toy protocol (it knows no other):
// determinism, manual and timed driving, and each fault doing what it says.
#include <doctest/doctest.h>

#include <sstream>

#include "sim/world.h"

using namespace consensus_lab;
using namespace consensus_lab::sim;

namespace toy {

struct Ping {
  int n;
};
struct Pong {
  int n;
};
using Message = std::variant<Ping, Pong>;
inline std::string_view message_type(const Message& m) {
  return std::holds_alternative<Ping>(m) ? "ping" : "pong";
}
struct Event {
  std::string what;
};

using ToyWorld = World<Message, Event>;
using ToyContext = Context<Message, Event>;

// Answers every Ping with a Pong. With a peer, its timer sends a Ping to it
// every `period` ms. Counts what it received (volatile) and keeps `disk`.
class Node final : public Process<Message, Event> {
 public:
  explicit Node(std::optional<NodeId> peer = {}, Millis period = 10)
      : peer_(peer), period_(period) {}
  void on_message(ToyContext& context, const NodeId& from, const Message& message) override {
    ++received;
    if (const auto* ping = std::get_if<Ping>(&message)) {
      context.send(from, Pong{ping->n});
      ++disk;
    } else {
      context.note({"pong " + std::to_string(std::get<Pong>(message).n)});
    }
  }
  void on_timer(ToyContext& context) override {
    ++timers;
    if (peer_) context.send(*peer_, Ping{timers});
    context.wake_at(context.now() + period_);
  }
  void on_crash() override {
    received = 0;
    timers = 0;
    ++crashes;
  }
  void on_restart(ToyContext&) override { ++restarts; }
  void start(ToyContext& context) { context.wake_at(context.now() + period_); }

  int received = 0, timers = 0, disk = 0, crashes = 0, restarts = 0;

 private:
  std::optional<NodeId> peer_;
  Millis period_;
};

struct Cluster {
  ToyWorld world;
  Node* a;
  Node* b;
  Node* c;
  explicit Cluster(std::uint64_t seed = 1) : world(seed) {
    auto na = std::make_unique<Node>("B");
    auto nb = std::make_unique<Node>();
    auto nc = std::make_unique<Node>();
    a = na.get();
    b = nb.get();
    c = nc.get();
    world.add_node("A", std::move(na));
    world.add_node("B", std::move(nb));
    world.add_node("C", std::move(nc));
  }
  void send(const NodeId& from, const NodeId& to, Message m) {
    world.act(from, [&](ToyContext& context) { context.send(to, m); });
  }
};

// A trace as text, to compare runs byte for byte.
std::string render(const ToyWorld& world) {
  std::ostringstream out;
  for (const auto& record : world.trace()) {
    out << record.at << ' ' << record.what.index();
    std::visit(
        [&](const auto& what) {
          using T = std::decay_t<decltype(what)>;
          if constexpr (requires { what.from; }) out << ' ' << what.from << "->" << what.to;
          if constexpr (std::is_same_v<T, Noted<Event>>) out << ' ' << what.event.what;
        },
        record.what);
    out << '\n';
  }
  return out.str();
}

}  // namespace toy

using toy::Cluster;
using toy::Ping;
using toy::Pong;

TEST_CASE("Simulator: the seeded generator gives the same numbers on every machine") {
  Rng rng(1);
  std::vector<std::uint64_t> drawn;
  for (int i = 0; i < 8; ++i) drawn.push_back(rng.between(0, 9));
  // std::mt19937_64 is fully specified and between() is ours, so these are
  // the same with every standard library.
  CHECK(drawn == std::vector<std::uint64_t>{8, 2, 0, 6, 4, 9, 8, 5});
  Rng wide(7);
  for (int i = 0; i < 1000; ++i) {
    const auto x = wide.between(150, 300);
    CHECK((x >= 150 && x <= 300));
  }
  CHECK(Rng(3).between(5, 5) == 5);
  CHECK_THROWS(Rng(3).between(6, 5));
}

TEST_CASE("Simulator: same seed, same trace — byte for byte, another seed, another run") {
  auto run = [](std::uint64_t seed) {
    Cluster cluster(seed);
    cluster.world.set_latency({1, 30});
    cluster.world.set_drop_percent(20);
    cluster.world.act("A", [&](toy::ToyContext& context) { cluster.a->start(context); });
    cluster.world.run(500);
    return toy::render(cluster.world);
  };
  CHECK(run(42) == run(42));
  CHECK(run(42) != run(43));
}

TEST_CASE(
    "Simulator manual mode: deliver takes the oldest message on the link, of a type if given") {
  Cluster cluster;
  auto& world = cluster.world;
  cluster.send("A", "B", Ping{1});
  cluster.send("A", "B", Ping{2});
  cluster.send("C", "B", Ping{3});
  CHECK(world.queued("A", "B") == 2);
  CHECK(world.deliver("A", "B"));
  CHECK(world.queued("B", "A") == 1);  // the reply is queued, not delivered
  CHECK_FALSE(world.deliver("A", "B", "pong"));
  CHECK_FALSE(world.deliver("A", "C"));
  CHECK(world.deliver("B", "A", "pong"));
  CHECK(cluster.a->received == 1);
  const auto& noted = std::get<Noted<toy::Event>>(world.trace().back().what);
  CHECK(noted.event.what == "pong 1");
  CHECK_THROWS_AS(world.deliver("A", "Z"), UsageError);
}

TEST_CASE("Simulator: deliver-all goes in send order, replies included, and the clock stays") {
  Cluster cluster;
  auto& world = cluster.world;
  cluster.send("A", "B", Ping{1});
  cluster.send("C", "B", Ping{2});
  CHECK(world.deliver_all() == 4);
  CHECK(world.now() == 0);
  std::vector<std::string> order;
  for (const auto& record : world.trace()) {
    if (const auto* d = std::get_if<Delivered<toy::Message>>(&record.what)) {
      order.push_back(d->from + "->" + d->to);
    }
  }
  CHECK(order == std::vector<std::string>{"A->B", "C->B", "B->A", "B->C"});
}

TEST_CASE("Simulator faults: drop and duplicate a chosen message") {
  Cluster cluster;
  auto& world = cluster.world;
  cluster.send("A", "B", Ping{1});
  cluster.send("A", "B", Ping{2});
  SUBCASE("drop: the message is gone, the next one is next") {
    CHECK(world.drop("A", "B"));
    CHECK(world.queued("A", "B") == 1);
    world.deliver("A", "B");
    CHECK(std::get<Pong>(world.queued_messages().back().second).n == 2);
    CHECK(world.stats().dropped == 1);
  }
  SUBCASE("duplicate: a copy right behind the original, both delivered") {
    CHECK(world.duplicate("A", "B"));
    CHECK(world.queued("A", "B") == 3);
    world.deliver("A", "B");
    world.deliver("A", "B");
    CHECK(cluster.b->received == 2);
    CHECK(world.queued("B", "A") == 2);
    for (const auto& [link, message] : world.queued_messages()) {
      if (link.first == "B") CHECK(std::get<Pong>(message).n == 1);
    }
  }
}

TEST_CASE("Simulator timed mode: latency, reordering, loss at a rate, timers in time order") {
  SUBCASE("a message arrives after its latency") {
    Cluster cluster;
    cluster.world.set_latency({25, 25});
    cluster.send("A", "B", Ping{1});
    cluster.world.run(24);
    CHECK(cluster.b->received == 0);
    cluster.world.run(1);
    CHECK(cluster.b->received == 1);
    CHECK(cluster.world.now() == 25);
  }
  SUBCASE("a message type can have a latency of its own: the answer waits, the request not") {
    Cluster cluster;
    cluster.world.set_latency({2, 2});
    cluster.world.set_latency_of("pong", {13, 13});
    cluster.send("A", "B", Ping{1});
    cluster.world.run(2);
    CHECK(cluster.b->received == 1);  // the ping, after 2
    cluster.world.run(12);
    CHECK(cluster.a->received == 0);
    cluster.world.run(1);
    CHECK(cluster.a->received == 1);  // its pong, 13 later
    CHECK(cluster.world.now() == 15);
  }
  SUBCASE("random latency reorders messages on one link") {
    Cluster cluster(5);
    cluster.world.set_latency({1, 100});
    for (int i = 1; i <= 20; ++i) cluster.send("C", "B", Ping{i});
    cluster.world.run(200);
    std::vector<int> arrived;  // the pings, in the order B got them
    for (const auto& record : cluster.world.trace()) {
      if (const auto* d = std::get_if<Delivered<toy::Message>>(&record.what)) {
        if (const auto* ping = std::get_if<Ping>(&d->message)) arrived.push_back(ping->n);
      }
    }
    REQUIRE(arrived.size() == 20);
    CHECK_FALSE(std::is_sorted(arrived.begin(), arrived.end()));
  }
  SUBCASE("drop rate 100: everything is lost; 0: nothing") {
    Cluster cluster;
    cluster.world.set_drop_percent(100);
    for (int i = 0; i < 10; ++i) cluster.send("A", "B", Ping{i});
    cluster.world.run(100);
    CHECK(cluster.b->received == 0);
    CHECK(cluster.world.stats().dropped == 10);
  }
  SUBCASE("advance fires timers in order and leaves messages queued") {
    Cluster cluster;
    cluster.world.act("A", [&](toy::ToyContext& context) { cluster.a->start(context); });
    cluster.world.advance(35);
    CHECK(cluster.a->timers == 3);  // at 10, 20, 30
    CHECK(cluster.world.queued("A", "B") == 3);
    CHECK(cluster.b->received == 0);
    CHECK(cluster.world.now() == 35);
  }
}

TEST_CASE("Simulator faults: partition into groups, and heal") {
  Cluster cluster;
  auto& world = cluster.world;
  cluster.send("A", "B", Ping{1});
  cluster.send("A", "C", Ping{2});
  world.partition({{"A", "C"}, {"B"}});
  CHECK(world.queued("A", "B") == 0);  // cut by the partition
  CHECK(world.queued("A", "C") == 1);
  cluster.send("C", "B", Ping{3});
  CHECK(world.queued("C", "B") == 0);  // lost on the way
  SUBCASE("a node in no group talks to everyone") {
    world.partition({{"A"}, {"B"}});
    cluster.send("C", "A", Ping{4});
    cluster.send("C", "B", Ping{5});
    CHECK(world.queued("C", "A") == 1);
    CHECK(world.queued("C", "B") == 1);
  }
  SUBCASE("heal: everyone talks again") {
    world.heal();
    cluster.send("C", "B", Ping{6});
    CHECK(world.queued("C", "B") == 1);
  }
}

TEST_CASE("Simulator faults: crash loses volatile state and queued messages, restart comes back") {
  Cluster cluster;
  auto& world = cluster.world;
  world.act("A", [&](toy::ToyContext& context) { cluster.a->start(context); });
  cluster.send("C", "B", Ping{1});
  world.deliver("C", "B");
  cluster.send("A", "B", Ping{2});
  world.crash("B");
  CHECK(cluster.b->crashes == 1);
  CHECK(cluster.b->received == 0);  // volatile: gone
  CHECK(cluster.b->disk == 1);      // durable: kept
  CHECK(world.queued("B", "C") == 0);
  CHECK(world.queued("A", "B") == 0);
  CHECK_FALSE(world.is_up("B"));
  cluster.send("C", "B", Ping{3});
  CHECK(world.queued("C", "B") == 0);  // sent to a node that is down: lost
  SUBCASE("a crashed node's timer does not fire") {
    world.crash("A");
    world.advance(100);
    CHECK(cluster.a->timers == 0);
  }
  SUBCASE("restart") {
    world.restart("B");
    CHECK(cluster.b->restarts == 1);
    cluster.send("C", "B", Ping{4});
    CHECK(world.queued("C", "B") == 1);
  }
}

TEST_CASE("Simulator: invariants run after every event and stop the run with the trace") {
  Cluster cluster;
  auto& world = cluster.world;
  int checks = 0;
  world.add_invariant("B answers at most two pings", [&]() -> std::optional<std::string> {
    ++checks;
    if (cluster.b->disk > 2) return "B answered " + std::to_string(cluster.b->disk);
    return std::nullopt;
  });
  for (int i = 0; i < 5; ++i) cluster.send("A", "B", Ping{i});
  CHECK(checks == 5);  // one per act
  world.deliver("A", "B");
  world.deliver("A", "B");
  CHECK_FALSE(world.stopped());
  CHECK(world.deliver("A", "B"));
  REQUIRE(world.stopped());
  CHECK(world.violation()->invariant == "B answers at most two pings");
  CHECK(world.violation()->detail == "B answered 3");
  CHECK(std::holds_alternative<Violated>(world.trace().back().what));
  CHECK_FALSE(world.deliver("A", "B"));
  CHECK(cluster.b->disk == 3);
}

TEST_CASE("Simulator statistics: messages per type, and reset") {
  Cluster cluster;
  cluster.send("A", "B", Ping{1});
  cluster.send("A", "C", Ping{2});
  cluster.world.deliver_all();
  CHECK(cluster.world.stats().sent_of("ping") == 2);
  CHECK(cluster.world.stats().sent_of("pong") == 2);
  CHECK(cluster.world.stats().sent_of("all") == 4);
  cluster.world.reset_stats();
  CHECK(cluster.world.stats().sent_of("all") == 0);
}
