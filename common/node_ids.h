// A list of node ids as one word: "A,B,C" — how a configuration is written
// in a snapshot (raft/snapshot.cpp), in the data directory
// (net/raft_store.cpp), on the client wire (`members`, net/protocol_runner.cpp)
// and in a cluster's folder (tools/cluster_membership.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/types.h"

namespace consensus_lab {

// {A, B, C} → "A,B,C"; {} → "".
inline std::string join_ids(const std::vector<NodeId>& ids) {
  std::string text;
  for (const NodeId& id : ids) text += (text.empty() ? "" : ",") + id;
  return text;
}

// "A,B,C" → {A, B, C}; "" → {}; nothing when a name is empty ("A,,B", "A,").
inline std::optional<std::vector<NodeId>> split_ids(std::string_view text) {
  std::vector<NodeId> ids;
  if (text.empty()) return ids;
  for (;;) {
    const std::size_t comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    if (name.empty()) return std::nullopt;
    ids.emplace_back(name);
    if (comma == std::string_view::npos) return ids;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace consensus_lab
