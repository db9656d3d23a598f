// Demo 15 (Raft log repair) in the browser: the leader's consistency check
// fails at B (B's index 7 holds term 3, not 4), the rule's link leads to the
// check in raft/server.cpp, then the leader steps back and B's log becomes
// the leader's, and at the end every entry is committed everywhere.
// Run by CTest (browser.raft_log_repair): node demo15.test.mjs OUT=dir SRC=repo DEMO=15_raft_log_repair
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "./lib.mjs";

const a = v.args();
let browser, page;
const REFUSES = (l) => /^B has no entry \(7, 4\) in its log: it refuses/.test(l);

before(async () => {
  const path = v.writePage(v.need(a, "DEMO"), [], join(v.need(a, "OUT"), "demo15.html"));
  browser = await v.launch();
  page = await v.open(browser, path);
});
after(async () => { await browser?.close(); });

test("after the set-up: B's log is 1,1,1,2,3,3,3 and A's 1,1,1,2,3,3, nothing committed", async () => {
  await v.stepUntil(page, (l) => /^set-up: B's log/.test(l));
  const b = await v.log(page, "B");
  assert.deepEqual(b.map((e) => e.i), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(v.terms(b), ["1", "1", "1", "2", "3", "3", "3"]);
  assert.deepEqual(v.terms(await v.log(page, "A")), ["1", "1", "1", "2", "3", "3"]);
  assert.ok(b.every((e) => !e.committed));
});

test("B refuses AppendEntries with prev (7, 4): the logs at that event", async () => {
  await v.stepUntil(page, REFUSES, "button");
  const b = await v.log(page, "B"), leader = await v.log(page, "A");
  // B: unchanged, its index 7 still of term 3.
  assert.deepEqual(v.terms(b), ["1", "1", "1", "2", "3", "3", "3"]);
  assert.equal(b.at(-1).i, 7);
  // A, leader of term 4: its noop (7, 4) and the client's x←3 as (8, 4); nothing committed yet.
  assert.deepEqual(leader.map((e) => e.i), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(v.terms(leader), ["1", "1", "1", "2", "3", "3", "4", "4"]);
  assert.deepEqual(v.commands(leader).slice(-2), ["noop", "x←3"]);
  assert.ok([...b, ...leader].every((e) => !e.committed), "no entry committed yet");
  assert.equal(await page.locator('.card[data-node="A"] .role').innerText(), "leader");
  assert.equal(await v.field(page, "B", "term"), "4");
  assert.equal(await v.field(page, "A", "commit"), "0");
});

test("the rule: the log consistency check, linked to the line of raft/server.cpp that applies it", async () => {
  assert.ok(await page.locator("#rule").isVisible());
  assert.match(await v.text(page, "#rule"), /matching prev/);
  const href = await page.getAttribute("a#rule-link", "href");
  const m = /(raft\/server\.cpp)#L(\d+)$/.exec(href);
  assert.ok(m, `rule link ${href} ends with raft/server.cpp#L<line>`);
  const lines = readFileSync(join(v.need(a, "SRC"), m[1]), "utf8").split("\n");
  assert.match(lines[Number(m[2]) - 1], /rules\.log_consistency_check/, `raft/server.cpp:${m[2]}`);
});

test("stepping on: A steps back, and B's log becomes the leader's", async () => {
  const refused = await v.index(page);
  const leaderTerms = v.terms(await v.log(page, "A"));
  let k = 0;
  while (JSON.stringify(v.terms(await v.log(page, "B"))) !== JSON.stringify(leaderTerms)) {
    assert.ok(++k < 40, "B's log never became A's");
    await page.keyboard.press("ArrowRight");
  }
  assert.ok((await v.index(page)) > refused + 1);
  // On the way A stepped back (step 3 started), and B replaced its (7, 3).
  assert.match(await v.text(page, "#step-now"), /^Step 3: A steps back/);
  assert.match(await v.line(page), /^B (deletes 1 conflicting entry|stores 2 entries) from index 7/);
  const b = await v.log(page, "B"), leader = await v.log(page, "A");
  assert.deepEqual(b.map((e) => e.title), leader.map((e) => e.title));
  assert.deepEqual(v.commands(b).slice(-2), ["noop", "x←3"]);
});

test("the repair is shown as a change: (7, 3) struck out, (7, 4) and (8, 4) lit, for that event only", async () => {
  const at = await v.findEvent(page, (l) => /^B deletes 1 conflicting entry from index 7/.test(l));
  const marks = () => page.$$eval('.card[data-node="B"] .entry', (boxes) => boxes.map((b) =>
    b.classList.contains("gone") ? "-" + b.dataset.goneIndex + "/" + b.title.split(" · ")[1]
      : b.classList.contains("fresh") ? "+" + b.dataset.index : b.dataset.index));
  assert.deepEqual(await marks(), ["1", "2", "3", "4", "5", "6", "-7/3", "+7", "+8"]);
  assert.equal(await page.locator('.card[data-node="A"] .entry.fresh, .card[data-node="A"] .entry.gone').count(), 0);
  await page.keyboard.press("ArrowRight");
  assert.deepEqual(await marks(), ["1", "2", "3", "4", "5", "6", "7", "8"]);
  await page.keyboard.press("ArrowLeft");                 // stepping back shows it again
  assert.equal(await v.index(page), at);
  assert.deepEqual(await marks(), ["1", "2", "3", "4", "5", "6", "-7/3", "+7", "+8"]);
});

test("at the end x←3 is committed on every server and the logs are equal", async () => {
  await page.keyboard.press("End");
  assert.equal(await v.index(page), (await v.count(page)) - 1);
  const logs = {};
  for (const n of ["A", "B", "C"]) {
    logs[n] = await v.log(page, n);
    assert.deepEqual(v.terms(logs[n]), ["1", "1", "1", "2", "3", "3", "4", "4"], n);
    assert.ok(logs[n].every((e) => e.committed), `${n}: every entry committed`);
    assert.equal(await v.field(page, n, "commit"), "8", n);
  }
  assert.deepEqual(await page.$$eval("#checks .check", (cs) => cs.map((c) => c.dataset.held)),
    ["true", "true", "true"]);
  assert.deepEqual(page.errors, []);
});
