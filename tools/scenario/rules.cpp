#include "tools/scenario/rules.h"

#include "tools/scenario/protocol.h"

namespace consensus_lab::scenario {

std::vector<RuleText> rules_of(const std::string& protocol) {
  const auto factory = protocols().find(protocol);
  if (factory == protocols().end()) return {};
  return factory->second()->rules();
}

Text unknown_rule(const std::string& protocol, const std::string& name) {
  std::string en, zh;
  for (const RuleText& rule : rules_of(protocol)) {
    en += (en.empty() ? "" : ", ") + std::string(rule.name);
    zh += (zh.empty() ? "`" : "、`") + std::string(rule.name) + "`";
  }
  return {"unknown rule '" + name + "' for " + protocol + " (" + en + ")",
          "`" + protocol + "` 没有规则 '" + name + "'（可用：" + zh + "）"};
}

}  // namespace consensus_lab::scenario
