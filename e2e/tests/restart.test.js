// The server killed with SIGKILL in the middle of a burst of submissions and started again on
// the same database: every case that got a 2xx answer is there, no request is stored twice,
// sending every request again (as the widget's outbox does) completes the rest without a
// duplicate, and the webhook deliveries pending at the kill are delivered after the restart.
// Real HTTP, real SQLite, a real kill; no browser needed for the burst.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { startServer } from "../lib/harness.js";

/** A webhook receiver that checks each Standard Webhooks signature and answers 503 to the
 *  first attempt of every message (so each is retried), 204 after. */
async function receiver() {
  const seen = new Set();
  const delivered = new Map(); // webhook-id -> event
  let secret = "";
  let forged = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const id = req.headers["webhook-id"];
      const expected = createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64"))
        .update(`${id}.${req.headers["webhook-timestamp"]}.${body}`)
        .digest();
      const ok = (req.headers["webhook-signature"] ?? "").split(" ").some((s) => {
        const sig = Buffer.from(s.replace(/^v1,/, ""), "base64");
        return s.startsWith("v1,") && sig.length === expected.length && timingSafeEqual(sig, expected);
      });
      if (!ok) {
        forged += 1;
        res.writeHead(401).end();
      } else if (!seen.has(id)) {
        seen.add(id);
        res.writeHead(503).end();
      } else {
        delivered.set(id, JSON.parse(body));
        res.writeHead(204).end();
      }
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    set secret(s) {
      secret = s;
    },
    get forged() {
      return forged;
    },
    /** Tracking numbers of the case.created events delivered. */
    created: () => new Set([...delivered.values()].filter((e) => e.type === "case.created").map((e) => e.data.tracking_number)),
    deliveredCount: () => delivered.size,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

const question = (n) => ({
  order_number: "1001",
  email: "mei@example.com",
  case: { type: "question", description: `Question ${n} of the burst.` },
});

async function submit(url, n) {
  try {
    const r = await fetch(`${url}/v1/cases`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": `burst-${n}` },
      body: JSON.stringify(question(n)),
    });
    return { n, status: r.status, body: await r.json() };
  } catch (e) {
    return { n, status: 0, error: String(e) };
  }
}

test("SIGKILL during a burst of 120 submissions: every answered case survives, none twice, the rest arrive on resend", async () => {
  const first = await startServer();
  const hook = await receiver();
  hook.secret = first.cli("webhook", "add", hook.url);
  const total = 120;
  const answers = [];
  let killed;
  // Eight clients at once; the server is killed once a third have been answered.
  const queue = Array.from({ length: total }, (_, n) => n);
  const worker = async (url) => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const a = await submit(url, n);
      answers.push(a);
      if (!killed && answers.filter((x) => x.status === 201).length >= total / 3) killed = first.kill();
    }
  };
  await Promise.all(Array.from({ length: 8 }, () => worker(first.url)));
  await killed;
  const answered = answers.filter((a) => a.status === 201);
  const lost = answers.filter((a) => a.status !== 201);
  assert.ok(answered.length >= total / 3 && lost.length > 0, `${answered.length} answered, ${lost.length} not`);

  const again = await startServer({ dir: first.dir });
  try {
    // Every 2xx answer is a stored case, once.
    const rows = again.query("SELECT tracking_number, idempotency_key FROM cases WHERE idempotency_key LIKE 'burst-%'");
    const byKey = new Map(rows.map((r) => [r.idempotency_key, r.tracking_number]));
    assert.equal(byKey.size, rows.length, "no idempotency key stored twice");
    for (const a of answered) assert.equal(byKey.get(`burst-${a.n}`), a.body.tracking_number, `burst-${a.n} was answered, so it is kept`);
    // Deliveries the killed server had not completed: none of them is lost.
    const pendingAtRestart = again.query(
      "SELECT count(*) AS p FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL",
    )[0].p;
    // Those in flight at the kill: stored with no answer sent, or not stored at all.
    const unanswered = rows.length - answered.length;

    // The outbox sends every request again: the answered ones get their first case back,
    // the rest are stored now; nothing is doubled.
    const resent = await Promise.all(Array.from({ length: total }, (_, n) => submit(again.url, n)));
    assert.deepEqual(resent.filter((r) => r.status !== 201).map((r) => `${r.n}: ${r.status}`), []);
    for (const a of answered) assert.equal(resent[a.n].body.tracking_number, a.body.tracking_number);
    const [{ n, k }] = again.query(
      "SELECT count(*) AS n, count(DISTINCT idempotency_key) AS k FROM cases WHERE idempotency_key LIKE 'burst-%'",
    );
    assert.deepEqual({ n, k }, { n: total, k: total });

    // Webhooks: every stored case's case.created reaches the receiver, signed, even those
    // queued or mid-attempt when the server was killed (each needs a retry 5 s after its first
    // attempt; one leased at the kill waits for its lease, 15 s).
    const stored = again.query("SELECT tracking_number FROM cases WHERE idempotency_key LIKE 'burst-%'").map((r) => r.tracking_number);
    const deadline = Date.now() + 60_000;
    let missing = stored;
    while (Date.now() < deadline) {
      const created = hook.created();
      missing = stored.filter((tn) => !created.has(tn));
      if (missing.length === 0) break;
      await new Promise((ok) => setTimeout(ok, 250));
    }
    assert.deepEqual(missing, [], `${missing.length} case.created events not delivered`);
    assert.equal(hook.forged, 0, "every request was signed with the endpoint's secret");
    const log = again.cli("webhook", "deliveries", "--limit", "1000");
    assert.match(log, /case\.created\s+delivered\s+2 attempt\(s\), last: HTTP 204/);
    console.log(
      `restart: ${answered.length} answered before the kill (${unanswered} more stored unanswered), ${lost.length} not; ` +
        `after the restart and a resend, ${n} stored, ${n - k} twice; ` +
        `webhooks: ${pendingAtRestart} pending at the restart, ${hook.created().size} case.created delivered`,
    );
  } finally {
    await again.stop();
    await hook.close();
  }
});
