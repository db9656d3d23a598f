// Raft's membership changes in words (成员变更, 学习者; thesis §4): the
// decisions of raft/membership.cpp, for RaftWords (narration/raft.cpp).
#pragma once

#include <optional>
#include <string>

#include "narration/line.h"
#include "raft/effects.h"

namespace consensus_lab::narration {

Line describe_membership(const NodeId& node, const raft::event::ConfigurationChanged& c, Lang lang);
Line describe_membership(const NodeId& node, const raft::event::ConfigurationRefused& r, Lang lang);
Line describe_membership(const NodeId& node, const raft::event::RemovedLeaderStepsDown& s,
                         Lang lang);
// "voters A, B, C; learners D" / "投票成员 A、B、C；学习者 D".
std::string configuration_text(const raft::Configuration& configuration, Lang lang);

}  // namespace consensus_lab::narration
