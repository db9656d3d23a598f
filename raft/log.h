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
//
// Log compaction (paper §7, Figure 12): "each server takes snapshots
// independently, covering just the committed entries in its log"; the
// snapshot replaces the entries up to its last included index. The log then
// starts after that base — the last included index and term — and keeps only
// the entries after it. term_at(base) is the base's term (as term_at(0) is 0
// for a log without a snapshot); the entries at or before the base are gone,
// and asking for one is a precondition violation.
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
  // A log whose first `base_index` entries are in a snapshot (the last of them
  // of term `base_term`), holding `entries` after them.
  Log(LogIndex base_index, Term base_term, std::vector<LogEntry> entries);

  // The snapshot's last included index and term (0 and 0: no snapshot).
  LogIndex base_index() const { return base_index_; }
  Term base_term() const { return base_term_; }

  // The index and term of the last entry; the base's when no entry follows it.
  LogIndex last_index() const;
  Term last_term() const;

  // The term of the entry at `index`, the base's term at the base (0 for
  // index 0, the empty prefix). Needs base ≤ index ≤ last_index().
  Term term_at(LogIndex index) const;
  // The AppendEntries consistency check (Figure 2, AppendEntries receiver
  // 2: "Reply false if log doesn't contain an entry at prevLogIndex whose
  // term matches prevLogTerm"): does this log hold an entry at `prev_index`
  // of term `prev_term`? Every log holds (0, 0), and its base. Needs
  // prev_index ≥ base (what is before the base is committed, and matches).
  bool matches(LogIndex prev_index, Term prev_term) const;

  // The entry at `index`; needs base < index ≤ last_index().
  const LogEntry& entry(LogIndex index) const;
  // The entries from `from` to the end — at most `limit` of them (0: no
  // limit) — as an AppendEntries carries them. Needs base < from ≤ last + 1
  // (from = last + 1: none).
  std::vector<LogEntry> entries_from(LogIndex from, std::size_t limit = 0) const;
  // Every entry after the base, in order (log[1] first without a snapshot).
  const std::vector<LogEntry>& entries() const { return entries_; }

  // Append an entry after the last one; its index is returned.
  LogIndex append(LogEntry entry);
  void append(const std::vector<LogEntry>& entries);
  // Delete the entry at `index` and all that follow it (Figure 2,
  // AppendEntries receiver 3: "delete the existing entry and all that
  // follow it"); how many went is returned. Needs base < index ≤ last + 1.
  std::size_t truncate_from(LogIndex index);
  // A snapshot with last included (index, term) replaces the entries up to
  // it — Figure 13, InstallSnapshot receiver 6 and 7: "If existing log entry
  // has same index and term as snapshot's last included entry, retain log
  // entries following it"; otherwise "discard the entire log". True when
  // the entries after it were kept. Needs index ≥ base.
  bool compact_to(LogIndex index, Term term);

  friend bool operator==(const Log&, const Log&) = default;

 private:
  // Where the entry at `index` (> base) is kept in entries_.
  std::size_t position(LogIndex index) const;

  LogIndex base_index_;
  Term base_term_;
  std::vector<LogEntry> entries_;  // log[base + 1] is entries_[0]
};

}  // namespace consensus_lab::raft
