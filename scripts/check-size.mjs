// Fails when the packaged embed (dist/v1/manifest.json) grows past scripts/size-budget.json.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const budget = JSON.parse(readFileSync(join(ROOT, "scripts", "size-budget.json"), "utf8"));
const m = JSON.parse(readFileSync(join(ROOT, "dist", "v1", "manifest.json"), "utf8"));
const total = m.loader.gzip + m.js.gzip + m.wasm.gzip;
const checks = [
  ["loader", m.loader.gzip, budget.loader_gzip],
  ["total (loader + JS + WASM)", total, budget.total_gzip],
];
let failed = 0;
for (const [name, got, max] of checks) {
  const ok = got <= max;
  failed += ok ? 0 : 1;
  console.log(`${ok ? "ok  " : "OVER"} ${name}: ${got} B gzipped, budget ${max} B`);
}
if (failed) {
  console.error("size budget exceeded: shrink the change, or raise scripts/size-budget.json deliberately");
  process.exit(1);
}
