// The server killed with SIGKILL in the middle of a burst of submissions and started again on
// the same database: every case that got a 2xx answer is there, no request is stored twice,
// and sending every request again (as the widget's outbox does) completes the rest without a
// duplicate. Real HTTP, real SQLite, a real kill; no browser needed for the burst.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../lib/harness.js";

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
    console.log(
      `restart: ${answered.length} answered before the kill (${unanswered} more stored unanswered), ${lost.length} not; ` +
        `after the restart and a resend, ${n} stored, ${n - k} twice`,
    );
  } finally {
    await again.stop();
  }
});
