// The walking-skeleton journey: shop page → widget → lookup → return → database row.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, newPage, ARTIFACTS } from "../lib/harness.js";
import { checkA11y } from "../lib/a11y.js";
import { openWidget as open, lookup, next, send } from "../lib/widget.js";

const TRACKING = /^AS-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{6}$/;
let server;
let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const openWidget = (page) => open(page, server.url);

test("a shopper returns a delivered item and the case lands in the database", async () => {
  const page = await newPage(browser);
  const wasm = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(r.url()));
  await page.goto(`${server.url}/`);
  await page.waitForLoadState("networkidle");
  assert.equal(wasm.length, 0, "no WebAssembly may load before the shopper opens the widget");

  await page.locator("footer .support").click();
  await page.locator("after-sales .as-panel").waitFor();
  // The first screen's module once; the journeys' chunks (fetched after it) each once too.
  assert.equal(wasm.filter((u) => u.endsWith("/aftersales-widget_bg.wasm")).length, 1);
  assert.equal(new Set(wasm).size, wasm.length, "no WebAssembly file is fetched twice");

  // The widget renders in an open shadow root: nothing of it is in the light DOM, and the
  // shop's `button { text-transform: uppercase }` does not reach its buttons.
  const lightDomPanels = await page.evaluate(() => document.querySelectorAll(".as-panel").length);
  assert.equal(lightDomPanels, 0);
  const transform = await page.locator("after-sales .as-button").first().evaluate((b) => getComputedStyle(b).textTransform);
  assert.equal(transform, "none");

  await lookup(page, "1001", "mei@example.com");
  // What the order allows now, each with its reason.
  const choices = page.locator("after-sales .as-choice");
  await choices.first().waitFor();
  assert.deepEqual(await choices.evaluateAll((l) => l.map((e) => [e.dataset.kind, e.dataset.open])), [
    ["return", "true"],
    ["exchange", "true"],
    ["repair", "true"],
    ["logistics_issue", "true"],
    ["complaint", "true"],
    ["question", "true"],
  ]);
  assert.match(await page.locator("after-sales [data-kind=return] .as-choice__why").innerText(), /^Returnable until \w{3} \d{1,2}, \d{4}$/);
  assert.match(await page.locator("after-sales [data-kind=repair] .as-choice__why").innerText(), /^Under warranty until \w{3} \d{1,2}, \d{4}$/);
  await page.locator("after-sales [data-kind=return] button").click();

  const lines = page.locator("after-sales .as-line");
  await lines.first().waitFor();
  assert.equal(await lines.count(), 3);
  const kettle = page.locator('after-sales .as-line[data-line-id="1001-1"]');
  const shirt = page.locator('after-sales .as-line[data-line-id="1001-2"]');
  const phones = page.locator('after-sales .as-line[data-line-id="1001-3"]');
  assert.match(await kettle.locator("[data-testid=verdict]").innerText(), /^Returnable until \w{3} \d{1,2}, \d{4} \(5 days left\)$/);
  assert.match(await shirt.locator("[data-testid=verdict]").innerText(), /^Closed: the 7-day window ended on \w{3} \d{1,2}, \d{4}$/);
  assert.match(await phones.locator("[data-testid=verdict]").innerText(), /once your parcel has arrived/);
  assert.equal(await shirt.locator("input[type=checkbox]").isDisabled(), true, "a closed-window line cannot be picked");
  assert.equal(await phones.locator("input[type=checkbox]").isDisabled(), true);
  assert.equal(await shirt.locator(".as-line__variant").innerText(), "Black / M");

  await kettle.locator("input[type=checkbox]").check();
  await next(page);
  await page.locator("after-sales select[name=reason]").selectOption("changed_mind");
  await page.locator("after-sales input[name=resolution][value=refund]").check();
  await page.locator("after-sales select[name=condition]").selectOption("new_unopened");
  assert.equal(await page.locator("after-sales input[value=refund] ~ .as-radio__text [data-testid=estimate]").innerText(), "You get back CN¥199.00");
  await page.screenshot({ path: join(ARTIFACTS, "journey-order.png") });
  await next(page);
  assert.equal(await page.locator("after-sales [data-testid=total]").innerText(), "CN¥199.00");
  const tracking = await send(page);
  assert.match(tracking, TRACKING);
  await page.screenshot({ path: join(ARTIFACTS, "journey-receipt.png") });

  const rows = server.query(
    `SELECT c.tracking_number, c.kind, c.status, c.order_number, c.resolution, c.reason, c.refund_minor, c.currency,
            l.line_id, l.quantity, e.to_status AS first_event, e.actor
       FROM cases c JOIN case_lines l ON l.case_id = c.id JOIN case_events e ON e.case_id = c.id`,
  );
  assert.deepEqual(rows, [
    {
      tracking_number: tracking,
      kind: "return",
      status: "submitted",
      order_number: "1001",
      resolution: "refund",
      reason: "changed_mind",
      refund_minor: 19900,
      currency: "CNY",
      line_id: "1001-1",
      quantity: 1,
      first_event: "submitted",
      actor: "shopper",
    },
  ]);
  assert.match(await page.locator("after-sales [data-testid=respond-by]").innerText(), /^The shop will answer by \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M GMT\+8\.$/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a wrong e-mail gets the generic message and keeps what was typed", async () => {
  const page = await newPage(browser);
  await openWidget(page);
  await lookup(page, "1001", "someone-else@example.com");
  const alert = page.locator("after-sales .as-error");
  await alert.waitFor();
  const notFound = "We could not find an order with that number and e-mail address. Check both and try again.";
  assert.equal(await alert.innerText(), notFound);
  assert.equal(await page.locator("after-sales input[name=order_number]").inputValue(), "1001");
  assert.equal(await page.locator("after-sales input[name=email]").inputValue(), "someone-else@example.com");

  // A wrong number gets exactly the same words (from a second, real 404).
  const [second] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/v1/orders/lookup")),
    lookup(page, "9999", "mei@example.com"),
  ]);
  assert.equal(second.status(), 404);
  await alert.waitFor();
  assert.equal(await alert.innerText(), notFound);
  await checkA11y(page, "lookup: not found");
  await page.screenshot({ path: join(ARTIFACTS, "lookup-not-found.png") });
  await page.close();
});

test("the network going down loses nothing and says so", async () => {
  const page = await newPage(browser);
  await openWidget(page);
  await page.route("**/v1/orders/lookup", (route) => route.abort("internetdisconnected"));
  await lookup(page, "1002", "sam@example.com");
  const alert = page.locator("after-sales .as-error");
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not reach the shop's service.*nothing you entered is lost/);
  await checkA11y(page, "lookup: network down");
  assert.equal(await page.locator("after-sales input[name=order_number]").inputValue(), "1002");

  // Back online: the same form goes through.
  await page.unroute("**/v1/orders/lookup");
  await page.locator("after-sales").getByRole("button", { name: "Find my order" }).click();
  await page.locator("after-sales [data-kind=return] button").click();
  await page.locator("after-sales .as-line").first().waitFor();
  assert.equal(await page.locator("after-sales .as-line").count(), 4);
  const scarf = page.locator('after-sales .as-line[data-line-id="1002-3"] [data-testid=verdict]');
  assert.match(await scarf.innerText(), /^Only if faulty, damaged or wrong, until \w{3} \d{1,2}, \d{4}$/, "final sale: no change of mind");
  await page.close();
});

test("a service that never answers is given up after 15 s: the button comes back, nothing is lost", async () => {
  const page = await newPage(browser);
  await openWidget(page);
  // The request hangs: no answer, no error, ever.
  await page.route("**/v1/orders/lookup", () => {});
  const started = Date.now();
  await lookup(page, "1002", "sam@example.com");
  const alert = page.locator("after-sales .as-error");
  await alert.waitFor({ timeout: 30_000 });
  const waited = Date.now() - started;
  assert.ok(waited >= 14_000 && waited < 25_000, `gave up after ${waited} ms`);
  assert.match(await alert.innerText(), /took too long to answer.*nothing you entered is lost/, "a timeout is told as one");
  const submit = page.locator("after-sales").getByRole("button", { name: "Find my order" });
  assert.equal(await submit.isDisabled(), false, "the shopper can try again");
  assert.equal(await page.locator("after-sales input[name=email]").inputValue(), "sam@example.com");
  await page.close();
});

test("empty fields are caught before anything is sent", async () => {
  const page = await newPage(browser);
  await openWidget(page);
  let calls = 0;
  // Calls to the API, not the widget's own code (its chunks are under /v1/ too).
  page.on("request", (r) => r.url().includes("/v1/") && !/\.(wasm|js)$/.test(new URL(r.url()).pathname) && calls++);
  await page.locator("after-sales").getByRole("button", { name: "Find my order" }).click();
  const numberError = page.locator("after-sales #as-order-number-error");
  await page.locator("after-sales #as-email-error:not(:empty)").waitFor();
  assert.equal(await numberError.innerText(), "Enter the order number from your confirmation e-mail.");
  assert.equal(await page.locator("after-sales #as-email-error").innerText(), "Enter the e-mail address you ordered with.");
  assert.equal(await page.locator("after-sales input[name=order_number]").getAttribute("aria-invalid"), "true");
  assert.equal(calls, 0);
  await page.close();
});
