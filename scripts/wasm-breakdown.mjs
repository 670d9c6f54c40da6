// Where a WebAssembly module's code bytes go, by crate and by function, read from its name
// section (the bundle profile keeps it: target/wasm32-unknown-unknown/bundle/*.wasm, before
// the splitter and wasm-opt). Sizes are the function bodies as the compiler left them, so they
// rank and compare; the shipped module is smaller after wasm-opt.
//
//   node scripts/wasm-breakdown.mjs FILE [TOP]
import { readFileSync } from "node:fs";

/** Crate and function sizes of the module in `bytes`, plus its data segments' size. */
export function breakdown(bytes) {
  let pos = 0;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  };
  const name = () => {
    const len = u32();
    const s = bytes.toString("utf8", pos, pos + len);
    pos += len;
    return s;
  };
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error("not a WebAssembly module");
  pos = 8;
  let imported = 0;
  let bodies = [];
  let data = 0;
  const names = new Map();
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 2) {
      // Imported functions come first in the function index space.
      for (let n = u32(); n > 0; n--) {
        name();
        name();
        const kind = bytes[pos++];
        if (kind === 0) {
          imported++;
          u32();
        } else if (kind === 1) {
          pos++;
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 2) {
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 3) pos += 2;
        else if (kind === 4) pos += 2;
      }
    } else if (id === 10) {
      bodies = [];
      for (let n = u32(); n > 0; n--) {
        const len = u32();
        bodies.push(len);
        pos += len;
      }
    } else if (id === 11) {
      data = size;
    } else if (id === 0 && name() === "name") {
      while (pos < end) {
        const sub = bytes[pos++];
        const subLen = u32();
        const subEnd = pos + subLen;
        if (sub === 1) for (let n = u32(); n > 0; n--) names.set(u32(), name());
        pos = subEnd;
      }
    }
    pos = end;
  }
  const functions = bodies.map((size, i) => ({ size, name: names.get(imported + i) || `func ${imported + i}` }));
  const crates = new Map();
  for (const f of functions) crates.set(crateOf(f.name), (crates.get(crateOf(f.name)) || 0) + f.size);
  return { functions, crates, data };
}

/** The crate a function belongs to: the first path segment of its (legacy-mangled or plain)
 * name, or of the type its impl is for (`<aftersales_core::x::Y as serde::Deserialize>`). */
export function crateOf(symbol) {
  const s = symbol.replace(/^_ZN/, "");
  const mangled = /^(\d+)([a-z][a-z0-9_]*)/.exec(s);
  const path = /([a-z][a-z0-9_]*)(?:\.\.|::|\[[0-9a-f]+\]::)/.exec(s);
  const first = mangled ? mangled[2].slice(0, Number(mangled[1])) : path ? path[1] : "other";
  // The impls of core traits (drop, clone, fmt) mostly serve the types named inside them.
  if (first === "core" || first === "alloc") {
    const inner = /(aftersales_\w+?|tachys|reactive_graph|leptos\w*?|serde_json|serde\w*?|chrono|web_sys|js_sys|wasm_bindgen)(?:\.\.|::)/.exec(s);
    if (inner) return `${first} for ${inner[1]}`;
  }
  return first;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top = "25"] = process.argv.slice(2);
  const { functions, crates, data } = breakdown(readFileSync(file));
  const code = functions.reduce((a, f) => a + f.size, 0);
  const pct = (n) => `${((100 * n) / (code + data)).toFixed(1)} %`.padStart(7);
  console.log(`${file}: ${code} B of code in ${functions.length} functions, ${data} B of data`);
  console.log("\nby crate:");
  for (const [c, n] of [...crates].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    console.log(`  ${String(n).padStart(9)} ${pct(n)}  ${c}`);
  console.log(`  ${String(data).padStart(9)} ${pct(data)}  (data: strings, catalogs, stylesheet, tables)`);
  console.log("\nlargest functions:");
  for (const f of [...functions].sort((a, b) => b.size - a.size).slice(0, Number(top)))
    console.log(`  ${String(f.size).padStart(9)}  ${f.name.slice(0, 140)}`);
}
