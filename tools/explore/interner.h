// Each distinct value once, named by a number in the order first seen: how
// the explorer keeps node states and messages (tools/explore/paxos_model.cpp),
// so that a state is a row of numbers. hash_of(const T&) is found by
// argument-dependent lookup; equal values must hash alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tools/explore/state_space.h"

namespace consensus_lab::explore {

inline std::uint64_t mix(std::uint64_t h, std::uint64_t value) {
  h = (h ^ value) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 31);
}

// A message in flight from one node to another, named by their positions.
// Equal messages hash alike: by their type and the words that name their
// content (paxos::message_words, raft::message_words,
// multipaxos::message_words, found by argument-dependent lookup).
template <class Message>
struct Sent {
  Word from, to;
  Message message;
  friend bool operator==(const Sent&, const Sent&) = default;
};
template <class Message>
std::uint64_t hash_of(const Sent<Message>& sent) {
  std::uint64_t h = mix(sent.from * 64 + sent.to, sent.message.index());
  for (const auto& word : message_words(sent.message)) h = mix(h, std::hash<std::string>{}(word));
  return h;
}

template <class T>
class Interner {
 public:
  Word id(T item) {
    const std::uint64_t hash = hash_of(item);
    auto [first, last] = by_hash_.equal_range(hash);
    for (; first != last; ++first) {
      if (items_[first->second] == item) return first->second;
    }
    const auto id = static_cast<Word>(items_.size());
    items_.push_back(std::move(item));
    by_hash_.emplace(hash, id);
    return id;
  }
  // Valid until the next id(): the values live in one vector.
  const T& operator[](Word id) const { return items_[id]; }
  std::size_t size() const { return items_.size(); }
  // About what the values take, at `each` bytes apiece, and the index.
  std::size_t bytes(std::size_t each) const { return items_.size() * (each + 32); }

 private:
  std::vector<T> items_;
  std::unordered_multimap<std::uint64_t, Word> by_hash_;
};

}  // namespace consensus_lab::explore
