// Basic Paxos in words: the Describer that sim::Narrator and the diagram
// writers use for Paxos messages and decisions, in English and in the notes'
// Chinese (提议者, 接受者, 学习者, 准备请求, 准备响应, 接受请求, 通过, 提案 [n, v]).
#pragma once

#include <optional>
#include <string>

#include "paxos/effects.h"
#include "sim/narration.h"

namespace consensus_lab::cluster {

struct PaxosDescriber {
  static std::string message(const paxos::Message& message, sim::Lang lang);
  static std::optional<sim::Line> event(const NodeId& node, const paxos::Event& event,
                                        sim::Lang lang);
  static std::optional<std::string> brief(const NodeId& node, const paxos::Event& event,
                                          sim::Lang lang);
};

}  // namespace consensus_lab::cluster
