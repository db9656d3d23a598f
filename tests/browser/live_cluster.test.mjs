// The live view of a real cluster in the browser, as a class uses it:
// `conlab cluster start --viewer`, the page open at http://127.0.0.1:PORT/,
// the leader killed with kill -9; the page marks it "not reporting" and shows
// the next leader, without a reload; it restarts and reports again; all of it
// readable in Chinese. The cluster is stopped at the end (the view with it).
// Run by CTest (browser.live_cluster): node live_cluster.test.mjs OUT=dir CONLAB=conlab
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import * as v from "./lib.mjs";

const a = v.args();
const conlab = v.need(a, "CONLAB");
const dir = join(v.need(a, "OUT"), `live-cluster-${process.pid}`);
let browser, page, port, leader;
const card = (n) => page.locator(`.card[data-node="${n}"]`);
const until = (f, arg, timeout = 15000) => page.waitForFunction(f, arg, { timeout });

function cluster(...argv) {
  const r = spawnSync(conlab, ["cluster", ...argv, "--dir", dir], { encoding: "utf8" });
  if (r.status !== 0) v.fail(`conlab cluster ${argv.join(" ")} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}
// The pid of node `id` (DIR/pids: A, B, C in order, then restarts).
function pidOf(id) {
  const pids = readFileSync(join(dir, "pids"), "utf8").trim().split("\n");
  return Number(pids["ABC".indexOf(id)]);
}
const freePort = () => new Promise((done) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => done(p)); });
});
// The node whose card says leader (the page is at the run's end), or null.
const leaderNow = () => page.evaluate(() => {
  const c = document.querySelector(".card.role-leader[data-silent=false][data-down=false]");
  return c ? c.dataset.node : null;
});

before(async () => {
  rmSync(dir, { recursive: true, force: true });
  browser = await v.launch();  // first: without a browser, no cluster is left running
  port = await freePort();
  const out = cluster("start", "--in-memory", "--viewer", "--viewer-port", String(port));
  assert.match(out, new RegExp(`Live view: open http://127\\.0\\.0\\.1:${port}/`));
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  for (let k = 0; k < 50; k++) {  // the view starts in the background
    try { await page.goto(`http://127.0.0.1:${port}/`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  await page.waitForFunction(() => window.viewer);
});
after(async () => {
  await browser?.close();
  spawnSync(conlab, ["cluster", "stop", "--dir", dir]);
});

test("the page shows the cluster live: three nodes, one leader", async () => {
  assert.ok(await page.locator("#live").isVisible());
  await until(() => document.querySelector(".card.role-leader") !== null);
  leader = await leaderNow();
  assert.ok(["A", "B", "C"].includes(leader), `leader ${leader}`);
  assert.equal(await v.field(page, leader, "voters"), "A B C");
  assert.equal(await v.index(page), (await v.count(page)) - 1, "it follows the run");
});

test("kill -9 the leader: it stops reporting, another node leads, no reload", async () => {
  process.kill(pidOf(leader), "SIGKILL");
  await until((n) => document.querySelector(`.card[data-node="${n}"]`).dataset.silent === "true", leader);
  assert.equal(await card(leader).locator(".silent-tag").innerText(), "not reporting");
  await until((n) => { const c = document.querySelector(".card.role-leader[data-silent=false]"); return c && c.dataset.node !== n; }, leader);
  const next = await leaderNow();
  assert.notEqual(next, leader);
  assert.ok(Number(await v.field(page, next, "term")) >= 2);
  await page.screenshot({ path: join(v.need(a, "OUT"), "live-cluster-killed.png") });
});

test("中文: the mark and the words", async () => {
  await page.click("#lang-zh");
  assert.equal(await card(leader).locator(".silent-tag").innerText(), "没有消息");
  assert.equal(await v.text(page, "#live"), "实时");
  await page.click("#lang-en");
});

test("restarted, it reports again and follows the new leader", async () => {
  const child = spawn("sh", [join(dir, `restart-${leader}.sh`)], { detached: true, stdio: "ignore" });
  child.unref();
  await until((n) => document.querySelector(`.card[data-node="${n}"]`).dataset.silent === "false", leader);
  await until((n) => document.querySelector(`.card[data-node="${n}"]`).classList.contains("role-follower"), leader);
  assert.deepEqual(page.errors, []);
});
