// Requests that change or show a Raft cluster's membership, on the client
// wire (net/client_wire.h; docs/real-cluster.md §5) — what `conlab cluster
// add-node|remove-node` sends, after the `client` first line:
//
//   meet ID HOST:PORT        → ok   (any node: it can now reach node ID)
//   change learner|add|remove ID
//                            → ok once the entry is committed (the leader),
//                              redirect ID | retry | error TEXT
//   members                  → value "VOTERS LEARNERS committed|pending"
//                              (the leader; each list "A,B,C" or "-")
//   watch                    → the node's events from now on, one per line,
//                              until the connection closes (the live view:
//                              net/live_report.h)
//
// The decoder is as strict as the others: a malformed line closes the
// connection.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "common/command.h"
#include "common/types.h"
#include "net/endpoint.h"

namespace consensus_lab::net {

struct MeetRequest {
  NodeId id;
  Endpoint where;
};
struct ChangeRequest {
  Command change;  // Command::learner, add or remove
};
struct MembersRequest {};
struct WatchRequest {};
using AdminRequest = std::variant<MeetRequest, ChangeRequest, MembersRequest, WatchRequest>;

// Does this client line start with one of the words above?
bool is_admin_request(std::string_view line);
std::string encode(const AdminRequest& request);
AdminRequest decode_admin_request(std::string_view line);  // throws DecodeError

}  // namespace consensus_lab::net
