// ===================================================================
// 3. Replaying events into state. This is the only place that knows
//    what an event does. A state is what holds AFTER some event.
// ===================================================================

// What the page knows about each message, by id: ends, type, label.
const messages = new Map();
// Sends that are dropped at once (a send into a partition): never in flight.
const lostAtOnce = new Set();
// For "next event of node X": the indices of each node's events.
const eventsOf = new Map(nodes.map((n) => [n, []]));

function emptyState() {
  return { cards: {}, down: new Set(), groups: null, flight: new Map() };
}
function copyState(s) {
  return { cards: { ...s.cards }, down: new Set(s.down), groups: s.groups, flight: new Map(s.flight) };
}

// Apply event number i to state s (in place). Flight entries are never
// changed in place, so copies of a state may share them.
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
    case "partition": s.groups = e.groups || null; break;
    case "heal": s.groups = null; break;
  }
  if (e.cards) Object.assign(s.cards, e.cards);
}

// Two passes on load. First: learn the messages, find the sends lost at
// once, and index each node's events.
(function learn() {
  const sentAt = new Map();           // message id -> index of its send
  let lastOther = -1;                 // last event that is not a send or a drop
  events.forEach((e, i) => {
    if (e.id != null) {
      const m = messages.get(e.id) || {};
      messages.set(e.id, { from: m.from ?? e.from ?? e.n, to: m.to ?? e.to, ty: m.ty ?? e.ty, msg: m.msg ?? e.msg });
    }
    if (e.k === "dup" && e.copy != null) messages.set(e.copy, messages.get(e.id));
    if (e.k === "send") sentAt.set(e.id, i);
    if (e.k === "drop" && sentAt.has(e.id)) {
      const at = sentAt.get(e.id);
      if (at > lastOther && events[at].t === e.t) lostAtOnce.add(at);
    }
    if (e.k !== "send" && e.k !== "drop") lastOther = i;
    if (eventsOf.has(e.n)) eventsOf.get(e.n).push(i);
  });
})();
// Second: replay everything once, keeping a copy of the state every
// STRIDE events (and the most messages ever in flight, for the layout).
const checkpoints = [];
let mostInFlight = 0;
(function replayAll() {
  const s = emptyState();
  events.forEach((e, i) => {
    if (i % STRIDE === 0) checkpoints.push(copyState(s));
    apply(s, i);
    mostInFlight = Math.max(mostInFlight, s.flight.size);
  });
})();

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
