// ReadIndex batching (Ongaro's thesis §6.4: "To improve efficiency further,
// the leader can amortize the cost of confirming its leadership: it can use
// a single round of heartbeats for any number of read-only queries that it
// has accumulated"; etcd's server gathers the reads that arrive while one
// ReadIndex is under way into the next one).
//
// A read that arrives while a round started for reads is unconfirmed does
// not start its own: it waits for the NEXT round — which starts when the one
// under way is confirmed (or at the next heartbeat, whichever comes first) —
// not for the one under way. Why not that one: it was sent before the read
// arrived, and its acknowledgments may have been sent before the read
// arrived too — before a later leader, elected meanwhile, committed a write
// the read must see (the reason step 2 asks for a new round). The next round
// starts after every read waiting for it arrived, so its majority proves
// that this server still led after they arrived; N reads that arrive
// together cost at most two rounds — one if none is under way.
#include "raft/server.h"

#include <algorithm>

namespace consensus_lab::raft {

// A round for the reads waiting for one — every read with round 0.
void Server::start_read_round(Millis now) {
  start_round(now);  // gives every waiting read this round
  read_round_ = round_;
}

// After each message: once the round under way is confirmed, the reads that
// arrived meanwhile get the next one at once (not at the next heartbeat).
void Server::start_waiting_read_round(Millis now, Effects& effects) {
  if (role_ != Role::leader || config_.features.read_mode == ReadMode::log) return;
  confirm_rounds(effects);
  const bool waiting = std::any_of(pending_reads_.begin(), pending_reads_.end(),
                                   [](const PendingRead& r) { return r.round == 0; });
  if (!waiting || read_round_ > confirmed_round_) return;
  start_read_round(now);
  broadcast_append_entries(effects);
}

}  // namespace consensus_lab::raft
