// "A leader that keeps its majority is not deposed" — what pre-vote (thesis
// §9.6) and check-quorum (§6.2, §4.2.3) buy together, as a property the
// checker can test (`set leader-stability on`, which `conlab check raft
// --faults partition` sets). The picture: a server cut off for a
// while comes back; without pre-vote its term has climbed, and it deposes a
// leader that never lost its majority; with pre-vote its term stayed, and the
// leader stays.
//
// The property. Arm it for leader L of term T when every live server L can
// talk to (the set S, L included) is a majority, and every one of them but L
// is a follower of term T within check-quorum's lease (it heard from L within
// the minimum election timeout); note the highest term H any server has then.
// While armed — every member of S stays up and connected to L, and none
// stands for election (only a forced `timeout` makes one of them do so:
// its timer does not fire while it hears heartbeats) — L may stop leading
// only (a) into a term no higher than H (a term raised before, which no
// protocol can take back: etcd's raft steps down the same way), or (b) for
// its leadership transfer (one started while armed, even if L gave it up
// since: the TimeoutNow it sent may arrive after). Stepping down into a term above H is a
// violation; so is stepping down in its own term (check-quorum), once a whole period of its quorum
// check lies in the armed time (the minimum election timeout and a heartbeat after arming: a check
// counts what it heard since the last one).
//
// Why it holds with pre-vote and check-quorum on, and no message lost or late
// (the faults are partitions only; latency ≤ 40 ms + heartbeat 50 ms < the
// minimum election timeout 150 ms): every member of S hears from L every
// heartbeat, so all stay in the lease, and L hears a majority every period
// (no LostQuorum). A term above H needs a new candidate; a candidate comes
// from a pre-vote won by a majority, which includes a member of S (S is a
// majority) other than the pre-candidate unless the pre-candidate is in S —
// excluded above — and members of S in the lease refuse it. Terms carried by
// old messages are at most H. So no term above H appears while armed.
// Without pre-vote a server outside S raises its term at every timeout; when
// it can talk to L again, its answer to L's heartbeat carries that term, and
// L steps down: the violation.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "narration/text.h"
#include "raft/messages.h"

namespace consensus_lab::cluster {

class RaftCluster;

class LeaderStability {
 public:
  static inline const narration::Text kInvariant{"a leader that keeps its majority is not deposed",
                                                 "保持大多数连接的领导者不会被推翻"};

  explicit LeaderStability(const RaftCluster& cluster) : cluster_(cluster) {}
  // After every event: a violation, or nothing. Checks only with the
  // cluster's leader_stability option and check-quorum on.
  std::optional<narration::Text> check();

 private:
  struct Watch {
    std::size_t leader;
    raft::Term term;
    raft::Term highest;          // H: the highest term of any server when armed
    std::vector<std::size_t> s;  // S: the servers it could talk to, itself included
    bool transferring = false;   // L handed (or began to hand) its leadership over while armed
    Millis armed_at = 0;
    // L's configuration when armed (membership changes): S must hold a
    // majority of its voters, and a change of it ends the watch.
    raft::LogIndex configuration_index;
  };
  std::optional<Watch> arm() const;
  // Still armed: every member of S up, connected to L, not standing for
  // election — and L's configuration the one it was armed with.
  bool holds(const Watch& watch) const;
  std::optional<narration::Text> deposed(const Watch& watch) const;

  const RaftCluster& cluster_;
  std::optional<Watch> watch_;
};

}  // namespace consensus_lab::cluster
