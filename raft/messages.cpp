#include "raft/messages.h"

#include "common/overloaded.h"

namespace consensus_lab::raft {

std::string to_string(Term term) {
  return std::to_string(term.value);
}
std::string to_string(LogIndex index) {
  return std::to_string(index.value);
}

LogIndex index_of_last_new_entry(const AppendEntries& m) {
  return LogIndex{m.prev_log_index.value + m.entries.size()};
}

LogIndex named_index(const AppendReply& m) {
  return m.success ? m.match_index : m.refused_prev_index.value_or(LogIndex{});
}

bool may_leave_before_write(const Message& message) {
  return std::holds_alternative<AppendEntries>(message);
}

std::string_view message_type(const Message& message) {
  static constexpr std::string_view names[] = {
      "request-vote",   "vote",        "append-entries",   "append-reply",   "pre-vote",
      "pre-vote-reply", "timeout-now", "install-snapshot", "snapshot-reply", "removed"};
  return names[message.index()];
}

std::vector<std::string> message_words(const Message& message) {
  using Words = std::vector<std::string>;
  const auto number = [](std::uint64_t n) { return std::to_string(n); };
  Words words = std::visit(
      Overloaded{
          [&](const RequestVote& m) {
            Words w{"term", to_string(m.term), "last", to_string(m.last_log_index),
                    to_string(m.last_log_term)};
            if (m.transfer) w.push_back("transfer");
            return w;
          },
          [&](const PreVote& m) {
            return Words{"term", to_string(m.term), "last", to_string(m.last_log_index),
                         to_string(m.last_log_term)};
          },
          [&](const PreVoteReply& m) {
            return Words{"term", to_string(m.term), m.granted ? "granted" : "refused"};
          },
          [&](const TimeoutNow& m) {
            return Words{"term", to_string(m.term)};
          },
          [&](const Vote& m) {
            return Words{"term", to_string(m.term), m.vote_granted ? "granted" : "refused"};
          },
          [&](const AppendEntries& m) {
            Words w{"term",
                    to_string(m.term),
                    "prev",
                    to_string(m.prev_log_index),
                    to_string(m.prev_log_term),
                    "entries",
                    number(m.entries.size()),
                    "commit",
                    to_string(m.leader_commit)};
            if (m.round) w.insert(w.end(), {"round", number(m.round)});
            return w;
          },
          [&](const AppendReply& m) {
            Words w{"term", to_string(m.term)};
            if (m.success) {
              w.insert(w.end(), {"ok", to_string(m.match_index)});
            } else if (m.refused_prev_index) {
              w.insert(w.end(), {"refused", to_string(*m.refused_prev_index)});
            } else {
              w.push_back("stale");
            }
            w.insert(w.end(), {"last", to_string(m.last_log_index)});
            if (m.round) w.insert(w.end(), {"round", number(m.round)});
            return w;
          },
          [&](const InstallSnapshot& m) {
            return Words{"term",
                         to_string(m.term),
                         "last",
                         to_string(m.last_included_index),
                         to_string(m.last_included_term),
                         "offset",
                         number(m.offset),
                         m.done ? "done" : "more"};
          },
          [&](const Removed& m) {
            return Words{"term", to_string(m.term), "configuration",
                         to_string(m.configuration_index)};
          },
          [&](const SnapshotReply& m) {
            return Words{"term",
                         to_string(m.term),
                         "last",
                         to_string(m.last_included_index),
                         "offset",
                         number(m.offset),
                         m.done ? "done" : "more"};
          },
      },
      message);
  return words;
}

namespace {

// " last (7, 4)": a word, then a log position.
std::string position(const char* word, LogIndex index, Term term) {
  return std::string(word) + " (" + to_string(index) + ", " + to_string(term) + ")";
}

std::string append_entries_text(const AppendEntries& m) {
  std::string text = std::string(m.entries.empty() ? "Heartbeat" : "AppendEntries") + " term " +
                     to_string(m.term) + position(" prev", m.prev_log_index, m.prev_log_term);
  if (!m.entries.empty()) {
    text += " [";
    LogIndex index = m.prev_log_index;
    for (std::size_t i = 0; i < m.entries.size(); ++i) {
      ++index.value;
      text += (i ? " " : "") + std::string("(") + to_string(index) + ", " +
              to_string(m.entries[i].term) + ", " + to_string(m.entries[i].command) + ")";
    }
    text += "]";
  }
  return text + " commit " + to_string(m.leader_commit);
}

}  // namespace

std::string to_string(const Message& message) {
  return std::visit(
      Overloaded{
          [](const RequestVote& m) {
            return "RequestVote term " + to_string(m.term) +
                   position(" last", m.last_log_index, m.last_log_term) +
                   (m.transfer ? " transfer" : "");
          },
          [](const PreVote& m) {
            return "PreVote term " + to_string(m.term) +
                   position(" last", m.last_log_index, m.last_log_term);
          },
          [](const PreVoteReply& m) {
            return std::string(m.granted ? "PreVoteReply" : "PreVoteReply refused") + " term " +
                   to_string(m.term);
          },
          [](const TimeoutNow& m) { return "TimeoutNow term " + to_string(m.term); },
          [](const Vote& m) {
            return std::string(m.vote_granted ? "Vote" : "Vote refused") + " term " +
                   to_string(m.term);
          },
          [](const AppendEntries& m) { return append_entries_text(m); },
          [](const AppendReply& m) {
            return m.success ? "AppendReply term " + to_string(m.term) + " ok up to " +
                                   to_string(m.match_index)
                   : !m.refused_prev_index
                       ? "AppendReply term " + to_string(m.term) + " refused: old term"
                       : "AppendReply term " + to_string(m.term) + " refused at " +
                             to_string(*m.refused_prev_index);
          },
          [](const InstallSnapshot& m) {
            return "InstallSnapshot term " + to_string(m.term) +
                   position(" last", m.last_included_index, m.last_included_term) + " offset " +
                   std::to_string(m.offset) + " bytes " + std::to_string(m.data.size()) +
                   (m.done ? " done" : "");
          },
          [](const Removed& m) {
            return "Removed term " + to_string(m.term) + " configuration " +
                   to_string(m.configuration_index);
          },
          [](const SnapshotReply& m) {
            return "SnapshotReply term " + to_string(m.term) + " last " +
                   to_string(m.last_included_index) +
                   (m.done ? std::string(" done") : " offset " + std::to_string(m.offset));
          },
      },
      message);
}

}  // namespace consensus_lab::raft
