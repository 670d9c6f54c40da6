// The size and speed bench (on demand; not part of the test pass/fail):
//   scripts/bench   (builds release, then runs this)
// Prints bundle bytes raw / gzip / brotli (the first screen, each journey, the total), where
// the module's bytes go by crate, and the time from "open" to the first step being interactive
// in headless Chromium on loopback and on emulated Slow 4G, for the widget and for a bare
// Leptos counter built the same way, measured in the same run, with their ratio.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
import { dirname, extname, join, resolve, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { breakdown } from "./wasm-breakdown.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { chromium } = createRequire(join(ROOT, "e2e", "package.json"))("playwright-core");
const DIST = join(ROOT, "dist");
const COUNTER = join(ROOT, "target", "bench-counter-dist");
const RUNS = Number(process.env.BENCH_RUNS || 15);

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const manifest = JSON.parse(readFileSync(join(DIST, "v1", "manifest.json"), "utf8"));
const file = (url) => readFileSync(join(DIST, url));
const row = (name, raw, g, b) => `${name.padEnd(34)}${String(raw).padStart(9)}${String(g).padStart(9)}${String(b).padStart(9)}`;
const one = (name, bytes) => row(name, bytes.length, gz(bytes), br(bytes));
const sum = (name, s) => row(name, s.bytes, s.gzip, s.brotli);
const dir = `v1/${manifest.build}`;
console.log(`${"bytes".padEnd(34)}${"raw".padStart(9)}${"gzip".padStart(9)}${"brotli".padStart(9)}`);
console.log(one("loader.js", file(manifest.loader.url)));
console.log(one("entry module (JS glue)", file(manifest.js.url)));
console.log(one("split runtime (__wasm_split.js)", file(`${dir}/__wasm_split.js`)));
console.log(one("main WASM", file(manifest.wasm.url)));
console.log(one("  of which CSS (source)", readFileSync(join(ROOT, "style", "widget.css"))));
console.log(sum("first screen (all of the above)", manifest.first_screen));
for (const [name, j] of Object.entries(manifest.journeys)) console.log(sum(`journey ${name} (${j.files.length} files)`, j));
for (const [a, t] of Object.entries(manifest.per_adapter)) console.log(sum(`widget total, ${a} adapter`, t));
console.log(sum("every file of every adapter", manifest.total));
const counterJs = readFileSync(join(COUNTER, "bench-counter.js"));
const counterWasm = readFileSync(join(COUNTER, "bench-counter_bg.wasm"));
console.log(row("bare Leptos total (JS + WASM)", counterJs.length + counterWasm.length, gz(counterJs) + gz(counterWasm), br(counterJs) + br(counterWasm)));
console.log(`first screen / bare Leptos: ${(manifest.first_screen.gzip / (gz(counterJs) + gz(counterWasm))).toFixed(2)}× gzipped`);

// Where the main module's bytes go, from the bundle build's names (before split and wasm-opt).
const symbols = join(ROOT, "target", "wasm32-unknown-unknown", "bundle", "aftersales-widget.wasm");
if (existsSync(symbols)) {
  const { functions, crates, data } = breakdown(readFileSync(symbols));
  const code = functions.reduce((a, f) => a + f.size, 0);
  console.log(`\nthe whole widget before the split (${code} B code, ${data} B data), by crate:`);
  for (const [c, n] of [...crates].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(n).padStart(9)}  ${c}`);
  console.log(`  ${String(data).padStart(9)}  data (catalogs, stylesheet, strings)`);
}

// A static server for both builds (loopback only), and a bench page that imports a bundle,
// instantiates it, mounts it into a shadow root and waits for its first control.
const BENCH_PAGE = `<!doctype html><meta charset=utf-8><body><script type=module>
window.run = async (js, wasm, ready) => {
  const host = document.createElement("div"); document.body.append(host);
  const t0 = performance.now();
  const bytes = fetch(wasm); // alongside the module, as the loader does
  const m = await import(js); await m.default({ module_or_path: bytes }); m.mount_shadow(host, "");
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
  // Brotli when the browser takes it, as the reference server answers (precompressed there).
  const brotli = (req.headers["accept-encoding"] || "").includes("br");
  const headers = { "content-type": TYPES[extname(full)] || "application/octet-stream", "cache-control": "no-store" };
  if (brotli) headers["content-encoding"] = "br";
  res.writeHead(200, headers).end(brotli ? compressed(full) : readFileSync(full));
});
const brCache = new Map();
function compressed(path) {
  if (!brCache.has(path)) brCache.set(path, brotliCompressSync(readFileSync(path), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  return brCache.get(path);
}
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

// Chromium's "Slow 4G" as Lighthouse applies it in DevTools: 562.5 ms round trip,
// 1.47 Mbit/s down, 675 kbit/s up.
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1474.56 * 1024) / 8, uploadThroughput: (675 * 1024) / 8 };

/** Throttles the page's network from now on (the page itself loaded at full speed). */
async function throttle(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
}

async function once(js, wasm, ready, throttled) {
  const context = await browser.newContext(); // cold cache every run
  const page = await context.newPage();
  await page.goto(`${origin}/bench.html`);
  if (throttled) await throttle(context, page);
  const ms = await page.evaluate(([a, b, c]) => window.run(a, b, c), [js, wasm, ready]);
  await context.close();
  return ms;
}

async function viaLoader(runs, throttled) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/shop.html`);
    await page.waitForFunction(() => window.AfterSales);
    if (throttled) await throttle(context, page);
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
const f = (t) => `median ${median(t).toFixed(1)} ms (min ${t[0].toFixed(1)}, max ${t[t.length - 1].toFixed(1)})`;
// Widget and counter alternate run by run, so that load on this shared machine hits both alike.
async function compare(runs, throttled) {
  const widget = [];
  const counter = [];
  for (let i = 0; i < runs; i++) {
    widget.push(await once(manifest.js.url, manifest.wasm.url, "input[name=order_number]", throttled));
    counter.push(await once("/counter/bench-counter.js", "/counter/bench-counter_bg.wasm", "button", throttled));
  }
  widget.sort((a, b) => a - b);
  counter.sort((a, b) => a - b);
  const loader = await viaLoader(runs, throttled);
  console.log(`\nopen → first step interactive, headless Chromium, ${throttled ? "Slow 4G (562.5 ms RTT, 1.47 Mbit/s), " : "loopback, "}brotli, ${runs} cold runs each:`);
  console.log(`  widget            ${f(widget)}`);
  console.log(`  bare Leptos       ${f(counter)}`);
  console.log(`  ratio             ${(median(widget) / median(counter)).toFixed(2)}× the bare counter`);
  console.log(`  widget via loader on the demo shop (AfterSales.open): ${f(loader)}`);
}

await compare(RUNS, false);
await compare(Number(process.env.BENCH_SLOW_RUNS || 5), true);
await browser.close();
server.close();
