// The simulator's one source of randomness: std::mt19937_64 seeded once per
// run, with our own range helpers. The standard library's distributions are
// not specified bit for bit and differ between implementations; ours are, so
// a seed means the same run on every machine (TigerBeetle's habit).
#pragma once

#include <cstdint>
#include <random>

#include "common/types.h"

namespace consensus_lab::sim {

class Rng final : public RandomSource {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }

  // Uniform in [low, high], both included, without modulo bias.
  std::uint64_t between(std::uint64_t low, std::uint64_t high) override;

  // True with probability percent / 100 (percent ≥ 100 is always true).
  bool chance(unsigned percent);

 private:
  std::mt19937_64 engine_;
};

}  // namespace consensus_lab::sim
