// ===================================================================
// 3. Replaying events into state. This is the only place that knows
//    what an event does. A state is what holds AFTER some event.
//    Events may be appended later (a live page): everything below is
//    built one event at a time by ingest().
// ===================================================================

// What the page knows about each message, by id: ends, type, label.
const messages = new Map();
// Sends that are dropped at once (a send into a partition): never in flight.
const lostAtOnce = new Set();
// For "next event of node X": the indices of each node's events.
const eventsOf = new Map(nodes.map((n) => [n, []]));
// For the changes of a card: the indices of the events that carry each node's card.
const cardEventsOf = new Map(nodes.map((n) => [n, []]));

function emptyState() {
  return { cards: {}, down: new Set(), silent: new Set(), groups: null, flight: new Map() };
}
function copyState(s) {
  return { cards: { ...s.cards }, down: new Set(s.down), silent: new Set(s.silent), groups: s.groups,
    flight: new Map(s.flight) };
}

// Apply event number i to state s (in place). Flight entries are never
// changed in place, so copies of a state may share them. Kinds the page
// does not know change nothing but the cards they carry.
function apply(s, i) {
  const e = events[i];
  switch (e.k) {
    case "send":
      if (!lostAtOnce.has(i)) s.flight.set(e.id, { id: e.id, held: null, copy: false });
      break;
    case "dup":
      s.flight.set(e.copy, { id: e.copy, held: null, copy: true });
      break;
    case "hold": {
      const m = s.flight.get(e.id);
      if (m) s.flight.set(e.id, { ...m, held: e.until });
      break;
    }
    case "deliver": case "drop": s.flight.delete(e.id); break;
    case "crash": s.down.add(e.n); break;
    case "restart": s.down.delete(e.n); break;
    case "silent": s.silent.add(e.n); break;
    case "reporting": s.silent.delete(e.n); break;
    case "partition": s.groups = e.groups || null; break;
    case "heal": s.groups = null; break;
  }
  if (e.cards && typeof e.cards === "object") Object.assign(s.cards, e.cards);
}

// Learning event i: its message, whether it drops a send at once, and
// the node it belongs to. Returns the index of a send it found lost at
// once (states from there on must be replayed again), else -1.
const sentAt = new Map();             // message id -> index of its send
let lastOther = -1;                   // last event that is not a send or a drop
function learn(i) {
  const e = events[i];
  let changed = -1;
  if (e.id != null) {
    const m = messages.get(e.id) || {};
    messages.set(e.id, { from: m.from ?? e.from ?? e.n, to: m.to ?? e.to, ty: m.ty ?? e.ty, msg: m.msg ?? e.msg });
  }
  if (e.k === "dup" && e.copy != null) messages.set(e.copy, messages.get(e.id));
  if (e.k === "send") sentAt.set(e.id, i);
  if (e.k === "drop" && sentAt.has(e.id)) {
    const at = sentAt.get(e.id);
    if (at > lastOther && events[at].t === e.t) { lostAtOnce.add(at); changed = at; }
  }
  if (e.k !== "send" && e.k !== "drop") lastOther = i;
  if (eventsOf.has(e.n)) eventsOf.get(e.n).push(i);
  for (const n of Object.keys(e.cards || {})) if (cardEventsOf.has(n)) cardEventsOf.get(n).push(i);
  return changed;
}

// A copy of the state every STRIDE events (checkpoints[k]: the state
// before event k·STRIDE), and the state after the last event replayed.
const checkpoints = [];
let mostInFlight = 0;
let tail = emptyState(), tailAt = -1;
// Take in the events from `from` on (all of them on load; the new ones on
// a live page). Returns the first index whose state changed meaning.
function ingest(from) {
  let redo = events.length;
  for (let i = from; i < events.length; i++) {
    const at = learn(i);
    if (at >= 0 && at <= tailAt) redo = Math.min(redo, at);
  }
  if (redo <= tailAt) {                // a checkpoint holds a send now known lost: replay from before it
    checkpoints.length = Math.floor(redo / STRIDE) + 1;
    tail = copyState(checkpoints[checkpoints.length - 1]);
    tailAt = (checkpoints.length - 1) * STRIDE - 1;
  }
  for (let i = tailAt + 1; i < events.length; i++) {
    if (i % STRIDE === 0 && checkpoints.length === i / STRIDE) checkpoints.push(copyState(tail));
    apply(tail, i);
    mostInFlight = Math.max(mostInFlight, tail.flight.size);
  }
  tailAt = events.length - 1;
  return Math.min(redo, from);
}
ingest(0);

// The state after event i: from the nearest checkpoint at or before it,
// or, when moving one event forward, from the current state.
let pos = -1;
let state = emptyState();
function stateAt(i) {
  if (i === pos + 1 && pos >= 0) { apply(state, i); return state; }
  const k = Math.floor(i / STRIDE);
  const s = copyState(checkpoints[k]);
  for (let j = k * STRIDE; j <= i; j++) apply(s, j);
  return s;
}

// The card of node n after event i (null before its first card): the last
// event at or before i that carries one.
function cardAt(n, i) {
  const list = cardEventsOf.get(n) || [];
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid] <= i) lo = mid + 1; else hi = mid; }
  return lo > 0 ? events[list[lo - 1]].cards[n] : null;
}
