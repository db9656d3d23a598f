// Raft's messages on the wire (net/wire.h):
//
//   RequestVote term 5 candidate A last-log 3 2           (+ " transfer" after TimeoutNow)
//   Vote term 5 granted yes
//   AppendEntries term 4 leader A prev 3 1 commit 2 entries 1 [ 4 put x 3 c7 12 ]
//   AppendReply term 4 success yes match 3 last 3
//   PreVote term 6 candidate A last-log 3 2
//   PreVoteReply term 6 granted yes
//   TimeoutNow term 5
#pragma once

#include <string>
#include <string_view>

#include "raft/messages.h"

namespace consensus_lab::net {

std::string encode(const raft::Message& message);
raft::Message decode_raft(std::string_view line);  // throws DecodeError

}  // namespace consensus_lab::net
