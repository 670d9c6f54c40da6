// The adapters side by side: the same journey over `http` (the reference server) and `local`
// (the whole widget on a static page with no server behind it: the orders and the policy are
// files written by `aftersales demo orders|policy`, as scripts/demo does, the core engine runs
// in the browser, cases are kept in IndexedDB), then what only the local adapter meets.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, launchBrowser, newPage, aftersales, ARTIFACTS } from "../lib/harness.js";
import { checkA11y } from "../lib/a11y.js";
import { widget, lookup, pickLine, next, send, openWidget, changedMind } from "../lib/widget.js";

let browser;
let server;
const ORDERS = aftersales("demo", "orders");
const POLICY = aftersales("demo", "policy");
const FAQ = aftersales("demo", "faq");

before(async () => {
  browser = await launchBrowser();
  // Only static files are served: the page, the widget's code and the two files.
  server = await startServer();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The no-server page, its files served as scripts/demo writes them (or `orders` instead). */
async function open(orders = ORDERS) {
  const page = await newPage(browser);
  const api = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    // The API, not the widget's own code (/v1/loader.js, /v1/<build>/…).
    if (path.startsWith("/v1/") && path !== "/v1/loader.js" && !/^\/v1\/[0-9a-f]{12}\//.test(path)) api.push(path);
  });
  page.api = api;
  page.consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(m.text()));
  await page.route("**/examples/local-orders.json", (r) => r.fulfill({ contentType: "application/json", body: orders }));
  await page.route("**/examples/local-policy.json", (r) => r.fulfill({ contentType: "application/json", body: POLICY }));
  await page.route("**/examples/local-faq.json", (r) => r.fulfill({ contentType: "application/json", body: FAQ }));
  await page.goto(`${server.url}/examples/local.html`);
  await widget(page).locator(".as-panel").waitFor();
  return page;
}

// The same journey on each adapter, where the adapter has what it needs: find the order,
// return the kettle, find it claimed on the order, follow the request by its number.
const ADAPTERS = {
  http: async () => {
    const page = await newPage(browser);
    page.api = [];
    await openWidget(page, server.url);
    return page;
  },
  local: () => open(),
};

for (const [adapter, opened] of Object.entries(ADAPTERS)) {
  test(`${adapter} adapter: find the order, return the kettle, find it claimed, track the request`, async () => {
    const page = await opened();
    await lookup(page, "1001", "mei@example.com");
    await widget(page).locator(".as-choices").waitFor();
    // What the adapter cannot do is not offered: the local one has no withdrawal (the demo
    // policy has it; the server takes it).
    const nav = await widget(page).locator(".as-nav button").allInnerTexts();
    assert.deepEqual(nav, ["Answers", "Track a request", "Policy"]);
    assert.equal(await widget(page).locator("[data-testid=withdrawal-offer]").count(), adapter === "local" ? 0 : 1);
    await widget(page).locator("[data-kind=return] button").click();
    await pickLine(page, "1001-1");
    await next(page);
    await changedMind(page, "store_credit", "opened");
    await next(page);
    const tracking = await send(page);
    assert.match(tracking, /^AS-[0-9A-Z]{5}-[0-9A-Z]{6}$/);
    await checkA11y(page, `${adapter}: receipt`);
    if (adapter === "local") await page.screenshot({ path: join(ARTIFACTS, "local-receipt.png") });

    // The order now reads the kettle as being returned.
    await widget(page).getByRole("button", { name: "Another request" }).click();
    await widget(page).getByRole("button", { name: "Find my order" }).click();
    await widget(page).locator("[data-kind=exchange] button").click();
    const kettle = widget(page).locator('.as-line[data-line-id="1001-1"]');
    assert.equal(await kettle.locator("[data-testid=verdict]").innerText(), `Already in request ${tracking}`);

    // Follow it by its number and the e-mail (any case, stray spaces).
    await widget(page).getByRole("button", { name: "Track a request" }).click();
    await widget(page).locator("input[name=tracking_number]").fill(tracking);
    await widget(page).locator("input[name=email]").fill("MEI@example.com ");
    await widget(page).getByRole("button", { name: "Show my request" }).click();
    assert.match(await widget(page).locator("[data-testid=status]").innerText(), /Received/);
    await checkA11y(page, `${adapter}: the request`);

    if (adapter === "local") assert.deepEqual(page.api, [], "no API was called");
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

// More journeys on both adapters: a delivery problem that claims its item and is listed on the
// order afterwards, and a complaint with no item and a phone to be called on.
for (const [adapter, opened] of Object.entries(ADAPTERS)) {
  test(`${adapter} adapter: a lost parcel → reship, then the order lists that request`, async () => {
    const page = await opened();
    await lookup(page, "1003", "li@example.com");
    await widget(page).locator("[data-kind=logistics_issue] button").click();
    await pickLine(page, "1003-2");
    await next(page);
    await widget(page).locator("input[name=problem][value=lost]").check();
    await widget(page).locator("input[name=resolution][value=reship]").check();
    assert.equal(await widget(page).locator("input[type=file]").count(), 0, "a lost parcel cannot be photographed");
    await next(page);
    const tracking = await send(page);
    assert.match(await widget(page).locator(".as-receipt").innerText(), /check with the carrier/);
    if (adapter === "http") {
      const [c] = server.query(`SELECT id, kind, resolution, reason, draft_json FROM cases WHERE tracking_number = '${tracking}'`);
      assert.deepEqual([c.kind, c.resolution, c.reason, JSON.parse(c.draft_json).problem], ["logistics_issue", "reship", "lost_in_delivery", "lost"]);
      assert.deepEqual(server.query(`SELECT line_id, quantity FROM case_lines WHERE case_id = ${c.id}`), [{ line_id: "1003-2", quantity: 1 }]);
    }
    await widget(page).getByRole("button", { name: "Another request" }).click();
    await widget(page).getByRole("button", { name: "Find my order" }).click();
    await widget(page).locator("[data-testid=open-cases]").waitFor();
    assert.equal(await widget(page).locator("[data-testid=open-cases] li").innerText(), `${tracking}: A problem with the delivery`);
    assert.equal(await widget(page).locator("[data-kind=logistics_issue] .as-choice__why").innerText(), "Already in a request");
    if (adapter === "local") assert.deepEqual(page.api, [], "no API was called");
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`${adapter} adapter: a complaint about the service with a phone, no item, nothing to pack`, async () => {
    const page = await opened();
    await lookup(page, "1001", "mei@example.com");
    await widget(page).locator("[data-kind=complaint] button").click();
    await widget(page).locator("input[name=about][value=service]").check();
    await widget(page).locator("textarea[name=description]").fill("Nobody answered my two e-mails about the delivery date.");
    await next(page);
    await widget(page).locator("input[name=channel][value=phone]").check();
    await widget(page).locator("input[name=contact_phone]").fill("+86 138 0013 8000");
    const tracking = await send(page);
    assert.equal(await widget(page).locator("[data-testid=packing-slip]").count(), 0, "nothing to pack");
    // Followed by its number, it reads as a complaint received.
    await widget(page).getByRole("button", { name: "Track a request" }).click();
    await widget(page).locator("input[name=tracking_number]").fill(tracking);
    await widget(page).locator("input[name=email]").fill("mei@example.com");
    await widget(page).getByRole("button", { name: "Show my request" }).click();
    assert.match(await widget(page).locator("[data-testid=status]").innerText(), /Received/);
    await checkA11y(page, `${adapter}: a complaint followed`);
    if (adapter === "local") assert.deepEqual(page.api, [], "no API was called");
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test("with no server: the orders and answers inline in the page, searched in the browser; no FAQ file, no Answers", async () => {
  const page = await newPage(browser);
  page.api = [];
  page.on("request", (r) => /\/v1\/(orders|cases|faq|events)/.test(r.url()) && page.api.push(r.url()));
  // The example page's head (the loader with its integrity), the JSON in <script> elements.
  const head = (await (await fetch(`${server.url}/examples/local.html`)).text()).split("<body>")[0];
  const inline = (faq) => `${head}<body>
<script type="application/json" id="shop-orders">${ORDERS}</script>
<script type="application/json" id="shop-faq">${FAQ}</script>
<after-sales id="returns" mode="inline" data-backend="local" data-orders-url="#shop-orders"${faq ? ' data-faq-file="#shop-faq"' : ""}></after-sales></body></html>`;
  await page.route(`${server.url}/examples/inline.html`, (r) => r.fulfill({ contentType: "text/html", body: inline(true) }));
  await page.route(`${server.url}/examples/no-faq.html`, (r) => r.fulfill({ contentType: "text/html", body: inline(false) }));
  await page.goto(`${server.url}/examples/inline.html`);
  await widget(page).getByRole("button", { name: "Answers" }).click();
  await widget(page).locator("input[name=q]").fill("REFUND");
  await widget(page).locator('[data-testid=faq-results] li[data-id="refund-time"]').waitFor();
  assert.equal(await widget(page).locator("[data-testid=faq-results] li").first().getAttribute("data-id"), "refund-time");
  await widget(page).locator('li[data-id="refund-time"] summary').click();
  await widget(page).getByRole("button", { name: "This answered my question" }).click();
  await checkA11y(page, "local: answers");
  await widget(page).getByRole("button", { name: "Policy" }).click();
  await widget(page).locator(".as-nav").waitFor();
  await page.goto(`${server.url}/examples/no-faq.html`);
  await widget(page).locator(".as-panel").waitFor();
  assert.deepEqual(await widget(page).locator(".as-nav button").allInnerTexts(), ["Track a request", "Policy"]);
  await lookup(page, "1001", "mei@example.com");
  await widget(page).locator(".as-choices").waitFor();
  assert.deepEqual(page.api, [], "no API was called");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("with no server: a wrong e-mail reads like the server's answer and calls no API", async () => {
  const page = await open();
  await lookup(page, "1001", "someone@example.com");
  const alert = widget(page).locator(".as-error");
  await alert.waitFor();
  assert.equal(await alert.innerText(), "We could not find an order with that number and e-mail address. Check both and try again.");
  assert.deepEqual(page.api, []);
  await page.close();
});

test("with no server: a broken orders file is named in the console, the shopper gets the usual message", async () => {
  const page = await open(JSON.stringify({ orders: [] }));
  await lookup(page, "1001", "mei@example.com");
  await widget(page).locator(".as-error").waitFor();
  assert.match(await widget(page).locator(".as-error").innerText(), /had a problem.*nothing you entered is lost/);
  assert.ok(
    page.consoleErrors.some((e) => e.includes('/examples/local-orders.json: not a list of {"email", "order"}')),
    page.consoleErrors.join("\n"),
  );
  await page.close();
});
