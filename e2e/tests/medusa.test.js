// The `medusa` adapter in a real browser against a stand-in Medusa store (e2e/lib/medusa.js)
// on another origin: it serves request/answer fixtures written from Medusa's Store API
// reference and checks every request the widget makes (key header, CORS, the return's body
// against the route's validator). Nothing here reaches the network.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import http from "node:http";
import { readFileSync } from "node:fs";
import { startServer, launchBrowser, newPage, ARTIFACTS, ROOT } from "../lib/harness.js";
import { checkA11y } from "../lib/a11y.js";
import { widget, lookup, pickLine, next, send } from "../lib/widget.js";
import { startMedusa, ORDER_ID } from "../lib/medusa.js";

const KEY = "pk_01JF8Z1A2B3C4D5E6F7G8H9J0K";
const OPTION = "so_01JF8Z3E2F3G4H5J6K7L8M9N0P";
const KETTLE = "ordli_01JF8Z5M01A1B2C3D4E5F6G7H8";
const TEE = "ordli_01JF8Z5M02A1B2C3D4E5F6G7H8";

let browser;
let server;
let shop;

before(async () => {
  browser = await launchBrowser();
  // The widget's host (the reference server serves only the widget's files here).
  server = await startServer();
  // The shop's own page, on its own origin; Medusa on a third (as in production: the shop,
  // the widget's host, the store's API). Each test sets `shop.page`.
  shop = http.createServer((req, res) => {
    if (new URL(req.url, "http://shop").pathname !== "/") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(shop.page);
  });
  await new Promise((ok) => shop.listen(0, "127.0.0.1", ok));
  shop.origin = `http://localhost:${shop.address().port}`;
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((ok) => (shop ? shop.close(ok) : ok()));
});

/** The settings of a shop on the store at `url`, with its publishable key. */
const settings = (key = KEY) => (url) => `data-api="${url}" data-publishable-key="${key}" data-return-shipping-option="${OPTION}"`;

/** A fresh Medusa store, and the shop page pointed at it with `attributes(store's url)`. */
async function open(attributes = settings(), shown = ".as-panel") {
  const medusa = await startMedusa({ key: KEY, returnOption: OPTION, origin: shop.origin });
  // The snippet as packaged, from the widget's host, as docs/embedding.md says.
  const loader = readFileSync(join(ROOT, "dist", "v1", "snippet.html"), "utf8")
    .trim()
    .replace("https://YOUR-SHOP", server.url)
    .replace("defer>", `data-launcher="none" defer>`);
  shop.page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Lotus &amp; Pine</title>${loader}
<h1>Your order</h1><after-sales id="returns" mode="inline" data-backend="medusa" ${attributes(medusa.url)}></after-sales>`;
  const page = await newPage(browser);
  page.consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(m.text()));
  await page.goto(`${shop.origin}/`);
  await widget(page).locator(shown).waitFor();
  page.medusa = medusa;
  return page;
}

async function returnKettle(page) {
  await lookup(page, ORDER_ID, "Mei@Example.com ");
  await widget(page).locator(".as-choices").waitFor();
  await widget(page).locator("[data-kind=return] button").click();
  await pickLine(page, KETTLE);
  await next(page);
  await widget(page).locator("select[name=reason]").selectOption("changed_mind");
  await widget(page).locator("select[name=condition]").selectOption("opened");
  await next(page);
  return send(page);
}

test("medusa: a return with a refund reaches Medusa as its validator wants it, once", async () => {
  const page = await open();
  const { medusa } = page;
  await lookup(page, ORDER_ID, "Mei@Example.com ");
  await widget(page).locator(".as-choices").waitFor();
  // Only what a storefront may create in Medusa is offered; nothing the adapter lacks.
  assert.deepEqual(await widget(page).locator(".as-choice").evaluateAll((l) => l.map((e) => e.dataset.kind)), ["return"]);
  assert.deepEqual(await widget(page).locator(".as-nav button").allInnerTexts(), ["Policy"]);
  await checkA11y(page, "medusa: choose");
  await widget(page).locator("[data-kind=return] button").click();
  // The T-shirt has one of two units already being returned in Medusa; the headphones were
  // never shipped.
  const tee = widget(page).locator(`.as-line[data-line-id="${TEE}"]`);
  await tee.waitFor();
  assert.equal(await widget(page).locator(`.as-line[data-line-id="${KETTLE}"] input[type=checkbox]`).isEnabled(), true);
  await pickLine(page, KETTLE);
  await next(page);
  // A refund is the one resolution: no store credit, no keep-the-item to choose from.
  assert.deepEqual(await widget(page).locator("input[name=resolution]").evaluateAll((l) => l.map((e) => e.value)), []);
  await page.screenshot({ path: join(ARTIFACTS, "medusa-details.png") });
  await widget(page).locator("select[name=reason]").selectOption("changed_mind");
  await widget(page).locator("select[name=condition]").selectOption("opened");
  await next(page);
  const tracking = await send(page);
  assert.match(tracking, /^AS-[0-9A-Z]{5}-[0-9A-Z]{6}$/);
  // Medusa cannot show a return back: the number is the shopper's reference, not a way to
  // follow it here.
  const receipt = await widget(page).locator(".as-receipt").innerText();
  assert.match(receipt, /the shop knows your request by this number/);
  assert.doesNotMatch(receipt, /follow your case/);
  await checkA11y(page, "medusa: receipt");
  await page.screenshot({ path: join(ARTIFACTS, "medusa-receipt.png") });

  assert.deepEqual(medusa.problems, []);
  assert.equal(medusa.returns.length, 1);
  const body = medusa.returns[0].body;
  assert.equal(body.order_id, ORDER_ID);
  assert.deepEqual(body.items, [{ id: KETTLE, quantity: 1, reason_id: "rr_01JF8Z2A1B2C3D4E5F6G7H8J9K" }]);
  assert.deepEqual(body.return_shipping, { option_id: OPTION });
  assert.match(body.note, new RegExp(`^After-sales request ${tracking}\nReason: changed_mind\nCondition: opened\nResolution: refund\n`));

  // Found again, the kettle reads as already being returned (Medusa's quantities).
  await widget(page).getByRole("button", { name: "Another request" }).click();
  await widget(page).getByRole("button", { name: "Find my order" }).click();
  await widget(page).locator("[data-kind=return] button").click();
  const kettle = widget(page).locator(`.as-line[data-line-id="${KETTLE}"]`);
  assert.equal(await kettle.locator("input[type=checkbox]").count() && (await kettle.locator("input[type=checkbox]").isEnabled()), false);
  assert.deepEqual(medusa.problems, []);
  assert.deepEqual(page.errors, []);
  await page.close();
  await medusa.close();
});

test("medusa: an answer lost after Medusa stored the return does not make a second one", async () => {
  const page = await open();
  const { medusa } = page;
  medusa.loseNextAnswer();
  const tracking = await returnKettle(page).catch(async (e) => {
    await page.screenshot({ path: join(ARTIFACTS, "medusa-lost.png") });
    throw new Error(`${e.message}\n${medusa.requests.join("\n")}\n${page.consoleErrors.join("\n")}`);
  });
  // The outbox sent it again; the adapter read the order first, saw the kettle's quantity
  // already moved, and answered with the first attempt's receipt.
  assert.equal(medusa.returns.length, 1, medusa.requests.join("\n"));
  assert.equal(medusa.requests.filter((r) => r === "POST /store/returns").length, 1);
  assert.match(medusa.returns[0].body.note, new RegExp(`^After-sales request ${tracking}\n`));
  assert.equal(medusa.order().items[0].detail.return_requested_quantity, 1);
  assert.deepEqual(medusa.problems, []);
  await page.close();
  await medusa.close();
});

test("medusa: a wrong e-mail, an unknown id and the display number all read as not found", async () => {
  const page = await open();
  const { medusa } = page;
  const alert = widget(page).locator(".as-error");
  for (const [number, email] of [
    [ORDER_ID, "someone@example.com"],
    ["order_01JF8Z000000000000000000", "mei@example.com"],
    ["1001", "mei@example.com"],
    ["../admin/orders", "mei@example.com"],
  ]) {
    await lookup(page, number, email);
    await alert.waitFor();
    assert.equal(await alert.innerText(), "We could not find an order with that number and e-mail address. Check both and try again.");
    await widget(page).locator("input[name=order_number]").fill("");
  }
  // A path can never be smuggled into the URL: no request left the Store API's two routes.
  assert.ok(medusa.requests.every((r) => /^(OPTIONS|GET) \/store\/orders\/(order_|1001)/.test(r)), medusa.requests.join("\n"));
  assert.deepEqual(medusa.problems, []);
  await page.close();
  await medusa.close();
});

test("medusa: a wrong key is named in the console, a secret key is refused before any request", async () => {
  // The store answers `400 not_allowed` for a key it does not know (or one revoked).
  let page = await open(settings("pk_revoked"));
  await lookup(page, ORDER_ID, "mei@example.com");
  await widget(page).locator(".as-error").waitFor();
  assert.ok(
    page.consoleErrors.some((e) => e.includes("Medusa answered HTTP 400 not_allowed") && e.includes("check data-publishable-key")),
    page.consoleErrors.join("\n"),
  );
  await page.close();
  await page.medusa.close();

  page = await open(settings("sk_live_0123456789"), ".as-config-error");
  // On localhost the merchant's sentence is shown in the widget too (data-debug elsewhere).
  assert.match(await widget(page).locator(".as-config-error").innerText(), /data-publishable-key holds a secret API key/);
  assert.ok(page.consoleErrors.some((e) => e.includes("secret API key")), page.consoleErrors.join("\n"));
  assert.deepEqual(page.medusa.requests, [], "the secret key never left the page");
  await page.close();
  await page.medusa.close();
});
