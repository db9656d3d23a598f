#include "raft/log.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace consensus_lab::raft {

Log::Log(std::vector<LogEntry> entries) : entries_(std::move(entries)) {}

std::size_t Log::position(LogIndex index) {
  assert(index.value >= 1);  // index 0 holds no entry
  return index.value - 1;
}

LogIndex Log::last_index() const {
  return LogIndex{entries_.size()};
}

Term Log::last_term() const {
  return entries_.empty() ? Term{} : entries_.back().term;
}

Term Log::term_at(LogIndex index) const {
  assert(index <= last_index());
  return index.value == 0 ? Term{} : entry(index).term;
}

bool Log::matches(LogIndex prev_index, Term prev_term) const {
  return prev_index <= last_index() && term_at(prev_index) == prev_term;
}

const LogEntry& Log::entry(LogIndex index) const {
  assert(index <= last_index());
  return entries_[position(index)];
}

std::vector<LogEntry> Log::entries_from(LogIndex from, std::size_t limit) const {
  assert(from <= last_index().next());
  const auto first = entries_.begin() + static_cast<std::ptrdiff_t>(position(from));
  const auto available = static_cast<std::size_t>(entries_.end() - first);
  const std::size_t count = limit == 0 ? available : std::min(available, limit);
  return {first, first + static_cast<std::ptrdiff_t>(count)};
}

LogIndex Log::append(LogEntry entry) {
  entries_.push_back(std::move(entry));
  return last_index();
}

void Log::append(const std::vector<LogEntry>& entries) {
  entries_.insert(entries_.end(), entries.begin(), entries.end());
}

std::size_t Log::truncate_from(LogIndex index) {
  assert(index <= last_index().next());
  const std::size_t kept = position(index);
  const std::size_t deleted = entries_.size() - kept;
  entries_.resize(kept);
  return deleted;
}

}  // namespace consensus_lab::raft
