// 提议者 (Proposer) — notes, Basic Paxos: "提议一个值，用于投票表决" (proposes a
// value to be voted on). In the notes' example the proposers are the clients
// ("客户端 1", "客户端 2").
//
// One round, numbered n:
//   phase 1  send Prepare n to every acceptor; wait for a majority of Promises.
//   phase 2  send Accept [n, v] to every acceptor, where v is the value of the
//            highest-numbered proposal reported in those Promises, or the
//            proposer's own value if none reported one (this is what makes
//            promise 3 useful); wait for a majority of Accepted.
// A round that hears no majority before its timeout is retried with a higher
// number of this proposer's own (see next_owned_number), optionally after a
// random back-off — the cure for duelling proposers (demo 05).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "common/quorum.h"
#include "paxos/effects.h"

namespace consensus_lab::paxos {

class Proposer {
 public:
  struct Config {
    NodeId self;
    std::vector<NodeId> acceptors;
    std::uint64_t index = 1;  // k in next_owned_number: this proposer is k of `count`
    std::uint64_t count = 1;
    Millis round_timeout = 100;
    // Random back-off before a retry, drawn from [min, max]; none = retry at once.
    std::optional<std::pair<Millis, Millis>> backoff;
    friend bool operator==(const Config&, const Config&) = default;
  };

  // Each phase is entered in one place: preparing by start_round (from any
  // phase), accepting by start_accept_phase (from preparing), done by a
  // majority of Accepted (from accepting), backing_off by back_off (from
  // preparing or accepting, after a timeout).
  enum class Phase { idle, preparing, accepting, backing_off, done };

  explicit Proposer(Config config);

  // Start a round for `value` with this proposer's next own number…
  Effects propose(Millis now, Value value);
  // …or with a given number (the notes' literal 1 and 5).
  Effects propose(Millis now, ProposalNumber number, Value value);

  Effects handle(Millis now, const NodeId& from, const Promise& promise);
  Effects handle(Millis now, const NodeId& from, const Accepted& accepted);
  Effects tick(Millis now, RandomSource& random);

  // Never pick `number` for a retry: another proposer was given it
  // explicitly (the notes' literal numbers need not follow the owner scheme).
  void avoid(ProposalNumber number) { avoided_.insert(number); }
  // How long a round waits for a majority, from the next round on.
  void set_round_timeout(Millis timeout) { config_.round_timeout = timeout; }
  // Switch the random back-off on (a range) or off (none) from the next retry.
  void set_backoff(std::optional<std::pair<Millis, Millis>> backoff) { config_.backoff = backoff; }

  Phase phase() const { return phase_; }
  std::optional<ProposalNumber> number() const { return number_; }
  // The proposal this proposer saw a majority accept, once phase() is done.
  const std::optional<Proposal>& chosen() const { return chosen_; }
  const Config& config() const { return config_; }
  // Rounds started so far (the first one included).
  std::size_t rounds() const { return rounds_; }
  // What the run viewer shows (viewer/paxos_view.cpp): the value it was given,
  // this round's Promises and Accepted so far, and the proposal of its Accept.
  const Value& own_value() const { return own_value_; }
  std::size_t promises() const { return promises_.size(); }
  std::size_t accepted_by() const { return accepted_by_.size(); }
  const std::optional<Proposal>& proposal() const { return proposal_; }
  // When its timer is due — the round's timeout or the back-off's end —
  // while it waits for one; none when it waits for nothing.
  std::optional<Millis> deadline() const {
    const bool waiting =
        phase_ == Phase::preparing || phase_ == Phase::accepting || phase_ == Phase::backing_off;
    return waiting ? std::optional<Millis>{deadline_} : std::nullopt;
  }

  // Equal proposers act alike on every message and tick (tools/explore).
  friend bool operator==(const Proposer&, const Proposer&) = default;

 private:
  Effects start_round(Millis now, ProposalNumber number);
  // The smallest own number above every number seen, skipping avoided ones.
  ProposalNumber next_number() const;
  void start_accept_phase(Millis now, Effects& effects);
  void back_off(Millis now, RandomSource& random, Effects& effects);
  std::size_t needed() const { return majority(config_.acceptors.size()); }

  Config config_;
  Phase phase_ = Phase::idle;
  Value own_value_;
  std::optional<ProposalNumber> number_;                // the current round's number
  ProposalNumber highest_seen_{0};                      // highest number used or reported
  std::map<NodeId, std::optional<Proposal>> promises_;  // this round's Promises
  std::optional<Proposal> proposal_;                    // this round's Accept, in phase 2
  std::set<NodeId> accepted_by_;                        // this round's Accepted
  std::optional<Proposal> chosen_;
  std::set<ProposalNumber> avoided_;
  Millis deadline_ = 0;
  std::size_t rounds_ = 0;
};

}  // namespace consensus_lab::paxos
