#include "viewer/rules.h"

namespace consensus_lab::viewer {

namespace {

struct Entry {
  std::string_view protocol, member, file;
  std::uint64_t line;
};

constexpr Entry kLocations[] = {
#include "rule_locations.inc"
};

}  // namespace

std::optional<RuleLocation> rule_location(std::string_view protocol, std::string_view member) {
  for (const Entry& entry : kLocations) {
    if (entry.protocol == protocol && entry.member == member) {
      return RuleLocation{entry.file, entry.line};
    }
  }
  return std::nullopt;
}

}  // namespace consensus_lab::viewer
