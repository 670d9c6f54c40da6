// A shop page on one origin, the widget's files and API on another, set up the way
// docs/embedding.md ("Serving the widget from another host") says: the snippet's script tag
// pointing at the widget's host, data-api naming it, the page's CSP allowing it, and the
// server listing the shop's origin in --allow-origin. A request goes all the way through.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, newPage, ROOT } from "../lib/harness.js";
import { widget, lookup, next } from "../lib/widget.js";

let browser;
let shop;
let server;

before(async () => {
  browser = await launchBrowser();
  // The shop: another origin (localhost, not 127.0.0.1), its own page and CSP.
  let page = "";
  shop = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    // (The browser asks for a favicon on its own.)
    if (url.pathname === "/favicon.ico") return res.writeHead(204).end();
    if (url.pathname !== "/") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": shop.csp }).end(page);
  });
  await new Promise((ok) => shop.listen(0, "127.0.0.1", ok));
  const shopOrigin = `http://localhost:${shop.address().port}`;
  server = await startServer({ args: ["--allow-origin", shopOrigin] });
  // The snippet as packaged, with the widget's host put in and data-api added, as the docs say.
  const snippet = readFileSync(join(ROOT, "dist", "v1", "snippet.html"), "utf8")
    .trim()
    .replace("https://YOUR-SHOP", server.url)
    .replace("defer>", `data-api="${server.url}" defer>`);
  assert.match(snippet, /integrity="sha384-/);
  page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Another shop</title>
<h1>Another shop</h1>${snippet}`;
  shop.csp = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' ${server.url}; style-src 'self'; connect-src 'self' ${server.url}; img-src 'self' data:`;
  shop.origin = shopOrigin;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((ok) => (shop ? shop.close(ok) : ok()));
});

test("a shop on another origin embeds the widget from its host, as the docs say, and a request goes through", async () => {
  const page = await newPage(browser);
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("requestfailed", (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`${r.url()}: HTTP ${r.status()}`));
  await page.goto(`${shop.origin}/`);
  await widget(page).locator(".as-launcher").click();
  await widget(page).locator(".as-panel").waitFor();
  await lookup(page, "1001", "mei@example.com");
  await widget(page).locator("[data-kind=question] button").click();
  await widget(page).locator("textarea[name=description]").fill("Asked from another shop's page.");
  await next(page);
  await widget(page).getByRole("button", { name: "Send request" }).click();
  const tracking = await widget(page).locator("[data-testid=tracking-number]").innerText();
  const [row] = server.query(`SELECT kind FROM cases WHERE tracking_number = '${tracking}'`);
  assert.equal(row?.kind, "question");
  assert.deepEqual(page.errors, []);
  assert.deepEqual(problems, []);
  // The files are public (any origin, no credentials); the API answers only the listed shop.
  const loader = await fetch(`${server.url}/v1/loader.js`, { headers: { origin: "https://elsewhere.example" } });
  assert.equal(loader.headers.get("access-control-allow-origin"), "*");
  const api = await fetch(`${server.url}/v1/policy`, { headers: { origin: "https://elsewhere.example" } });
  assert.equal(api.headers.get("access-control-allow-origin"), null);
  const listed = await fetch(`${server.url}/v1/policy`, { headers: { origin: shop.origin } });
  assert.equal(listed.headers.get("access-control-allow-origin"), shop.origin);
  await page.close();
});
