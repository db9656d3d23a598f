#include "sim/trace.h"

namespace consensus_lab::sim {

std::string_view to_string(DropReason reason) {
  switch (reason) {
    case DropReason::by_hand:
      return "dropped";
    case DropReason::loss:
      return "lost";
    case DropReason::partition:
      return "partition";
    case DropReason::receiver_down:
      return "receiver down";
    case DropReason::sender_down:
      return "sender down";
  }
  return "?";
}

}  // namespace consensus_lab::sim
