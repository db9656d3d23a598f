// The linearizability check (linearizability.h): the WGL search of one key,
// the loop over the keys, and the explanation of a failure.
#include "common/linearizability.h"

#include <algorithm>
#include <compare>
#include <cstddef>
#include <limits>
#include <map>
#include <unordered_set>
#include <utility>

namespace consensus_lab {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

// One operation of one key as the search sees it. Values are numbered
// (0 = absent), so the register's state is a small number too.
struct Op {
  bool put = false;
  std::uint32_t value = 0;  // put: the value written; read: the value read
  std::uint64_t call = 0;
  std::optional<std::uint64_t> ret;  // nullopt: pending
};

enum class Outcome { linearizable, not_linearizable, gave_up, malformed };
struct Searched {
  Outcome outcome = Outcome::linearizable;
  std::uint64_t states = 0;
};

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
Searched wgl(const std::vector<Op>& ops, std::uint64_t max_states) {
  struct Event {
    std::uint64_t time = 0;
    bool is_return = false;  // at equal times a call goes first: A precedes B iff A.ret < B.call
    std::size_t op = 0;
    auto operator<=>(const Event&) const = default;
  };
  std::vector<Event> events;
  std::vector<std::size_t> pending_puts;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].ret) {
      if (*ops[i].ret <= ops[i].call) return {Outcome::malformed, 0};
      events.push_back({ops[i].call, false, i});
      events.push_back({*ops[i].ret, true, i});
    } else if (ops[i].put) {
      pending_puts.push_back(i);
    }
  }
  std::size_t remaining = events.size() / 2;  // answered operations not placed yet
  std::sort(events.begin(), events.end());

  // A circular doubly linked list of the events; `head` is its sentinel. A
  // lifted entry keeps its own links, so putting it back is two assignments
  // (valid because entries are put back in the reverse order of lifting).
  const std::size_t head = events.size();
  std::vector<std::size_t> next(head + 1), prev(head + 1), return_entry(ops.size(), kNone);
  for (std::size_t e = 0; e <= head; ++e) {
    next[e] = (e + 1) % (head + 1);
    prev[e] = (e + head) % (head + 1);
    if (e < head && events[e].is_return) return_entry[events[e].op] = e;
  }
  const auto unlink = [&](std::size_t e) {
    next[prev[e]] = next[e];
    prev[next[e]] = prev[e];
  };
  const auto relink = [&](std::size_t e) {
    next[prev[e]] = e;
    prev[next[e]] = e;
  };

  Config now{std::vector<std::uint64_t>((ops.size() + 63) / 64), 0};
  const auto placed = [&](std::size_t op) { return (now.done[op / 64] >> (op % 64)) & 1U; };
  const auto flip = [&](std::size_t op, std::size_t pending) {  // (un)place op, and pending
    for (const std::size_t i : {op, pending}) {
      if (i != kNone) now.done[i / 64] ^= std::uint64_t{1} << (i % 64);
    }
  };
  // A pending put that can go just before the read at `entry`, or kNone.
  const auto pending_put_for = [&](std::size_t entry) {
    if (pending_puts.empty()) return kNone;
    std::size_t e = next[entry];
    while (e != head && !events[e].is_return) e = next[e];
    const std::uint64_t first_return = e == head ? kNever : events[e].time;
    for (const std::size_t put : pending_puts) {
      const bool fits = ops[put].value == ops[events[entry].op].value;
      if (fits && !placed(put) && ops[put].call <= first_return) return put;
    }
    return kNone;
  };
  std::unordered_set<Config, ConfigHash> seen;
  struct Frame {
    std::size_t entry;     // the call entry lifted
    std::uint32_t before;  // the register's value before it
    std::size_t pending;   // the pending put placed with it, or kNone
  };
  std::vector<Frame> stack;
  std::uint64_t states = 0;

  std::size_t entry = next[head];
  while (remaining > 0) {
    if (entry == head || events[entry].is_return) {  // stuck: undo the last choice
      if (stack.empty()) return {Outcome::not_linearizable, states};
      const Frame top = stack.back();
      stack.pop_back();
      const std::size_t op = events[top.entry].op;
      relink(return_entry[op]);
      relink(top.entry);
      ++remaining;
      flip(op, top.pending);
      now.state = top.before;
      entry = next[top.entry];
      continue;
    }
    const std::size_t op = events[entry].op;
    const bool allowed = ops[op].put || ops[op].value == now.state;
    const std::size_t pending = allowed ? kNone : pending_put_for(entry);
    if (allowed || pending != kNone) {  // the register allows it (after `pending`)
      const std::uint32_t before = now.state;
      flip(op, pending);
      now.state = ops[op].value;
      if (seen.insert(now).second) {  // a configuration never seen: go on from it
        if (++states > max_states) return {Outcome::gave_up, states};
        stack.push_back({entry, before, pending});
        unlink(entry);
        unlink(return_entry[op]);
        --remaining;
        entry = next[head];
        continue;
      }
      flip(op, pending);  // seen already: it led nowhere then, it leads nowhere now
      now.state = before;
    }
    entry = next[entry];
  }
  return {Outcome::linearizable, states};
}

// The operations history[members[j]] of one key, as the search sees them.
std::vector<Op> key_history(const std::vector<Operation>& history,
                            const std::vector<std::size_t>& members) {
  std::vector<Op> ops;
  std::map<std::string, std::uint32_t> numbers;  // value -> its number (1, 2, …)
  for (const std::size_t i : members) {
    const Operation& operation = history[i];
    const bool put = operation.kind == Operation::Kind::put;
    const auto fresh = static_cast<std::uint32_t>(numbers.size() + 1);
    std::uint32_t value = 0;  // absent
    if (put || operation.result) {
      value = numbers.emplace(put ? operation.value : *operation.result, fresh).first->second;
    }
    ops.push_back({put, value, operation.call, operation.ret});
  }
  return ops;
}

// When `op` returned, seen from tick `t`: kNever if it was not answered by then.
std::uint64_t done_by(const Op& op, std::uint64_t t) {
  return op.ret && *op.ret <= t ? *op.ret : kNever;
}

// The key's history as it stood at tick `t`: the operations invoked before it,
// pending if not answered by then (a pending read dropped); `kept`: their indices.
std::vector<Op> as_of(const std::vector<Op>& ops, std::uint64_t t, std::vector<std::size_t>& kept) {
  std::vector<Op> prefix;
  for (std::size_t j = 0; j < ops.size(); ++j) {
    Op op = ops[j];
    if (op.call >= t || (!op.put && done_by(op, t) == kNever)) continue;
    if (done_by(op, t) == kNever) op.ret.reset();
    prefix.push_back(op);
    kept.push_back(j);
  }
  return prefix;
}

// Text for a one-line message: at most ~16 bytes (whole UTF-8 characters), no control ones.
std::string clip(const std::string& text) {
  const auto byte = [](char c) { return static_cast<unsigned char>(c); };
  std::size_t end = std::min<std::size_t>(text.size(), 16);
  while (end < text.size() && end > 0 && (byte(text[end]) & 0xC0) == 0x80) --end;
  std::string out = text.substr(0, end);
  std::replace_if(
      out.begin(), out.end(), [&](char c) { return byte(c) < 0x20 || c == 0x7F; }, '?');
  return end < text.size() ? out + "..." : out;
}

std::string put_text(const Operation& op) {
  return "put " + clip(op.key) + "=" + clip(op.value) + " by " + clip(op.client);
}
std::string read_text(const Operation& op) {  // (an answered read)
  return "read by " + clip(op.client) + " at " + std::to_string(op.call_ms) + ".." +
         std::to_string(op.ret_ms) + " ms" +
         (op.result ? " returned " + clip(*op.result) : " found it absent");
}

// Why a key is not linearizable (linearizability.h lists the cases). The read
// at fault: the key's history as it stood when answer number i came back is
// linearizable for small i, not for the last; an answer only adds
// constraints, so a binary search finds the first answer that makes it
// impossible. It is a read's: a put can always take effect just before its
// answer, after everything else. Cases 1-3 are exactly the ways a read can
// fail against the puts alone, so they need no search; case 4 searches (all
// searches share one budget of max_states).
Linearizability explain(const std::vector<Operation>& history, const std::string& key,
                        const std::vector<std::size_t>& members, const std::vector<Op>& ops,
                        std::uint64_t max_states) {
  const auto at = [&](std::size_t j) -> const Operation& { return history[members[j]]; };
  std::uint64_t budget = max_states;
  const auto fails = [&](const std::vector<Op>& sub) -> std::optional<bool> {
    const Searched searched = wgl(sub, budget);
    if (searched.outcome == Outcome::gave_up) return std::nullopt;
    budget -= searched.states;
    return searched.outcome == Outcome::not_linearizable;
  };
  std::vector<std::size_t> answered;  // by the time of their answer
  for (std::size_t j = 0; j < ops.size(); ++j) {
    if (ops[j].ret) answered.push_back(j);
  }
  std::sort(answered.begin(), answered.end(),
            [&](std::size_t a, std::size_t b) { return *ops[a].ret < *ops[b].ret; });
  // fails(answered.size() - 1) is known: the search of the whole key failed.
  std::size_t low = 0, high = answered.size() - 1;
  bool out_of_budget = answered.empty();
  while (!out_of_budget && low < high) {
    const std::size_t middle = low + (high - low) / 2;
    std::vector<std::size_t> kept;
    const std::optional<bool> failed = fails(as_of(ops, *ops[answered[middle]].ret, kept));
    out_of_budget = !failed;
    if (failed && *failed) high = middle;
    if (failed && !*failed) low = middle + 1;
  }
  Linearizability result{
      Linearizability::Verdict::not_linearizable, key, "key " + clip(key) + ": ", 0, {}};
  if (out_of_budget || ops[answered[low]].put) {  // (a put: cannot happen, see above)
    result.explanation += "no order of its " + std::to_string(ops.size()) +
                          " operations is legal (too large to find the one at fault)";
    return result;
  }
  const std::size_t r = answered[low];
  const Op& read = ops[r];
  const std::uint64_t t = *read.ret;
  std::vector<std::size_t> kept;
  const std::vector<Op> prefix = as_of(ops, t, kept);
  const auto done = [&](std::size_t j) {
    return put_text(at(j)) + " (done at " + std::to_string(at(j).ret_ms) + " ms)";
  };
  const auto blame = [&](const std::string& why, const std::vector<std::size_t>& js) {
    result.explanation += read_text(at(r)) + why;
    for (const std::size_t j : js) result.operations.push_back(members[j]);
    return result;
  };
  // The puts answered before the read began, the latest first; and the put
  // of the read's value invoked before it returned and answered last.
  std::vector<std::size_t> before;
  std::size_t writer = kNone, writers = 0;
  for (const std::size_t j : kept) {
    if (!ops[j].put) continue;
    if (done_by(ops[j], t) < read.call) before.push_back(j);
    if (read.value == 0 || ops[j].value != read.value) continue;
    ++writers;
    if (writer == kNone || done_by(ops[j], t) >= done_by(ops[writer], t)) writer = j;
  }
  std::sort(before.begin(), before.end(),
            [&](std::size_t a, std::size_t b) { return *ops[a].ret > *ops[b].ret; });
  if (read.value != 0 && writer == kNone) {  // 2
    return blame(", but no put " + clip(key) + "=" + clip(*at(r).result) +
                     " was invoked before the read returned",
                 {r});
  }
  for (const std::size_t j : before) {  // 1, 3: a put after the value's last put, before the read
    if (read.value == 0) return blame(", but " + done(j) + " came before the read began", {r, j});
    if (done_by(ops[writer], t) < ops[j].call) {
      return blame(", but " + done(j) + " came after " + (writers > 1 ? "the last " : "") +
                       done(writer) + " and before the read began",
                   {r, j, writer});
    }
  }
  std::vector<std::size_t> reads;  // the other reads, the latest answer first
  for (std::size_t k = 0; k < kept.size(); ++k) {
    if (!prefix[k].put && kept[k] != r) reads.push_back(k);
  }
  std::sort(reads.begin(), reads.end(),
            [&](std::size_t a, std::size_t b) { return *prefix[a].ret > *prefix[b].ret; });
  for (const std::size_t other : reads) {  // 4
    std::vector<Op> sub;
    for (std::size_t k = 0; k < kept.size(); ++k) {
      if (prefix[k].put || kept[k] == r || k == other) sub.push_back(prefix[k]);
    }
    const std::optional<bool> failed = fails(sub);
    if (!failed) break;
    if (!*failed) continue;
    const std::size_t j = kept[other];
    const std::string but = std::string(", but the ") +
                            (*ops[j].ret < read.call ? "earlier " : "other ") + read_text(at(j));
    for (const std::size_t q : before) {  // a put of another value between the two reads?
      if (ops[q].call > *ops[j].ret && ops[q].value != read.value) {
        return blame(but + " and " + done(q) + " came in between", {r, j, q});
      }
    }
    return blame(but + ", and no order of the puts explains both", {r, j});
  }
  return blame(", and no order of the puts explains it together with the " +
                   std::to_string(reads.size()) + " other reads invoked before it returned",
               {r});
}

}  // namespace

Linearizability check_linearizable(const std::vector<Operation>& history,
                                   std::uint64_t max_states) {
  // Locality: check each key on its own, in sorted order.
  std::map<std::string, std::vector<std::size_t>> keys;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Operation& op = history[i];
    if (op.kind == Operation::Kind::read && !op.ret) continue;  // a pending read: no constraint
    keys[op.key].push_back(i);
  }
  Linearizability result;
  Linearizability undecided;  // the first key left undecided
  for (const auto& [key, members] : keys) {
    const std::vector<Op> ops = key_history(history, members);
    const Searched searched = wgl(ops, max_states);
    result.states += searched.states;
    if (searched.outcome == Outcome::not_linearizable) {
      Linearizability failed = explain(history, key, members, ops, max_states);
      failed.states = result.states;
      return failed;
    }
    if (searched.outcome == Outcome::linearizable || !undecided.explanation.empty()) continue;
    undecided = {Linearizability::Verdict::undecided, key, "key " + clip(key) + ": ", 0, {}};
    undecided.explanation +=
        searched.outcome == Outcome::malformed
            ? "an operation was answered before it was called: the history is malformed"
            : "gave up after " + std::to_string(max_states) + " configurations of its " +
                  std::to_string(members.size()) + " operations (max_states); nothing was proven";
  }
  if (undecided.explanation.empty()) return result;
  undecided.states = result.states;
  return undecided;
}

std::string to_string(Linearizability::Verdict verdict) {
  constexpr const char* kNames[] = {"linearizable", "not linearizable", "undecided"};
  return kNames[static_cast<std::size_t>(verdict)];
}

}  // namespace consensus_lab
