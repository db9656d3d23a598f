// A stand-in for the viewer server, for the live page's test: it serves one
// demo's page with its trace made live (no events; "live": {"events":
// "/events"}) and hands out that demo's events over GET /events?from=N in
// batches, with a node that stops reporting and reports again on the way.
//
//   node tests/browser/live_server.mjs PAGE.html [PORT] [EVERY_MS]
// (PAGE.html: any demo's page, e.g. ./build/demos/09_multipaxos_leader_failover
// --html /tmp/d09.html; a new batch every EVERY_MS, 1500 unless told)
// A test imports liveServer() and releases the batches itself (next()).
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const TRACE = /(<script id="trace" type="application\/json">)([\s\S]*?)(<\/script>)/;

// The demo's trace, taken out of its page.
export function traceOf(html) {
  const m = TRACE.exec(html);
  if (!m) throw new Error("the page holds no trace");
  return JSON.parse(m[2].replaceAll("<\\/", "</"));
}

// The events the server hands out, in batches: the demo's events, timed as a
// live run (ms since the viewer started), with `silent` and `reporting` of
// `quiet` (a node of the demo) around the middle, and one `state` event and one of a kind no page knows.
export function liveBatches(trace, quiet) {
  const evs = trace.events.map((e, i) => ({ ...e, t: 1000 + i * 120 }));
  const size = Math.max(5, Math.ceil(evs.length / 6));
  const batches = [];
  for (let i = 0; i < evs.length; i += size) batches.push(evs.slice(i, i + size));
  const at = (k) => batches[k].at(-1).t + 1;
  batches.splice(2, 0, [{ t: at(1), k: "silent", n: quiet,
    line: { en: `${quiet} stopped reporting to the viewer`, zh: `${quiet} 不再向查看器报告` } }]);
  batches.splice(4, 0, [{ t: at(3), k: "reporting", n: quiet,
    line: { en: `${quiet} reports again`, zh: `${quiet} 又开始报告了` } },
  { t: at(3) + 1, k: "state", n: quiet },
  { t: at(3) + 2, k: "wobble", line: { en: "an event of a kind this page does not know", zh: "一个本页面不认识的事件" } }]);
  return batches;
}

// The server. `page` is the HTML of a demo's page. Returns {url, next(),
// released(), close()}: next() hands out one more batch.
export async function liveServer(page, { quiet, port = 0, every = 0 } = {}) {
  const trace = traceOf(page);
  const batches = liveBatches(trace, quiet ?? trace.nodes.at(-1));
  const out = JSON.stringify({ ...trace, events: [], live: { events: "/events" } }).replaceAll("</", "<\\/");
  const html = page.replace(TRACE, (_, open, __, close) => open + out + close);
  const given = [];
  let k = 0;
  const next = () => { if (k < batches.length) given.push(...batches[k++]); return k < batches.length; };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(html);
    } else if (url.pathname === "/events") {
      const from = Number(url.searchParams.get("from") || 0);
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ events: given.slice(from) }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  const timer = every > 0 ? setInterval(() => { if (!next()) clearInterval(timer); }, every) : null;
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    next,
    released: () => given.length,
    batches: batches.length,
    close: () => new Promise((ok) => {
      clearInterval(timer);
      server.closeAllConnections();
      server.close(ok);
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, port = "8088", every = "1500"] = process.argv.slice(2);
  if (!path) {
    console.error("usage: node tests/browser/live_server.mjs PAGE.html [PORT] [EVERY_MS]");
    process.exit(2);
  }
  const s = await liveServer(readFileSync(path, "utf8"), { port: Number(port), every: Number(every) });
  s.next();
  console.log(`${s.url} (a batch of events every ${every} ms; ${s.batches} batches)`);
}
