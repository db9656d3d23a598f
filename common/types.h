// The few names shared by every protocol and by both drivers (the simulator
// and real mode): who a node is, what time it is, where randomness comes from.
//
// Protocol code (paxos/, multipaxos/, raft/) reads no clock and no global
// random generator: time reaches a role only as a `Millis now` argument, and
// randomness only through a `RandomSource&` that its driver passes in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace consensus_lab {

// A node's name: "A", "B", "client1". Letters, digits, '_' and '-'.
using NodeId = std::string;

// Virtual (simulated) or real time, in ms (the election bench's worlds: µs).
using Millis = std::int64_t;

// The one door through which randomness enters a role. The simulator's
// implementation is a seeded generator, so a seed fixes every random choice.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // A number drawn uniformly from [low, high] (both included; low <= high).
  virtual std::uint64_t between(std::uint64_t low, std::uint64_t high) = 0;
};

// A fresh election timeout (Raft, and a Multi-Paxos replica waiting for its
// master): `fixed` if given, else drawn uniformly from [low, high] — notes,
// Raft › 随机超时时间: "心跳信息超时的时间间隔，是随机的".
inline Millis draw_timeout(RandomSource& random, Millis low, Millis high,
                           std::optional<Millis> fixed = std::nullopt) {
  if (fixed) return *fixed;
  return static_cast<Millis>(
      random.between(static_cast<std::uint64_t>(low), static_cast<std::uint64_t>(high)));
}

}  // namespace consensus_lab
