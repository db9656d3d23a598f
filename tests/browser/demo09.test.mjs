// Demo 09 (Multi-Paxos, the master fails over) in the browser: A is master
// and its slots fill; A crashes (its card is down); B becomes master,
// re-proposes y←2 and w←4, fills slot 3 with noop; A restarts and catches up.
// Run by CTest (browser.multipaxos_failover): node demo09.test.mjs OUT=dir DEMO=09_multipaxos_leader_failover
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import * as v from "./lib.mjs";

const a = v.args();
let browser, page;
const role = (n) => page.locator(`.card[data-node="${n}"] .role`).innerText();
const down = (n) => page.locator(`.card[data-node="${n}"]`).getAttribute("data-down");

before(async () => {
  const path = v.writePage(v.need(a, "DEMO"), [], join(v.need(a, "OUT"), "demo09.html"));
  browser = await v.launch();
  page = await v.open(browser, path);
});
after(async () => { await browser?.close(); });

test("A becomes master and x←1 is chosen in slot 1", async () => {
  await v.stepUntil(page, (l) => /^A: slot 1 is chosen: x←1/.test(l));
  assert.equal(await role("A"), "master");
  assert.equal(await role("B"), "follower");
  const slots = await v.log(page, "A");
  assert.deepEqual(slots.map((e) => [e.i, e.committed]), [[1, true]]);
  assert.deepEqual(v.commands(slots), ["x←1"]);
  assert.equal(await v.field(page, "A", "commit"), "1");
});

test("after three more commands: A's slots 2, 3, 4 hold y←2, z←3, w←4, none known chosen", async () => {
  // The end of step 4 (the next step starts with A's crash).
  for (let k = 0; k < 8 && !/^Step 5:/.test(await v.text(page, "#step-now")); k++) {
    await page.click("#next-step");
  }
  assert.match(await v.text(page, "#step-now"), /^Step 5: A crashes/);
  await page.click("#prev");
  assert.match(await v.text(page, "#step-now"), /^Step 4:/);
  const slots = await v.log(page, "A");
  assert.deepEqual(v.commands(slots), ["x←1", "y←2", "z←3", "w←4"]);
  assert.deepEqual(slots.map((e) => e.committed), [true, false, false, false]);
  // C has slot 1 and w←4 in slot 4, not 2 or 3 (those Accepts were lost).
  assert.deepEqual((await v.log(page, "C")).map((e) => e.i), [1, 4]);
  assert.equal(await down("A"), "false");
});

test("A crashes: its card is down", async () => {
  await page.click("#next");
  assert.match(await v.line(page), /^A crashes/);
  assert.equal(await down("A"), "true");
  assert.ok(await page.locator('.card[data-node="A"] .down-tag').isVisible());
  // Said once: one mark "crashed", no role or badge beside it.
  assert.equal(await page.locator('.card[data-node="A"] .down-tag').innerText(), "crashed");
  assert.equal(await page.locator('.card[data-node="A"] :is(.role, .badge)').count(), 0);
  assert.equal(await down("B"), "false");
  assert.equal(await down("C"), "false");
});

test("after the failover: B is master with x←1, y←2, noop, w←4, v←5 all chosen; A still down", async () => {
  await v.stepUntil(page, (l) => /^B: slot 5 is chosen: v←5/.test(l), "key");
  assert.equal(await role("B"), "master");
  assert.equal(await role("C"), "follower");
  const slots = await v.log(page, "B");
  assert.deepEqual(v.commands(slots), ["x←1", "y←2", "noop", "w←4", "v←5"]);
  assert.ok(slots.every((e) => e.committed));
  // Re-proposed with B's ballot 2 (slot 1 was chosen in ballot 1).
  assert.deepEqual(v.terms(slots), ["1", "2", "2", "2", "2"]);
  assert.equal(await v.field(page, "B", "promised"), "2");
  assert.equal(await down("A"), "true");
});

test("A restarts and catches up: at the end the three logs are equal and chosen", async () => {
  await v.stepUntil(page, (l) => /^A restarts/.test(l));
  assert.equal(await down("A"), "false");
  // Its card is the one read while it was down: it says "restarting", not a role.
  assert.equal(await page.locator('.card[data-node="A"] .down-tag').innerText(), "restarting");
  await page.click("#next");
  assert.equal(await role("A"), "follower");
  assert.equal(await page.locator('.card[data-node="A"] .down-tag').count(), 0);
  await page.click("#last");
  for (const n of ["A", "B", "C"]) {
    const slots = await v.log(page, n);
    assert.deepEqual(v.commands(slots), ["x←1", "y←2", "noop", "w←4", "v←5"], n);
    assert.ok(slots.every((e) => e.committed), `${n}: all chosen`);
  }
  assert.equal(await role("B"), "master");
  const held = await page.$$eval("#checks .check", (cs) => cs.map((c) => c.dataset.held));
  assert.deepEqual(held, Array(6).fill("true"));
  assert.deepEqual(page.errors, []);
});
