// Embedding: the pages a merchant might put the widget on, under the server's strict CSP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pickLine, next, send } from "../lib/widget.js";
import { startServer, launchBrowser, newPage, ARTIFACTS } from "../lib/harness.js";
import { checkA11y } from "../lib/a11y.js";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page that also records CSP violations and console errors. */
async function page(path) {
  const p = await newPage(browser);
  p.violations = [];
  p.consoleErrors = [];
  p.on("console", (m) => m.type() === "error" && p.consoleErrors.push(m.text()));
  await p.exposeFunction("__violation", (v) => p.violations.push(v));
  await p.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => window.__violation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  p.response = await p.goto(`${server.url}${path}`);
  return p;
}

test("the demo shop runs under a strict CSP with no violation", async () => {
  const p = await page("/");
  const csp = p.response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  await p.locator("after-sales .as-launcher").click();
  await p.locator("after-sales .as-panel").waitFor();
  await p.locator("after-sales input[name=order_number]").fill("1001");
  await p.locator("after-sales input[name=email]").fill("mei@example.com");
  await p.locator("after-sales").getByRole("button", { name: "Find my order" }).click();
  await p.locator("after-sales .as-choices").waitFor();
  assert.deepEqual(p.violations, []);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test("the launcher prefetches on hover, loads the bundle once, and checks its integrity", async () => {
  const p = await page("/");
  const wasm = [];
  p.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(r.url()));
  await p.waitForLoadState("networkidle");
  assert.equal(wasm.length, 0, "nothing before the shopper shows interest");
  await Promise.all([p.waitForRequest(/\.wasm$/), p.locator("after-sales .as-launcher").hover()]);
  assert.equal(wasm.length, 1, "hovering the launcher prefetches");
  assert.match(wasm[0], /\/v1\/[0-9a-f]{12}\/aftersales-widget_bg\.wasm$/);
  await p.locator("after-sales .as-launcher").click();
  await p.locator("after-sales .as-panel").waitFor();
  await p.locator("after-sales").getByRole("button", { name: "Close" }).click();
  await p.locator("footer .support").click();
  await p.locator("after-sales .as-panel").waitFor();
  // The first screen's module once; the journeys' chunks, fetched after it, once each too.
  assert.equal(wasm.filter((u) => u === wasm[0]).length, 1, "exactly once per page");
  assert.equal(new Set(wasm).size, wasm.length, "no chunk fetched twice");
  await p.close();
});

test("a tampered bundle is refused, the shopper can retry, and the retry works", async () => {
  const p = await page("/");
  await p.route("**/*.wasm", async (route) => {
    const res = await route.fetch();
    const body = await res.body();
    body[body.length - 1] ^= 0xff;
    await route.fulfill({ response: res, body });
  });
  const errors = [];
  await p.exposeFunction("__asError", (d) => errors.push(d));
  await p.evaluate(() => AfterSales.on("error", (d) => window.__asError(d)));
  await p.locator("after-sales .as-launcher").click();
  const alert = p.locator("after-sales .as-load-error");
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not be loaded/);
  assert.equal(errors.length, 1);
  assert.equal(await p.locator("after-sales .as-panel").count(), 0);
  await p.unroute("**/*.wasm");
  await p.locator("after-sales").getByRole("button", { name: "Try again" }).click();
  await p.locator("after-sales .as-panel").waitFor();
  assert.equal(await alert.count(), 0, "the error goes away");
  await p.close();
});

test("a journey's code that fails to arrive or was tampered with is refused, said, and fetched again on Try again", async () => {
  const p = await page("/");
  // The request journey's module (split_request.wasm) arrives with one byte changed.
  let served = 0;
  await p.route("**/split_request.wasm", async (route) => {
    served++;
    const res = await route.fetch();
    const body = await res.body();
    body[body.length - 1] ^= 0xff;
    await route.fulfill({ response: res, body });
  });
  await p.locator("after-sales .as-launcher").click();
  await p.locator("after-sales input[name=order_number]").fill("1001");
  await p.locator("after-sales input[name=email]").fill("mei@example.com");
  await p.locator("after-sales").getByRole("button", { name: "Find my order" }).click();
  const failed = p.locator("after-sales .as-step .as-error[role=alert]");
  await failed.waitFor();
  assert.match(await failed.innerText(), /could not be loaded.*nothing you entered is lost/);
  assert.ok(served >= 1, "the tampered module was fetched");
  assert.equal(await p.locator("after-sales .as-choices").count(), 0, "no part of a refused module runs");
  await checkA11y(p, "a step whose code could not be loaded");
  await p.unroute("**/split_request.wasm");
  await p.locator("after-sales [data-testid=step-retry]").click();
  await p.locator("after-sales .as-choices").waitFor();
  assert.equal(await failed.count(), 0, "the message goes once the step is here");
  // The order found before the failure is the one shown: nothing was asked again.
  assert.match(await p.locator("after-sales .as-panel").innerText(), /1001/);
  await p.close();
});

test("hostile page CSS cannot break the widget, and the widget's CSS does not leak", async () => {
  const p = await page("/examples/hostile.html");
  const launcher = p.locator("after-sales .as-launcher");
  await launcher.click();
  const panel = p.locator("after-sales .as-panel");
  await panel.waitFor();
  const box = await panel.boundingBox();
  assert.ok(box.width > 380 && box.width <= 400, `panel width ${box.width}`);
  const host = await p.locator("after-sales").evaluate((el) => {
    const s = getComputedStyle(el);
    return { position: s.position, transform: s.transform, opacity: s.opacity };
  });
  assert.deepEqual(host, { position: "fixed", transform: "none", opacity: "1" });
  const inside = await p.locator("after-sales .as-button").first().evaluate((b) => {
    const s = getComputedStyle(b);
    return { color: s.color, fontSize: s.fontSize, textTransform: s.textTransform, letterSpacing: s.letterSpacing };
  });
  // The browser's default size (the host's `medium`), whatever the page sets.
  assert.equal(inside.fontSize, "16px");
  assert.equal(inside.textTransform, "none");
  assert.equal(inside.letterSpacing, "normal");
  assert.notEqual(inside.color, "rgb(255, 0, 0)");
  const probe = await p.locator("#page-probe").evaluate((el) => {
    const s = getComputedStyle(el);
    return { background: s.backgroundColor, radius: s.borderRadius };
  });
  assert.deepEqual(probe, { background: "rgba(0, 0, 0, 0)", radius: "0px" }, "widget CSS reached the page");
  // It still works: a lookup goes through.
  await p.locator("after-sales input[name=order_number]").fill("1002");
  await p.locator("after-sales input[name=email]").fill("sam@example.com");
  await p.locator("after-sales").getByRole("button", { name: "Find my order" }).click();
  await p.locator("after-sales .as-choices").waitFor();
  await p.screenshot({ path: join(ARTIFACTS, "hostile.png") });
  assert.deepEqual(p.violations, []);
  await p.close();
});

test("inline mode renders in place when in view, with no launcher and no close button", async () => {
  const p = await page("/examples/inline.html");
  const panel = p.locator("#returns .as-panel");
  await panel.waitFor();
  assert.equal(await p.locator("after-sales .as-launcher").count(), 0);
  assert.equal(await p.locator("#returns .as-header__close").isVisible(), false);
  const [article, widget] = await Promise.all([p.locator("article").boundingBox(), panel.boundingBox()]);
  assert.ok(widget.x >= article.x && widget.x + widget.width <= article.x + article.width + 1, "inside the article");
  const position = await p.locator("#returns").evaluate((el) => getComputedStyle(el).position);
  assert.equal(position, "static");
  await p.screenshot({ path: join(ARTIFACTS, "inline.png") });
  await p.close();
});

test("the page drives the widget: open an order, hear about the case, close it", async () => {
  const p = await page("/");
  const heard = [];
  await p.exposeFunction("__heard", (name, detail) => heard.push([name, detail]));
  await p.evaluate(() => {
    for (const n of ["open", "close", "case-submitted"]) AfterSales.on(n, (d) => window.__heard(n, d));
  });
  await p.evaluate(() => AfterSales.open({ order: "1002", email: "sam@example.com" }));
  await p.locator("after-sales [data-kind=return] button").click();
  await pickLine(p, "1002-1", 2);
  await next(p);
  await p.locator("after-sales select[name=reason]").selectOption("wrong_size");
  await p.locator("after-sales input[name=resolution][value=refund]").check();
  await p.locator("after-sales select[name=condition]").selectOption("opened");
  await next(p);
  const number = await send(p);
  await p.evaluate(() => AfterSales.close());
  assert.equal(await p.locator("after-sales .as-panel").isVisible(), false);
  assert.equal(await p.locator("after-sales .as-launcher").isVisible(), true, "the launcher comes back");
  assert.deepEqual(heard, [
    ["open", {}],
    ["case-submitted", { kind: "return", tracking_number: number }],
    ["close", {}],
  ]);
  const [row] = server.query(`SELECT c.reason, l.quantity FROM cases c JOIN case_lines l ON l.case_id = c.id WHERE c.tracking_number = '${number}'`);
  assert.deepEqual(row, { reason: "wrong_size", quantity: 2 });
  await p.close();
});

test("the shop's policy is one click away, before any order is found", async () => {
  const p = await page("/");
  await p.locator("after-sales .as-launcher").click();
  await p.locator("after-sales").getByRole("button", { name: "Our returns policy" }).click();
  const first = p.locator("after-sales .as-policy__list li").first();
  await first.waitFor();
  assert.equal(await first.innerText(), "7-day no-reason returns: changed your mind? Return it within 7 days of delivery for a refund.");
  await p.close();
});

test("a bad attribute shows one clear sentence in the widget area and the console", async () => {
  const p = await page("/");
  await p.evaluate(() => document.querySelector("after-sales").setAttribute("data-theme", "blue"));
  await p.locator("after-sales .as-launcher").click();
  const alert = p.locator("after-sales .as-config-error");
  await alert.waitFor();
  assert.equal(await alert.innerText(), 'data-theme must be one of auto, light, dark; got "blue"');
  assert.ok(p.consoleErrors.some((e) => e.includes("data-theme must be one of")), p.consoleErrors.join("\n"));
  await p.close();
});

test("themes: tokens alone restyle it, light and dark follow the attribute", async () => {
  const p = await page("/examples/themes.html");
  for (const id of ["light", "dark", "branded"]) await p.locator(`#${id} .as-panel`).waitFor();
  const look = (id) =>
    p.locator(`#${id} .as-header`).evaluate((h) => {
      const panel = h.closest(".as-panel");
      return { header: getComputedStyle(h).backgroundColor, panel: getComputedStyle(panel).backgroundColor, radius: getComputedStyle(panel).borderTopLeftRadius };
    });
  const [light, dark, branded] = [await look("light"), await look("dark"), await look("branded")];
  assert.equal(light.panel, "rgb(255, 255, 255)");
  assert.equal(dark.panel, "rgb(22, 25, 29)");
  assert.equal(branded.header, "rgb(194, 24, 91)", "--as-brand: #c2185b");
  assert.equal(branded.radius, "2px", "--as-radius: 2px");
  await p.setViewportSize({ width: 1340, height: 420 });
  await p.screenshot({ path: join(ARTIFACTS, "themes.png") });
  await p.close();
});
