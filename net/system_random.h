// Real randomness for election timeouts, through the one door protocols have
// (common/types.h): a real node draws its timeouts from the operating
// system's entropy, not from a seed.
#pragma once

#include <cstdint>
#include <random>

#include "common/types.h"

namespace consensus_lab::net {

class SystemRandom final : public RandomSource {
 public:
  SystemRandom() : engine_(std::random_device{}()) {}
  std::uint64_t between(std::uint64_t low, std::uint64_t high) override {
    return std::uniform_int_distribution<std::uint64_t>(low, high)(engine_);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace consensus_lab::net
