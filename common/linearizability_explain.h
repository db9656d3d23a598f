// Why a key's history is not linearizable, in one line for a student
// (linearizability.h lists the cases). Internal to common/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/linearizability.h"
#include "common/wgl_search.h"

namespace consensus_lab::wgl {

// Text for a one-line message: at most ~16 bytes (whole UTF-8 characters), no control ones.
std::string clip(const std::string& text);

// The explanation of key `key`, whose operations are history[members[j]],
// numbered as `ops`, and whose search failed. Searches at most `max_states`
// configurations in all.
Linearizability explain(const std::vector<Operation>& history, const std::string& key,
                        const std::vector<std::size_t>& members, const std::vector<Op>& ops,
                        std::uint64_t max_states);

}  // namespace consensus_lab::wgl
