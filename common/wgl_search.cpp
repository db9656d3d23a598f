// The WGL search (Wing & Gong 1993, with Lowe's 2017 memoization), for one key.
//
// Write the key's answered operations as a list of events in time order: each
// one's call and its return. A linearization places operations one at a time;
// the next may be any *minimal* one: no operation still in the list returned
// before it was invoked — its call comes before the first return event. So
// the search walks the list from the front:
//   - at a call event: try that operation on the register. If the register
//     allows it (a put always; a read only if it returns the register's
//     value), remove its call and return events from the list ("lift" it),
//     push on a stack how to undo that, and start again from the front;
//   - at a return event: its operation had to be placed by now and no choice
//     made so far allows it — undo the last choice (pop the stack, put its
//     events back) and try the next call after it.
// It succeeds when every answered operation is placed; it fails when it must
// undo with an empty stack: every order has been tried.
//
// Backtracking alone can take exponential time: different orders of the same
// operations reach the same situation again and again. Lowe remembers each
// configuration reached — operations placed, register value — and never
// explores one twice: what can follow depends on nothing else. The stack is
// explicit (no recursion): a key may have thousands of operations.
//
// Pending puts stay out of the list. One matters only to the reads that saw
// its value; one no read saw may as well never have happened. So a pending
// put is placed only just before a read of its value (if it is minimal then:
// invoked before the first return in the list). Placed on their own, every
// subset of them would be a new configuration: 2^50 for 50 lost requests.
#include "common/wgl_search.h"

#include <algorithm>
#include <compare>
#include <unordered_set>

namespace consensus_lab::wgl {
namespace {

// SplitMix64's finalizer: spreads the bits of a number (for hashing).
std::uint64_t mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A configuration of the search: which operations are linearized (a bitset)
// and the register's value after them.
struct Config {
  std::vector<std::uint64_t> done;
  std::uint32_t state = 0;
  bool operator==(const Config&) const = default;
};
struct ConfigHash {
  std::size_t operator()(const Config& config) const {
    std::uint64_t hash = config.state;
    for (const std::uint64_t word : config.done) hash = mix(hash ^ word);
    return static_cast<std::size_t>(hash);
  }
};

class Search {
 public:
  explicit Search(const std::vector<Op>& ops);
  Searched run(std::uint64_t max_states);

 private:
  struct Event {
    std::uint64_t time = 0;
    bool is_return = false;  // at equal times a call goes first: A precedes B iff A.ret < B.call
    std::size_t op = 0;
    auto operator<=>(const Event&) const = default;
  };
  struct Frame {           // how to undo one placement
    std::size_t entry;     // the call entry lifted
    std::uint32_t before;  // the register's value before it
    std::size_t pending;   // the pending put placed with it, or kNone
  };

  bool placed(std::size_t op) const { return (now_.done[op / 64] >> (op % 64)) & 1U; }
  void flip(std::size_t op, std::size_t pending);
  void unlink(std::size_t e);
  void relink(std::size_t e);
  std::size_t pending_put_for(std::size_t entry) const;
  bool place(std::size_t entry, std::size_t pending);
  std::size_t undo();

  const std::vector<Op>& ops_;
  std::vector<Event> events_;
  std::vector<std::size_t> pending_puts_;
  bool malformed_ = false;
  std::size_t remaining_ = 0;  // answered operations not placed yet
  // A circular doubly linked list of the events; `head_` is its sentinel. A
  // lifted entry keeps its own links, so putting it back is two assignments
  // (valid because entries are put back in the reverse order of lifting).
  std::size_t head_ = 0;
  std::vector<std::size_t> next_, prev_, return_entry_;
  Config now_;
  std::unordered_set<Config, ConfigHash> seen_;
  std::vector<Frame> stack_;
};

Search::Search(const std::vector<Op>& ops) : ops_(ops) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].ret) {
      if (*ops[i].ret <= ops[i].call) malformed_ = true;
      events_.push_back({ops[i].call, false, i});
      events_.push_back({*ops[i].ret, true, i});
    } else if (ops[i].put) {
      pending_puts_.push_back(i);
    }
  }
  remaining_ = events_.size() / 2;
  std::sort(events_.begin(), events_.end());
  head_ = events_.size();
  next_.resize(head_ + 1);
  prev_.resize(head_ + 1);
  return_entry_.assign(ops.size(), kNone);
  for (std::size_t e = 0; e <= head_; ++e) {
    next_[e] = (e + 1) % (head_ + 1);
    prev_[e] = (e + head_) % (head_ + 1);
    if (e < head_ && events_[e].is_return) return_entry_[events_[e].op] = e;
  }
  now_.done.resize((ops.size() + 63) / 64);
}

// (Un)place `op`, and `pending` with it unless it is kNone.
void Search::flip(std::size_t op, std::size_t pending) {
  for (const std::size_t i : {op, pending}) {
    if (i != kNone) now_.done[i / 64] ^= std::uint64_t{1} << (i % 64);
  }
}

void Search::unlink(std::size_t e) {
  next_[prev_[e]] = next_[e];
  prev_[next_[e]] = prev_[e];
}

void Search::relink(std::size_t e) {
  next_[prev_[e]] = e;
  prev_[next_[e]] = e;
}

// A pending put that can go just before the read at `entry`, or kNone.
std::size_t Search::pending_put_for(std::size_t entry) const {
  if (pending_puts_.empty()) return kNone;
  std::size_t e = next_[entry];
  while (e != head_ && !events_[e].is_return) e = next_[e];
  const std::uint64_t first_return = e == head_ ? kNever : events_[e].time;
  for (const std::size_t put : pending_puts_) {
    const bool fits = ops_[put].value == ops_[events_[entry].op].value;
    if (fits && !placed(put) && ops_[put].call <= first_return) return put;
  }
  return kNone;
}

// Place the operation called at `entry` (after `pending`): true if that
// reaches a configuration never seen — then it is lifted from the list.
bool Search::place(std::size_t entry, std::size_t pending) {
  const std::size_t op = events_[entry].op;
  const std::uint32_t before = now_.state;
  flip(op, pending);
  now_.state = ops_[op].value;
  if (!seen_.insert(now_).second) {  // seen already: it led nowhere then, it leads nowhere now
    flip(op, pending);
    now_.state = before;
    return false;
  }
  stack_.push_back({entry, before, pending});
  unlink(entry);
  unlink(return_entry_[op]);
  --remaining_;
  return true;
}

// Undo the last placement; the entry to try next: the call after it.
std::size_t Search::undo() {
  const Frame top = stack_.back();
  stack_.pop_back();
  const std::size_t op = events_[top.entry].op;
  relink(return_entry_[op]);
  relink(top.entry);
  ++remaining_;
  flip(op, top.pending);
  now_.state = top.before;
  return next_[top.entry];
}

Searched Search::run(std::uint64_t max_states) {
  if (malformed_) return {Outcome::malformed, 0};
  std::uint64_t states = 0;
  std::size_t entry = next_[head_];
  while (remaining_ > 0) {
    if (entry == head_ || events_[entry].is_return) {  // stuck: undo the last choice
      if (stack_.empty()) return {Outcome::not_linearizable, states};
      entry = undo();
      continue;
    }
    const std::size_t op = events_[entry].op;
    const bool allowed = ops_[op].put || ops_[op].value == now_.state;
    const std::size_t pending = allowed ? kNone : pending_put_for(entry);
    // The register allows it (after `pending`), and it leads somewhere new.
    if ((allowed || pending != kNone) && place(entry, pending)) {
      if (++states > max_states) return {Outcome::gave_up, states};
      entry = next_[head_];
      continue;
    }
    entry = next_[entry];
  }
  return {Outcome::linearizable, states};
}

}  // namespace

Searched search(const std::vector<Op>& ops, std::uint64_t max_states) {
  return Search(ops).run(max_states);
}

}  // namespace consensus_lab::wgl
