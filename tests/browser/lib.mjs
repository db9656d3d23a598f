// What the browser tests share: the arguments CTest passes, writing a page
// with a just-built binary, starting Debian's chromium through playwright-core,
// and reading the page through its stable ids (/work/local/viewer_schema.md's
// contract: window.viewer, #line, #rule, .card[data-node] …).
//
// A missing piece (chromium, node_modules) is a failure with one line that
// says what to install: never a silent skip.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const HERE = dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// Stop at once with one clear line (CTest shows it as the failure).
export function fail(line) {
  console.error(`browser test: ${line}`);
  process.exit(1);
}

// NAME=VALUE arguments (CTest passes the binaries' paths this way).
export function args() {
  const out = {};
  for (const a of process.argv.slice(2)) {
    const k = a.indexOf("=");
    if (k > 0) out[a.slice(0, k)] = a.slice(k + 1);
  }
  return out;
}
export function need(a, name) {
  if (!a[name]) fail(`missing argument ${name}=… (the test is started by CTest: ctest --test-dir build -L browser)`);
  return a[name];
}

// playwright-core from tests/browser/node_modules, and Debian's chromium.
export async function launch() {
  if (!existsSync(join(HERE, "node_modules", "playwright-core"))) {
    fail("tests/browser/node_modules has no playwright-core: run ./lab test, or " +
         "(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci)");
  }
  if (!existsSync(CHROMIUM)) {
    fail(`${CHROMIUM} is missing: run ./lab test, or apt-get install chromium`);
  }
  const { chromium } = await import("playwright-core");
  try {
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  } catch (e) {
    fail(`${CHROMIUM} did not start: ${String(e.message).split("\n")[0]}`);
  }
}

// Run a binary that writes a page; returns the page's path. `expect` is the
// exit status it must end with (the checker exits 1 when it finds a violation).
export function writePage(binary, argv, html, expect = 0) {
  if (!existsSync(binary)) fail(`${binary} does not exist: build first (cmake --build build, or ./lab test)`);
  mkdirSync(dirname(resolve(html)), { recursive: true });
  const r = spawnSync(binary, [...argv, "--html", html], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== expect) {
    fail(`${binary} ${[...argv, "--html", html].join(" ")} exited ${r.status} (expected ${expect}):\n` +
         (r.stderr || "").slice(-2000));
  }
  if (!existsSync(html) || statSync(html).size === 0) fail(`${binary} wrote no page ${html}`);
  return resolve(html);
}

export const fileUrl = (path) => pathToFileURL(path).href;

// A new page opened at the file, with errors on the page collected (a test
// asserts there were none).
export async function open(browser, path, hash = "") {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text()); });
  await page.goto(fileUrl(path) + hash);
  await page.waitForFunction(() => window.viewer && window.viewer.count() > 0);
  return page;
}

// What the page shows, read through its contract.
export const index = (page) => page.evaluate(() => window.viewer.index());
export const count = (page) => page.evaluate(() => window.viewer.count());
export const go = (page, i) => page.evaluate((i) => window.viewer.go(i), i);
export const text = (page, sel) => page.locator(sel).first().innerText();
export const line = (page) => text(page, "#line");
export async function field(page, node, key) {
  return (await page.locator(`.card[data-node="${node}"] .field[data-key="${key}"] .value`).innerText()).trim();
}
export async function fieldName(page, node, key) {
  return (await page.locator(`.card[data-node="${node}"] .field[data-key="${key}"] .key`).innerText()).trim();
}
// A card's log boxes: [{i, committed, text}] in order.
export function log(page, node) {
  return page.$$eval(`.card[data-node="${node}"] .entry[data-index]`, (boxes) => boxes.map((b) => ({
    i: Number(b.dataset.index), committed: b.dataset.committed === "true", title: b.title,
  })));
}
// The term (Raft) or ballot (Multi-Paxos) and command of each box, from its title "i · t · c".
export const terms = (entries) => entries.map((e) => e.title.split(" · ")[1]);
export const commands = (entries) => entries.map((e) => e.title.split(" · ")[2]);

// Move with the page's own controls until the narration line matches;
// returns the index. `how` is "button" (#next) or "key" (ArrowRight).
export async function stepUntil(page, test, how = "button", limit = 2000) {
  for (let k = 0; k < limit; k++) {
    if (test(await line(page))) return index(page);
    const before = await index(page);
    if (how === "key") await page.keyboard.press("ArrowRight");
    else await page.click("#next");
    if ((await index(page)) !== before + 1) {
      throw new Error(`${how === "key" ? "ArrowRight" : "#next"} did not move from event ${before}`);
    }
  }
  throw new Error(`no event whose line matches ${test} within ${limit} events`);
}
// The index of the first event (from `from`) whose line matches, by going through go().
export async function findEvent(page, test, from = 0) {
  const n = await count(page);
  for (let i = from; i < n; i++) {
    await go(page, i);
    if (test(await line(page))) return i;
  }
  throw new Error(`no event whose line matches ${test}`);
}

export function gitRoot() {
  return execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: HERE, encoding: "utf8" }).trim();
}
