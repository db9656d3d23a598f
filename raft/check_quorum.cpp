// Check-quorum (Ongaro's thesis §6.2; etcd-io/raft's checkQuorum): "a leader
// steps down if an election timeout elapses without a successful round of
// heartbeats to a majority of its cluster" — and its other half (§4.2.3), the
// lease every server keeps after hearing from a leader, in which it refuses
// to help a newcomer depose that leader (raft/prevote.cpp).
//
// Why it is safe: stepping down in its own term makes the leader a follower
// of a term it already led; no other server can lead that term (Election
// Safety), so there are no longer two views of who leads. The votes refused
// in the lease only make elections fewer. The lease is the leader's guarantee
// (lease reads): for the minimum election timeout after a server heard from
// it, that server helps elect nobody — so no new leader exists while a
// majority is within its lease.
#include "common/quorum.h"
#include "raft/server.h"

namespace consensus_lab::raft {

// The one place the lease is decided. A leader is in its lease while it
// leads (with check-quorum it steps down when its quorum check fails); any
// other server while less than the minimum election timeout has passed since
// it heard from the leader of its term (Server::heard_from_leader_at_).
bool Server::in_lease(Millis now) const {
  if (role_ == Role::leader) return true;
  return heard_from_leader_at_ &&
         now < *heard_from_leader_at_ + config_.timing.election_timeout_min;
}

// Every minimum election timeout the leader counts the servers it heard from
// in that period (itself included). Why the minimum: heartbeats go every
// `heartbeat` ms (50 < 150), so a connected majority answers well within it,
// and the leader learns it is cut off no later than the servers on the other
// side can elect a new leader (they wait at least that long too).
// False: it stepped down.
bool Server::check_quorum_holds(Millis now, Effects& effects, RandomSource& random) {
  if (!config_.features.check_quorum || now < quorum_check_at_) return true;
  const Millis since = quorum_check_at_ - config_.timing.election_timeout_min;
  std::set<NodeId> heard{config_.self};  // itself (if it is a voter: it counts only then)
  for (const auto& [server, at] : heard_from_) {
    if (is_peer(server) && at >= since) heard.insert(server);
  }
  quorum_check_at_ = now + config_.timing.election_timeout_min;
  if (majority_of_voters(heard)) return true;
  effects.events.push_back(event::LostQuorum{hard_.current_term, voters_among(heard)});
  become_follower(hard_.current_term, effects, /*lost_quorum=*/true);
  leader_hint_.reset();
  reset_election_timer(now, random);
  return false;
}

}  // namespace consensus_lab::raft
