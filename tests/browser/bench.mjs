// How fast a long page is: a 5-node Raft cluster taking a command every
// 200 ms, written by `conlab run … --html` (about EVENTS events), opened in
// chromium. Prints the page's size, its events, the time to DOMContentLoaded
// and to a drawn page, and the median / p99 time of window.viewer.go(i)
// (with the layout it causes) for next, previous and random jumps.
// It asserts only that the long page works (no timing is asserted: a
// sanitizer build or a busy machine is slower).
//
//   node tests/browser/bench.mjs CONLAB=build/tools/conlab [EVENTS=10000] [OUT=dir]
// CTest runs it as browser.long_trace (and prints the figures with -V).
import assert from "node:assert/strict";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "./lib.mjs";

const a = v.args();
const conlab = v.need(a, "CONLAB");
const wanted = Number(a.EVENTS || 10000);
const out = a.OUT || join(tmpdir(), "conlab-bench");
mkdirSync(out, { recursive: true });

// About 100 events per 200 ms round (a put, its AppendEntries and replies,
// the heartbeats between): as many rounds as make `wanted` events.
const rounds = Math.max(10, Math.round(wanted / 100));
const scenario = ["# written by tests/browser/bench.mjs: a long run for the viewer's speed",
  "protocol raft", "nodes A B C D E", "set election-timeout A=150 B=300 C=300 D=300 E=300",
  "run 400", "expect leader A"];
for (let k = 1; k <= rounds; k++) scenario.push(`put x ${k}`, "run 200");
const file = join(out, "bench-scenario.txt");
writeFileSync(file, scenario.join("\n") + "\n");
const html = v.writePage(conlab, ["run", file], join(out, "bench.html"));
const bytes = statSync(html).size;

const browser = await v.launch();
try {
  const t0 = Date.now();
  const page = await v.open(browser, html);
  const ready = Date.now() - t0;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0];
    return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd };
  });
  const n = await v.count(page);

  // Inside the page: each go(i) and the layout it causes (offsetHeight).
  const timings = await page.evaluate(([n, moves]) => {
    const time = (i) => {
      const t = performance.now();
      window.viewer.go(i);
      void document.body.offsetHeight;
      return performance.now() - t;
    };
    const stats = (xs) => {
      xs.sort((p, q) => p - q);
      const at = (q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
      return { median: at(0.5), p99: at(0.99), max: xs[xs.length - 1] };
    };
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const start = Math.floor(n / 2);
    time(start);
    const next = [], prev = [], jump = [];
    for (let k = 0; k < moves; k++) next.push(time(start + k + 1));
    for (let k = 0; k < moves; k++) prev.push(time(start + moves - k - 1));
    for (let k = 0; k < moves; k++) jump.push(time(Math.floor(random() * n)));
    return { next: stats(next), prev: stats(prev), jump: stats(jump) };
  }, [n, Math.min(500, Math.floor(n / 4))]);

  const ms = (x) => `${x.toFixed(2)} ms`;
  const row = (name, s) => `  ${name.padEnd(14)} median ${ms(s.median)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`;
  console.log(`page: ${html}`);
  console.log(`  ${(bytes / 1e6).toFixed(2)} MB (${bytes} bytes), ${n} events, ${rounds} commands on 5 Raft nodes`);
  console.log(`  DOMContentLoaded ${ms(nav.dcl)}, load ${ms(nav.load)}, ` +
              `goto until window.viewer is ready ${ready} ms`);
  console.log("window.viewer.go(i), with the layout it causes:");
  console.log(row("next (i+1)", timings.next));
  console.log(row("previous (i-1)", timings.prev));
  console.log(row("random jump", timings.jump));

  // The long page works: the end shows every command, committed on the leader.
  assert.ok(n >= wanted / 2, `${n} events (wanted about ${wanted})`);
  await page.click("#last");
  assert.equal(await v.text(page, "#position"), `${n} / ${n}`);
  const leader = await v.log(page, "A");
  assert.ok(leader.length > 0, "A's log is drawn");
  assert.equal(leader.at(-1).i, rounds + 1, "the last box is the last command (after the noop)");
  assert.ok(leader.at(-1).committed, "committed");
  assert.ok(leader.length <= 40, `at most 40 boxes drawn (${leader.length})`);
  await page.keyboard.press("Home");
  assert.equal(await v.index(page), 0);
  assert.deepEqual(page.errors, []);
} finally {
  await browser.close();
}
