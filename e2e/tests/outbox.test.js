// Nothing lost, nothing doubled: the widget's outbox against the real server and database.
// A request sent offline waits on the device through a closed page; a server killed right
// after storing a case, its answer never delivered, gives the first case back to the retry;
// and 200 requests through a network that drops, fails or delays a third of them are each
// stored exactly once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser } from "../lib/harness.js";
import { startChaos } from "../lib/chaos.js";
import { checkA11y } from "../lib/a11y.js";
import { widget, start, next, openWidget } from "../lib/widget.js";

let browser;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const MEI = { order: "1001", email: "mei@example.com" };

/** A browser context of its own: its pages share one IndexedDB, as a shopper's tabs do. */
async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: "en-US" });
  const errors = [];
  context.on("page", (p) => p.on("pageerror", (e) => errors.push(e)));
  context.errors = errors;
  return context;
}

/** The requests the outbox keeps on this origin's device, as stored. */
const kept = (page) =>
  page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const open = indexedDB.open("aftersales-outbox", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("requests");
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction("requests").objectStore("requests").getAll();
          all.onerror = () => fail(all.error);
          all.onsuccess = () => {
            db.close();
            ok(all.result.map((v) => JSON.parse(v)));
          };
        };
      }),
  );

/** Puts requests into the outbox as the widget writes them (under their key). */
const keep = (page, parcels) =>
  page.evaluate(
    (list) =>
      new Promise((ok, fail) => {
        const open = indexedDB.open("aftersales-outbox", 1);
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction("requests", "readwrite");
          for (const p of list) tx.objectStore("requests").put(JSON.stringify(p), p.key);
          tx.oncomplete = () => {
            db.close();
            ok();
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
    parcels,
  );

/** A question on Mei's order, written and sent with the device offline: kept, not sent. */
async function questionSentOffline(page, context, url, text) {
  await start(page, url, { ...MEI, kind: "question" });
  await widget(page).locator("textarea[name=description]").fill(text);
  await next(page);
  await context.setOffline(true);
  await widget(page).getByRole("button", { name: "Send request" }).click();
  const status = widget(page).locator("[data-testid=outbox-status]");
  await status.filter({ hasText: "Saved on this device" }).waitFor();
  return status;
}

test("sent offline, the page closed, reopened online: the request is stored once and its receipt shown", async () => {
  const server = await startServer();
  const context = await newContext();
  try {
    const page = await context.newPage();
    const status = await questionSentOffline(page, context, server.url, "Is the kettle's lid dishwasher safe?");
    assert.match(await status.innerText(), /You may close this window/);
    const [parcel] = await kept(page);
    assert.ok(parcel?.key, "the request is kept on the device with its key");
    assert.equal(JSON.parse(parcel.request).case.description, "Is the kettle's lid dishwasher safe?");
    assert.equal(server.query("SELECT count(*) AS n FROM cases")[0].n, 0, "nothing reached the shop");
    assert.equal(parcel.target, "http ", "kept for this page's backend (data-api: the page's origin)");
    // Another widget on this site (another data-api) kept one too: not this widget's to send.
    const foreign = { ...parcel, key: "w-foreign", target: "http https://elsewhere.example" };
    await keep(page, [foreign]);
    await page.close();

    await context.setOffline(false);
    const again = await context.newPage();
    await openWidget(again, server.url);
    const note = widget(again).locator("[data-testid=outbox-notes] .as-note");
    await note.waitFor();
    const rows = server.query("SELECT tracking_number, idempotency_key FROM cases");
    assert.equal(rows.length, 1, "stored once");
    assert.equal(rows[0].idempotency_key, parcel.key);
    assert.match(await note.innerText(), new RegExp(`order 1001 .*has reached the shop\\. Tracking number: ${rows[0].tracking_number}`));
    await checkA11y(again, "outbox note");
    await note.getByRole("button", { name: "Show the receipt" }).click();
    assert.equal(await widget(again).locator("[data-testid=tracking-number]").innerText(), rows[0].tracking_number);
    assert.deepEqual((await kept(again)).map((p) => p.key), ["w-foreign"], "only the other widget's request is left");
    assert.deepEqual(context.errors, []);
  } finally {
    await context.close();
    await server.stop();
  }
});

test("the server killed right after storing a case, its answer lost: the retry gets the first case back", async () => {
  const first = await startServer();
  let restarted;
  const chaos = await startChaos(first.url, {
    // The case is committed and the answer is on its way: the process dies with it.
    onCommitted: () => first.kill(),
  });
  const context = await newContext();
  try {
    chaos.force("answer-lost");
    const page = await context.newPage();
    await start(page, chaos.url, { ...MEI, kind: "question" });
    await widget(page).locator("textarea[name=description]").fill("Does the kettle have a 110 V version?");
    await next(page);
    await widget(page).getByRole("button", { name: "Send request" }).click();
    await widget(page).locator("[data-testid=outbox-status]").filter({ hasText: "Saved on this device" }).waitFor();
    // One case is in the database; the shopper has no number for it.
    restarted = await startServer({ dir: first.dir });
    const [stored] = restarted.query("SELECT tracking_number, idempotency_key FROM cases");
    assert.ok(stored, "the killed server had committed the case");
    chaos.setTarget(restarted.url);
    const tracking = await widget(page).locator("[data-testid=tracking-number]").innerText();
    assert.equal(tracking, stored.tracking_number, "the retry got the first case");
    assert.equal(restarted.query("SELECT count(*) AS n FROM cases")[0].n, 1, "and no second one");
    assert.deepEqual(await kept(page), []);
    assert.deepEqual(context.errors, []);
  } finally {
    await context.close();
    await chaos.close();
    await (restarted ?? first).stop();
  }
});

test("200 requests through a network that drops, fails or delays a third of them: each stored exactly once", async () => {
  const server = await startServer();
  const seed = Number(process.env.CHAOS_SEED || 20261126);
  const chaos = await startChaos(server.url, { faults: 0.3, delays: 0.3, maxDelayMs: 2000, seed });
  const context = await newContext();
  const total = 200;
  try {
    const page = await context.newPage();
    await questionSentOffline(page, context, chaos.url, "Request 0 of the chaos run.");
    // The widget wrote one request; 199 more are written the same way, as if this device had
    // queued them over many visits, each with its own key.
    const [template] = await kept(page);
    const more = Array.from({ length: total - 1 }, (_, i) => ({
      ...template,
      key: `chaos-${i + 1}`,
      // The request is kept as the contract's JSON text, sent as it is.
      request: JSON.stringify({
        ...JSON.parse(template.request),
        case: { ...JSON.parse(template.request).case, description: `Request ${i + 1} of the chaos run.` },
      }),
    }));
    await keep(page, more);
    const keys = new Set([template.key, ...more.map((p) => p.key)]);
    await page.close();

    await context.setOffline(false);
    const started = Date.now();
    const again = await context.newPage();
    await openWidget(again, chaos.url);
    // Wait until the outbox has emptied (every request answered), at most 5 minutes.
    for (;;) {
      const left = (await kept(again)).length;
      if (left === 0) break;
      assert.ok(Date.now() - started < 300_000, `${left} requests still kept after 5 minutes`);
      await new Promise((ok) => setTimeout(ok, 500));
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const [{ n, k }] = server.query(
      "SELECT count(*) AS n, count(DISTINCT idempotency_key) AS k FROM cases WHERE order_number = '1001'",
    );
    const stored = new Set(server.query("SELECT idempotency_key FROM cases").map((r) => r.idempotency_key));
    const s = chaos.stats;
    console.log(
      `chaos (seed ${seed}): ${total} submitted, ${n} stored, ${n - k} duplicates; ` +
        `${s.submissions} attempts (${s.submissions - total} retries): ${s.dropped} dropped, ` +
        `${s.failed500} answered 500, ${s.answerLost} answers lost after storing, ${s.delayed} delayed ≤ 2 s; ` +
        `emptied in ${seconds} s`,
    );
    assert.equal(n, total, "every request stored");
    assert.equal(k, total, "none twice");
    assert.deepEqual([...keys].filter((key) => !stored.has(key)), [], "each under its own key");
    assert.ok(s.dropped + s.failed500 + s.answerLost >= 40, "the network really was unreliable");
    // Each delivered request is reported to the shopper on this open.
    assert.equal(await widget(again).locator("[data-testid=outbox-notes] .as-note").count(), total);
    assert.deepEqual(context.errors, []);
  } finally {
    await context.close();
    await chaos.close();
    await server.stop();
  }
});
