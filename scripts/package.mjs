// Packages the Trunk build for embedding: content-hashed bundle files under dist/v1/, the
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

const js = readFileSync(join(dist, "aftersales-widget.js"));
const wasm = readFileSync(join(dist, "aftersales-widget_bg.wasm"));
rmSync(v1, { recursive: true, force: true });
mkdirSync(v1, { recursive: true });
const jsName = `aftersales-widget.${short(js)}.js`;
const wasmName = `aftersales-widget_bg.${short(wasm)}.wasm`;
writeFileSync(join(v1, jsName), js);
writeFileSync(join(v1, wasmName), wasm);

const files = { js: jsName, js_integrity: sri(js), wasm: wasmName, wasm_integrity: sri(wasm) };
const template = readFileSync(join(ROOT, "public", "loader.js"), "utf8");
const marker = /\/\*@MANIFEST\*\/[\s\S]*?\/\*@END\*\//;
if (!marker.test(template)) throw new Error("public/loader.js lost its /*@MANIFEST*/ … /*@END*/ marker");
// Minified with terser (from e2e/node_modules): the loader is on every page of the shop.
const { minify } = createRequire(join(ROOT, "e2e", "package.json"))("terser");
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
const manifest = {
  version: 1,
  loader: { url: "/v1/loader.js", integrity: loaderIntegrity, bytes: loader.length, gzip: gz(loader) },
  js: { url: `/v1/${jsName}`, integrity: files.js_integrity, bytes: js.length, gzip: gz(js) },
  wasm: { url: `/v1/${wasmName}`, integrity: files.wasm_integrity, bytes: wasm.length, gzip: gz(wasm) },
};
writeFileSync(join(v1, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
// Precompressed copies beside each file: a server (the reference one does) answers
// `Accept-Encoding: br` or `gzip` with them instead of compressing on every request.
const br = (b) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: b.length } });
for (const [name, bytes] of [["loader.js", loader], [jsName, js], [wasmName, wasm]]) {
  writeFileSync(join(v1, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  writeFileSync(join(v1, `${name}.br`), br(bytes));
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
console.log(`packaged dist/v1: loader ${manifest.loader.gzip} B gz, js ${manifest.js.gzip} B gz, wasm ${manifest.wasm.gzip} B gz`);
