// The rules a page names, with their words and a link to their code.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "common/named_rule.h"
#include "viewer/page.h"

namespace consensus_lab::viewer {

struct RuleLocation {
  std::string_view file;  // from the source tree's top: "paxos/acceptor.cpp"
  std::uint64_t line;
};

// Where `protocol`'s code reads the rule whose switch is `member`
// ("promise1", "vote_restriction"): found at build time
// (cmake/RuleLocations.cmake), so that it follows the code.
std::optional<RuleLocation> rule_location(std::string_view protocol, std::string_view member);

// Every rule of a protocol's table (paxos::kRuleNames …) into `page`, keyed
// by its name (promise1, vote-restriction), with its words and its line.
template <class Rules, std::size_t N>
void add_rules(Page& page, std::string_view protocol, const NamedRule<Rules> (&table)[N]) {
  for (const NamedRule<Rules>& rule : table) {
    std::string member(rule.name);
    std::replace(member.begin(), member.end(), '-', '_');
    if (auto where = rule_location(protocol, member)) {
      page.rule(std::string(rule.name), {std::string(rule.en), std::string(rule.zh)},
                std::string(where->file), where->line);
    }
  }
}

}  // namespace consensus_lab::viewer
