// ===================================================================
// 4. Rendering: draws the state at the current position. Each part
//    below draws one region of the page.
// ===================================================================

// Create an element: el("span", {class: "x"}, "text", child…). The tags
// of the message arrows are made in the SVG namespace.
const SVG_TAGS = new Set(["g", "line", "path", "text", "title"]);
function el(tag, attrs, ...children) {
  const node = SVG_TAGS.has(tag)
    ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) node.setAttribute(k, v);
  node.append(...children.filter((c) => c != null));
  return node;
}

// The description of an event: its narration line, or, when the trace
// has none, a plain sentence from the page's own words.
function describe(e) {
  if (e.line) return tr(e.line);
  const m = e.id != null ? messages.get(e.id) || {} : {};
  if (e.k === "partition") return ui("partition") + " " + groupsText(e.groups || []);
  if (e.k === "violation" && trace.violation) return tr(trace.violation);
  return fill(UI[lang].kinds[e.k] ?? String(e.k ?? ""), {
    n: e.n, from: m.from, to: m.to, until: e.until, msg: tr(m.msg) || m.ty || "",
  });
}
// A time: simulated ms on a static page; on a live one, seconds since the viewer started.
function timeText(t) { return live ? (Number(t) / 1000).toFixed(1) + " s" : `${t} ms`; }
function groupsText(groups) { return groups.map((g) => "{" + g.join(", ") + "}").join(" | "); }

// The group (0, 1, …) a node is in while the network is partitioned, or -1.
function groupOf(node) {
  return state.groups ? state.groups.findIndex((g) => g.includes(node)) : -1;
}

// ---- The partition line above the cards ----
function renderPartition() {
  const box = $("partition");
  box.replaceChildren();
  if (!state.groups) return;
  box.append(ui("partition") + " ");
  state.groups.forEach((g, k) => {
    if (k > 0) box.append(" | ");
    box.append(el("span", { class: "grp", style: `color: var(--g${k % 4})` }, g.join(" ")));
  });
}

// ---- Messages in flight: one arrow per row under the cards, from the
// sender's column to the receiver's, like a slice of a sequence diagram.
let columns = new Map();                 // node -> x of its card's centre
// Measure the cards: where each column is, and how many log boxes fit.
function measure() {
  if (nodes.length === 0) return;
  const base = $("cards").getBoundingClientRect().left;
  const probe = el("span", { class: "entry" });
  $("cards").append(probe);
  const perRow = Math.floor((cardEls.get(nodes[0]).clientWidth - 20) / (probe.offsetWidth + 3));
  probe.remove();
  const fit = Math.max(8, Math.min(MAX_ENTRIES, perRow * LOG_ROWS));
  if (fit !== entriesShown) { entriesShown = fit; drawn.clear(); }
  columns = new Map(nodes.map((n) => {
    const r = cardEls.get(n).getBoundingClientRect();
    return [n, r.left - base + r.width / 2];
  }));
  $("lanes").setAttribute("width", $("cards").scrollWidth);
}
function renderMessages() {
  const svg = $("lanes");
  const e = events[pos];
  // This event's message, if it just left the network, is drawn too.
  const shown = [...state.flight.values()].map((m) => ({ ...m, state: m.held != null ? "held" : m.copy ? "copy" : "flight" }));
  if ((e.k === "deliver" || e.k === "drop") && e.id != null) {
    shown.push({ id: e.id, state: e.k === "deliver" ? "delivering" : "dropped", held: null });
  }
  shown.sort((a, b) => a.id - b.id);
  const now = e.k === "dup" ? e.copy : e.id;
  // Keep the message of this event; fill the other rows oldest first.
  let rows = shown;
  if (shown.length > MAX_ROWS) {
    const mine = shown.find((m) => m.id === now);
    rows = shown.filter((m) => m !== mine).slice(0, mine ? MAX_ROWS - 1 : MAX_ROWS);
    if (mine) rows.push(mine);
    rows.sort((a, b) => a.id - b.id);
  }
  const height = (Math.max(3, Math.min(MAX_ROWS, mostInFlight + 1)) + 0.5) * ROW;
  svg.setAttribute("height", height);
  const parts = [...columns.values()].map((x) =>
    el("line", { class: "lifeline", x1: x, x2: x, y1: 0, y2: height }));
  if (rows.length === 0) parts.push(el("text", { class: "empty", x: 8, y: ROW }, ui("noMessages")));
  rows.forEach((m, r) => parts.push(drawArrow(m, (r + 1) * ROW, m.id === now)));
  svg.replaceChildren(...parts);
  const hidden = shown.length - rows.length;
  $("more-msgs").textContent = hidden > 0 ? ui("more", { k: hidden }) : "";
}
// One arrow: a line from sender to receiver with its short label;
// hovering shows the full label.
function drawArrow(m, y, isNow) {
  const info = messages.get(m.id) || {};
  const x1 = columns.get(info.from), x2 = columns.get(info.to);
  const g = el("g", { class: "msg" + (isNow ? " now" : ""), "data-id": m.id, "data-state": m.state });
  if (x1 == null || x2 == null) return g;
  const dir = x2 >= x1 ? 1 : -1;
  const a = x1 + dir * 6, b = x2 - dir * 6;
  const full = tr(info.msg) || info.ty || "";
  let title = `${info.from} → ${info.to}: ${full}`;
  if (m.state === "held") title += ` (${ui("heldUntil", { t: m.held })})`;
  if (m.state === "copy") title += ` (${ui("copy")})`;
  if (m.state === "dropped") title += ` (${ui("lost")})`;
  g.append(el("title", null, title));
  const mid = (a + b) / 2;
  if (m.state === "dropped") {
    g.append(el("line", { x1: a, y1: y, x2: mid, y2: y }),
      el("path", { class: "cross", d: `M${mid - 5},${y - 5}L${mid + 5},${y + 5}M${mid - 5},${y + 5}L${mid + 5},${y - 5}` }));
  } else {
    g.append(el("line", { x1: a, y1: y, x2: b - dir * 6, y2: y }),
      el("path", { class: "head", d: `M${b},${y}L${b - dir * 9},${y - 5}L${b - dir * 9},${y + 5}Z` }));
  }
  const mark = m.state === "copy" || m.state === "held" ? `(${ui(m.state)}) ` : "";
  g.append(el("text", { x: mid, y: y - 7, "text-anchor": "middle" }, mark + shorten(full, Math.abs(b - a) - 10)));
  return g;
}
// Cut a label to about the given width in px (CJK characters count double).
function shorten(text, px) {
  const room = Math.max(4, Math.floor(px / 7));
  let width = 0, out = "";
  for (const ch of text) {
    width += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
    if (width > room) return out + "…";
    out += ch;
  }
  return out;
}

// ---- Narration: the current line, the few before it, the rule ----
function renderNarration() {
  const e = events[pos];
  const step = currentStep();
  $("step-now").textContent = step >= 0 ? tr(steps[step]) : "";
  const before = [];
  for (let j = Math.max(0, pos - HISTORY); j < pos; j++) {
    before.push(el("li", null, `[${timeText(events[j].t)}] ${describe(events[j])}`));
  }
  $("history").replaceChildren(...before);
  const where = e.n ?? (e.from ? e.from + " → " + e.to : null);  // a partition has neither
  $("meta").textContent = [`${ui("event")} ${pos + 1}`, where, timeText(e.t)].filter(Boolean).join(" · ");
  const line = $("line");
  line.textContent = describe(e);
  line.className = e.tone ? "tone-" + e.tone : (e.k === "drop" || e.k === "crash" || e.k === "violation") ? "tone-bad"
    : e.k === "silent" ? "tone-warn" : "";
  const box = $("rule");
  const rule = e.rule && trace.rules && trace.rules[e.rule];
  box.hidden = !rule;
  box.replaceChildren();
  if (rule) {
    box.append(el("strong", null, ui("rule")), " ", tr(rule));
    if (rule.file) {
      const where = rule.file + (rule.line ? ":" + rule.line : "");
      box.append(el("a", { id: "rule-link", href: (trace.source || "") + rule.file + (rule.line ? "#L" + rule.line : "") }, where));
    }
  }
}

// ---- Steps, position, violation ----
// The index of the step the position is in (the last that starts at or before it).
function currentStep() {
  let lo = 0, hi = steps.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid].at <= pos) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
let stepButtons = [];
function renderSteps() {
  const cur = currentStep();
  stepButtons.forEach((b, k) => {
    b.classList.toggle("current", k === cur);
    if (k === cur) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
  });
  // A long list of steps scrolls (by itself only) to keep the current one in view.
  const list = $("steps"), b = stepButtons[cur];
  if (b && (b.offsetTop < list.scrollTop || b.offsetTop + b.offsetHeight > list.scrollTop + list.clientHeight)) {
    list.scrollTop = b.offsetTop - list.clientHeight / 3;
  }
}
function renderPosition() {
  $("slider").value = pos;
  $("position").textContent = `${pos + 1} / ${events.length}`;
  $("time").textContent = timeText(events[pos].t);
  const v = trace.violation;
  const banner = $("violation");
  banner.hidden = !(v && pos >= v.at);
  if (!banner.hidden) banner.textContent = ui("violationAt", { n: v.at + 1, what: tr(v) });
}

function render() {
  if (pos < 0) {                           // a live page before its first events
    $("position").textContent = "0 / 0";
    $("line").textContent = ui("waiting");
    return;
  }
  renderPosition();
  renderPartition();
  renderCards();
  renderMessages();
  renderNarration();
  renderSteps();
}

// ---- Texts that change only with the language ----
function renderStatic() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = tr(trace.title) || "consensus-lab";
  $("title").textContent = tr(trace.title);
  $("protocol").textContent = UI[lang].protocol[trace.protocol] || trace.protocol || "";
  document.querySelectorAll("[data-ui]").forEach((n) => { n.textContent = ui(n.dataset.ui); });
  $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
  $("lang-zh").setAttribute("aria-pressed", String(lang === "zh"));
  [...$("speed").options].forEach((o) => { o.textContent = `${o.value} ${ui("perSecond")}`; });
  stepButtons.forEach((b, k) => { b.textContent = tr(steps[k]); });
  $("checks").replaceChildren(...(trace.checks || []).map((c) =>
    el("li", { class: "check", "data-held": String(!!c.held) },
      el("span", { class: "mark" }, c.held ? ui("ok") : ui("failed")), tr(c))));
  const verdict = $("verdict");
  verdict.textContent = trace.verdict ? tr(trace.verdict) : "";
  verdict.className = trace.verdict ? (trace.verdict.ok ? "ok" : "bad") : "";
  showPlaying();
}
