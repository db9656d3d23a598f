// A step of a run, as the explorer's models number it (tools/explore/*_model.cpp):
// one 32-bit word, its kind in the top four bits and what it acts on — a
// message's number, or a node's position — below. And what the faults'
// budgets have used, one byte each, in a state's first word.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

enum Kind : Word {
  kDeliver = 0,    // deliver a message in flight
  kDrop = 1,       // lose it (budget: drops)
  kDuplicate = 2,  // copy it (budget: duplicates)
  kCrash = 3,      // a server crashes (budget: crashes)
  kRestart = 4,    // a crashed server restarts (free)
  kTimer = 5,      // a node's timer fires (budget: timers)
  kPut = 6,        // a listed client put reaches the leader (raft, multipaxos)
  kAdvance = 7,    // multipaxos: the clock moves to the next timer due (budget: timers)
};

constexpr Word action(Kind kind, Word what) {
  return kind << 28 | what;
}
constexpr Kind kind_of(Word action) {
  return static_cast<Kind>(action >> 28);
}
constexpr Word what_of(Word action) {
  return action & 0x0FFFFFFF;
}
// A fault: the liveness question leaves these out (Model::fault).
constexpr bool is_fault(Word action) {
  const Kind k = kind_of(action);
  return k == kDrop || k == kDuplicate || k == kCrash;
}

constexpr Word kDropUsed = 1, kCopyUsed = 1 << 8, kCrashUsed = 1 << 16, kTimerUsed = 1 << 24;
constexpr Word used_of(Word used, Word unit) {
  return used / unit & 0xFF;
}

// The scenario command of a step: `crash`, `restart`, `timeout` (before a
// node), `deliver`, `drop`, `duplicate` (before a message), `put`, `advance`.
inline std::string command_of(Word action) {
  static const char* const words[] = {"deliver", "drop",    "duplicate", "crash",
                                      "restart", "timeout", "put",       "advance"};
  return words[kind_of(action)];
}

// A step's scenario line: `crash A` for a step of node `node`; `deliver A B
// TYPE WORDS…` for a step of a message (paxos::message_words,
// raft::message_words name its content).
inline std::string node_line(Word action, const std::string& node) {
  return command_of(action) + " " + node;
}
inline std::string message_line(Word action, const std::string& from, const std::string& to,
                                std::string_view type, const std::vector<std::string>& words) {
  std::string text = command_of(action) + " " + from + " " + to + " " + std::string(type);
  for (const auto& word : words) text += " " + word;
  return text;
}

}  // namespace consensus_lab::explore
