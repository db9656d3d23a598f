# The exercises of the classroom lab (`./lab exercise`, docs/lab.md): one
# table, one row per rule. A teacher adds an exercise by adding a row.
#
# A row names:
#   name       what the student types (`./lab exercise start promise1`)
#   rule       the rule, (English, 中文)
#   section    where the notes state it, (English, 中文)
#   blocks     the marked blocks the exercise hides: the file, and the title of
#              the block's first line `// ---- TITLE ----…`; the block ends at
#              the next line that is only `// ------…`. The skeleton replaces
#              the lines in between (indented like the marker): the notes'
#              sentence, a TODO, and whatever makes the function compile and
#              do something neutral.
#   tests      doctest name patterns (`*` any text, `?` any one character — a
#              comma separates patterns, so write `?` for one), run with --test-case=
#   scenarios  scenario files (tests/scenarios/…) that exercise the rule with it on
#   check      the checker's command line after `conlab check` (seeds included)
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    file: str
    title: str
    skeleton: str


@dataclass(frozen=True)
class Exercise:
    name: str
    rule: tuple[str, str]
    section: tuple[str, str]
    blocks: list[Block]
    tests: list[str]
    scenarios: list[str] = field(default_factory=list)
    check: list[str] = field(default_factory=list)


EXERCISES = [
    Exercise(
        name="promise1",
        rule=("Promise 1: no answer to a Prepare numbered ≤ one already answered",
              "第一个承诺：不响应提案编号小于等于已响应编号的准备请求"),
        section=("Basic Paxos › 小结 (the three promises)", "Basic Paxos › 小结（三个承诺）"),
        blocks=[Block("paxos/acceptor.cpp", "Promise 1", """
// notes, 小结 (三个承诺): "如果准备请求的提案编号，小于等于接受者已经响应的准备请求
// 的提案编号，那么接受者将承诺不响应这个准备请求。"
// "If a Prepare's proposal number is less than or equal to the number of a
// Prepare the acceptor has already answered, the acceptor promises not to
// answer it."
if (rules_.promise1) {
  // TODO(promise1): if state_.promised holds a number and this Prepare's is not
  // above it, record event::PrepareIgnored{prepare.number, *state_.promised}
  // and return the effects — no response at all.
}
""")],
        tests=["Acceptor promise 1:*", "Acceptor promises 1 and 2:*",
               "Acceptor rules switched off*", "Basic Paxos*"],
        scenarios=["tests/scenarios/paxos/promise1_on.txt",
                   "tests/scenarios/paxos/notes_example.txt"],
        check=["paxos", "--seeds", "1..500"]),
    Exercise(
        name="promise2",
        rule=("Promise 2: accept no proposal numbered < a Prepare answered",
              "第二个承诺：不通过提案编号小于已响应编号的提案"),
        section=("Basic Paxos › 小结 (the three promises)", "Basic Paxos › 小结（三个承诺）"),
        blocks=[Block("paxos/acceptor.cpp", "Promise 2", """
// notes, 小结 (三个承诺): "如果接受请求中的提案的提案编号，小于接受者已经响应的准备
// 请求的提案编号，那么接受者将承诺不通过这个提案。"
// "If the proposal number in an Accept is less than the number of a Prepare
// the acceptor has already answered, the acceptor promises not to accept it."
if (rules_.promise2) {
  // TODO(promise2): if the proposal's number is below state_.promised, record
  // event::AcceptRefused{proposal, *state_.promised} and return the effects —
  // not accepted, no response.
}
""")],
        tests=["Acceptor promise 2:*", "Acceptor promises 1 and 2:*",
               "Acceptor rules switched off*", "Basic Paxos*"],
        scenarios=["tests/scenarios/paxos/promise2_on.txt",
                   "tests/scenarios/paxos/notes_example.txt"],
        check=["paxos", "--seeds", "1..500"]),
    Exercise(
        name="promise3",
        rule=("Promise 3: a Promise carries the highest-numbered accepted proposal",
              "第三个承诺：准备响应包含已经通过的最大编号的提案信息"),
        section=("Basic Paxos › 小结 (the three promises)", "Basic Paxos › 小结（三个承诺）"),
        blocks=[Block("paxos/acceptor.cpp", "Promise 3", """
// notes, 小结 (三个承诺): "如果接受者之前有通过提案，那么接受者将承诺，会在准备请求
// 的响应中，包含已经通过的最大编号的提案信息。"
// "If the acceptor has accepted a proposal before, it promises that its
// answer to a Prepare carries the highest-numbered proposal it has accepted."
std::optional<Proposal> reported;
if (rules_.promise3) {
  // TODO(promise3): report the proposal this acceptor has accepted (state_).
}
""")],
        tests=["Acceptor promise 3:*", "Acceptor rules switched off*", "Basic Paxos*"],
        scenarios=["tests/scenarios/paxos/promise3_on.txt",
                   "tests/scenarios/paxos/notes_example.txt"],
        check=["paxos", "--seeds", "1..500"]),
    Exercise(
        name="adopt-highest",
        rule=("The proposer adopts the value of the highest-numbered accepted proposal",
              "提议者采用编号最大的已通过提案的值"),
        section=("Basic Paxos › 共识协商是二阶段提交 (the accept phase)",
                 "Basic Paxos › 共识协商是二阶段提交（接受阶段）"),
        blocks=[Block("paxos/proposer.cpp", "Adopt the highest-numbered accepted value", """
// notes, 共识协商是二阶段提交 and 小结: the Promises carry "已经通过的最大编号的提案
// 信息"; the proposer proposes that proposal's value — not the most common one,
// and not its own — if any Promise reported one.
// "The Promises carry the highest-numbered proposals accepted; the proposer
// proposes the value of the highest-numbered of them, else its own."
// TODO(adopt-highest): look through promises_ (acceptor → what it reported)
// for the highest-numbered proposal, and propose its value.
std::optional<Proposal> highest;
proposal_ = Proposal{*number_, own_value_};
""")],
        tests=["Proposer phase 2:*", "Basic Paxos*"],
        scenarios=["tests/scenarios/paxos/adopt_highest_numbered.txt",
                   "tests/scenarios/paxos/notes_example.txt"],
        check=["paxos", "--seeds", "1..500"]),
    Exercise(
        name="vote-restriction",
        rule=("No vote for a candidate whose log is less complete",
              "拒绝投票给日志完整性低的候选人"),
        section=("Raft › 选举有哪些规则 (first come, first served, and its supplement)",
                 "Raft › 选举有哪些规则（对先来先服务的补充）"),
        blocks=[Block("raft/election.cpp", "Vote restriction", """
// notes, 选举的规则: "当任期编号相同时，日志完整性高的跟随者（也就是最后一条日志项
// 对应的任期编号值更大，索引号更大），拒绝投票给日志完整性低的候选人。"
// "A follower whose log is more complete — its last entry has a larger term,
// or the same term and a larger index — refuses to vote for a candidate with
// a less complete log."
// TODO(vote-restriction): compare the candidate's last entry (m.last_log_term,
// m.last_log_index) with this server's (last_log_term(), last_log_index()).
static_cast<void>(m);
return true;
""")],
        tests=["Raft 5.4.1:*", "Raft 5.2:*"],
        scenarios=["tests/scenarios/raft/vote_restriction.txt",
                   "tests/scenarios/raft/leader_election.txt"],
        check=["raft", "--seeds", "1..500"]),
    Exercise(
        name="log-consistency",
        rule=("AppendEntries: the consistency check, and deleting conflicting entries",
              "日志复制 RPC 的一致性检查，以及删除不一致的日志项"),
        section=("Raft › 如何实现日志的一致", "Raft › 如何实现日志的一致"),
        blocks=[Block("raft/server.cpp", "Consistency check", """
// notes, 如何实现日志的一致: "领导者通过日志复制 RPC 的一致性检查，找到跟随者节点上，
// 与自己相同日志项的最大索引值。" "The leader finds, by the consistency check of
// AppendEntries, the highest index at which the follower's log agrees with its
// own." Figure 2, receiver 2: refuse unless the log holds an entry at
// prev_log_index whose term is prev_log_term.
// TODO(log-consistency): is the entry at m.prev_log_index missing from the log?
// If not, does it mismatch (rule log_consistency_check, hard_.log.matches)?
const bool missing = false;
const bool mismatch = false;
"""), Block("raft/server.cpp", "Conflict deletion", """
// notes, 如何实现日志的一致: "领导者强制跟随者更新覆盖的不一致日志项" — "the leader
// makes the follower overwrite the entries that disagree". Figure 2, receiver
// 3: "If an existing entry conflicts with a new one (same index but different
// terms), delete the existing entry and all that follow it."
// TODO(log-consistency): keep an entry already there (same term); otherwise
// delete from index on (delete_log_from) and record event::ConflictDeleted.
continue;
""")],
        tests=["Raft 5.3:*", "Raft 5.3 Figure 7:*", "Raft timed agreement:*"],
        scenarios=["tests/scenarios/raft/log_repair.txt",
                   "tests/scenarios/raft/two_leaders_two_terms.txt"],
        check=["raft", "--seeds", "1..500"]),
    Exercise(
        name="commit-current-term",
        rule=("A leader commits by counting replicas only entries of its own term",
              "领导者只靠计数提交本任期的日志项"),
        section=("Raft › 复制日志 (and the paper, §5.4.2)", "Raft › 复制日志（及论文 §5.4.2）"),
        blocks=[Block("raft/leader.cpp", "Commit only the current term by counting", """
// notes, 复制日志: "当领导者将日志项，成功复制到大多数的服务器上的时候，领导者会将
// 这条日志项提交到它的状态机中" — with the paper's restriction (§5.4.2, Figure 8):
// "Raft never commits log entries from previous terms by counting replicas.
// Only log entries from the leader's current term are committed by counting."
if (config_.rules.commit_current_term_only) {
  // TODO(commit-current-term): return without committing unless the entry at n
  // is of the current term.
}
""")],
        tests=["Raft 5.4.2:*", "Raft 5.3: an entry is committed*", "Raft 5.3: the leader applies*"],
        scenarios=["tests/scenarios/raft/figure8_rule_on.txt",
                   "tests/scenarios/raft/log_repair.txt"],
        # The leader's noop of §8 hides Figure 8: switched off, the checker
        # can reach it (docs/checker.md).
        check=["raft", "--seeds", "1..500", "--rule", "leader-noop=off"]),
    Exercise(
        name="skip-prepare",
        rule=("Skipping Prepare, and the Reject that ends it", "省掉准备阶段，以及结束它的拒绝"),
        section=("Multi-Paxos › 优化 Basic Paxos 执行", "Multi-Paxos › 优化 Basic Paxos 执行"),
        blocks=[Block("multipaxos/acceptor.cpp", "Skipping Prepare stops on a Reject", """
// notes, 优化 Basic Paxos 执行: "当领导者处于稳定状态时，省掉准备阶段，直接进入接受
// 阶段" — "while the leader is stable, skip the prepare phase and go straight
// to the accept phase". Stable ends when a replica has promised a higher
// ballot (promise 2, for every later slot).
if (config_.rules.skip_prepare_stops_on_reject) {
  // TODO(skip-prepare): if this replica promised a ballot higher than m.ballot
  // (higher_promise), answer Reject{m.ballot, that ballot}, record
  // event::AcceptRefused{m.slot, m.ballot, that ballot}, and return.
}
"""), Block("multipaxos/master.cpp", "A Reject ends the skipping of Prepare", """
// "Someone promised a higher number": the master is no longer stable. A
// rejection never counts as an acceptance.
// TODO(skip-prepare): if the Reject answers this master's own ballot and names
// a higher one, step down (become_follower) and reset the election timer.
static_cast<void>(now);
static_cast<void>(effects);
static_cast<void>(random);
""")],
        tests=["Multi-Paxos (Paxos Made Simple §3*", "*a master that is rejected with a higher*",
               "Multi-Paxos (notes? 优化 Basic Paxos 执行)*"],
        scenarios=["tests/scenarios/multipaxos/steady_state.txt",
                   "tests/scenarios/multipaxos/failover.txt"],
        check=["multipaxos", "--seeds", "1..500"]),
    Exercise(
        name="lease-read",
        rule=("A master reads locally only under its lease", "主节点只在租约期内本地读"),
        section=("Multi-Paxos › 落地：Chubby (reads by the master)",
                 "Multi-Paxos › 落地：Chubby（读写请求都是有主节点执行）"),
        blocks=[Block("multipaxos/lease.cpp", "Lease read", """
// notes, 落地：Chubby: "实现强一致性，读写请求都是有主节点执行" — "strong
// consistency: reads and writes are executed by the master". A master answers
// a read from its own state machine only while its lease holds: after that
// another master may have been elected and taken writes.
// TODO(lease-read): with the lease rule on, read locally only before
// master_->lease_until; with it off, always.
static_cast<void>(now);
return false;
""")],
        tests=["*落地 Chubby? lease*", "*读写请求都是有主节点执行*"],
        scenarios=["tests/scenarios/multipaxos/lease.txt",
                   "tests/scenarios/multipaxos/reads.txt"],
        check=["multipaxos", "--seeds", "1..500"]),
]
