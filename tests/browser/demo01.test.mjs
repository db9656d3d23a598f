// Demo 01 (Basic Paxos, the prepare phase) in the browser: step to the event
// where C does not answer Prepare 1 and read the cards, the rule and its
// source line; step back; Chinese; the URL's #event=N; the steps; the checks.
// Run by CTest (browser.paxos_prepare): node demo01.test.mjs OUT=dir SRC=repo DEMO=01_basic_paxos_prepare
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "./lib.mjs";

const a = v.args();
const src = v.need(a, "SRC");
let browser, path, page;
const NO_ANSWER = (l) => /^C does not answer Prepare 1\b/.test(l);

before(async () => {
  path = v.writePage(v.need(a, "DEMO"), [], join(v.need(a, "OUT"), "demo01.html"));
  browser = await v.launch();
  page = await v.open(browser, path);
});
after(async () => { await browser?.close(); });

test("opens at event 0 with the five nodes' cards, nobody promised yet", async () => {
  assert.equal(await v.index(page), 0);
  assert.deepEqual(await page.$$eval(".card", (cs) => cs.map((c) => c.dataset.node)),
    ["client1", "client2", "A", "B", "C"]);
  for (const n of ["A", "B", "C"]) assert.equal(await v.field(page, n, "promised"), "—", n);
  assert.match(await v.text(page, "#position"), /^1 \/ \d+$/);
});

test("#next up to 'C does not answer Prepare 1': C promised 5, A and B promised 5 too", async () => {
  const i = await v.stepUntil(page, NO_ANSWER, "button");
  // Keys move the same way: back to the start and again with the → key.
  await page.click("#first");
  assert.equal(await v.index(page), 0);
  assert.equal(await v.stepUntil(page, NO_ANSWER, "key"), i);
  assert.match(await v.line(page), /1 <= 5/);
  assert.equal(await v.field(page, "C", "promised"), "5");
  // The transcript: A and B received Prepare 5 (5 > 1) before C got Prepare 1.
  assert.equal(await v.field(page, "A", "promised"), "5");
  assert.equal(await v.field(page, "B", "promised"), "5");
  assert.equal(await v.text(page, "#position"), `${i + 1} / ${await v.count(page)}`);
  assert.match(await v.text(page, "#meta"), /\bC\b/);
  assert.ok((await page.locator("#line").getAttribute("class")).includes("tone-"), "the refusal is coloured");
  // The few lines before it, greyed like a terminal: the last is the delivery.
  const history = await page.$$eval("#history li", (ls) => ls.map((l) => l.textContent));
  assert.ok(history.length >= 2, `#history: ${history}`);
  assert.equal(history.at(-1), "[0 ms] C receives Prepare 1 from client1");
  assert.match(await v.text(page, "#step-now"), /^Step 3: A and B receive Prepare 5/);
});

test("#rule shows promise 1, and its link points at the line of paxos/acceptor.cpp that applies it", async () => {
  assert.ok(await page.locator("#rule").isVisible());
  assert.match(await v.text(page, "#rule"), /promise 1/);
  const href = await page.getAttribute("a#rule-link", "href");
  const m = /(paxos\/acceptor\.cpp)#L(\d+)$/.exec(href);
  assert.ok(m, `rule link ${href} ends with paxos/acceptor.cpp#L<line>`);
  const lines = readFileSync(join(src, m[1]), "utf8").split("\n");
  assert.match(lines[Number(m[2]) - 1], /rules_\.promise1/, `paxos/acceptor.cpp:${m[2]}`);
  assert.equal(await v.text(page, "a#rule-link"), `paxos/acceptor.cpp:${m[2]}`);
});

test("stepping back: the delivery of Prepare 1 (C still promised 5), then before C's first promise", async () => {
  const i = await v.index(page);
  await page.click("#prev");
  assert.equal(await v.index(page), i - 1);
  assert.equal(await v.line(page), "C receives Prepare 1 from client1");
  assert.equal(await v.field(page, "C", "promised"), "5");
  assert.ok(await page.locator("#rule").isHidden(), "a delivery decides nothing: no rule");
  await page.keyboard.press("ArrowRight");
  assert.equal(await v.index(page), i);
  await page.keyboard.press("ArrowLeft");
  assert.equal(await v.index(page), i - 1);
  // Back, with the ← key, to the delivery of Prepare 5 at C: it has promised nothing yet.
  for (let k = 0; k < 50 && !/^C receives Prepare 5\b/.test(await v.line(page)); k++) {
    await page.keyboard.press("ArrowLeft");
  }
  assert.equal(await v.line(page), "C receives Prepare 5 from client2");
  assert.equal(await v.field(page, "C", "promised"), "—");
  // A and B have promised 1 by then (step 2 of the transcript).
  assert.equal(await v.field(page, "A", "promised"), "1");
  assert.equal(await v.field(page, "B", "promised"), "1");
  await page.keyboard.press("ArrowRight");
  assert.match(await v.line(page), /^C promises 5\b/);
  assert.equal(await v.field(page, "C", "promised"), "5");
});

test("中文: the line, the field names and the buttons are Chinese", async () => {
  await v.stepUntil(page, NO_ANSWER, "button");
  const i = await v.index(page);
  await page.click("#lang-zh");
  assert.equal(await page.evaluate(() => window.viewer.lang()), "zh");
  assert.equal(await v.index(page), i, "switching language keeps the position");
  const zh = await v.line(page);
  assert.match(zh, /不响应准备请求 1/);
  assert.doesNotMatch(zh, /[A-Za-z]{3,}/, `no English word left in: ${zh}`);
  assert.equal(await v.fieldName(page, "C", "promised"), "已承诺");
  assert.equal(await v.field(page, "C", "promised"), "5");
  assert.match(await v.text(page, "#next"), /下一事件/);
  assert.match(await v.text(page, "#rule"), /规则/);
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  await page.click("#lang-en");
  assert.match(await v.line(page), /^C does not answer Prepare 1\b/);
  assert.equal(await v.fieldName(page, "C", "promised"), "promised");
});

test("the 7 checks all hold, and the verdict says so", async () => {
  const held = await page.$$eval("#checks .check", (cs) => cs.map((c) => c.dataset.held));
  assert.deepEqual(held, Array(7).fill("true"));
  assert.match(await v.text(page, "#checks"), /C does not answer Prepare 1 \(promise 1\)/);
  assert.match(await v.text(page, "#verdict"), /All 7 checks hold/);
});

test("the steps list has the demo's 3 steps; clicking step 2 moves to its first event", async () => {
  const steps = page.locator("#steps .step");
  assert.equal(await steps.count(), 3);
  assert.match(await steps.nth(1).innerText(), /^Step 2: A and B receive client 1's Prepare first/);
  await steps.nth(1).click();
  const i = await v.index(page);
  assert.ok(await steps.nth(1).evaluate((b) => b.classList.contains("current")));
  assert.equal(await page.locator("#steps .step.current").count(), 1);
  assert.match(await v.text(page, "#step-now"), /^Step 2:/);
  // The step starts where A receives client 1's Prepare; the event before is still step 1.
  await page.click("#prev");
  assert.match(await v.text(page, "#step-now"), /^Step 1:/);
  assert.ok(await steps.nth(0).evaluate((b) => b.classList.contains("current")));
  await page.keyboard.press("ArrowDown");               // next step
  assert.equal(await v.index(page), i);
  await page.keyboard.press("ArrowDown");
  assert.match(await v.text(page, "#step-now"), /^Step 3:/);
  assert.match(await v.line(page), /^A receives Prepare 5 from client2$/);
});

test("the URL: #event=N opens at N, and moving writes the position back", async () => {
  const i = await v.findEvent(page, NO_ANSWER);
  const other = await v.open(browser, path, `#event=${i}`);
  try {
    assert.equal(await v.index(other), i);
    assert.match(await v.line(other), /^C does not answer Prepare 1\b/);
    assert.equal(await v.field(other, "C", "promised"), "5");
    await other.click("#prev");
    await other.waitForFunction((n) => location.hash === `#event=${n}`, i - 1);
    // A hash typed in by hand moves the page too.
    await other.evaluate(() => { location.hash = "#event=0"; });
    await other.waitForFunction(() => window.viewer.index() === 0);
    assert.equal(await v.field(other, "C", "promised"), "—");
    assert.deepEqual(other.errors, []);
  } finally {
    await other.context().close();
  }
});

test("following the rule link shows the source with rules_.promise1", async () => {
  await v.findEvent(page, NO_ANSWER);
  const href = await page.getAttribute("a#rule-link", "href");
  assert.deepEqual(page.errors, [], "no error on the page");
  await page.goto(href);
  assert.match(await page.locator("body").innerText(), /rules_\.promise1/);
});
