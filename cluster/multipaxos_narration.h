// Multi-Paxos in words: the Describer for sim::Narrator and the diagram
// writers, in English and in the notes' Chinese (主节点, 准备请求, 接受请求 …).
#pragma once

#include <optional>
#include <string>

#include "multipaxos/replica.h"
#include "sim/narration.h"

namespace consensus_lab::cluster {

struct MultiPaxosDescriber {
  static std::string message(const multipaxos::Message& message, sim::Lang lang);
  static std::optional<sim::Line> event(const NodeId& node, const multipaxos::Event& event,
                                        sim::Lang lang);
  static std::optional<std::string> brief(const NodeId& node, const multipaxos::Event& event,
                                          sim::Lang lang);
};

}  // namespace consensus_lab::cluster
