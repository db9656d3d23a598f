// Raft in words: the Describer for sim::Narrator and the diagram writers, in
// English and in the notes' Chinese (领导者, 跟随者, 候选人, 任期, 请求投票 RPC,
// 日志复制 RPC, 心跳, 日志项, 提交).
#pragma once

#include <optional>
#include <string>

#include "raft/server.h"
#include "sim/narration.h"

namespace consensus_lab::cluster {

struct RaftDescriber {
  static std::string message(const raft::Message& message, sim::Lang lang);
  static std::optional<sim::Line> event(const NodeId& node, const raft::Event& event,
                                        sim::Lang lang);
  static std::optional<std::string> brief(const NodeId& node, const raft::Event& event,
                                          sim::Lang lang);
};

}  // namespace consensus_lab::cluster
