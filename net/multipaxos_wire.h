// Multi-Paxos's messages on the wire (net/wire.h):
//
//   Prepare ballot 5 from 2
//   Promise ballot 5 from 2 accepted 1 [ 2 4 put x 3 c7 12 ]
//   Reject ballot 5 promised 7
//   Accept ballot 5 slot 2 commit 1 [ put x 3 c7 12 ]
//   Accepted ballot 5 slot 2
//   Heartbeat ballot 5 commit 2 sent-at 1200
//   HeartbeatOk ballot 5 sent-at 1200
//   CatchUp from 3
//   Chosen slots 1 [ 3 noop ]
#pragma once

#include <string>
#include <string_view>

#include "multipaxos/messages.h"

namespace consensus_lab::net {

std::string encode(const multipaxos::Message& message);
multipaxos::Message decode_multipaxos(std::string_view line);  // throws DecodeError

}  // namespace consensus_lab::net
