#include "paxos/proposal_number.h"

#include <stdexcept>

namespace consensus_lab::paxos {

std::string to_string(ProposalNumber number) {
  return std::to_string(number.value);
}

std::string to_string(const Proposal& proposal) {
  return "[" + to_string(proposal.number) + ", " + proposal.value + "]";
}

ProposalNumber next_owned_number(std::uint64_t k, std::uint64_t count, ProposalNumber above) {
  if (count == 0 || k == 0 || k > count) {
    throw std::invalid_argument("next_owned_number: need 1 <= k <= count");
  }
  if (above.value < k) return ProposalNumber{k};
  // The owned numbers are k + m·count; take the first m with k + m·count > above.
  const std::uint64_t m = (above.value - k) / count + 1;
  return ProposalNumber{k + m * count};
}

}  // namespace consensus_lab::paxos
