// Screenshots of the run viewer for the docs (docs/images/viewer-*.png),
// 1400×900, in English:
//   viewer-paxos.png       demo 01 at "C does not answer Prepare 1" (rule promise 1)
//   viewer-raft.png        demo 15 mid-repair: B has just refused (7, 4)
//   viewer-multipaxos.png  demo 09 after the failover: B is master and v←5 chosen, A still down
//
//   node tests/browser/screenshots.mjs OUTDIR [BUILD=build]
// (the demos must be built: cmake --build build, or ./lab test)
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as v from "./lib.mjs";

const outdir = process.argv.slice(2).find((x) => !x.includes("="));
if (!outdir) v.fail("usage: node tests/browser/screenshots.mjs OUTDIR [BUILD=build]");
mkdirSync(outdir, { recursive: true });
const build = resolve(v.args().BUILD || join(v.HERE, "..", "..", "build"));
const demo = (name) => join(build, "demos", name);
const pages = join(build, "tests", "browser", "screenshots");

const shots = [
  { png: "viewer-paxos.png", demo: "01_basic_paxos_prepare", at: (l) => /^C does not answer Prepare 1\b/.test(l) },
  { png: "viewer-raft.png", demo: "15_raft_log_repair", at: (l) => /^B has no entry \(7, 4\) in its log: it refuses/.test(l) },
  { png: "viewer-multipaxos.png", demo: "09_multipaxos_leader_failover",
    at: (l) => /^B: slot 5 is chosen: v←5/.test(l) },
];

const browser = await v.launch();
try {
  for (const s of shots) {
    const html = v.writePage(demo(s.demo), ["--lang", "en"], join(pages, s.demo + ".html"));
    const page = await v.open(browser, html);
    const i = await v.findEvent(page, s.at);
    await v.go(page, 0);
    await v.go(page, i);                       // as a student gets there: the hash written, cards redrawn
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(outdir, s.png) });
    console.log(`${join(outdir, s.png)}: ${s.demo} at event ${i + 1}: ${await v.line(page)}`);
    if (page.errors.length) v.fail(`errors on the page of ${s.demo}: ${page.errors.join("; ")}`);
    await page.context().close();
  }
} finally {
  await browser.close();
}
