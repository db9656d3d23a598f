#include "tools/scenario/rules.h"

#include "tools/scenario/protocol.h"

namespace consensus_lab::scenario {

std::vector<RuleText> rules_of(const std::string& protocol) {
  const auto factory = protocols().find(protocol);
  if (factory == protocols().end()) return {};
  return factory->second()->rules();
}

std::string unknown_rule(const std::string& protocol, const std::string& name) {
  std::string list;
  for (const RuleText& rule : rules_of(protocol)) {
    list += (list.empty() ? "" : ", ") + std::string(rule.name);
  }
  return "unknown rule '" + name + "' for " + protocol + " (" + list + ")";
}

}  // namespace consensus_lab::scenario
