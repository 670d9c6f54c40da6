// The size and speed bench (on demand; not part of the test pass/fail):
//   scripts/bench   (builds release, then runs this)
// Prints bundle bytes raw / gzip / brotli, and the time from "open" to the first step being
// interactive in headless Chromium, for the widget and for a bare Leptos counter built the
// same way, measured in the same run, with their ratio.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
import { dirname, extname, join, resolve, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { chromium } = createRequire(join(ROOT, "e2e", "package.json"))("playwright-core");
const DIST = join(ROOT, "dist");
const COUNTER = join(ROOT, "target", "bench-counter-dist");
const RUNS = Number(process.env.BENCH_RUNS || 15);

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const manifest = JSON.parse(readFileSync(join(DIST, "v1", "manifest.json"), "utf8"));
const file = (url) => readFileSync(join(DIST, url));
const parts = {
  "loader.js": file(manifest.loader.url),
  "widget JS glue": file(manifest.js.url),
  "widget WASM": file(manifest.wasm.url),
  "  of which CSS": readFileSync(join(ROOT, "style", "widget.css")),
  "bare Leptos JS glue": readFileSync(join(COUNTER, "bench-counter.js")),
  "bare Leptos WASM": readFileSync(join(COUNTER, "bench-counter_bg.wasm")),
};
const row = (name, b) => `${name.padEnd(28)}${String(b.length).padStart(9)}${String(gz(b)).padStart(9)}${String(br(b)).padStart(9)}`;
console.log(`${"bytes".padEnd(28)}${"raw".padStart(9)}${"gzip".padStart(9)}${"brotli".padStart(9)}`);
for (const [k, v] of Object.entries(parts)) console.log(row(k, v));
const total = (names) => names.reduce((s, n) => [s[0] + parts[n].length, s[1] + gz(parts[n]), s[2] + br(parts[n])], [0, 0, 0]);
const [wr, wg, wb] = total(["loader.js", "widget JS glue", "widget WASM"]);
const [cr, cg, cb] = total(["bare Leptos JS glue", "bare Leptos WASM"]);
console.log(`${"widget total (loader+JS+WASM)".padEnd(28)}${String(wr).padStart(9)}${String(wg).padStart(9)}${String(wb).padStart(9)}`);
console.log(`${"bare Leptos total".padEnd(28)}${String(cr).padStart(9)}${String(cg).padStart(9)}${String(cb).padStart(9)}`);

// A static server for both builds (loopback only), and a bench page that imports a bundle,
// instantiates it, mounts it into a shadow root and waits for its first control.
const BENCH_PAGE = `<!doctype html><meta charset=utf-8><body><script type=module>
window.run = async (js, wasm, ready) => {
  const host = document.createElement("div"); document.body.append(host);
  const t0 = performance.now();
  const m = await import(js); await m.default({ module_or_path: wasm }); m.mount_shadow(host, "");
  await new Promise((ok) => { const look = () => host.shadowRoot && host.shadowRoot.querySelector(ready) ? ok() : requestAnimationFrame(look); look(); });
  return performance.now() - t0;
};</script>`;
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".css": "text/css", ".json": "application/json" };
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/bench.html") return res.writeHead(200, { "content-type": "text/html" }).end(BENCH_PAGE);
  const [base, path] = url.pathname.startsWith("/counter/") ? [COUNTER, url.pathname.slice(9)] : [DIST, url.pathname.slice(1) || "shop.html"];
  const full = normalize(join(base, path));
  if (!full.startsWith(base) || !existsSync(full)) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": TYPES[extname(full)] || "application/octet-stream", "cache-control": "no-store" }).end(readFileSync(full));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

async function once(js, wasm, ready) {
  const context = await browser.newContext(); // cold cache every run
  const page = await context.newPage();
  await page.goto(`${origin}/bench.html`);
  const ms = await page.evaluate(([a, b, c]) => window.run(a, b, c), [js, wasm, ready]);
  await context.close();
  return ms;
}

async function viaLoader() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/shop.html`);
    await page.waitForFunction(() => window.AfterSales);
    times.push(
      await page.evaluate(async () => {
        const t0 = performance.now();
        AfterSales.open();
        const host = document.querySelector("after-sales");
        await new Promise((ok) => { const look = () => host.shadowRoot.querySelector("input[name=order_number]") ? ok() : requestAnimationFrame(look); look(); });
        return performance.now() - t0;
      }),
    );
    await context.close();
  }
  return times.sort((a, b) => a - b);
}

const median = (t) => t[Math.floor(t.length / 2)];
// Widget and counter alternate run by run, so that load on this shared machine hits both alike.
const widget = [];
const counter = [];
for (let i = 0; i < RUNS; i++) {
  widget.push(await once(manifest.js.url, manifest.wasm.url, "input[name=order_number]"));
  counter.push(await once("/counter/bench-counter.js", "/counter/bench-counter_bg.wasm", "button"));
}
widget.sort((a, b) => a - b);
counter.sort((a, b) => a - b);
const loader = await viaLoader();
await browser.close();
server.close();
const f = (t) => `median ${median(t).toFixed(1)} ms (min ${t[0].toFixed(1)}, max ${t[t.length - 1].toFixed(1)})`;
console.log(`\nopen → first step interactive, headless Chromium, ${RUNS} cold runs each:`);
console.log(`  widget            ${f(widget)}`);
console.log(`  bare Leptos       ${f(counter)}`);
console.log(`  ratio             ${(median(widget) / median(counter)).toFixed(2)}× the bare counter`);
console.log(`  widget via loader on the demo shop (AfterSales.open): ${f(loader)}`);
