#include "sim/rng.h"

#include <limits>
#include <stdexcept>

namespace consensus_lab::sim {

std::uint64_t Rng::between(std::uint64_t low, std::uint64_t high) {
  if (low > high) throw std::invalid_argument("Rng::between: low > high");
  const std::uint64_t span = high - low;
  if (span == std::numeric_limits<std::uint64_t>::max()) return next();
  const std::uint64_t range = span + 1;
  // Reject the first (2^64 mod range) values so every residue is equally likely.
  const std::uint64_t threshold = (0 - range) % range;
  for (;;) {
    const std::uint64_t r = next();
    if (r >= threshold) return low + r % range;
  }
}

bool Rng::chance(unsigned percent) {
  if (percent == 0) return false;
  if (percent >= 100) return true;
  return between(0, 99) < percent;
}

}  // namespace consensus_lab::sim
