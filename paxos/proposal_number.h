// Proposals and their numbers — notes, Basic Paxos: "使用[n, v]表示一个提案，
// 其中 n 为提案编号，v 为提议值" (a proposal is written [n, v]: n is the
// proposal number, v the proposed value), and 小结: "提案编号的大小代表着优先级"
// (the size of a proposal number is its priority).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace consensus_lab::paxos {

// 提案编号. A strong type, so that a number is never confused with a value or a
// count. Numbers start at 1; "no number yet" is std::optional<ProposalNumber>.
struct ProposalNumber {
  std::uint64_t value = 0;
  friend auto operator<=>(const ProposalNumber&, const ProposalNumber&) = default;
};

// 提议值. Basic Paxos values are words or integers ("7", "x=3").
using Value = std::string;

// 提案 [n, v].
struct Proposal {
  ProposalNumber number;
  Value value;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

std::string to_string(ProposalNumber number);     // "5"
std::string to_string(const Proposal& proposal);  // "[5, 7]"

// How proposers keep their numbers unique (two proposers must never use the
// same number, or two different values could be accepted under one number).
//
// With `count` proposers, proposer k (1 ≤ k ≤ count) owns the numbers
// k, k + count, k + 2·count, …  — e.g. with 3 proposers, proposer 2 owns
// 2, 5, 8, 11, …  This returns the smallest number owned by proposer k that is
// greater than `above` (pass 0 for its first number).
//
// The demos may instead start with the notes' literal numbers (1 and 5);
// a retry always goes through this function.
ProposalNumber next_owned_number(std::uint64_t k, std::uint64_t count, ProposalNumber above);

}  // namespace consensus_lab::paxos
