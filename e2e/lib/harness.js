// Shared by the journeys: a real server on a fresh SQLite file, and Debian's Chromium.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ARTIFACTS = join(ROOT, "e2e", "artifacts");

/** Runs the merchant's command line (no database); answers its stdout. */
export function aftersales(...args) {
  const bin = process.env.AFTERSALES_BIN || join(ROOT, "target", "debug", "aftersales");
  return execFileSync(bin, args, { encoding: "utf8" });
}

/** Starts `aftersales serve` on a free port with a new database and the demo orders; with
 *  `dir`, on the database an earlier server left there (a restart); `args` are more flags. */
export async function startServer({ dir: reuse, args = [] } = {}) {
  const bin = process.env.AFTERSALES_BIN || join(ROOT, "target", "debug", "aftersales");
  const assets = process.env.AFTERSALES_ASSETS || join(ROOT, "dist");
  const dir = reuse ?? mkdtempSync(join(tmpdir(), "aftersales-e2e-"));
  const db = join(dir, "e2e.sqlite3");
  // The journeys run hundreds of lookups from one address within minutes: the rate limits
  // (tested in the server's API tests) are raised, not off, so their code path still runs.
  // The chaos run stores 200 questions on one order: no limit of open cases here.
  const limits = ["--limit-per-address", "100000", "--limit-per-order", "100000", "--limit-open-cases", "0"];
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--db", db, "--assets", assets, "--demo", ...limits, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in 20 s: ${stderr}`)), 20_000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on("exit", (code) => fail(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    db,
    dir,
    /** Kills the server at once (SIGKILL: no shutdown, no flush), keeping its database. */
    async kill() {
      const exited = new Promise((ok) => (child.exitCode !== null ? ok() : child.on("exit", ok)));
      child.kill("SIGKILL");
      await exited;
    },
    /** Runs the merchant's command line on this server's database; answers its stdout. */
    cli(...args) {
      return execFileSync(bin, [...args, "--db", db], { encoding: "utf8" }).trim();
    },
    /** Every notification the server wrote to its outbox, oldest first. */
    outbox() {
      const file = join(dir, "outbox.jsonl");
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
    },
    /** A merchant API call with a fresh write token. */
    async merchant(path, body) {
      this.token ??= this.cli("token", "create", "--name", "e2e", "--scope", "write");
      const r = await fetch(`${url}${path}`, {
        method: body ? "POST" : "GET",
        headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, body: await r.json() };
    },
    /** Rows of an SQL query against the server's database, through Debian's sqlite3. */
    query(sql) {
      const out = execFileSync("sqlite3", ["-json", db, sql], { encoding: "utf8" });
      return out.trim() ? JSON.parse(out) : [];
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((ok) => (child.exitCode !== null ? ok() : child.on("exit", ok)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Debian Chromium with this machine's flags (no background network, no /dev/shm),
 *  plus any `extraArgs`. */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      ...extraArgs,
    ],
  });
}

/** A page (in its own context) that records any uncaught error in the page. Options are
 *  Playwright's context options: `locale` (the browser's languages), `colorScheme`,
 *  `reducedMotion`, `viewport`. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: "en-US", ...options });
  const page = await context.newPage();
  page.on("close", () => context.close().catch(() => {}));
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  page.errors = errors;
  return page;
}
