// The four messages of Basic Paxos — notes, 共识协商是二阶段提交 (consensus is
// negotiated in two phases):
//
//   phase 1  Prepare  (准备请求)   proposer → acceptors
//            Promise  (准备响应)   acceptor → proposer
//   phase 2  Accept   (接受请求)   proposer → acceptors
//            Accepted (通过)       acceptor → proposer and every learner
//
// There is no "rejection" message: the notes' acceptor simply does not respond
// (不响应, 不通过), and a proposer that hears nothing retries after a timeout.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "paxos/proposal_number.h"

namespace consensus_lab::paxos {

struct Prepare {
  ProposalNumber number;
  friend bool operator==(const Prepare&, const Prepare&) = default;
};

struct Promise {
  ProposalNumber number;  // the Prepare this answers
  // Promise 3 (三个承诺, 小结): the highest-numbered proposal this acceptor has
  // accepted, if any.
  std::optional<Proposal> accepted;
  friend bool operator==(const Promise&, const Promise&) = default;
};

struct Accept {
  Proposal proposal;
  friend bool operator==(const Accept&, const Accept&) = default;
};

struct Accepted {
  Proposal proposal;
  friend bool operator==(const Accepted&, const Accepted&) = default;
};

using Message = std::variant<Prepare, Promise, Accept, Accepted>;

// The message's type as the scenario files and statistics name it:
// "prepare", "promise", "accept", "accepted".
std::string_view message_type(const Message& message);

// One line in the notes' notation: "Prepare 5", "Promise 5 (accepted [1, 3])",
// "Accept [5, 7]", "Accepted [5, 7]".
std::string to_string(const Message& message);

// The message's content as a scenario line names it after its type
// (`deliver A client1 promise 5 1 3`): Prepare n → "n"; Promise n → "n none",
// or "n m v" when it carries [m, v]; Accept and Accepted [n, v] → "n v".
std::vector<std::string> message_words(const Message& message);

}  // namespace consensus_lab::paxos
