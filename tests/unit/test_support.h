// Helpers every protocol's tests share: a RandomSource that always draws the
// lowest value, and ways to pick out of a role's Effects what it sent or
// noted. (raft_test_support.h and multipaxos_test_support.h add each
// protocol's own.)
#pragma once

#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "common/types.h"

namespace consensus_lab::testing {

// The election timers always draw the shortest timeout.
class LowestDraw final : public RandomSource {
 public:
  std::uint64_t between(std::uint64_t low, std::uint64_t /*high*/) override { return low; }
};

// Every message of type T in `effects`, with its addressee.
template <class T, class Effects>
std::vector<std::pair<NodeId, T>> sent(const Effects& effects) {
  std::vector<std::pair<NodeId, T>> out;
  for (const auto& outgoing : effects.send) {
    if (const auto* message = std::get_if<T>(&outgoing.message)) {
      out.emplace_back(outgoing.to, *message);
    }
  }
  return out;
}

// Every event of type T in `effects`.
template <class T, class Effects>
std::vector<T> events(const Effects& effects) {
  std::vector<T> out;
  for (const auto& noted : effects.events) {
    if (const auto* found = std::get_if<T>(&noted)) out.push_back(*found);
  }
  return out;
}

}  // namespace consensus_lab::testing
