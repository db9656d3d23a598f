#include "paxos/messages.h"

#include "common/overloaded.h"

namespace consensus_lab::paxos {

std::string_view message_type(const Message& message) {
  return std::visit(Overloaded{
                        [](const Prepare&) { return std::string_view{"prepare"}; },
                        [](const Promise&) { return std::string_view{"promise"}; },
                        [](const Accept&) { return std::string_view{"accept"}; },
                        [](const Accepted&) { return std::string_view{"accepted"}; },
                    },
                    message);
}

std::string to_string(const Message& message) {
  return std::visit(
      Overloaded{
          [](const Prepare& m) { return "Prepare " + to_string(m.number); },
          [](const Promise& m) {
            return "Promise " + to_string(m.number) +
                   (m.accepted ? " (accepted " + to_string(*m.accepted) + ")" : std::string{});
          },
          [](const Accept& m) { return "Accept " + to_string(m.proposal); },
          [](const Accepted& m) { return "Accepted " + to_string(m.proposal); },
      },
      message);
}

std::vector<std::string> message_words(const Message& message) {
  auto proposal = [](const Proposal& p) {
    return std::vector<std::string>{to_string(p.number), p.value};
  };
  return std::visit(Overloaded{
                        [](const Prepare& m) { return std::vector{to_string(m.number)}; },
                        [&](const Promise& m) {
                          std::vector<std::string> words{to_string(m.number)};
                          if (!m.accepted) {
                            words.push_back("none");
                          } else {
                            for (auto& word : proposal(*m.accepted)) words.push_back(word);
                          }
                          return words;
                        },
                        [&](const Accept& m) { return proposal(m.proposal); },
                        [&](const Accepted& m) { return proposal(m.proposal); },
                    },
                    message);
}

}  // namespace consensus_lab::paxos
