// A live page (the trace says "live": {"events": "/events"}) in the browser,
// served by live_server.mjs from demo 09's events: the events come in without
// a reload; at the last event the page follows the run, anywhere else it stays
// put; a node that stops reporting is marked, and unmarked when it reports
// again; an event of an unknown kind shows its line; when the server stops
// the page keeps the run and says so, and clears that when it answers again;
// and all of it in Chinese too.
// Run by CTest (browser.live_page): node live_page.test.mjs OUT=dir DEMO=09_multipaxos_leader_failover
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "./lib.mjs";
import { liveServer } from "./live_server.mjs";

const a = v.args();
let browser, page, server, html, port;
const until = (f, arg) => page.waitForFunction(f, arg, { timeout: 5000 });
const card = (n) => page.locator(`.card[data-node="${n}"]`);

// Hand out the next batch and wait until the page has it.
async function feed() {
  server.next();
  const n = server.released();
  await until((n) => window.viewer.count() === n, n);
  return n;
}

before(async () => {
  html = readFileSync(v.writePage(v.need(a, "DEMO"), ["--lang", "en"], join(v.need(a, "OUT"), "live09.html")), "utf8");
  server = await liveServer(html, { quiet: "C" });
  port = new URL(server.url).port;
  browser = await v.launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForFunction(() => window.viewer);
});
after(async () => { await browser?.close(); await server?.close(); });

test("before any event: the page waits, marked LIVE", async () => {
  assert.equal(await v.count(page), 0);
  assert.ok(await page.locator("#live").isVisible());
  assert.equal(await v.text(page, "#live"), "LIVE");
  assert.match(await v.line(page), /Waiting for the first events/);
  assert.ok(await page.locator("#server-gone").isHidden());
});

test("events come in without a reload, and the page follows the end", async () => {
  const n = await feed();
  assert.equal(await v.index(page), n - 1);
  assert.equal(await v.text(page, "#position"), `${n} / ${n}`);
  assert.match(await v.text(page, "#time"), /^\d+\.\d s$/, "a live page shows seconds");
  const m = await feed();
  assert.ok(m > n);
  assert.equal(await v.index(page), m - 1, "at the last event, it follows");
  assert.equal(await card("A").getAttribute("data-down"), "false");
});

test("stepped back, the page stays where the reader is; only the counter grows", async () => {
  await v.go(page, 10);
  const lineThere = await v.line(page);
  const n = await feed();                      // C stops reporting
  assert.equal(await v.index(page), 10);
  assert.equal(await v.line(page), lineThere);
  assert.equal(await v.text(page, "#position"), `11 / ${n}`);
  assert.equal(await page.locator("#slider").getAttribute("max"), String(n - 1));
});

test("a node that stops reporting is marked 'not reporting'", async () => {
  await page.keyboard.press("End");
  assert.match(await v.line(page), /^C stopped reporting/);
  assert.equal(await card("C").getAttribute("data-silent"), "true");
  assert.equal(await card("C").locator(".silent-tag").innerText(), "not reporting");
  assert.equal(await card("A").getAttribute("data-silent"), "false");
  const n = await feed();                      // more events, C still silent
  assert.equal(await v.index(page), n - 1);
  assert.equal(await card("C").getAttribute("data-silent"), "true");
});

test("when it reports again the mark goes; an unknown kind of event shows its line", async () => {
  const n = await feed();                      // reporting, state, and an unknown kind
  assert.equal(await v.index(page), n - 1);
  assert.match(await v.line(page), /a kind this page does not know/);
  assert.equal(await card("C").getAttribute("data-silent"), "false");
  assert.equal(await card("C").locator(".silent-tag").count(), 0);
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.match(await v.line(page), /^C reports again/);
});

test("in Chinese: 实时, and the mark 没有消息", async () => {
  await page.click("#lang-zh");
  assert.equal(await v.text(page, "#live"), "实时");
  const silentAt = await v.findEvent(page, (l) => /不再向查看器报告/.test(l), 0);
  assert.equal(await card("C").locator(".silent-tag").innerText(), "没有消息");
  assert.ok(silentAt > 0);
  await page.click("#lang-en");
  await page.keyboard.press("End");
});

test("the server stops: the run so far stays, with a banner; it clears when the server answers again", async () => {
  const n = await v.count(page);
  await server.close();
  await until(() => !document.getElementById("server-gone").hidden);
  assert.match(await v.text(page, "#server-gone"), /stopped answering — the run so far stays here/);
  assert.equal(await v.count(page), n);
  assert.equal(await v.index(page), n - 1);
  await page.click("#lang-zh");
  assert.match(await v.text(page, "#server-gone"), /不再应答/);
  await page.click("#lang-en");
  // The same run again, on the same port: the page asks from where it is.
  server = await liveServer(html, { quiet: "C", port: Number(port) });
  while (server.released() < n && server.next());
  await until(() => document.getElementById("server-gone").hidden);
  assert.equal(await v.count(page), server.released());
  assert.deepEqual(page.errors, []);
});
