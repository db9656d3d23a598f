// What a protocol role returns from every step (Multi-Paxos and Raft): what
// to make durable, then what to send, when to wake it, what it noted — or
// why the message it was handed is impossible. A driver writes `persist`
// before any message of the batch leaves the node (durable before visible).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/types.h"
#include "narration/text.h"

namespace consensus_lab {

template <class Message>
struct Outgoing {
  NodeId to;
  Message message;
};

template <class Message, class Persist, class Event>
struct RoleEffects {
  std::optional<Persist> persist;
  std::vector<Outgoing<Message>> send;
  std::optional<Millis> wake_at;
  std::vector<Event> events;
  // The message handed to handle() was impossible — no peer following the
  // protocol could have sent it (the role's check() says why): nothing else
  // was done. A real node logs this reason (in the reader's language) and
  // closes the connection it came on.
  std::optional<narration::Text> refused;
};

}  // namespace consensus_lab
