// A checker counterexample in the browser: with two of Raft's rules off the
// checker finds a run that breaks leader completeness and writes it as a page.
// The violation banner is hidden before the violating event, shown from it
// on; #goto-violation jumps there.
// Run by CTest (browser.checker_counterexample): node checker.test.mjs OUT=dir CONLAB=conlab
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "./lib.mjs";

const a = v.args();
let browser, page, at;

// The seed the checker finds first, as the kept counterexample's first line
// records it (tests/scenarios/checker/; CTest's checker.kept test keeps that
// line true): one seed to search instead of a thousand.
function keptSeed() {
  const kept = readFileSync(new URL("../scenarios/checker/raft-commit-current-term-only.txt",
                                    import.meta.url), "utf8");
  const seed = /--seeds (\d+)\.\./.exec(kept.split("\n")[0]);
  assert.ok(seed, "the kept counterexample's first line names its seed");
  return seed[1];
}

before(async () => {
  const out = v.need(a, "OUT");
  const seed = keptSeed();
  const path = v.writePage(v.need(a, "CONLAB"),
    ["check", "raft", "--rule", "commit-current-term-only=off", "--rule", "leader-noop=off",
     "--seeds", `${seed}..${seed}`, "--out", join(out, "checker.txt")],
    join(out, "checker.html"), 1);
  browser = await v.launch();
  page = await v.open(browser, path);
  at = await page.evaluate(() => JSON.parse(document.getElementById("trace").textContent).violation?.at);
});
after(async () => { await browser?.close(); });

test("the page is a counterexample: the trace names the violating event", async () => {
  assert.equal(typeof at, "number", "trace.violation.at");
  assert.ok(at > 0 && at < (await v.count(page)), `violation.at = ${at}`);
  assert.ok(await page.locator("#goto-violation").isVisible(), "the button to jump to it");
});

test("#violation is hidden before violation.at", async () => {
  assert.equal(await v.index(page), 0);
  assert.ok(await page.locator("#violation").isHidden());
  await v.go(page, at - 1);
  assert.ok(await page.locator("#violation").isHidden());
});

test("at violation.at and after it, #violation is shown: leader completeness", async () => {
  await page.click("#next");
  assert.equal(await v.index(page), at);
  assert.ok(await page.locator("#violation").isVisible());
  assert.match(await v.text(page, "#violation"), /leader completeness/i);
  assert.match(await v.text(page, "#violation"), new RegExp(`\\b${at + 1}\\b`), "names the event, 1-based");
  await page.click("#last");
  assert.equal(await v.index(page), (await v.count(page)) - 1);
  assert.ok(await page.locator("#violation").isVisible());
  assert.match(await v.text(page, "#violation"), /leader completeness/i);
  await page.click("#lang-zh");
  assert.match(await v.text(page, "#violation"), /违反不变式/);
  await page.click("#lang-en");
});

test("#goto-violation jumps to it from the start", async () => {
  await page.click("#first");
  assert.ok(await page.locator("#violation").isHidden());
  await page.click("#goto-violation");
  assert.equal(await v.index(page), at);
  assert.ok(await page.locator("#violation").isVisible());
  await page.waitForFunction((n) => location.hash === `#event=${n}`, at);
  // The checks: at least one did not hold.
  const held = await page.$$eval("#checks .check", (cs) => cs.map((c) => c.dataset.held));
  assert.ok(held.length === 0 || held.includes("false"), `checks: ${held}`);
  assert.deepEqual(page.errors, []);
});
