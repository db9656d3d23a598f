// ===================================================================
// 5. Moving: go(i) is the one way the position changes.
// ===================================================================
function go(i) {
  if (events.length === 0) return;         // a live page before its first events
  i = Math.max(0, Math.min(last, Math.round(Number(i))));
  if (Number.isNaN(i) || i === pos) return;
  state = stateAt(i);
  pos = i;
  render();
  writeHash();
}
function setLang(l) {
  if (l !== "en" && l !== "zh") return;
  lang = l;
  renderStatic();
  render();
}

// The position in the URL (#event=42). replaceState, so that Back does
// not walk every step; at most about ten updates a second while dragging.
let hashTimer = null, hashWritten = 0;
function writeHash() {
  clearTimeout(hashTimer);
  const wait = hashWritten + 100 - Date.now();
  if (wait <= 0) replaceHash(); else hashTimer = setTimeout(replaceHash, wait);
}
function replaceHash() {
  hashWritten = Date.now();
  history.replaceState(null, "", "#event=" + pos);
}
function readHash() {
  const m = /event=(\d+)/.exec(location.hash);
  return m ? Number(m[1]) : null;
}

// Next/previous step from the current position.
function nextStep() { const s = steps.find((x) => x.at > pos); if (s) go(s.at); }
function prevStep() {
  const cur = currentStep();
  if (cur < 0) return;
  // Inside a step: back to its start; at its start: to the step before.
  if (steps[cur].at < pos) go(steps[cur].at); else if (cur > 0) go(steps[cur - 1].at);
}
// The next event that happens at the chosen node (after the position).
function nextOfNode() {
  const list = eventsOf.get(selected) || [];
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid] <= pos) lo = mid + 1; else hi = mid; }
  if (lo < list.length) go(list[lo]);
}
let selected = nodes[0];
function select(n) {
  selected = n;
  $("node-select").value = n;
  cardEls.forEach((box, name) => box.classList.toggle("selected", name === n));
}

// Playing: one event every 1/speed seconds until the end.
let timer = null;
function play() {
  if (timer) { stop(); return; }
  if (pos >= last) go(0);
  timer = setInterval(() => { if (pos >= last) stop(); else go(pos + 1); }, 1000 / Number($("speed").value));
  showPlaying();
}
function stop() { clearInterval(timer); timer = null; showPlaying(); }
function showPlaying() {
  $("play").textContent = timer ? ui("pause") : ui("play");
  $("play").setAttribute("aria-pressed", String(!!timer));
}

// ===================================================================
// 6. Building the page once, and wiring buttons and keys.
// ===================================================================
function build() {
  $("cards").style.gridTemplateColumns = `repeat(${nodes.length}, minmax(10rem, 1fr))`;
  for (const n of nodes) {
    const box = el("div", { class: "card", "data-node": n, "data-down": "false" });
    box.addEventListener("click", () => select(n));
    cardEls.set(n, box);
    $("cards").append(box);
    $("node-select").append(el("option", { value: n }, n));
  }
  for (const s of SPEEDS) $("speed").append(el("option", { value: s }, String(s)));
  $("speed").value = "2";
  stepButtons = steps.map((s) => {
    const b = el("button", { class: "step", type: "button" });
    b.addEventListener("click", () => go(s.at));
    $("steps").append(el("li", null, b));
    return b;
  });
  $("slider").max = Math.max(0, last);
  $("goto-violation").hidden = !trace.violation;

  const click = { next: () => go(pos + 1), prev: () => go(pos - 1), "next-step": nextStep,
    "prev-step": prevStep, first: () => go(0), last: () => go(last), play, "next-of-node": nextOfNode,
    "lang-en": () => setLang("en"), "lang-zh": () => setLang("zh"),
    "goto-violation": () => go(trace.violation.at) };
  for (const [id, act] of Object.entries(click)) $(id).addEventListener("click", act);
  $("slider").addEventListener("input", (e) => go(e.target.value));
  $("speed").addEventListener("change", () => { if (timer) { stop(); play(); } });
  $("node-select").addEventListener("change", (e) => select(e.target.value));
  window.addEventListener("hashchange", () => { const i = readHash(); if (i != null) go(i); });
  window.addEventListener("resize", () => { measure(); renderCards(); renderMessages(); });
  document.addEventListener("keydown", onKey);
}

// Keys: → ← events, ↓ ↑ (PageDown PageUp) steps, Space play, Home End, n.
const KEYS = {
  ArrowRight: () => go(pos + 1), ArrowLeft: () => go(pos - 1),
  ArrowDown: nextStep, PageDown: nextStep, ArrowUp: prevStep, PageUp: prevStep,
  " ": play, Home: () => go(0), End: () => go(last), n: nextOfNode,
};
function onKey(e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.target.tagName === "SELECT") return;      // let a list choose its own option
  const act = KEYS[e.key];
  if (!act) return;
  e.preventDefault();                             // the slider must not move a second time
  act();
}

build();
renderStatic();
select(selected);
measure();
if (events.length > 0) go(readHash() ?? (live ? last : 0)); else render();
window.viewer = { go, index: () => pos, count: () => events.length, lang: () => lang, setLang };
