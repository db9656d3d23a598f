#include "tools/raft_features.h"

namespace consensus_lab::tools {

using narration::Text;

void declare_raft_features(CommandLine& line, RaftFeatureWords& words) {
  line.flag("pre-vote", words.pre_vote,
            {"raft: ask whether an election could be won before raising the term (thesis §9.6)",
             "raft：先预投票，确认能赢得选举再增加任期编号（论文 §9.6）"})
      .flag("check-quorum", words.check_quorum,
            {"raft: a leader that hears from no majority steps down; a server that hears from "
             "a leader grants no vote (thesis §6.2)",
             "raft：听不到大多数的领导者退位；听得到领导者的服务器不投票（论文 §6.2）"})
      .value("read", words.read, "log|read-index|lease",
             {"raft: how the leader answers a get: through the log, by ReadIndex, or under its "
              "lease (thesis §6.4; lease needs --check-quorum)",
              "raft：领导者怎样回答读请求：经过日志、读索引（ReadIndex）或租约（论文 §6.4；"
              "租约读需要 --check-quorum）"})
      .value("snapshot-every", words.snapshot_every, "N",
             {"raft: take a snapshot after every N entries applied, and drop the log it "
              "covers from the data directory (paper §7; 0: never)",
              "raft：每应用 N 个日志项做一次快照，并从数据目录删去它覆盖的日志（论文 §7；"
              "0 表示不做）"})
      .value("snapshot-chunk", words.snapshot_chunk, "BYTES",
             {"raft: bytes per InstallSnapshot chunk sent to a follower that lags behind the "
              "snapshot (1 to 1000000)",
              "raft：发给落后于快照的跟随者的每个 InstallSnapshot 分块的字节数（1 到 1000000）"});
}

std::optional<Text> parse_raft_features(const RaftFeatureWords& words, const std::string& protocol,
                                        raft::Features& features) {
  const auto mode = raft::read_mode_named(words.read);
  if (!mode) {
    return Text{"--read takes log, read-index or lease, not '" + words.read + "'",
                "--read 的取值是 log、read-index 或 lease，而不是 '" + words.read + "'"};
  }
  if (words.snapshot_every > 1'000'000'000) {  // (also -1: a size_t's wrap-around)
    return Text{"--snapshot-every: 0 to 1000000000 entries",
                "--snapshot-every：0 到 1000000000 个日志项"};
  }
  if (words.snapshot_chunk < 1 || words.snapshot_chunk > 1'000'000) {
    return Text{"--snapshot-chunk: 1 to 1000000 bytes", "--snapshot-chunk：1 到 1000000 字节"};
  }
  const RaftFeatureWords paper;
  const bool any = words.pre_vote || words.check_quorum || words.read != paper.read ||
                   words.snapshot_every != paper.snapshot_every ||
                   words.snapshot_chunk != paper.snapshot_chunk;
  if (any && protocol != "raft") {
    return Text{"--pre-vote, --check-quorum, --read and --snapshot-* are for raft",
                "--pre-vote、--check-quorum、--read 和 --snapshot-* 只用于 raft"};
  }
  // Thesis §6.4.1: the lease is safe only while the servers that acknowledged
  // it refuse their votes (check-quorum, §6.2); without that a new leader is
  // elected under the old one's lease, which then answers stale reads
  // (tests/scenarios/raft/lease_read_needs_check_quorum.txt). The simulator
  // lets a student switch it off to see that; a real node does not.
  if (*mode == raft::ReadMode::lease && !words.check_quorum) {
    return Text{
        "--read lease needs --check-quorum (without it a new leader can be elected under "
        "the old leader's lease, which then answers stale reads: thesis §6.4.1)",
        "--read lease 需要 --check-quorum（没有它，新的领导者可以在旧领导者的租约期内"
        "当选，旧领导者就会回答过期的读：博士论文 §6.4.1）"};
  }
  features.pre_vote = words.pre_vote;
  features.check_quorum = words.check_quorum;
  features.read_mode = *mode;
  features.snapshot_every = words.snapshot_every;
  features.snapshot_chunk_bytes = words.snapshot_chunk;
  return std::nullopt;
}

std::vector<std::string> raft_feature_args(const RaftFeatureWords& words) {
  std::vector<std::string> args;
  if (words.pre_vote) args.emplace_back("--pre-vote");
  if (words.check_quorum) args.emplace_back("--check-quorum");
  const RaftFeatureWords paper;
  if (words.read != paper.read) args.insert(args.end(), {"--read", words.read});
  if (words.snapshot_every != paper.snapshot_every) {
    args.insert(args.end(), {"--snapshot-every", std::to_string(words.snapshot_every)});
  }
  if (words.snapshot_chunk != paper.snapshot_chunk) {
    args.insert(args.end(), {"--snapshot-chunk", std::to_string(words.snapshot_chunk)});
  }
  return args;
}

}  // namespace consensus_lab::tools
