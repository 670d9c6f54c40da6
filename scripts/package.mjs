// Packages the Trunk build for embedding: the bundle under dist/v1/<content hash>/, the
// loader with their names and Subresource Integrity values written in, its own integrity
// published in dist/v1/manifest.json and dist/v1/snippet.html, and the demo pages from
// public/ with the loader's integrity filled in.
//
//   node scripts/package.mjs [dist]
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = resolve(process.argv[2] || join(ROOT, "dist"));
const v1 = join(dist, "v1");

const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
const short = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 12);

// The bundle as scripts/build-bundle left it: the entry module and main WebAssembly (the
// first screen), __wasm_split.js (fetches the rest) and one module per journey plus the
// chunks they share. The split runtime finds its chunks beside itself by name, so the files
// keep their names and the build's content hash names their directory instead.
const ENTRY = "aftersales-widget.js";
const MAIN = "aftersales-widget_bg.wasm";
const SPLIT = "__wasm_split.js";
const bundleFiles = readdirSync(dist).filter((n) => n === ENTRY || n === SPLIT || n.endsWith(".wasm"));
for (const need of [ENTRY, MAIN, SPLIT]) {
  if (!bundleFiles.includes(need)) throw new Error(`dist/${need} is missing: run trunk build (scripts/build-bundle)`);
}
const { minify } = createRequire(join(ROOT, "e2e", "package.json"))("terser");
const bytes = {};
for (const n of bundleFiles) bytes[n] = readFileSync(join(dist, n));
// Every chunk is fetched with its integrity, like the entry files the loader fetches.
let splitJs = bytes[SPLIT].toString("utf8").replace(
  /fetch\(new URL\("\.\/([\w.-]+\.wasm)", import\.meta\.url\)\)/g,
  (whole, name) => {
    if (!bytes[name]) throw new Error(`${SPLIT} fetches ${name}, which the build did not make`);
    return `fetch(new URL("./${name}", import.meta.url), { integrity: "${sri(bytes[name])}", credentials: "same-origin" })`;
  },
);
// The adapters (data-backend) and the journey that is each one's code.
const ADAPTERS = { http: "backend", local: "local", medusa: "medusa" };
// The journeys and what each fetches: its module and the chunks it depends on.
const loaders = {};
for (const m of splitJs.matchAll(/const (__\w+) = (?:wrapAsyncCb\()?makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([\w.-]+\.wasm)"[^]*?\n, \[([^\]]*)\]/g)) {
  loaders[m[1]] = { file: m[2], deps: m[3].split(",").map((d) => d.trim()).filter(Boolean) };
}
const journeyFiles = {};
for (const [name, l] of Object.entries(loaders)) {
  const journey = /^__wasm_split_load_([a-z_]+?)(?:_\d+)?$/.exec(name);
  if (!journey) continue;
  const files = new Set([l.file]);
  const walk = (d) => {
    if (!loaders[d]) throw new Error(`${SPLIT}: ${name} depends on ${d}, which it does not define`);
    files.add(loaders[d].file);
    loaders[d].deps.forEach(walk);
  };
  l.deps.forEach(walk);
  journeyFiles[journey[1]] = [...files].sort();
}
if (Object.keys(journeyFiles).length === 0) throw new Error(`${SPLIT} names no journey: was the bundle built with the split feature?`);
const jsOpts = { module: true, compress: { passes: 2 }, mangle: true, format: { comments: false } };
bytes[ENTRY] = Buffer.from((await minify(bytes[ENTRY].toString("utf8"), jsOpts)).code);
bytes[SPLIT] = Buffer.from((await minify(splitJs, jsOpts)).code);

const build = short(Buffer.concat(Object.keys(bytes).sort().flatMap((n) => [Buffer.from(n), bytes[n]])));
rmSync(v1, { recursive: true, force: true });
mkdirSync(join(v1, build), { recursive: true });
for (const [n, b] of Object.entries(bytes)) writeFileSync(join(v1, build, n), b);

const files = {
  js: `${build}/${ENTRY}`,
  js_integrity: sri(bytes[ENTRY]),
  wasm: `${build}/${MAIN}`,
  wasm_integrity: sri(bytes[MAIN]),
  // Fetched with the entry (it imports them), each checked against its integrity.
  modules: [[`${build}/${SPLIT}`, sri(bytes[SPLIT])]],
};
const template = readFileSync(join(ROOT, "public", "loader.js"), "utf8");
const marker = /\/\*@MANIFEST\*\/[\s\S]*?\/\*@END\*\//;
if (!marker.test(template)) throw new Error("public/loader.js lost its /*@MANIFEST*/ … /*@END*/ marker");
// Minified with terser (from e2e/node_modules): the loader is on every page of the shop.
// The loader words its launcher and its load error before the widget (and its catalogs)
// arrive: these three messages of each catalog go into it.
const LOADER_KEYS = { title: "panel.title", failed: "loader.failed", retry: "loader.retry" };
const texts = {};
for (const tag of ["en", "zh-Hans", "zh-Hant"]) {
  const catalog = JSON.parse(readFileSync(join(ROOT, "locales", `${tag}.json`), "utf8"));
  texts[tag] = Object.fromEntries(Object.entries(LOADER_KEYS).map(([k, key]) => [k, catalog[key]]));
}
const textsMarker = /\/\*@TEXTS\*\/[\s\S]*?\/\*@END\*\//;
if (!textsMarker.test(template)) throw new Error("public/loader.js lost its /*@TEXTS*/ … /*@END*/ marker");
const filled = template
  .replace(marker, `/*@MANIFEST*/ ${JSON.stringify(files)} /*@END*/`)
  .replace(textsMarker, `/*@TEXTS*/ ${JSON.stringify(texts)} /*@END*/`);
const minified = await minify(filled, { compress: { passes: 2 }, mangle: true, format: { comments: false } });
const loader = Buffer.from(`/* after-sales widget loader v1 — source: public/loader.js */\n${minified.code}\n`);
writeFileSync(join(v1, "loader.js"), loader);
const loaderIntegrity = sri(loader);

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: b.length } });
const sized = (list) => ({
  bytes: list.reduce((a, [, b]) => a + b.length, 0),
  gzip: list.reduce((a, [, b]) => a + gz(b), 0),
  brotli: list.reduce((a, [, b]) => a + br(b).length, 0),
});
const entry = (n) => [n, bytes[n]];
const manifest = {
  version: 1,
  build,
  loader: { url: "/v1/loader.js", integrity: loaderIntegrity, bytes: loader.length, gzip: gz(loader) },
  js: { url: `/v1/${files.js}`, integrity: files.js_integrity, bytes: bytes[ENTRY].length, gzip: gz(bytes[ENTRY]) },
  wasm: { url: `/v1/${files.wasm}`, integrity: files.wasm_integrity, bytes: bytes[MAIN].length, gzip: gz(bytes[MAIN]) },
  // What is fetched before the lookup form is interactive: the loader, the entry module, the
  // split runtime and the main WebAssembly.
  first_screen: sized([["loader.js", loader], entry(ENTRY), entry(SPLIT), entry(MAIN)]),
  // Each journey's own module and the chunks it needs (a chunk shared by several journeys is
  // counted in each; it is fetched once).
  journeys: Object.fromEntries(
    Object.entries(journeyFiles)
      .sort()
      .map(([j, list]) => [j, { files: list, ...sized(list.map(entry)) }]),
  ),
  total: sized([["loader.js", loader], ...Object.keys(bytes).sort().map(entry)]),
  // What a shopper on one shop can download: everything but the files only another adapter
  // uses (a shop has one data-backend; the local adapter's engine never reaches an http shop).
  per_adapter: Object.fromEntries(
    Object.entries(ADAPTERS).map(([adapter, own]) => {
      const others = Object.values(ADAPTERS).filter((j) => j !== own && journeyFiles[j]);
      const used = new Set(
        Object.entries(journeyFiles)
          .filter(([j]) => !others.includes(j))
          .flatMap(([, list]) => list),
      );
      const elsewhere = new Set(others.flatMap((j) => journeyFiles[j]).filter((f) => !used.has(f)));
      const list = Object.keys(bytes).sort().filter((n) => !elsewhere.has(n));
      return [adapter, sized([["loader.js", loader], ...list.map(entry)])];
    }),
  ),
};
writeFileSync(join(v1, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
// Precompressed copies beside each file: a server (the reference one does) answers
// `Accept-Encoding: br` or `gzip` with them instead of compressing on every request.
for (const [name, b] of [["loader.js", loader], ...Object.entries(bytes).map(([n, b]) => [`${build}/${n}`, b])]) {
  writeFileSync(join(v1, `${name}.gz`), gzipSync(b, { level: 9 }));
  writeFileSync(join(v1, `${name}.br`), br(b));
}
writeFileSync(
  join(v1, "snippet.html"),
  `<script src="https://YOUR-SHOP/v1/loader.js" integrity="${loaderIntegrity}" crossorigin="anonymous" defer></script>\n`,
);

// The demo pages and their assets, with the loader's integrity filled in.
function copyPublic(dir) {
  for (const name of readdirSync(dir)) {
    const src = join(dir, name);
    const rel = relative(join(ROOT, "public"), src);
    if (rel === "loader.js") continue;
    const out = join(dist, rel);
    if (statSync(src).isDirectory()) {
      mkdirSync(out, { recursive: true });
      copyPublic(src);
    } else if (name.endsWith(".html")) {
      writeFileSync(out, readFileSync(src, "utf8").replaceAll("{{LOADER_INTEGRITY}}", loaderIntegrity));
    } else {
      copyFileSync(src, out);
    }
  }
}
copyPublic(join(ROOT, "public"));
console.log(
  `packaged dist/v1/${build}: first screen ${manifest.first_screen.gzip} B gz, total ${manifest.total.gzip} B gz, ` +
    `${Object.keys(journeyFiles).length} journeys`,
);
