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
              "租约读需要 --check-quorum）"});
}

std::optional<Text> parse_raft_features(const RaftFeatureWords& words, const std::string& protocol,
                                        raft::Features& features) {
  const auto mode = raft::read_mode_named(words.read);
  if (!mode) {
    return Text{"--read takes log, read-index or lease, not '" + words.read + "'",
                "--read 的取值是 log、read-index 或 lease，而不是 '" + words.read + "'"};
  }
  const RaftFeatureWords paper;
  const bool any = words.pre_vote || words.check_quorum || words.read != paper.read;
  if (any && protocol != "raft") {
    return Text{"--pre-vote, --check-quorum and --read are for raft",
                "--pre-vote、--check-quorum 和 --read 只用于 raft"};
  }
  features.pre_vote = words.pre_vote;
  features.check_quorum = words.check_quorum;
  features.read_mode = *mode;
  return std::nullopt;
}

std::vector<std::string> raft_feature_args(const RaftFeatureWords& words) {
  std::vector<std::string> args;
  if (words.pre_vote) args.emplace_back("--pre-vote");
  if (words.check_quorum) args.emplace_back("--check-quorum");
  if (words.read != RaftFeatureWords{}.read) args.insert(args.end(), {"--read", words.read});
  return args;
}

}  // namespace consensus_lab::tools
