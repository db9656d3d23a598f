// ---- Cards: one per node; a card is redrawn only when it changed ----
// A card shows ONE mark for a node that is not working normally: crashed,
// restarting (its card still the one read while it was down), or not
// reporting (a live run: the node sends no news). The log shows what this
// event changed: new or rewritten entries highlighted, removed ones struck.
const cardEls = new Map();
const drawn = new Map();                 // node -> what its card was drawn from
function renderCards() {
  for (const n of nodes) {
    const card = state.cards[n] || { fields: [] };
    const down = state.down.has(n), silent = state.silent.has(n);
    const group = groupOf(n);
    const changes = logChanges(n, card);
    const at = changes ? pos : -1;
    const was = drawn.get(n);
    if (was && was.card === card && was.down === down && was.silent === silent && was.group === group &&
        was.lang === lang && was.at === at) continue;
    drawn.set(n, { card, down, silent, group, lang, at });
    fillCard(cardEls.get(n), n, card, { down, silent, group, changes });
  }
}
// The node's state mark: one word, or null when it works normally.
function markOf(card, how) {
  if (how.down) return ["down-tag", ui("crashed")];
  if (card.role === "down") return ["down-tag restarting", ui("restarting")];
  if (how.silent) return ["silent-tag", ui("silent")];
  return null;
}
function fillCard(box, n, card, how) {
  const mark = markOf(card, how);
  const working = !how.down && card.role !== "down";   // a down node has no role, no badge
  // A node that stopped reporting keeps its last known role, but not the
  // leader's frame: there is one leader on the page to look at.
  const framed = working && !how.silent;
  box.className = "card" + (framed && card.role ? " role-" + card.role : "") + (n === selected ? " selected" : "");
  if (framed && card.badge) box.classList.add("role-" + card.badge);
  box.dataset.down = String(how.down);
  box.dataset.silent = String(how.silent);
  box.style.background = how.group >= 0 ? `color-mix(in srgb, var(--g${how.group % 4}) 9%, white)` : "";
  const head = el("div", { class: "head" },
    el("span", { class: "name" }, n),
    working && card.role ? el("span", { class: "role" + (how.silent ? " stale" : "") },
      how.silent ? ui("lastKnown", { role: label(card.role) }) : label(card.role)) : null,
    working && card.badge ? el("span", { class: "badge" }, label(card.badge)) : null,
    mark ? el("span", { class: "tag " + mark[0] }, mark[1]) : null,
    how.group >= 0 ? el("span", { class: "tag group-tag", style: `background: var(--g${how.group % 4})` },
      ui("group", { g: how.group + 1 })) : null);
  const fields = el("dl", { class: "fields" }, ...(card.fields || []).map(([key, value]) =>
    el("div", { class: "field", "data-key": key },
      el("dt", { class: "key" }, label(key)), el("dd", { class: "value" }, String(value)))));
  box.replaceChildren(head, fields);
  if (card.log || card.base) box.append(drawLog(card, how.changes));
}

// What this event did to node n's log, from its card before (after event
// pos - 1) and now: {fresh: indexes new or rewritten, gone: rows removed}.
// Null when the log did not change at this event.
function logChanges(n, card) {
  const e = events[pos];
  if (pos <= 0 || !e.cards || e.cards[n] !== card) return null;
  const before = cardAt(n, pos - 1);
  if (!before) return null;
  const old = new Map((before.log || []).map((r) => [r.i, r]));
  const now = card.log || [];
  const oldEnd = Math.max(before.base || 0, ...(before.log || []).map((r) => r.i));
  const fresh = new Set();
  for (const r of now) {
    const o = old.get(r.i);
    if (o ? o.t !== r.t || o.c !== r.c : r.i > oldEnd) fresh.add(r.i);
  }
  // Rows no longer there (not those that went into the snapshot or out of the listed part).
  const first = now.length ? now[0].i : (card.base || 0) + 1;
  const byIndex = new Map(now.map((r) => [r.i, r]));
  const gone = (before.log || []).filter((r) => r.i >= first && r.i > (card.base || 0) &&
    (!byIndex.has(r.i) || byIndex.get(r.i).t !== r.t || byIndex.get(r.i).c !== r.c));
  return fresh.size || gone.length ? { fresh, gone } : null;
}

// The log as small boxes: the snapshot base as one box, then the last
// entries that fit in LOG_ROWS rows; those left out are said in words
// (not a box, so that it cannot be read as an entry).
let entriesShown = MAX_ENTRIES;
function drawLog(card, changes) {
  const log = card.log || [];
  const parts = [];
  if (card.base) parts.push(el("span", { class: "snap", title: ui("snapshot", { i: card.base }) }, ui("snapBox", { i: card.base })));
  const room = entriesShown - (card.base ? 2 : 0);
  const fits = log.length <= room && !card.omitted;
  const cut = fits ? room : room - 3;                      // the words take about three boxes
  const shown = log.slice(log.length - Math.min(cut, log.length));
  const left = log.length - shown.length + (card.omitted || 0);
  if (left > 0) parts.push(el("span", { class: "log-gap", title: ui("earlier", { k: left }) }, ui("earlier", { k: left })));
  const from = shown.length ? shown[0].i : Infinity;
  const rows = shown.map((r) => ({ r, gone: false }));
  for (const r of changes ? changes.gone : []) if (r.i >= from || shown.length === 0) rows.push({ r, gone: true });
  rows.sort((a, b) => a.r.i - b.r.i || (a.gone ? -1 : 1));  // the removed row before its replacement
  for (const { r, gone } of rows) {
    const text = `${r.i} · ${r.t} · ${r.c}`;
    const attrs = gone
      ? { class: "entry gone", "data-gone-index": r.i, title: ui("removed", { e: text }) }
      : { class: "entry" + (changes && changes.fresh.has(r.i) ? " fresh" : ""), "data-index": r.i,
        "data-committed": String(!!r.ok), title: text };
    parts.push(el("span", attrs, el("b", null, String(r.i)), el("i", null, String(r.t)), el("span", null, String(r.c))));
  }
  return el("div", { class: "log", title: ui("entryLegend") }, ...parts);
}
