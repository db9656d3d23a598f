// The few names shared by every protocol and by both drivers (the simulator
// and real mode): who a node is, what time it is, where randomness comes from.
//
// Protocol code (paxos/, multipaxos/, raft/) reads no clock and no global
// random generator: time reaches a role only as a `Millis now` argument, and
// randomness only through a `RandomSource&` that its driver passes in.
#pragma once

#include <cstdint>
#include <string>

namespace consensus_lab {

// A node's name: "A", "B", "client1". Letters, digits, '_' and '-'.
using NodeId = std::string;

// Virtual (simulated) or real time, in milliseconds.
using Millis = std::int64_t;

// The one door through which randomness enters a role. The simulator's
// implementation is a seeded generator, so a seed fixes every random choice.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // A number drawn uniformly from [low, high] (both included; low <= high).
  virtual std::uint64_t between(std::uint64_t low, std::uint64_t high) = 0;
};

}  // namespace consensus_lab
