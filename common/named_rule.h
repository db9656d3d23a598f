// A safety rule by name. Each protocol lists the switches of its Rules struct
// in a table of these, next to the struct (paxos/rules.h, multipaxos/rules.h,
// raft/server.h): the one place the names are written. Scenario files
// (`set rule NAME off`), `conlab check --rule NAME=off` and the help texts
// all read them from there.
#pragma once

#include <string_view>

namespace consensus_lab {

template <class Rules>
struct NamedRule {
  std::string_view name;  // promise1, vote-restriction, …
  bool Rules::*flag;      // the switch it names
  std::string_view en;    // what the rule guarantees, in one line
  std::string_view zh;    // the same, in the notes' words
};

}  // namespace consensus_lab
