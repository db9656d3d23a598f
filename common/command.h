// What a replicated log holds — a Multi-Paxos slot or a Raft entry: client
// commands for the key-value state machine (`x=3`, printed x←3), `noop` (a
// new Multi-Paxos master's gap filler, a new Raft leader's first entry), and
// Multi-Paxos membership changes (notes, 落地：Chubby: "实现了成员变更"). Both
// protocols apply what they commit to the same KeyValueStore.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/types.h"

namespace consensus_lab {

struct Command {
  // read: a read ordered through the log — it changes nothing, and its answer
  // is the state machine's value for `key` when it is applied.
  enum class Kind { put, noop, add_replica, remove_replica, read, add_learner };
  Kind kind = Kind::noop;
  std::string key;    // put: the key; membership: the replica
  std::string value;  // put: the value
  // Who asked, and their request number: a command re-submitted after a
  // master change is applied once (the state machine remembers the last
  // number it applied per client). Empty client: no de-duplication.
  std::string client;
  std::uint64_t sequence = 0;

  static Command put(std::string key, std::string value, std::string client = {},
                     std::uint64_t sequence = 0);
  static Command noop() { return Command{}; }
  static Command add(NodeId replica);
  static Command remove(NodeId replica);
  // Raft (thesis §4.2.1): a server joins as a learner before it votes.
  static Command learner(NodeId server);
  static Command read(std::string key, std::string client = {}, std::uint64_t sequence = 0);
  friend bool operator==(const Command&, const Command&) = default;
};

// How a command is written: a put as KEY, `assign`, VALUE; a noop as "noop";
// the others as their word, `before_key`, KEY.
struct Spelling {
  const char* assign;
  const char* add;
  const char* remove;
  const char* read;
  const char* before_key;
  const char* learner = "learner";
};
std::string spell(const Command& command, const Spelling& spelling);

// "x←3", "noop", "add D", "remove C", "learner D" (the notes' notation for narration).
std::string to_string(const Command& command);
// "x=3", "noop", "add:D", "remove:C", "learner:D" (the scenario files' notation).
std::string to_scenario_word(const Command& command);

// The replicated key-value state machine. Commands are applied in slot
// order, each exactly once.
class KeyValueStore {
 public:
  // Apply one chosen command; false if it was a client's repeat (skipped).
  bool apply(const Command& command);
  std::optional<std::string> get(const std::string& key) const;
  const std::map<std::string, std::string>& data() const { return data_; }

  // The whole state — the data and each client's last applied request number
  // (without it, a request repeated after a snapshot would apply twice) — as
  // text, the same for the same state: "<count>;" then each string as
  // "<length>:<bytes>" (a key, its value, …; a client, its number, …). A Raft
  // snapshot (paper §7) carries it; restore() takes it back, and refuses
  // (false, the store unchanged) text save() never wrote.
  std::string save() const;
  bool restore(std::string_view text);
  // The same state in parts (a real node's data directory keeps a snapshot
  // as rows): the data, and each client's last applied request number.
  const std::map<std::string, std::uint64_t>& clients() const { return last_sequence_; }
  KeyValueStore() = default;
  KeyValueStore(std::map<std::string, std::string> data,
                std::map<std::string, std::uint64_t> clients)
      : data_(std::move(data)), last_sequence_(std::move(clients)) {}
  friend bool operator==(const KeyValueStore&, const KeyValueStore&) = default;

 private:
  std::map<std::string, std::string> data_;
  std::map<std::string, std::uint64_t> last_sequence_;  // per client
};

}  // namespace consensus_lab
