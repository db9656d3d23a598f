#include "cluster/paxos_invariants.h"

#include <algorithm>

#include "cluster/paxos_cluster.h"

namespace consensus_lab::cluster {

namespace {

// A promise or an accepted proposal, or "none" (en) / "（无）" (zh).
std::string describe(const std::optional<paxos::ProposalNumber>& number,
                     narration::Lang lang = narration::Lang::en) {
  return number ? paxos::to_string(*number) : (lang == narration::Lang::zh ? "（无）" : "none");
}

std::string describe(const std::optional<paxos::Proposal>& proposal,
                     narration::Lang lang = narration::Lang::en) {
  return proposal ? paxos::to_string(*proposal) : (lang == narration::Lang::zh ? "（无）" : "none");
}

}  // namespace

// ---- An acceptor against itself --------------------------------------------

// Promise 1 — notes, 小结 (三个承诺): "如果准备请求的提案编号，小于等于接受者已经响应的
// 准备请求的提案编号，那么接受者将承诺不响应这个准备请求。" — "If a Prepare's proposal
// number is less than or equal to the number of a Prepare the acceptor has
// already answered, the acceptor promises not to answer it." So the number it
// has promised only goes up — across a crash too, if it was made durable.
std::optional<narration::Text> promise_never_goes_down(const NodeId& acceptor,
                                                       const paxos::AcceptorState& before,
                                                       const paxos::AcceptorState& now,
                                                       const paxos::Rules& rules) {
  if (!rules.promise1 || !rules.persist) return std::nullopt;
  if (before.promised && (!now.promised || *now.promised < *before.promised)) {
    return went_down(acceptor, {"promise", "的承诺"},
                     {describe(before.promised), describe(before.promised)},
                     {describe(now.promised), describe(now.promised, narration::Lang::zh)});
  }
  return std::nullopt;
}

// Promise 2 — notes, 小结 (三个承诺): "如果接受请求中的提案的提案编号，小于接受者已经响应的
// 准备请求的提案编号，那么接受者将承诺不通过这个提案。" — "If the proposal number in an
// Accept is less than the number of a Prepare the acceptor has already
// answered, the acceptor promises not to accept it."
std::optional<narration::Text> nothing_accepted_below_the_promise(
    const NodeId& acceptor, const paxos::AcceptorState& before, const paxos::AcceptorState& now,
    const paxos::Rules& rules) {
  if (!rules.promise2) return std::nullopt;
  const bool newly_accepted = now.accepted && now.accepted != before.accepted;
  if (newly_accepted && before.promised && now.accepted->number < *before.promised) {
    const std::string accepted = paxos::to_string(*now.accepted),
                      promised = paxos::to_string(*before.promised);
    return narration::Text{acceptor + " accepted " + accepted + " after promising " + promised +
                               " (no acceptance below the promise)",
                           acceptor + " 承诺了 " + promised + " 之后又通过了 " + accepted +
                               "（第二个承诺：不通过编号小于承诺的提案）"};
  }
  return std::nullopt;
}

// Promises 1 and 2 together: an acceptor accepts no proposal numbered below
// its promise, and its promise never goes down while accepting a proposal
// raises it to that proposal's number. So the proposals it accepts, one after
// another, have numbers that only go up.
std::optional<narration::Text> accepted_number_never_goes_down(const NodeId& acceptor,
                                                               const paxos::AcceptorState& before,
                                                               const paxos::AcceptorState& now,
                                                               const paxos::Rules& rules) {
  if (!rules.promise1 || !rules.promise2 || !rules.persist) return std::nullopt;
  if (before.accepted && (!now.accepted || now.accepted->number < before.accepted->number)) {
    return went_down(acceptor, {"accepted proposal", "通过的提案"},
                     {describe(before.accepted), describe(before.accepted)},
                     {describe(now.accepted), describe(now.accepted, narration::Lang::zh)});
  }
  return std::nullopt;
}

// ---- The whole cluster, check by check ----------------------------------------

// Paxos Made Simple §2.1: "Only a value that has been proposed may be chosen."
// 只有被提出的值才可能被选定。
std::optional<narration::Text> chosen_but_never_proposed(const paxos::Proposal& chosen,
                                                         const std::set<paxos::Value>& proposed) {
  if (proposed.count(chosen.value) != 0) return std::nullopt;
  const std::string p = paxos::to_string(chosen);
  return narration::Text{
      "proposal " + p + " was accepted by a majority, but no proposer proposed " + chosen.value,
      "提案 " + p + " 被大多数接受者通过，但没有提议者提议过值 " + chosen.value};
}

// Paxos Made Simple §2.1: "Only a single value is chosen." 只有一个值被选定 —
// the point of consensus (notes: 如何在多个节点间确定某变量的值).
std::optional<narration::Text> second_value_chosen(const paxos::Proposal& first,
                                                   const paxos::Proposal& chosen) {
  if (chosen.value == first.value) return std::nullopt;
  const std::string one = paxos::to_string(first), other = paxos::to_string(chosen);
  return narration::Text{"proposal " + one + " and " + other + " were each accepted by a majority",
                         "提案 " + one + " 和 " + other + " 都被大多数接受者通过"};
}

// Paxos Made Simple §2.2: "different proposals have different numbers" —
// 不同的提案有不同的编号, so every acceptor that accepts proposal number n
// accepts the same value with it.
std::optional<narration::Text> second_value_under_one_number(
    const paxos::Proposal& accepted, const std::optional<paxos::Value>& first_value) {
  if (!first_value || *first_value == accepted.value) return std::nullopt;
  const std::string n = paxos::to_string(accepted.number);
  return narration::Text{"two different values were accepted under proposal number " + n,
                         "提案编号 " + n + " 下通过了两个不同的值"};
}

// Paxos Made Simple §2.1: "A process never learns that a value has been chosen
// unless it actually has been." 一个进程只有在某个值真的被选定之后，才会得知它被选定。
std::optional<narration::Text> learned_but_not_chosen(const NodeId& learner,
                                                      const paxos::Proposal& learned,
                                                      const std::vector<paxos::Proposal>& chosen) {
  if (std::find(chosen.begin(), chosen.end(), learned) != chosen.end()) return std::nullopt;
  const std::string p = paxos::to_string(learned);
  return narration::Text{"learner " + learner + " learned " + p + ", which no majority accepted",
                         "学习者 " + learner + " 学到了 " + p + "，但没有大多数接受者通过它"};
}

const std::vector<ServerCheck<paxos::AcceptorState, paxos::Rules>>& acceptor_checks() {
  static const std::vector<ServerCheck<paxos::AcceptorState, paxos::Rules>> checks{
      {"acceptor keeps its promises", "接受者遵守承诺", promise_never_goes_down},
      {"acceptor keeps its promises", "接受者遵守承诺", nothing_accepted_below_the_promise},
      {"an acceptor's accepted proposal number never goes down", "接受者通过的提案编号从不减小",
       accepted_number_never_goes_down},
  };
  return checks;
}

// ---- The whole cluster, after every event ---------------------------------------

PaxosInvariants::PaxosInvariants(const PaxosCluster& cluster)
    : cluster_(cluster),
      acceptors_(
          cluster.options().servers,
          [&cluster](std::size_t i) { return cluster.acceptor_state_at(i); }, acceptor_checks()) {}

void PaxosInvariants::install(PaxosWorld& world) {
  world.add_invariants([this, &world] { return first_violated(world.event_node()); });
}

std::optional<sim::Violated> PaxosInvariants::first_violated(
    std::optional<std::size_t> event_node) {
  if (auto problem = only_a_proposed_value_is_chosen())
    return sim::violated(kOnlyAProposedValueIsChosen, std::move(*problem));
  if (auto problem = at_most_one_value_chosen())
    return sim::violated(kAtMostOneValueChosen, std::move(*problem));
  if (auto problem = one_value_per_proposal_number())
    return sim::violated(kOneValuePerProposalNumber, std::move(*problem));
  if (auto problem = learned_values_were_chosen())
    return sim::violated(kLearnedValuesWereChosen, std::move(*problem));
  // Read the rules at each check: a scenario may switch one off or on mid-run.
  return acceptors_.run(cluster_.options().rules, event_node);
}

// A proposal once chosen stays chosen, and a value once proposed stays
// proposed: each chosen proposal is looked at once.
std::optional<narration::Text> PaxosInvariants::only_a_proposed_value_is_chosen() {
  const std::vector<paxos::Proposal>& chosen = cluster_.chosen();
  for (; chosen_seen_as_proposed_ < chosen.size(); ++chosen_seen_as_proposed_) {
    if (auto problem = chosen_but_never_proposed(chosen[chosen_seen_as_proposed_], proposed_))
      return problem;
  }
  return std::nullopt;
}

// Every chosen proposal carries the first one's value; each is compared once,
// when new.
std::optional<narration::Text> PaxosInvariants::at_most_one_value_chosen() {
  const std::vector<paxos::Proposal>& chosen = cluster_.chosen();
  for (; chosen_seen_as_one_value_ < chosen.size(); ++chosen_seen_as_one_value_) {
    if (auto problem = second_value_chosen(chosen.front(), chosen[chosen_seen_as_one_value_]))
      return problem;
  }
  return std::nullopt;
}

std::optional<narration::Text> PaxosInvariants::one_value_per_proposal_number() {
  for (const paxos::Proposal& proposal : new_acceptances_) {
    if (auto problem =
            second_value_under_one_number(proposal, cluster_.value_first_accepted(proposal.number)))
      return problem;
  }
  new_acceptances_.clear();
  return std::nullopt;
}

// Checked on each learning: a learner learns once, keeps what it learned
// across a crash (or forgets it all, with persist off), and a proposal once
// chosen stays chosen.
std::optional<narration::Text> PaxosInvariants::learned_values_were_chosen() {
  for (const Learning& learning : new_learnings_) {
    if (auto problem =
            learned_but_not_chosen(learning.learner, learning.proposal, cluster_.chosen()))
      return problem;
  }
  new_learnings_.clear();
  return std::nullopt;
}

}  // namespace consensus_lab::cluster
