// Every kind of request a shopper can open, end to end against the real server and SQLite:
// what the shopper sees, and the case, lines, answers and evidence rows stored. Then the
// hostile and unlucky cases: a ZIP named .png, a 40 MB photo, a photo carrying its GPS
// position, a double click, the answer lost at "Send" (more in outbox.test.js).
import { test, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, newPage, ARTIFACTS } from "../lib/harness.js";
import { checkA11y } from "../lib/a11y.js";
import { widget, start, pickLine, next, send, jpeg, withGps, changedMind } from "../lib/widget.js";

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
const SAM = { order: "1002", email: "sam@example.com" };
const LI = { order: "1003", email: "li@example.com" };

/** The stored case with its lines, answers (from the draft) and photos. */
function stored(tracking) {
  const [c] = server.query(
    `SELECT id, kind, status, resolution, reason, refund_minor, draft_json, contact_email, contact_phone, contact_channel
       FROM cases WHERE tracking_number = '${tracking}'`,
  );
  assert.ok(c, `case ${tracking} is stored`);
  const lines = server.query(`SELECT line_id, quantity FROM case_lines WHERE case_id = ${c.id} ORDER BY line_id`);
  const photos = server.query(`SELECT id, width, height, content_type, hex(bytes) AS hex FROM evidence WHERE case_id = ${c.id}`);
  const draft = JSON.parse(c.draft_json);
  return { ...c, lines, photos, draft };
}

/** Attaches a photo through the file picker and waits until it is stored. */
async function attach(page, file) {
  await widget(page).locator("input[type=file][name=photos]").setInputFiles(file);
  await widget(page).locator(".as-photo[data-state=stored]").last().waitFor();
}

test("a return of two lines: quantities bounded, refund from core's quote", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...SAM, kind: "return" });
  await pickLine(page, "1002-1", 2);
  await pickLine(page, "1002-4", 1);
  const more = widget(page).locator('.as-line[data-line-id="1002-4"]').getByRole("button", { name: /^One more/ });
  await more.click();
  assert.equal(await more.isDisabled(), true, "two napkin sets delivered, two at most");
  await widget(page).locator('.as-line[data-line-id="1002-4"]').getByRole("button", { name: /^One fewer/ }).click();
  await next(page);
  await changedMind(page, "refund", "new_unopened");
  await next(page);
  // 2 mugs × ¥49 + 1 napkin set × ¥89 = ¥187.
  assert.equal(await widget(page).locator("[data-testid=total]").innerText(), "CN¥187.00");
  await checkA11y(page, "review of two lines");
  const tracking = await send(page);
  const c = stored(tracking);
  assert.equal(c.kind, "return");
  assert.equal(c.refund_minor, 18_700);
  assert.deepEqual(c.lines, [
    { line_id: "1002-1", quantity: 2 },
    { line_id: "1002-4", quantity: 1 },
  ]);
  assert.equal(c.contact_email, "sam@example.com");
  assert.equal(await widget(page).locator("[data-testid=packing-slip] .as-slip__lines li").count(), 2);
  const qr = widget(page).locator("[data-testid=qr]");
  assert.equal(await qr.getAttribute("aria-label"), `QR code of the tracking number ${tracking}`);
  assert.equal(await qr.locator("svg path").count(), 1);
  const qrBox = await qr.boundingBox();
  assert.ok(qrBox.width >= 120 && Math.abs(qrBox.width - qrBox.height) < 1, `a square QR code: ${JSON.stringify(qrBox)}`);
  await widget(page).locator("[data-testid=packing-slip]").screenshot({ path: join(ARTIFACTS, "case-receipt-slip.png") });
  // Back on the order: the request is listed, and the napkin left is still there to return.
  await widget(page).getByRole("button", { name: "Another request" }).click();
  await widget(page).getByRole("button", { name: "Find my order" }).click();
  await widget(page).locator("[data-testid=open-cases]").waitFor();
  assert.equal(await widget(page).locator("[data-testid=open-cases] li").innerText(), `${tracking}: Return an item`);
  await widget(page).locator("[data-kind=return] button").click();
  const napkins = widget(page).locator('.as-line[data-line-id="1002-4"]');
  assert.equal(await napkins.locator("input").isDisabled(), false, "one of two sets is left");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a warranty repair with a photo: the answers and the photo are stored with the case", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...LI, kind: "repair" });
  await pickLine(page, "1003-1");
  await next(page);
  await widget(page).locator("select[name=reason]").selectOption("defective");
  await widget(page).locator("textarea[name='answers.what_happened']").fill("It switches itself off after a minute.");
  await widget(page).locator("select[name='answers.when_noticed']").selectOption("later");
  // Without a photo the shop cannot look: said under the photos.
  await next(page);
  await widget(page).locator("#as-err-evidence:not(:empty)").waitFor();
  assert.equal(await widget(page).locator("#as-err-evidence").innerText(), "Add a photo (and a video link, where asked) of the problem.");
  await attach(page, { name: "speaker.jpg", mimeType: "image/jpeg", buffer: await jpeg(page, { width: 3000, height: 2000 }) });
  await checkA11y(page, "repair details with a photo");
  await page.screenshot({ path: join(ARTIFACTS, "case-repair-details.png") });
  await next(page);
  const tracking = await send(page);
  const c = stored(tracking);
  assert.equal(c.kind, "repair");
  // A repair gives the same unit back: it is listed as open, and claims nothing.
  await widget(page).getByRole("button", { name: "Another request" }).click();
  await widget(page).getByRole("button", { name: "Find my order" }).click();
  await widget(page).locator("[data-testid=open-cases]").waitFor();
  assert.equal(c.resolution, "repair");
  assert.deepEqual(c.lines, [{ line_id: "1003-1", quantity: 1 }]);
  assert.deepEqual(c.draft.answers, { what_happened: "It switches itself off after a minute.", when_noticed: "later" });
  assert.equal(c.photos.length, 1);
  assert.equal(c.photos[0].content_type, "image/jpeg");
  assert.deepEqual([c.photos[0].width, c.photos[0].height], [2048, 1365], "downscaled to 2048 px on its long side");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("an exchange for another variant: the wrong size came, the right one goes out", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...MEI, kind: "exchange" });
  await pickLine(page, "1001-2");
  await next(page);
  // A change of mind cannot be exchanged in the fault-only window: not offered at all.
  const reasons = await widget(page).locator("select[name=reason] option").evaluateAll((o) => o.map((e) => e.value));
  assert.ok(!reasons.includes("changed_mind"), `${reasons}`);
  await widget(page).locator("select[name=reason]").selectOption("wrong_item");
  await attach(page, { name: "label.jpg", mimeType: "image/jpeg", buffer: await jpeg(page) });
  await widget(page).locator("input[name=resolution][value=exchange]").check();
  const variants = widget(page).locator("select[name='exchange_for.1001-2']");
  assert.deepEqual(await variants.locator("option").allInnerTexts(), ["The same again (a replacement)", "Black / S", "Black / L", "White / M"]);
  await variants.selectOption("TEE-BLK-L");
  await next(page);
  assert.match(await widget(page).locator("[data-testid=summary]").innerText(), /Cotton T-shirt \(Black \/ M → Black \/ L\) × 1/);
  const tracking = await send(page);
  const c = stored(tracking);
  assert.equal(c.kind, "exchange");
  assert.equal(c.resolution, "exchange");
  const [line] = server.query(`SELECT line_id, quantity, exchange_sku FROM case_lines WHERE case_id = ${c.id}`);
  assert.deepEqual(line, { line_id: "1001-2", quantity: 1, exchange_sku: "TEE-BLK-L" });
  assert.equal(c.photos.length, 1);
  await page.close();
});

// A lost parcel → reship is in adapters.test.js, on the http and the local adapter.

test("damaged in transit → compensation with a photo", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...MEI, kind: "logistics_issue" });
  await pickLine(page, "1001-1");
  await next(page);
  await widget(page).locator("input[name=problem][value=damaged]").check();
  await widget(page).locator("select[name='answers.outer_box_damaged']").selectOption("yes");
  await attach(page, { name: "box.jpg", mimeType: "image/jpeg", buffer: await jpeg(page) });
  await widget(page).locator("input[name=resolution][value=compensation]").check();
  await next(page);
  const tracking = await send(page);
  const c = stored(tracking);
  assert.equal(c.kind, "logistics_issue");
  assert.equal(c.resolution, "compensation");
  assert.equal(c.reason, "arrived_damaged");
  assert.deepEqual(c.draft.answers, { outer_box_damaged: "yes" });
  assert.equal(c.photos.length, 1);
  await page.close();
});

test("a complaint about the service, with no item and a phone to be called on", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...MEI, kind: "complaint" });
  await next(page);
  // Nothing chosen, nothing written: both said at once.
  await widget(page).locator("#as-err-about:not(:empty)").waitFor();
  assert.equal(await widget(page).locator("#as-err-description").innerText(), "Please describe the problem.");
  await widget(page).locator("input[name=about][value=service]").check();
  await widget(page).locator("textarea[name=description]").fill("Nobody answered my two e-mails about the delivery date.");
  await next(page);
  await widget(page).locator("input[name=channel][value=phone]").check();
  await widget(page).getByRole("button", { name: "Send request" }).click();
  await widget(page).locator("#as-err-contact-phone:not(:empty)").waitFor();
  await widget(page).locator("input[name=contact_phone]").fill("+86 138 0013 8000");
  const tracking = await send(page);
  const c = stored(tracking);
  assert.equal(c.kind, "complaint");
  assert.equal(c.draft.about, "service");
  assert.deepEqual(c.lines, []);
  assert.deepEqual([c.contact_phone, c.contact_channel], ["+86 138 0013 8000", "phone"]);
  assert.equal(await widget(page).locator("[data-testid=packing-slip]").count(), 0, "nothing to pack");
  await page.close();
});

test("a question about one item claims nothing: the item can still be returned", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...MEI, kind: "question" });
  await widget(page).locator("select[name=item]").selectOption("1001-1");
  await widget(page).locator("textarea[name=description]").fill("Can the kettle boil 0.5 l?");
  await next(page);
  const tracking = await send(page);
  const c = stored(tracking);
  assert.equal(c.kind, "question");
  assert.deepEqual(c.lines, [{ line_id: "1001-1", quantity: 1 }]);
  const [{ holds_claim }] = server.query(`SELECT holds_claim FROM cases WHERE tracking_number = '${tracking}'`);
  assert.equal(holds_claim, 0);
  // Another request on the same order: the kettle is still returnable.
  await widget(page).getByRole("button", { name: "Another request" }).click();
  await widget(page).getByRole("button", { name: "Find my order" }).click();
  await widget(page).locator("[data-kind=return] button").click();
  assert.equal(await widget(page).locator('.as-line[data-line-id="1001-1"] input').isDisabled(), false);
  await page.close();
});

test("photos: a ZIP named .png and a 40 MB photo are refused before upload; GPS never reaches the database", async () => {
  const page = await newPage(browser);
  const uploads = [];
  page.on("request", (r) => r.url().endsWith("/v1/evidence") && uploads.push(r));
  await start(page, server.url, { ...LI, kind: "repair" });
  await pickLine(page, "1003-1");
  await next(page);
  await widget(page).locator("select[name=reason]").selectOption("defective");
  const picker = widget(page).locator("input[type=file][name=photos]");

  const zip = Buffer.concat([Buffer.from("PK\x03\x04\x14\x00\x00\x00", "latin1"), Buffer.alloc(200)]);
  await picker.setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: zip });
  await widget(page).locator(".as-photo[data-state=failed]").waitFor();
  assert.equal(await widget(page).locator(".as-photo__error").innerText(), "This file is not a photo. Choose a JPEG, PNG or WebP image.");
  await widget(page).getByRole("button", { name: "Remove this photo" }).click();

  const huge = Buffer.concat([await jpeg(page), Buffer.alloc(40 * 1024 * 1024)]);
  await picker.setInputFiles({ name: "huge.jpg", mimeType: "image/jpeg", buffer: huge });
  await widget(page).locator(".as-photo[data-state=failed]").waitFor();
  assert.match(await widget(page).locator(".as-photo__error").innerText(), /too large \(over 25 MB\)/);
  await widget(page).getByRole("button", { name: "Remove this photo" }).click();
  assert.equal(uploads.length, 0, "neither left the device");

  // The server refuses the ZIP too, by its bytes.
  const direct = await page.request.post(`${server.url}/v1/evidence`, {
    headers: { "x-order-number": "1003", "x-order-email": "li@example.com", "content-type": "image/png" },
    data: zip,
  });
  assert.equal(direct.status(), 422);
  assert.equal((await direct.json()).error.code, "evidence_not_an_image");

  const gps = withGps(await jpeg(page));
  assert.ok(gps.includes(Buffer.from("GPSLatitude")));
  await attach(page, { name: "with-gps.jpg", mimeType: "image/jpeg", buffer: gps });
  await widget(page).locator("textarea[name='answers.what_happened']").fill("The battery is swollen.");
  await next(page);
  const tracking = await send(page);
  const [photo] = stored(tracking).photos;
  const bytes = Buffer.from(photo.hex, "hex");
  assert.equal(bytes[0], 0xff);
  assert.equal(bytes[1], 0xd8, "a JPEG");
  assert.ok(!bytes.includes(Buffer.from("GPS")), "no GPS position stored");
  assert.ok(!bytes.includes(Buffer.from("Exif")), "no EXIF stored");
  await page.close();
});

test("a double click sends one case; the answer lost at Send keeps the request on the device and its retry sends it once", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...MEI, kind: "return" });
  await pickLine(page, "1001-1");
  await next(page);
  await changedMind(page, "store_credit", "opened");
  await next(page);
  // The first attempt reaches the server, stores the case, and its answer is lost on the way
  // back: the widget keeps the request on the device, says so, and sends it again by itself.
  let attempts = 0;
  await page.route("**/v1/cases", async (route) => {
    attempts++;
    if (attempts > 1) return route.continue();
    await route.fetch();
    await route.abort("internetdisconnected");
  });
  await widget(page).getByRole("button", { name: "Send request" }).dblclick();
  const status = widget(page).locator("[data-testid=outbox-status]");
  await status.filter({ hasText: "Saved on this device" }).waitFor();
  assert.equal(server.query("SELECT count(*) AS n FROM cases")[0].n, 1, "the first attempt was stored");
  // The retry carries the same key, so the server answers with the first case.
  const tracking = await widget(page).locator("[data-testid=tracking-number]").innerText();
  const rows = server.query("SELECT tracking_number FROM cases");
  assert.deepEqual(rows, [{ tracking_number: tracking }], "one case, whatever happened");
  assert.equal(attempts, 2, "the double click sent once; the outbox once more");
  // The kettle now reads as being returned, with the request's number: a status, not a refusal.
  await widget(page).getByRole("button", { name: "Another request" }).click();
  await widget(page).getByRole("button", { name: "Find my order" }).click();
  await widget(page).locator("[data-kind=exchange] button").click();
  const kettle = widget(page).locator('.as-line[data-line-id="1001-1"]');
  assert.equal(await kettle.locator("[data-testid=verdict]").innerText(), `Already in request ${tracking}`);
  assert.equal(await kettle.locator(".as-line__verdict--no").count(), 0);
  await page.close();
});

test("an order where nothing can be returned says so and offers what is still possible", async () => {
  const page = await newPage(browser);
  await start(page, server.url, { ...LI, kind: "question" });
  await widget(page).getByRole("button", { name: "Back" }).click();
  await widget(page).locator(".as-choices").waitFor();
  assert.equal(await widget(page).locator("[data-kind=return]").getAttribute("data-open"), "false");
  assert.match(await widget(page).locator("[data-kind=return] .as-choice__why").innerText(), /^Closed: the 7-day window ended on /);
  assert.equal(await widget(page).locator("[data-kind=return] button").count(), 0, "no dead button");
  assert.equal(await widget(page).locator("[data-kind=repair]").getAttribute("data-open"), "true");
  assert.equal(await widget(page).locator("[data-kind=question]").getAttribute("data-open"), "true");
  await checkA11y(page, "choice with closed options");
  await page.screenshot({ path: join(ARTIFACTS, "case-choose-1003.png") });
  await page.close();
});
