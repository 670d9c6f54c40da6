// Fails when the packaged embed (dist/v1/manifest.json) grows past scripts/size-budget.json:
// the loader, the first screen (what is fetched before the lookup form is interactive) and the
// whole widget with every journey, each in gzipped bytes.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const budget = JSON.parse(readFileSync(join(ROOT, "scripts", "size-budget.json"), "utf8"));
const m = JSON.parse(readFileSync(join(ROOT, "dist", "v1", "manifest.json"), "utf8"));
const checks = [
  ["loader", m.loader.gzip, budget.loader_gzip],
  ["first screen (loader + entry + split runtime + main WASM)", m.first_screen.gzip, budget.first_screen_gzip],
  // A shop has one adapter: the widget a shopper can download is the first screen, every
  // journey and that adapter, each held to its own budget.
  ...Object.entries(m.per_adapter).map(([a, t]) => [`total with the ${a} adapter (every journey)`, t.gzip, budget[`total_${a}_gzip`]]),
];
let failed = 0;
for (const [name, got, max] of checks) {
  if (!Number.isInteger(max)) throw new Error(`scripts/size-budget.json has no budget for ${name}`);
  const ok = got <= max;
  failed += ok ? 0 : 1;
  console.log(`${ok ? "ok  " : "OVER"} ${name}: ${got} B gzipped, budget ${max} B`);
}
for (const [name, j] of Object.entries(m.journeys)) console.log(`     journey ${name}: ${j.gzip} B gzipped in ${j.files.length} files`);
console.log(`     every file of every adapter: ${m.total.gzip} B gzipped`);
if (failed) {
  console.error("size budget exceeded: shrink the change, or raise scripts/size-budget.json deliberately");
  process.exit(1);
}
