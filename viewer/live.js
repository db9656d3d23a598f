// ===================================================================
// 7. A live page: the trace says where to ask for new events
//    ("live": {"events": "/events"}); the page asks every POLL ms for the
//    events it does not have yet and appends them. At the last event it
//    follows the run; anywhere else it stays where the reader is.
// ===================================================================
let serverGone = false;
async function poll() {
  let wait = POLL;
  try {
    const url = trace.live.events + (trace.live.events.includes("?") ? "&" : "?") + "from=" + events.length;
    const answer = await fetch(url, { cache: "no-store" });
    if (!answer.ok) throw new Error("HTTP " + answer.status);
    const body = await answer.json();
    showServerGone(false);
    const fresh = Array.isArray(body && body.events)
      ? body.events.filter((e) => e && typeof e === "object" && !Array.isArray(e)) : [];
    if (fresh.length) append(fresh);
  } catch {
    showServerGone(true);
    wait = RETRY;
  }
  setTimeout(poll, wait);
}
function append(fresh) {
  const following = pos === last;           // also when the page had no event yet
  const from = events.length;
  events.push(...fresh);
  last = events.length - 1;
  const changed = ingest(from);
  $("slider").max = last;
  if (following) { go(last); return; }
  if (changed <= pos) {                     // an event before the position means something else now
    const at = pos;
    pos = -1;
    state = stateAt(at);
    pos = at;
    render();
    return;
  }
  renderPosition();
}
function showServerGone(gone) {
  if (gone === serverGone) return;
  serverGone = gone;
  $("server-gone").hidden = !gone;
}
if (live) {
  $("live").hidden = false;
  // A real cluster has no script: no steps, no checks to show.
  for (const id of ["steps", "checks"]) $(id).closest("section").hidden = true;
  setTimeout(poll, 0);
}
