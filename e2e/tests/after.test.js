// After the case, end to end against the real server and SQLite: tracking by number (a typo
// caught before any request, a wrong e-mail answered like an unknown number), deep links,
// the shop moving the case through its merchant API, confirm → survey → follow-up, reopening,
// answers searched in English and Chinese, the EU withdrawal in two steps.
import { test, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer, launchBrowser, newPage, ARTIFACTS } from "../lib/harness.js";
import { checkA11y } from "../lib/a11y.js";
import { widget, openWidget, start, lookup, next, send } from "../lib/widget.js";

let browser;
let server;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
});
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server?.stop();
});
after(async () => {
  await browser?.close();
});

const MEI = { order: "1001", email: "mei@example.com" };

/** A complaint sent through the API (the widget's own forms are driven in cases.test.js). */
async function complaint() {
  const r = await fetch(`${server.url}/v1/cases`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      order_number: MEI.order,
      email: MEI.email,
      case: { type: "complaint", about: "service", description: "Nobody answered my e-mails." },
    }),
  });
  assert.equal(r.status, 201);
  return (await r.json()).tracking_number;
}

/** Opens "Track a request" from the navigation and types a number and an e-mail. */
async function track(page, number, email) {
  await widget(page).getByRole("button", { name: "Track a request" }).first().click();
  await widget(page).locator("input[name=tracking_number]").fill(number);
  await widget(page).locator("input[name=email]").fill(email);
  await widget(page).getByRole("button", { name: "Show my request" }).click();
}

const timeline = (page) =>
  widget(page)
    .locator("[data-testid=timeline] li")
    .evaluateAll((items) => items.map((li) => li.dataset.status));

test("track by number: a typo is caught as it is typed, a wrong e-mail reads like an unknown number", async () => {
  const tracking = await complaint();
  const page = await newPage(browser);
  const requests = [];
  page.on("request", (r) => r.url().includes("/v1/cases/find") && requests.push(r.url()));
  await openWidget(page, server.url);
  await widget(page).getByRole("button", { name: "Track a request" }).click();
  // One wrong character: the check symbol catches it before any request.
  const last = tracking.at(-1);
  const typo = tracking.slice(0, -1) + (last === "2" ? "3" : "2");
  await widget(page).locator("input[name=tracking_number]").pressSequentially(typo);
  await widget(page).locator("#as-tracking-number-error:not(:empty)").waitFor();
  assert.match(await widget(page).locator("#as-tracking-number-error").innerText(), /typo/);
  assert.equal(await widget(page).locator("input[name=tracking_number]").getAttribute("aria-invalid"), "true");
  await widget(page).locator("input[name=email]").fill(MEI.email);
  await widget(page).getByRole("button", { name: "Show my request" }).click();
  assert.equal(requests.length, 0, "nothing sent for a mistyped number");
  await checkA11y(page, "track form with a typo");

  // A wrong e-mail and an unknown number get the same words.
  await widget(page).locator("input[name=tracking_number]").fill(tracking);
  await widget(page).locator("input[name=email]").fill("sam@example.com");
  await widget(page).getByRole("button", { name: "Show my request" }).click();
  const alert = widget(page).locator(".as-alert .as-error");
  await alert.waitFor();
  const wrongEmail = await alert.innerText();
  const other = "AS-22222-222222";
  await widget(page).locator("input[name=tracking_number]").fill(other);
  await widget(page).locator("input[name=email]").fill(MEI.email);
  await widget(page).getByRole("button", { name: "Show my request" }).click();
  await page.waitForTimeout(300);
  assert.equal(await alert.innerText(), wrongEmail);

  await widget(page).locator("input[name=tracking_number]").fill(tracking.toLowerCase());
  await widget(page).getByRole("button", { name: "Show my request" }).click();
  await widget(page).locator("[data-testid=case]").waitFor();
  assert.equal(await widget(page).locator("[data-testid=case-number]").innerText(), tracking);
  assert.match(await widget(page).locator("[data-testid=status]").innerText(), /Received/);
  assert.equal(await widget(page).locator("[data-testid=promise]").getAttribute("data-state"), "on_time");
  assert.deepEqual(await timeline(page), ["submitted"]);
  await checkA11y(page, "a followed case");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the shop moves the case and writes; the shopper sees each step, who made it, and the message", async () => {
  const tracking = await complaint();
  let r = await server.merchant(`/v1/merchant/cases/${tracking}/moves`, { to: "approved", note: "We will call you today." });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await server.merchant(`/v1/merchant/cases/${tracking}/moves`, { to: "confirmed_by_shopper" });
  assert.equal(r.status, 409, "only the shopper confirms");
  assert.equal(r.body.error.code, "illegal_move");
  r = await server.merchant(`/v1/merchant/cases/${tracking}/messages`, { body: "Sorry for the wait.\nMei from the shop" });
  assert.equal(r.status, 200);
  const page = await newPage(browser);
  await openWidget(page, server.url);
  await track(page, tracking, MEI.email);
  await widget(page).locator("[data-testid=case]").waitFor();
  assert.deepEqual(await timeline(page), ["approved", "submitted"], "newest first");
  const approved = await widget(page).locator('[data-testid=timeline] li[data-status=approved]').innerText();
  assert.match(approved, /Approved/);
  assert.match(approved, /the shop/);
  assert.match(approved, /We will call you today\./);
  assert.match(await widget(page).locator(".as-message").innerText(), /Sorry for the wait\.\s+Mei from the shop/);
  assert.match(await widget(page).locator("[data-testid=promise]").innerText(), /resolve/);
  // The shopper heard of each change, with a link back to the case.
  const sent = server.outbox().filter((n) => n.reference === tracking).map((n) => n.template);
  assert.deepEqual(sent, ["case_received", "status_changed", "shop_message"]);
  await page.close();
});

test("a deep link opens the case without the e-mail; a forged one gets the normal form", async () => {
  const tracking = await complaint();
  const link = server.cli("link", "case", tracking, "--shop-url", `${server.url}/`);
  assert.ok(link.startsWith(`${server.url}/?as-case=${tracking}&as-token=`), link);
  const page = await newPage(browser);
  await page.goto(link);
  await widget(page).locator("[data-testid=case]").waitFor();
  assert.equal(await widget(page).locator("[data-testid=case-number]").innerText(), tracking);
  await page.close();

  const forged = link.replace(/as-token=[^&]+/, "as-token=1999999999.00000000000000000000000000000000");
  const page2 = await newPage(browser);
  await page2.goto(forged);
  await widget(page2).locator("[data-testid=track]").waitFor();
  await widget(page2).locator(".as-alert .as-error").waitFor();
  assert.match(await widget(page2).locator(".as-alert .as-error").innerText(), /no longer opens/);
  assert.equal(await widget(page2).locator("input[name=tracking_number]").inputValue(), tracking);
  assert.deepEqual(page2.errors, []);
  await page2.close();
});

test("resolved → yes → a survey with a 3 flags the case for a personal follow-up; a second is refused", async () => {
  const tracking = await complaint();
  await server.merchant(`/v1/merchant/cases/${tracking}/moves`, { to: "approved" });
  await server.merchant(`/v1/merchant/cases/${tracking}/moves`, { to: "resolved" });
  const page = await newPage(browser);
  await openWidget(page, server.url);
  await track(page, tracking, MEI.email);
  await widget(page).locator("[data-testid=confirm]").waitFor();
  await checkA11y(page, "is this resolved?");
  await widget(page).getByRole("button", { name: "Yes, it is resolved" }).click();
  await widget(page).locator("[data-testid=survey]").waitFor();
  assert.match(await widget(page).locator("[data-testid=status]").innerText(), /Confirmed by you/);
  // The stars are radio inputs: keyboard and screen readers use them as such.
  // Stars are tapped on their label, or chosen with the arrow keys like any radio group.
  await widget(page).locator("label[for=as-attitude-3]").click();
  await widget(page).locator("label[for=as-speed-1]").click();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(await widget(page).locator("#as-speed-5").isChecked(), true, "arrow keys move along the stars");
  await widget(page).getByRole("button", { name: "Send rating" }).click();
  await widget(page).locator(".as-survey .as-error").waitFor();
  await widget(page).locator("label[for=as-problem_solving-4]").click();
  await widget(page).locator("textarea[name=comment]").fill("Slow to answer.");
  await checkA11y(page, "survey");
  await widget(page).getByRole("button", { name: "Send rating" }).click();
  await widget(page).locator("[data-testid=follow-up]").waitFor();
  const [row] = server.query(
    `SELECT c.follow_up, s.attitude, s.speed, s.problem_solving, s.comment FROM cases c JOIN surveys s ON s.case_id = c.id WHERE c.tracking_number = '${tracking}'`,
  );
  assert.deepEqual(row, { follow_up: 1, attitude: 3, speed: 5, problem_solving: 4, comment: "Slow to answer." });
  assert.equal(await widget(page).locator("[data-testid=survey]").count(), 0, "one survey per case");
  const again = await fetch(`${server.url}/v1/cases/survey`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ access: { tracking_number: tracking, email: MEI.email }, survey: { attitude: 5, speed: 5, problem_solving: 5 } }),
  });
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error.code, "survey_taken");
  await page.close();
});

test("no → a reason → the case reopens and the timeline shows it", async () => {
  const tracking = await complaint();
  await server.merchant(`/v1/merchant/cases/${tracking}/moves`, { to: "approved" });
  await server.merchant(`/v1/merchant/cases/${tracking}/moves`, { to: "resolved" });
  const page = await newPage(browser);
  await openWidget(page, server.url);
  await track(page, tracking, MEI.email);
  await widget(page).getByRole("button", { name: "No, something is still wrong" }).click();
  await widget(page).getByRole("button", { name: "Reopen the request" }).click();
  await widget(page).locator("#as-reopen-reason-error:not(:empty)").waitFor();
  await widget(page).locator("textarea[name=reason]").fill("Still nobody called.");
  await widget(page).getByRole("button", { name: "Reopen the request" }).click();
  await widget(page).locator("[data-testid=case][data-status=reopened]").waitFor();
  assert.deepEqual((await timeline(page)).slice(0, 2), ["reopened", "resolved"]);
  assert.match(await widget(page).locator('[data-testid=timeline] li[data-status=reopened]').innerText(), /you[\s\S]*Still nobody called\./);
  const [c] = server.query(`SELECT status FROM cases WHERE tracking_number = '${tracking}'`);
  assert.equal(c.status, "reopened");
  await page.close();
});

test("answers first: English and Chinese searches, 'answered' counted, 'still need help' carries the words", async () => {
  const page = await newPage(browser);
  await openWidget(page, server.url);
  await widget(page).getByRole("button", { name: "Answers" }).click();
  await widget(page).locator("[data-testid=faq-results] li").first().waitFor();
  await widget(page).locator("input[name=q]").fill("REFUND");
  await widget(page).locator('[data-testid=faq-results] li[data-id="refund-time"]').waitFor();
  assert.equal(await widget(page).locator("[data-testid=faq-results] li").first().getAttribute("data-id"), "refund-time");
  await widget(page).locator('li[data-id="refund-time"] summary').click();
  await checkA11y(page, "answers");
  await widget(page).getByRole("button", { name: "This answered my question" }).click();
  await widget(page).locator("[data-testid=answered]").waitFor();
  await page.waitForTimeout(300);
  const events = server.query("SELECT kind, article, query, lang FROM events");
  assert.deepEqual(events, [{ kind: "faq_answered", article: "refund-time", query: "REFUND", lang: "en" }]);

  // In Chinese, with full-width letters and no spaces.
  await widget(page).locator("select[name=language]").selectOption("zh-Hans");
  await widget(page).locator("input[name=q]").fill("退款要多久");
  await widget(page).locator('[data-testid=faq-results] li[data-id="refund-time"]').waitFor();
  assert.match(await widget(page).locator('li[data-id="refund-time"] summary').innerText(), /退款多久到账/);
  await widget(page).locator("input[name=q]").fill("包裹没收到");
  await widget(page).locator('[data-testid=faq-results] li[data-id="parcel-late"]').waitFor();

  // Still need help: on to the order, and the search becomes the start of the description.
  await widget(page).locator("select[name=language]").selectOption("en");
  await widget(page).locator("input[name=q]").fill("my kettle whistles");
  await widget(page).getByRole("button", { name: "I still need help" }).click();
  await lookup(page, MEI.order, MEI.email);
  await widget(page).locator("[data-kind=question] button").click();
  assert.equal(await widget(page).locator("textarea[name=description]").inputValue(), "my kettle whistles");
  assert.equal(server.query("SELECT COUNT(*) AS n FROM events WHERE kind = 'faq_escalated'")[0].n, 1);
  await page.close();
});

test("EU withdrawal: only what the law asks, a separate confirmation, an acknowledgement with the instant", async () => {
  const page = await newPage(browser);
  await openWidget(page, server.url);
  await lookup(page, MEI.order, MEI.email);
  await widget(page).getByRole("button", { name: "Withdraw from contract here" }).click();
  await widget(page).locator("[data-testid=withdraw]").waitFor();
  // Name, items, where to send the confirmation: nothing else is asked.
  const fields = await widget(page).locator("[data-testid=withdraw] input, [data-testid=withdraw] select, [data-testid=withdraw] textarea").evaluateAll((els) => [...new Set(els.map((e) => e.name))]);
  assert.deepEqual(fields, ["name", "line_ids", "confirm_to"]);
  await widget(page).getByRole("button", { name: "Continue" }).click();
  await widget(page).locator("#as-withdraw-name-error:not(:empty)").waitFor();
  await widget(page).locator("input[name=name]").fill("Mei Lin");
  await checkA11y(page, "withdrawal form");
  await widget(page).getByRole("button", { name: "Continue" }).click();
  await widget(page).locator("[data-testid=withdraw-confirm]").waitFor();
  assert.equal(server.query("SELECT COUNT(*) AS n FROM withdrawals")[0].n, 0, "nothing recorded before the confirmation");
  const before = Date.now();
  await widget(page).getByRole("button", { name: "Confirm withdrawal" }).click();
  await widget(page).locator("[data-testid=withdrawn]").waitFor();
  const [w] = server.query("SELECT reference, name, received_at FROM withdrawals");
  assert.equal(w.name, "Mei Lin");
  const at = Date.parse(w.received_at);
  assert.ok(at >= before - 2000 && at <= Date.now() + 2000, w.received_at);
  assert.equal(await widget(page).locator("[data-testid=withdrawal-reference]").innerText(), w.reference);
  assert.match(await widget(page).locator("[data-testid=received-at]").innerText(), new RegExp(w.received_at.slice(0, 19).replace("+", "\\+")));
  await checkA11y(page, "withdrawal acknowledgement");
  const download = page.waitForEvent("download");
  await widget(page).locator("[data-testid=download]").click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"));
  assert.match(text, new RegExp(`Reference: ${w.reference}`));
  assert.match(text, /Name: Mei Lin/);
  const ack = server.outbox().find((n) => n.template === "withdrawal_received");
  assert.equal(ack.to, MEI.email);
  assert.equal(ack.data.reference, w.reference);
  // The items are claimed: they are no longer offered for a return.
  const lines = server.query("SELECT line_id FROM withdrawal_lines ORDER BY line_id").map((r) => r.line_id);
  assert.ok(lines.length > 0);
  await page.close();
});

test("a signed order link opens the order; returning one item takes three taps to the receipt", async () => {
  const link = server.cli("link", "order", "1002", "--shop-url", `${server.url}/`);
  const page = await newPage(browser);
  await page.goto(link);
  await widget(page).locator("[data-testid=quick-return]").waitFor();
  const quick = widget(page).locator("[data-testid=quick-return] button").first();
  let taps = 0;
  await quick.click();
  taps++;
  await widget(page).locator("[data-testid=quick-reasons] input").first().check();
  taps++;
  await widget(page).getByRole("button", { name: "Send return" }).click();
  taps++;
  await widget(page).locator("[data-testid=tracking-number]").waitFor();
  assert.equal(taps, 3);
  const tracking = await widget(page).locator("[data-testid=tracking-number]").innerText();
  const [c] = server.query(`SELECT kind, contact_email FROM cases WHERE tracking_number = '${tracking}'`);
  assert.deepEqual(c, { kind: "return", contact_email: "sam@example.com" });
  await page.close();
});

test("a reload mid-request loses nothing: the draft comes back, and can be discarded", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...MEI, kind: "complaint" });
  await widget(page).locator("input[name=about][value=logistics]").check();
  await widget(page).locator("textarea[name=description]").fill("The courier threw the parcel over the gate.");
  await page.waitForTimeout(200);
  await page.reload();
  await page.locator("footer .support").click();
  await lookup(page, MEI.order, MEI.email);
  const saved = widget(page).locator("[data-testid=saved-drafts] li[data-kind=complaint]");
  await saved.waitFor();
  await checkA11y(page, "a draft to continue");
  await saved.getByRole("button", { name: "Continue" }).click();
  assert.equal(await widget(page).locator("textarea[name=description]").inputValue(), "The courier threw the parcel over the gate.");
  assert.equal(await widget(page).locator("input[name=about][value=logistics]").isChecked(), true);
  // Sent: the draft is gone from the device.
  await next(page);
  const tracking = await send(page);
  assert.match(tracking, /^AS-/);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("as-draft:")).length), 0);

  // Another draft, discarded.
  await widget(page).getByRole("button", { name: "Another request" }).click();
  await widget(page).getByRole("button", { name: "Find my order" }).click();
  await widget(page).locator("[data-kind=question] button").click();
  await widget(page).locator("textarea[name=description]").fill("Is the kettle's lid replaceable?");
  await page.waitForTimeout(200);
  await page.reload();
  await page.locator("footer .support").click();
  await lookup(page, MEI.order, MEI.email);
  await widget(page).locator("[data-testid=saved-drafts] li[data-kind=question]").getByRole("button", { name: "Discard" }).click();
  assert.equal(await widget(page).locator("[data-testid=saved-drafts]").count(), 0);
  await widget(page).locator("[data-kind=question] button").click();
  assert.equal(await widget(page).locator("textarea[name=description]").inputValue(), "");
  await page.close();
});

test("a saved draft of a kind the order no longer allows is dropped, not offered", async () => {
  const page = await newPage(browser);
  await page.goto(`${server.url}/`);
  const draft = (kind) => ({
    saved_at: Date.now(), part: 1, quantities: {}, reason: null, answers: {}, condition: null, resolution: null,
    exchange_for: {}, problem: null, about: null, description: `left over ${kind}`, photos: [], video: "",
    email: "sam@example.com", phone: "", channel: "email", key: `w-${kind}`,
  });
  await page.evaluate(([r, q]) => {
    localStorage.setItem("as-draft:1002:repair", JSON.stringify(r));
    localStorage.setItem("as-draft:1002:question", JSON.stringify(q));
  }, [draft("repair"), draft("question")]);
  await page.locator("footer .support").click();
  await lookup(page, "1002", "sam@example.com");
  await widget(page).locator("[data-testid=saved-drafts] li[data-kind=question]").waitFor();
  assert.equal(await widget(page).locator("[data-kind=repair][data-open=false]").count(), 1, "no repair is open on this order");
  assert.equal(await widget(page).locator("[data-testid=saved-drafts] li[data-kind=repair]").count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem("as-draft:1002:repair")), null);
  await page.close();
});
