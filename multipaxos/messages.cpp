#include "multipaxos/messages.h"

#include "common/overloaded.h"

namespace consensus_lab::multipaxos {

using paxos::to_string;

std::string to_string(Slot slot) {
  return std::to_string(slot.value);
}

bool may_leave_before_write(const Message& message) {
  return std::holds_alternative<Accept>(message);
}

std::string_view message_type(const Message& message) {
  static constexpr std::string_view names[] = {"prepare",      "promise",  "reject",
                                               "accept",       "accepted", "heartbeat",
                                               "heartbeat-ok", "catch-up", "chosen"};
  return names[message.index()];
}

std::vector<std::string> message_words(const Message& message) {
  using Words = std::vector<std::string>;
  const auto number = [](std::uint64_t n) { return std::to_string(n); };
  return std::visit(
      Overloaded{
          [&](const Prepare& m) {
            return Words{"ballot", to_string(m.ballot), "from", to_string(m.from)};
          },
          [&](const Promise& m) {
            Words w{"ballot", to_string(m.ballot), "from", to_string(m.from), "accepted"};
            for (const auto& [slot, proposal] : m.accepted)
              w.push_back(to_string(slot) + ":" + to_string(proposal.ballot));
            if (m.accepted.empty()) w.push_back("none");
            return w;
          },
          [&](const Reject& m) {
            return Words{"ballot", to_string(m.ballot), "promised", to_string(m.promised)};
          },
          [&](const Accept& m) {
            return Words{"ballot", to_string(m.ballot), "slot", to_string(m.slot),
                         "commit", to_string(m.commit), "more", number(m.more.size())};
          },
          [&](const Accepted& m) {
            Words w{"ballot", to_string(m.ballot), "slot", to_string(m.slot)};
            if (m.more) w.insert(w.end(), {"through", to_string(m.last())});
            return w;
          },
          [&](const Heartbeat& m) {
            return Words{"ballot", to_string(m.ballot),
                         "commit", to_string(m.commit),
                         "sent",   number(static_cast<std::uint64_t>(m.sent_at))};
          },
          [&](const HeartbeatOk& m) {
            return Words{"ballot", to_string(m.ballot), "sent",
                         number(static_cast<std::uint64_t>(m.sent_at))};
          },
          [&](const CatchUp& m) {
            return Words{"from", to_string(m.from)};
          },
          [&](const Chosen& m) {
            Words w{"slots"};
            for (const auto& entry : m.slots) w.push_back(to_string(entry.first));
            return w;
          },
      },
      message);
}

std::string to_string(const Message& message) {
  return std::visit(
      Overloaded{
          [](const Prepare& m) {
            return "Prepare " + to_string(m.ballot) + " from slot " + to_string(m.from);
          },
          [](const Promise& m) {
            std::string text = "Promise " + to_string(m.ballot);
            if (m.accepted.empty()) return text + " (nothing accepted)";
            text += " (accepted";
            for (const auto& [slot, proposal] : m.accepted) {
              text += " " + to_string(slot) + ":[" + to_string(proposal.ballot) + ", " +
                      to_string(proposal.command) + "]";
            }
            return text + ")";
          },
          [](const Reject& m) {
            return "Reject " + to_string(m.ballot) + " (promised " + to_string(m.promised) + ")";
          },
          [](const Accept& m) {
            std::string text = "Accept [" + to_string(m.ballot) + ", " + to_string(m.command) +
                               "] for slot " + to_string(m.slot);
            Slot slot = m.slot;
            for (const Command& command : m.more) {
              slot = slot.next();
              text += ", [" + to_string(m.ballot) + ", " + to_string(command) + "] for slot " +
                      to_string(slot);
            }
            return text + " (commit " + to_string(m.commit) + ")";
          },
          [](const Accepted& m) {
            if (m.more == 0)
              return "Accepted " + to_string(m.ballot) + " for slot " + to_string(m.slot);
            return "Accepted " + to_string(m.ballot) + " for slots " + to_string(m.slot) + " to " +
                   to_string(m.last());
          },
          [](const Heartbeat& m) {
            return "Heartbeat " + to_string(m.ballot) + " (commit " + to_string(m.commit) + ")";
          },
          [](const HeartbeatOk& m) { return "HeartbeatOk " + to_string(m.ballot); },
          [](const CatchUp& m) { return "CatchUp from slot " + to_string(m.from); },
          [](const Chosen& m) {
            std::string text = "Chosen";
            for (const auto& [slot, command] : m.slots) {
              text += " " + to_string(slot) + ":" + to_string(command);
            }
            return text;
          },
      },
      message);
}

}  // namespace consensus_lab::multipaxos
