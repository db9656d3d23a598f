// The scenario commands that need only the simulator, for any protocol:
//
//   set latency MS | MIN..MAX      set drop PERCENT
//   deliver / drop / duplicate FROM TO [TYPE]      deliver-all
//   delay FROM TO [TYPE] MS        (hold a queued message back for MS ms)
//   advance MS    run MS    crash ID    restart ID
//   partition ID… | ID… [| ID…]    heal    reset-stats
//   expect sent TYPE [<=] N    expect queued FROM TO N    expect safe
//
// A protocol derives from WorldScenario (through ClusterScenario, below),
// gives it its world, and adds its own commands (execute_protocol),
// expectations (expect_protocol), settings (set_protocol) and rules (set_rule).
#pragma once

#include <algorithm>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/diagram.h"
#include "sim/narrator.h"
#include "sim/world.h"
#include "tools/scenario/protocol.h"

namespace consensus_lab::scenario {

template <class M, class E, class Describer>
class WorldScenario : public ProtocolScenario {
 public:
  void execute(const Line& line) override {
    const std::string& command = line.command();
    if (command == "set") return set(line);
    if (command == "expect") return expect(line);
    if (command == "deliver" || command == "drop" || command == "duplicate") return move(line);
    if (command == "delay") return delay(line);
    if (command == "deliver-all") {
      require_words(line, 1, 1, "deliver-all");
      return guarded([&] { world().deliver_all(); });
    }
    if (command == "advance" || command == "run") {
      require_words(line, 2, 2, command + " MS");
      const Millis duration = parse_millis(line[1], {command + " MS", "时长"});
      if (duration > kLongestStep) {
        fail({command + " moves the clock at most " + std::to_string(kLongestStep) +
                  " ms (one simulated hour) at a time",
              "`" + command + "` 一次最多让时钟前进 " + std::to_string(kLongestStep) +
                  " ms（模拟时间一小时）"});
      }
      return command == "run" ? world().run(duration) : world().advance(duration);
    }
    if (command == "crash" || command == "restart") {
      require_words(line, 2, 2, command + " ID");
      const NodeId& id = node(line[1]);
      const bool up = world().is_up(id);
      if (command == "crash" && !up) fail({id + " is down already", id + " 已经宕机"});
      if (command == "restart" && up) fail({id + " is not down", id + " 没有宕机"});
      return command == "crash" ? world().crash(id) : world().restart(id);
    }
    if (command == "partition") return partition(line);
    if (command == "heal") {
      require_words(line, 1, 1, "heal");
      return world().heal();
    }
    if (command == "reset-stats") {
      require_words(line, 1, 1, "reset-stats");
      return world().reset_stats();
    }
    if (!execute_protocol(line)) {
      fail({"unknown command '" + command + "'", "未知的命令 '" + command + "'"});
    }
  }

  std::optional<sim::Violated> violation() const override { return world().violation(); }

  void flush_narration() override {
    if (narrator_) narrator_->flush();
  }

  void write_diagram(std::ostream& out, narration::Lang lang) const override {
    sim::write_mermaid<M, E, Describer>(out, world().trace(), participants(), lang);
  }

  // ---- Checkable: what only needs the world ----
  bool is_up(const NodeId& id) const override { return world().is_up(id); }
  std::vector<QueuedMessage> queued_messages() const override {
    std::vector<QueuedMessage> out;
    world().for_each_queued([&](const NodeId& from, const NodeId& to, const M& message) {
      out.push_back({from, to, std::string(message_type(message))});
    });
    return out;
  }
  Millis now() const override { return world().now(); }
  std::uint64_t delivered() const override { return world().stats().delivered; }
  std::uint64_t events() const override { return world().events(); }
  void run_fast(bool check_invariants) override {
    world().keep_trace(false);
    world().check_after_every_event(check_invariants);
  }

 protected:
  virtual sim::World<M, E>& world() = 0;
  virtual const sim::World<M, E>& world() const = 0;
  // The diagram's columns, left to right.
  virtual std::vector<NodeId> participants() const = 0;
  // The protocol's message types, as scenario files name them.
  virtual std::vector<std::string> message_types() const = 0;
  virtual void set_rule(const std::string& name, bool on) = 0;
  // Each returns false for a command it does not know.
  virtual bool execute_protocol(const Line& line) = 0;
  virtual bool expect_protocol(const Line& line) = 0;
  virtual bool set_protocol(const Line& line) = 0;
  // A message's content as the words after its type on a `deliver`, `drop` or
  // `duplicate` line (paxos: paxos::message_words); none: this protocol's
  // messages are named by FROM TO TYPE only.
  virtual bool names_by_content() const { return false; }
  virtual std::vector<std::string> words_of(const M&) const { return {}; }

  // Call once the world exists: narrate it when the run is traced.
  void attach_narration(const Narration& narration) {
    if (!narration.trace || narration.out == nullptr) return;
    narrator_ = std::make_shared<sim::Narrator<M, E, Describer>>(
        *narration.out, typename sim::Narrator<M, E, Describer>::Options{
                            narration.lang, narration.colour, false, /*mark_time=*/true});
    auto narrator = narrator_;
    world().add_listener([narrator](const auto& record) { (*narrator)(record); });
  }

  // A known node id, or an error naming it.
  const NodeId& node(const std::string& word) const {
    if (!world().has_node(word)) {
      if (!is_node_id(word)) fail({"'" + word + "' is not a node id", "'" + word + "' 不是节点名"});
      fail({"unknown node " + word, "未知的节点 " + word});
    }
    return word;
  }

  // Fails unless node `id` is up.
  void require_up(const NodeId& id) const {
    if (!world().is_up(id)) fail({id + " is down", id + " 已宕机"});
  }

  void check_type(const std::string& type) const {
    const auto types = message_types();
    if (std::find(types.begin(), types.end(), type) != types.end()) return;
    std::string en, zh;
    for (const auto& t : types) {
      en += (en.empty() ? "" : ", ") + t;
      zh += (zh.empty() ? "`" : "、`") + t + "`";
    }
    fail({"unknown message type '" + type + "' (known: " + en + ")",
          "未知的消息类型 '" + type + "'（已知：" + zh + "）"});
  }

  // Runs a world call that may find messages that keep coming.
  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const sim::UsageError& error) {
      fail({error.what(), error.chinese()});
    }
  }

 private:
  void set(const Line& line) {
    if (line.size() < 2) {
      fail_usage("set latency|drop|rule|… VALUE");
    }
    const std::string& what = line[1];
    if (what == "latency") {
      require_words(line, 3, 3, "set latency MS | set latency MIN..MAX");
      const auto [low, high] = parse_range(line[2], {"latency", "延迟"});
      world().set_latency({low, high});
      return;
    }
    if (what == "drop") {
      require_words(line, 3, 3, "set drop PERCENT");
      const auto percent = parse_number(line[2], {"the drop rate", "丢失率"});
      if (percent > 100) {
        fail({"the drop rate is a percentage, 0 to 100, not " + line[2],
              "丢失率是百分比，从 0 到 100，而不是 " + line[2]});
      }
      world().set_drop_percent(static_cast<unsigned>(percent));
      return;
    }
    if (what == "rule") {
      require_words(line, 4, 4, "set rule NAME off|on");
      if (line[3] != "off" && line[3] != "on")
        fail({"set rule takes off or on, not '" + line[3] + "'",
              "`set rule` 后面跟 `off` 或 `on`，而不是 '" + line[3] + "'"});
      set_rule(line[2], line[3] == "on");
      return;
    }
    if (!set_protocol(line)) fail({"unknown setting '" + what + "'", "未知的设置 '" + what + "'"});
  }

  // The message a line names: FROM TO, and TYPE when the line has
  // `typed_size` words or more.
  struct Queued {
    const NodeId& from;
    const NodeId& to;
    std::optional<std::string_view> type;
  };
  Queued queued(const Line& line, std::size_t typed_size) const {
    const NodeId& from = node(line[1]);
    const NodeId& to = node(line[2]);
    std::optional<std::string_view> type;
    if (line.size() >= typed_size) {
      check_type(line[3]);
      type = line[3];
    }
    return {from, to, type};
  }

  // Unless the world stopped (an invariant broke): the message is not there.
  void require_found(bool found, const Queued& message, const std::string& content = {}) const {
    if (found || world().stopped()) return;
    const std::string type =
        message.type ? std::string(*message.type) + (content.empty() ? "" : " " + content) : "";
    fail({"no " + (type.empty() ? "" : type + " ") + "message is queued on " + message.from +
              " → " + message.to,
          message.from + " → " + message.to + " 上没有排队的" +
              (type.empty() ? "" : " `" + type + "` ") + "消息"});
  }

  // `deliver|drop|duplicate FROM TO [TYPE [WORDS…]]`: the oldest message
  // queued on the link, of TYPE, whose content is WORDS — or, if none is,
  // the oldest whose content begins with WORDS (an extension,
  // docs/scenarios.md: `deliver A client1 promise 5 1 3`). Exact first: a
  // line that names a message whole (as the explorer writes them) takes that
  // message even behind an older one whose words go on further
  // (`accepted ballot 1 slot 1` and `accepted ballot 1 slot 1 through 2`).
  void move(const Line& line) {
    const std::string& command = line.command();
    require_words(line, 3, line.size() < 5 ? 4 : line.size(), command + " FROM TO [TYPE [WORDS…]]");
    const Queued message = queued(line, 4);
    const auto typed = static_cast<std::ptrdiff_t>(std::min<std::size_t>(line.size(), 4));
    const std::vector<std::string> words(line.words.begin() + typed, line.words.end());
    typename sim::World<M, E>::Fits fits, whole;
    std::string content;
    if (!words.empty()) {
      fits = [this, &words](const M& m) {
        const auto have = words_of(m);
        return have.size() >= words.size() && std::equal(words.begin(), words.end(), have.begin());
      };
      whole = [this, &words](const M& m) { return words_of(m) == words; };
      for (const auto& word : words) content += (content.empty() ? "" : " ") + word;
      if (!message.type || !names_by_content()) {
        fail({"this protocol's messages are named by FROM TO TYPE only",
              "这个协议的消息只能用 FROM TO TYPE 指明"});
      }
    }
    const auto act = [&](const typename sim::World<M, E>::Fits& take) {
      if (command == "deliver")
        return world().deliver(message.from, message.to, message.type, take);
      if (command == "drop") return world().drop(message.from, message.to, message.type, take);
      return world().duplicate(message.from, message.to, message.type, take);
    };
    const bool found = (whole && act(whole)) || act(fits);
    require_found(found, message, content);
  }

  // `delay FROM TO [TYPE] MS`: the oldest queued message on the link (of
  // TYPE) arrives MS ms from now when the clock runs, not after its latency.
  void delay(const Line& line) {
    require_words(line, 4, 5, "delay FROM TO [TYPE] MS");
    const Queued message = queued(line, 5);
    const Millis duration = parse_millis(line[line.size() - 1], {"delay MS", "推迟的时长"});
    if (duration > kLongestStep) {
      fail({"delay holds a message at most " + std::to_string(kLongestStep) + " ms",
            "`delay` 最多把一条消息推迟 " + std::to_string(kLongestStep) + " ms"});
    }
    require_found(world().delay(message.from, message.to, message.type, duration), message);
  }

  void partition(const Line& line) {
    std::vector<std::vector<NodeId>> groups(1);
    std::set<NodeId> seen;
    for (std::size_t i = 1; i < line.size(); ++i) {
      // "A B | C", and also "A B|C": split each word at '|'.
      std::string word = line[i];
      std::size_t start = 0;
      for (;;) {
        const auto bar = word.find('|', start);
        const std::string part = word.substr(start, bar == std::string::npos ? bar : bar - start);
        if (!part.empty()) {
          const NodeId& id = node(part);
          if (!seen.insert(id).second) fail({id + " is in two groups", id + " 在两个组中"});
          groups.back().push_back(id);
        }
        if (bar == std::string::npos) break;
        groups.emplace_back();
        start = bar + 1;
      }
    }
    const std::string usage = "partition ID… | ID… [| ID…]";
    if (groups.size() < 2) fail_usage(usage);
    for (const auto& group : groups) {
      if (group.empty()) {
        fail({"a partition group is empty: usage: " + usage, "分区中有一组是空的；用法：" + usage});
      }
    }
    world().partition(groups);
  }

  void expect(const Line& line) {
    const Text message_count{"the message count", "消息数"};
    if (line.size() < 2) fail_usage("expect WHAT …");
    const std::string& what = line[1];
    if (what == "sent") {
      require_words(line, 4, 5, "expect sent TYPE N | expect sent TYPE <= N");
      const std::string& type = line[2];
      if (type != "all") check_type(type);
      const bool at_most = line.size() == 5;
      if (at_most && line[3] != "<=") {
        fail_usage("expect sent TYPE N | expect sent TYPE <= N");
      }
      const auto expected = parse_number(line[line.size() - 1], message_count);
      const auto actual = world().stats().sent_of(type);
      if (at_most ? actual > expected : actual != expected) {
        expect_failed(line.text().substr(7), "sent " + type + " " + std::to_string(actual));
      }
      return;
    }
    if (what == "queued") {
      require_words(line, 5, 5, "expect queued FROM TO N");
      const NodeId& from = node(line[2]);
      const NodeId& to = node(line[3]);
      const auto expected = parse_number(line[4], message_count);
      const auto actual = world().queued(from, to);
      if (actual != expected) {
        expect_failed(line.text().substr(7),
                      "queued " + from + " " + to + " " + std::to_string(actual));
      }
      return;
    }
    if (what == "safe") {
      require_words(line, 2, 2, "expect safe");
      world().check_invariants();  // a violation is reported by the runner
      return;
    }
    if (!expect_protocol(line)) {
      fail({"unknown expectation '" + what + "'", "未知的期望 '" + what + "'"});
    }
  }

  std::shared_ptr<sim::Narrator<M, E, Describer>> narrator_;
};

// A WorldScenario over one of the cluster classes (PaxosCluster,
// MultiPaxosCluster, RaftCluster): start() builds cluster_; the world and the
// diagram's columns are the cluster's, and `set rule` switches the rules of
// the cluster's options by the protocol's table of names.
template <class M, class E, class Describer, class Cluster>
class ClusterScenario : public WorldScenario<M, E, Describer> {
 public:
  using Rules = std::remove_cvref_t<decltype(std::declval<Cluster>().options().rules)>;

  // `protocol` as errors name it; `rules`: the table next to its Rules struct.
  ClusterScenario(std::string protocol, std::span<const NamedRule<Rules>> rules)
      : protocol_(std::move(protocol)), rules_(rules) {}

  std::vector<RuleText> rules() const override { return rule_texts(rules_); }
  // The cluster, once the header is over (the explorer starts from it).
  const Cluster& cluster() const { return *cluster_; }

 protected:
  void set_rule(const std::string& name, bool on) override {
    cluster_->set_rules(switch_rule(rules_, cluster_->options().rules, protocol_, name, on));
  }

  sim::World<M, E>& world() override { return cluster_->world(); }
  const sim::World<M, E>& world() const override { return std::as_const(*cluster_).world(); }
  std::vector<NodeId> participants() const override { return cluster_->participants(); }

  std::unique_ptr<Cluster> cluster_;

 private:
  std::string protocol_;
  std::span<const NamedRule<Rules>> rules_;
};

}  // namespace consensus_lab::scenario
