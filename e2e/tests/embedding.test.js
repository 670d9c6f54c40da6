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

test("on a shop's real address a wrong setting tells the shopper only that the widget is unavailable, with the shop's contact", async () => {
  // The same server under a name that is not this machine's, as a shopper would see it.
  const port = new URL(server.url).port;
  const remote = await launchBrowser(["--host-resolver-rules=MAP shop.test 127.0.0.1"]);
  try {
    const p = await newPage(remote);
    const consoleLines = [];
    p.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    await p.goto(`http://shop.test:${port}/`);
    await p.evaluate(() => {
      const el = document.querySelector("after-sales");
      el.setAttribute("data-theme", "blue");
      el.setAttribute("data-contact", "mailto:help@lotus-pine.example");
      el.setAttribute("api", "/shop-api");
    });
    await p.locator("after-sales .as-launcher").click();
    const alert = p.locator("after-sales .as-config-error");
    await alert.waitFor();
    assert.equal(await alert.innerText(), "Returns & support is not available on this page right now. Contact the shop");
    assert.equal(await alert.getByRole("link", { name: "Contact the shop" }).getAttribute("href"), "mailto:help@lotus-pine.example");
    // The merchant's diagnostics are in the console: the bad value, and the setting without data-.
    assert.ok(consoleLines.some((l) => l.startsWith("error:") && l.includes('data-theme must be one of auto, light, dark; got "blue"')), consoleLines.join("\n"));
    assert.ok(consoleLines.some((l) => l.startsWith("warning:") && l.includes('api="/shop-api" on <after-sales> is not read')), consoleLines.join("\n"));
    await checkA11y(p, "unavailable");
    // With data-debug the page shows the sentence itself.
    await p.reload();
    await p.evaluate(() => {
      const el = document.querySelector("after-sales");
      el.setAttribute("data-theme", "blue");
      el.setAttribute("data-debug", "");
    });
    await p.locator("after-sales .as-launcher").click();
    await p.locator("after-sales .as-config-error").filter({ hasText: "data-theme must be one of" }).waitFor();
    await p.close();
  } finally {
    await remote.close();
  }
});

test("closing the widget aborts what it was waiting for; reopened, the step says to try again and keeps what was typed", async () => {
  const p = await page("/");
  const aborted = [];
  p.on("requestfailed", (r) => r.url().includes("/v1/orders/lookup") && aborted.push(r.failure()?.errorText));
  // The lookup hangs: only closing the widget ends it.
  await p.route("**/v1/orders/lookup", () => {});
  await p.locator("after-sales .as-launcher").click();
  await p.locator("after-sales input[name=order_number]").fill("1002");
  await p.locator("after-sales input[name=email]").fill("sam@example.com");
  const started = Date.now();
  // Closed once the lookup is on its way (not while the adapter's code is still arriving, which
  // on a loaded machine can take longer than a click).
  const sent = p.waitForRequest("**/v1/orders/lookup");
  await p.locator("after-sales").getByRole("button", { name: "Find my order" }).click();
  await sent;
  await p.locator("after-sales").getByRole("button", { name: "Close" }).click();
  for (let i = 0; i < 50 && aborted.length === 0; i++) await p.waitForTimeout(100);
  assert.equal(aborted.length, 1, "the lookup was aborted");
  assert.ok(Date.now() - started < 10_000, "at the close, not at the 15 s deadline");
  await p.locator("after-sales .as-launcher").click();
  const alert = p.locator("after-sales .as-error");
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not reach the shop's service.*nothing you entered is lost/);
  assert.equal(await p.locator("after-sales input[name=email]").inputValue(), "sam@example.com");
  await p.close();
});

test("a data-api that answers with the shop's HTML 404 page is reported as a likely wrong data-api", async () => {
  const p = await page("/");
  await p.route("**/v1/orders/lookup", (route) =>
    route.fulfill({ status: 404, contentType: "text/html", body: "<!doctype html><title>Not found</title>" }),
  );
  await p.locator("after-sales .as-launcher").click();
  await p.locator("after-sales input[name=order_number]").fill("1002");
  await p.locator("after-sales input[name=email]").fill("sam@example.com");
  await p.locator("after-sales").getByRole("button", { name: "Find my order" }).click();
  await p.locator("after-sales .as-error").waitFor();
  assert.ok(
    p.consoleErrors.some((e) => e.includes("/v1/orders/lookup answered 404 with an HTML page: data-api is likely wrong")),
    p.consoleErrors.join("\n"),
  );
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
