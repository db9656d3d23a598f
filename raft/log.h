// The Raft log — the paper's Figure 2: "log[]: log entries; each entry
// contains command for state machine, and term when entry was received by
// leader (first index is 1)"; notes, 复制日志: "日志是由日志项组成，日志项包含指令
// （Command）、任期编号（Term）、索引值（Log Index）" (a log is made of entries; an
// entry holds a command, a term and an index).
//
// Indexes start at 1; index 0 is the empty prefix before the first entry,
// whose term is 0 — so (prev index 0, prev term 0) is where every log starts,
// and every log matches it. Only this class turns an index into a position
// in memory (log.cpp); everyone else speaks in LogIndex. (etcd: raftLog in
// log.go.)
#pragma once

#include <cstddef>
#include <vector>

#include "raft/messages.h"

namespace consensus_lab::raft {

class Log {
 public:
  Log() = default;
  // A log holding `entries` at indexes 1, 2, … (restored from disk, or a
  // scenario's set-up).
  explicit Log(std::vector<LogEntry> entries);

  // The index and term of the last entry; 0 and 0 when the log is empty.
  LogIndex last_index() const;
  Term last_term() const;

  // The term of the entry at `index`, 0 for index 0 (the empty prefix).
  // Needs index ≤ last_index().
  Term term_at(LogIndex index) const;
  // The AppendEntries consistency check (Figure 2, AppendEntries receiver
  // 2: "Reply false if log doesn't contain an entry at prevLogIndex whose
  // term matches prevLogTerm"): does this log hold an entry at `prev_index`
  // of term `prev_term`? Every log holds (0, 0).
  bool matches(LogIndex prev_index, Term prev_term) const;

  // The entry at `index`; needs 1 ≤ index ≤ last_index().
  const LogEntry& entry(LogIndex index) const;
  // The entries from `from` to the end — at most `limit` of them (0: no
  // limit) — as an AppendEntries carries them. Needs 1 ≤ from ≤ last + 1
  // (from = last + 1: none).
  std::vector<LogEntry> entries_from(LogIndex from, std::size_t limit = 0) const;
  // Every entry, in order: log[1] first.
  const std::vector<LogEntry>& entries() const { return entries_; }

  // Append an entry after the last one; its index is returned.
  LogIndex append(LogEntry entry);
  void append(const std::vector<LogEntry>& entries);
  // Delete the entry at `index` and all that follow it (Figure 2,
  // AppendEntries receiver 3: "delete the existing entry and all that
  // follow it"); how many went is returned. Needs 1 ≤ index ≤ last + 1.
  std::size_t truncate_from(LogIndex index);

  friend bool operator==(const Log&, const Log&) = default;

 private:
  // Where the entry at `index` (≥ 1) is kept in entries_.
  static std::size_t position(LogIndex index);

  std::vector<LogEntry> entries_;  // log[1] is entries_[0]
};

}  // namespace consensus_lab::raft
