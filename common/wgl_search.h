// The WGL search of one key's history (Wing & Gong 1993, with Lowe's 2017
// memoization): the engine behind check_linearizable (linearizability.h).
// Internal to common/: the operations are already numbered per key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace consensus_lab::wgl {

inline constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
inline constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

// One operation of one key as the search sees it. Values are numbered
// (0 = absent), so the register's state is a small number too.
struct Op {
  bool put = false;
  std::uint32_t value = 0;  // put: the value written; read: the value read
  std::uint64_t call = 0;
  std::optional<std::uint64_t> ret;  // nullopt: pending
};

enum class Outcome { linearizable, not_linearizable, gave_up, malformed };
struct Searched {
  Outcome outcome = Outcome::linearizable;
  std::uint64_t states = 0;  // configurations explored
};

// Is there a legal order of `ops` that respects real time? Gives up after
// `max_states` configurations.
Searched search(const std::vector<Op>& ops, std::uint64_t max_states);

}  // namespace consensus_lab::wgl
