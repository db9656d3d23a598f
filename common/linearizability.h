// Is a history of key-value operations linearizable? (Herlihy & Wing 1990)
//
// The randomized checker records every client operation of a run — when it
// was invoked, when (and whether) its answer came back, what it returned —
// and asks: is there ONE order of these operations that
//   1. respects real time: if A's answer came back before B was invoked, A
//      comes first ("A precedes B"); operations that overlap may go either way;
//   2. is legal for the model: replayed one at a time on a map of registers
//      (each key initially absent), every read returns what the order says?
// If there is, the store behaved as if it were a single copy of the data —
// the "strong consistency" (强一致性) the notes ask of Chubby.
//
// Two results make the check practical:
//   - Locality (Herlihy & Wing 1990, Theorem 1; checkers that split a history
//     by key call it P-compositionality): a history is linearizable iff the
//     sub-history of each key is. So each key is searched on its own.
//   - The search of one key is Wing & Gong's (1993) backtracking search with
//     Lowe's (2017) memoization of (operations done, register value) — the
//     "WGL" algorithm; linearizability.cpp explains it step by step.
//
// An operation whose answer never came back (a client that crashed, a request
// lost with the leader) is pending: it may have taken effect at any time after
// its call, or never. A pending read tells nothing and is dropped; a pending
// put may explain later reads, or none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/types.h"

namespace consensus_lab {

// One client operation, as recorded. `call` and `ret` are ticks of one
// logical clock (a global event counter): distinct, and ret > call.
struct Operation {
  enum class Kind { put, read };
  Kind kind = Kind::put;
  std::string client;  // who asked (for messages only)
  std::string key;
  std::string value;                  // put: the value written
  std::optional<std::string> result;  // read: the value read; nullopt = the key was absent
  std::uint64_t call = 0;             // when it was invoked
  std::optional<std::uint64_t> ret;   // when its answer came back; nullopt = never answered
  Millis call_ms = 0, ret_ms = 0;     // simulated times, for the report only
};

struct Linearizability {
  enum class Verdict { linearizable, not_linearizable, undecided };
  Verdict verdict = Verdict::linearizable;
  std::string key;             // not_linearizable/undecided: the key
  std::string explanation;     // not_linearizable/undecided: one line for a student
  std::string explanation_zh;  // the same line in the notes' Chinese
  std::uint64_t states = 0;    // search effort (configurations explored, all keys), for benchmarks
  // not_linearizable: indices in the history of the operations the
  // explanation names, the read that cannot be placed first (see below).
  std::vector<std::size_t> operations;
};

// Checks each key of `history` in sorted order (the operations may come in
// any order). The verdict is for the first key, in that order, that is proven
// not linearizable; failing that, the first key whose search explored more
// than `max_states` configurations (undecided: nothing was proven); else
// linearizable. `max_states` bounds each key's search; explaining a failure
// searches at most as much again. An answered operation with ret <= call
// makes its key undecided too (the history is malformed). Deterministic: the
// same history gives the same result, byte for byte.
Linearizability check_linearizable(const std::vector<Operation>& history,
                                   std::uint64_t max_states = 1'000'000);

// The explanation of a key that is not linearizable names the read that
// cannot be placed: the first one whose answer leaves no legal order of the
// key's operations up to it. Then why, the simplest reason that applies:
//   1. it found the key absent, but a put had finished before it began;
//   2. no put of its value was invoked before it returned (a value never
//      written, or written only later);
//   3. every put of its value was overwritten by a put that finished before
//      the read began (a stale read);
//   4. it fits the puts alone, but not together with one other read — for
//      instance a read that finished before it began and saw a newer value (a
//      "new-old inversion"); a put between the two reads is named if any;
//   5. otherwise: it does not fit the puts and the other reads together.
// `operations` lists the operations named, the read first.

// "linearizable", "not linearizable", "undecided".
std::string to_string(Linearizability::Verdict verdict);

}  // namespace consensus_lab
