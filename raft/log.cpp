#include "raft/log.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace consensus_lab::raft {

Log::Log(std::vector<LogEntry> entries) : entries_(std::move(entries)) {}

Log::Log(LogIndex base_index, Term base_term, std::vector<LogEntry> entries)
    : base_index_(base_index), base_term_(base_term), entries_(std::move(entries)) {}

std::size_t Log::position(LogIndex index) const {
  assert(index > base_index_);  // the base and what came before it hold no entry
  return index.value - base_index_.value - 1;
}

LogIndex Log::last_index() const {
  return LogIndex{base_index_.value + entries_.size()};
}

Term Log::last_term() const {
  return entries_.empty() ? base_term_ : entries_.back().term;
}

Term Log::term_at(LogIndex index) const {
  assert(base_index_ <= index && index <= last_index());
  return index == base_index_ ? base_term_ : entry(index).term;
}

bool Log::matches(LogIndex prev_index, Term prev_term) const {
  return prev_index <= last_index() && term_at(prev_index) == prev_term;
}

bool Log::compact_to(LogIndex index, Term term) {
  assert(index >= base_index_);
  const bool keep = index <= last_index() && term_at(index) == term;
  if (keep) {
    entries_.erase(entries_.begin(),
                   entries_.begin() + static_cast<std::ptrdiff_t>(index.value - base_index_.value));
  } else {
    entries_.clear();
  }
  base_index_ = index;
  base_term_ = term;
  return keep;
}

const LogEntry& Log::entry(LogIndex index) const {
  assert(index <= last_index());
  return entries_[position(index)];
}

std::vector<LogEntry> Log::entries_from(LogIndex from, std::size_t limit) const {
  assert(base_index_ < from && from <= last_index().next());
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
  assert(base_index_ < index && index <= last_index().next());
  const std::size_t kept = position(index);
  const std::size_t deleted = entries_.size() - kept;
  entries_.resize(kept);
  return deleted;
}

}  // namespace consensus_lab::raft
