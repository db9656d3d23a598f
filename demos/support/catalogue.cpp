// The catalogue of the numbered demos: for each, its number, its name, its
// title in both languages and the place in the notes it replays. One table,
// so that the demos, their --help and the docs cannot disagree.
#include "demos/support/catalogue.h"

#include <cassert>

namespace consensus_lab::demos {

namespace {

const std::vector<DemoInfo> kCatalogue{
    {.number = "01",
     .name = "basic_paxos_prepare",
     .title_en = "Basic Paxos, the prepare phase",
     .title_zh = "Basic Paxos 准备阶段",
     .notes_section = "Basic Paxos › 共识协商是二阶段提交 › 准备（Prepare）阶段; 小结 (promise 1)",
     .notes_section_zh = "Basic Paxos › 共识协商是二阶段提交 › 准备阶段；小结（第一个承诺）"},
    {.number = "02",
     .name = "basic_paxos_accept",
     .title_en = "Basic Paxos, the accept phase",
     .title_zh = "Basic Paxos 接受阶段",
     .notes_section = "Basic Paxos › 共识协商是二阶段提交 › 接受（Accept）阶段; 小结 (promise 2)",
     .notes_section_zh = "Basic Paxos › 共识协商是二阶段提交 › 接受阶段；小结（第二个承诺）"},
    {.number = "03",
     .name = "paxos_adopt_accepted_value",
     .title_en = "Basic Paxos, promise 3: a later proposer adopts the accepted value",
     .title_zh = "Basic Paxos 第三个承诺：后来的提议者采用已通过的值",
     .notes_section = "Basic Paxos › 小结 › 三个承诺 (promise 3); 提案编号的大小代表着优先级",
     .notes_section_zh = "Basic Paxos › 小结 › 三个承诺（第三个承诺）；提案编号的大小代表着优先级"},
    {.number = "04",
     .name = "paxos_fault_tolerance",
     .title_en = "Basic Paxos keeps working while fewer than half of the nodes fail",
     .title_zh = "Basic Paxos 的容错：少于一半的节点故障时仍然正常工作",
     .notes_section = "Basic Paxos › 优缺点 (具有容错能力)",
     .notes_section_zh = "Basic Paxos › 优缺点（具有容错能力）",
     .uses_randomness = true},
    {.number = "05",
     .name = "paxos_dueling_proposers",
     .title_en = "Duelling proposers: 5 acceptors, 3 proposers, no majority, then back-off",
     .title_zh = "提议者冲突：5 个节点、3 个提议者，没有一个拿到 3 张选票；随机退避解决",
     .notes_section = "Multi-Paxos › 直接通过多次执行 Basic Paxos 实例 (比如5个节点，3个提议者)",
     .notes_section_zh =
         "Multi-Paxos › 直接通过多次执行 Basic Paxos 实例（比如 5 个节点，3 个提议者）",
     .uses_randomness = true},
    {.number = "06",
     .name = "multipaxos_naive",
     .title_en = "A log by one Basic Paxos per value: conflicts and two round trips each",
     .title_zh = "每个值执行一次 Basic Paxos：提案冲突，每个值两轮往返",
     .notes_section = "Multi-Paxos › 直接通过多次执行 Basic Paxos 实例 (问题)",
     .notes_section_zh = "Multi-Paxos › 直接通过多次执行 Basic Paxos 实例（问题）",
     .uses_randomness = true},
    {.number = "07",
     .name = "multipaxos_leader_election",
     .title_en = "Multi-Paxos: the master is elected by running Basic Paxos",
     .title_zh = "Multi-Paxos：主节点通过 Basic Paxos 选举产生",
     .notes_section =
         "Multi-Paxos › 领导者; 落地：Chubby (主节点是通过Basic Paxos算法来进行leader选举的)",
     .notes_section_zh =
         "Multi-Paxos › 领导者；落地：Chubby（主节点是通过 Basic Paxos 算法进行选举的）"},
    {.number = "08",
     .name = "multipaxos_steady_state",
     .title_en = "Multi-Paxos: a stable master skips Prepare — one round trip per value",
     .title_zh = "Multi-Paxos：领导者处于稳定状态时，省掉准备阶段",
     .notes_section = "Multi-Paxos › 优化 Basic Paxos 执行 (省掉准备阶段，直接进入接受阶段)",
     .notes_section_zh = "Multi-Paxos › 优化 Basic Paxos 执行（省掉准备阶段，直接进入接受阶段）"},
    {.number = "09",
     .name = "multipaxos_leader_failover",
     .title_en = "Multi-Paxos: a new master re-proposes accepted values and fills gaps with noop",
     .title_zh = "Multi-Paxos：新主节点重新提议已通过的值，用 noop 填补空位",
     .notes_section = "Multi-Paxos › 落地：Chubby; Paxos Made Simple §3",
     .notes_section_zh = "Multi-Paxos › 落地：Chubby；论文《Paxos Made Simple》第 3 节"},
    {.number = "10",
     .name = "chubby_membership_and_reads",
     .title_en = "Chubby: reads at the master under a lease, and a member added through the log",
     .title_zh = "Chubby：读写请求由主节点执行（租约），成员变更通过日志完成",
     .notes_section = "Multi-Paxos › 落地：Chubby (成员变更; 读写请求都是有主节点执行)",
     .notes_section_zh = "Multi-Paxos › 落地：Chubby（成员变更；读写请求都是由主节点执行）"},
    {.number = "11",
     .name = "raft_leader_election",
     .title_en = "Raft: electing a leader",
     .title_zh = "Raft：选举领导者",
     .notes_section = "Raft › 1 选举领导者 (A = 150 ms, B = 200 ms, C = 300 ms)",
     .notes_section_zh = "Raft › 1 选举领导者（A = 150 ms，B = 200 ms，C = 300 ms）"},
    {.number = "12",
     .name = "raft_split_vote",
     .title_en = "Raft: a split vote, ended by randomized timeouts",
     .title_zh = "Raft：选票被瓜分，随机超时解决",
     .notes_section = "Raft › 随机超时时间",
     .notes_section_zh = "Raft › 随机超时时间",
     .uses_randomness = true,
     .seed = 2},
    {.number = "13",
     .name = "raft_vote_restriction",
     .title_en = "Raft: a follower with a more complete log refuses its vote",
     .title_zh = "Raft：日志完整性高的跟随者拒绝投票给日志完整性低的候选人",
     .notes_section = "Raft › 选举的规则 (对先来先服务的补充); 与Multi-Paxos不同",
     .notes_section_zh = "Raft › 选举有哪些规则（对先来先服务的补充）；与 Multi-Paxos 不同"},
    {.number = "14",
     .name = "raft_log_replication",
     .title_en = "Raft: replicating a log entry — 2 message delays to commit",
     .title_zh = "Raft：复制日志——提交只需 2 个消息延迟",
     .notes_section = "Raft › 2 复制日志",
     .notes_section_zh = "Raft › 2 复制日志"},
    {.number = "15",
     .name = "raft_log_repair",
     .title_en = "Raft: (7, 4) refused, (6, 3) accepted, the follower overwritten",
     .title_zh = "Raft：(7, 4) 找不到，(6, 3) 找到，覆盖跟随者的日志",
     .notes_section = "Raft › 如何实现日志的一致",
     .notes_section_zh = "Raft › 如何实现日志的一致"},
    {.number = "16",
     .name = "raft_leader_crash",
     .title_en = "Raft: the leader is cut off; a log without every committed entry cannot win; "
                 "nothing committed is lost",
     .title_zh = "Raft：领导者被隔开；缺少已提交日志项的节点无法当选；已提交的日志项不丢失",
     .notes_section = "Raft › 与Multi-Paxos不同 (只有日志最完整的节点才可以); 任期",
     .notes_section_zh = "Raft › 与 Multi-Paxos 不同（只有日志最完整的节点才可以）；任期"},
    {.number = "17",
     .name = "compare_protocols",
     .title_en = "Basic Paxos per value, Multi-Paxos and Raft on the same workload",
     .title_zh = "同一负载下比较：每个值一次 Basic Paxos、Multi-Paxos、Raft",
     .notes_section = "Multi-Paxos (2 轮 RPC 通讯; 省掉准备阶段); Raft › 复制日志",
     .notes_section_zh = "Multi-Paxos（2 轮 RPC 通讯；省掉准备阶段）；Raft › 复制日志",
     .draws_diagrams = false},
    {.number = "18",
     .name = "raft_prevote",
     .title_en = "Raft: a server cut off for a while — without pre-vote it deposes the leader; "
                 "with pre-vote and check-quorum the leader stays",
     .title_zh = "Raft：被隔开一段时间的节点——没有预投票时它推翻领导者；有预投票和 `check-quorum` "
                 "时领导者不变",
     .notes_section = "Raft › 选举的规则 (thesis §9.6 pre-vote, §6.2 check-quorum)",
     .notes_section_zh = "Raft › 选举的规则（论文 §9.6 预投票，§6.2 `check-quorum`）"},
    {.number = "19",
     .name = "raft_reads",
     .title_en = "Raft: one read three ways — through the log, ReadIndex, lease — and the new "
                 "leader's read rule",
     .title_zh = "Raft：同一个读请求的三种方式——经过日志、读索引、租约读——以及新领导者的读规则",
     .notes_section = "Raft (thesis §6.4 ReadIndex, §6.4.1 lease)",
     .notes_section_zh = "Raft（论文 §6.4 读索引，§6.4.1 租约读）"},
    {.number = "20",
     .name = "raft_add_server",
     .title_en = "Raft: a fourth server catches up as a learner, then becomes a voter",
     .title_zh = "Raft：第四个服务器先作为学习者追上日志，再成为投票成员",
     .notes_section = "thesis §4.1–4.2.1 (成员变更, 学习者)",
     .notes_section_zh = "博士论文 §4.1–4.2.1（成员变更、学习者）"},
    {.number = "21",
     .name = "raft_remove_leader",
     .title_en = "Raft: the leader is removed — it commits its removal and steps down, or it "
                 "first hands its leadership over (TimeoutNow)",
     .title_zh = "Raft：移除领导者——它提交自己的移除后退位，或者先把领导权交出去（`TimeoutNow`）",
     .notes_section = "thesis §4.2.2, §3.10 (成员变更, 领导权转移)",
     .notes_section_zh = "博士论文 §4.2.2、§3.10（成员变更、领导权转移）"},
    {.number = "22",
     .name = "raft_snapshot",
     .title_en = "Raft: log compaction — a snapshot installed on a follower that was down",
     .title_zh = "Raft：日志压缩——给宕机过的跟随者安装快照",
     .notes_section = "Raft paper §7 (log compaction; notes: 快照)",
     .notes_section_zh = "Raft 论文 §7（日志压缩；笔记：快照）"},
};

}  // namespace

const std::vector<DemoInfo>& demo_catalogue() {
  return kCatalogue;
}

const DemoInfo& demo_info(std::string_view number) {
  for (const DemoInfo& info : demo_catalogue()) {
    if (info.number == number) return info;
  }
  assert(false && "a demo that is not in the catalogue");
  return demo_catalogue().front();
}

}  // namespace consensus_lab::demos
