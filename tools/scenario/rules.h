// The safety rules of each protocol, by name, as the tools use them: read
// from the table next to each Rules struct (paxos/rules.h,
// multipaxos/rules.h, raft/server.h), so that `set rule NAME off`,
// `conlab check --rule NAME=off` and the help texts know the same names.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/named_rule.h"
#include "tools/scenario/script.h"

namespace consensus_lab::scenario {

// A rule as the help shows it: its name and one line in each language.
struct RuleText {
  std::string_view name, en, zh;
};

template <class Rules>
std::vector<RuleText> rule_texts(std::span<const NamedRule<Rules>> table) {
  std::vector<RuleText> texts;
  for (const auto& rule : table) texts.push_back({rule.name, rule.en, rule.zh});
  return texts;
}

// The rules of `protocol` (paxos, multipaxos, raft), in the order of its
// table; none for any other word.
std::vector<RuleText> rules_of(const std::string& protocol);

// "unknown rule 'NAME' for PROTOCOL (promise1, promise2, …)", and in Chinese
// "`PROTOCOL` 没有规则 'NAME'（可用：`promise1`、`promise2`、…）".
Text unknown_rule(const std::string& protocol, const std::string& name);

// `rules` with the rule called `name` switched on or off; fails with
// unknown_rule() for a name that is not in `table`.
template <class Rules>
Rules switch_rule(std::span<const NamedRule<std::type_identity_t<Rules>>> table, Rules rules,
                  const std::string& protocol, const std::string& name, bool on) {
  for (const auto& rule : table) {
    if (rule.name == name) {
      rules.*rule.flag = on;
      return rules;
    }
  }
  fail(unknown_rule(protocol, name));
}

}  // namespace consensus_lab::scenario
