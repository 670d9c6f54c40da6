// A proxy on 127.0.0.1 in front of the real server that makes the network unreliable for case
// submissions (`POST /v1/cases`), the way a phone on a train does: a share of them is dropped
// before reaching the server, answered 500 without reaching it, or — the worst — stored by the
// server and then the answer dropped on the way back; others are held up to a limit first.
// Everything else (the page, the widget's code, the other API calls) passes untouched.
// Faults come from a seeded generator, so a failing run can be replayed with its seed.
import http from "node:http";

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts the proxy to `target` (`http://127.0.0.1:port`). Options: `faults` (share of
 * submissions that fail, split evenly between drop, 500 and answer-lost), `delays` (share held
 * back), `maxDelayMs`, `seed`, and `onCommitted(req)`: called when the server has answered a
 * submission whose answer the proxy is about to drop (the test may kill the server there).
 * Answers `{ url, stats, setTarget(url), close() }`.
 */
export async function startChaos(target, { faults = 0, delays = 0, maxDelayMs = 0, seed = 1, onCommitted } = {}) {
  const random = generator(seed);
  const stats = { submissions: 0, dropped: 0, failed500: 0, answerLost: 0, delayed: 0, passed: 0, upstreamDown: 0 };
  let upstream = new URL(target);
  const forced = [];

  const forward = (req, body) =>
    new Promise((ok, fail) => {
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on("error", fail);
        },
      );
      out.on("error", fail);
      out.end(body);
    });

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const isSubmission = req.method === "POST" && req.url.split("?")[0] === "/v1/cases";
    let fault = null;
    if (isSubmission) {
      stats.submissions++;
      const roll = random();
      if (forced.length) fault = forced.shift();
      else if (roll < faults) fault = ["drop", "500", "answer-lost"][Math.floor((roll / faults) * 3)];
      if (!fault && random() < delays) {
        stats.delayed++;
        await new Promise((ok) => setTimeout(ok, Math.floor(random() * maxDelayMs)));
      }
    }
    if (fault === "drop") {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (fault === "500") {
      stats.failed500++;
      res.writeHead(500, { "content-type": "text/plain" }).end("injected fault");
      return;
    }
    let answer;
    try {
      answer = await forward(req, body);
    } catch {
      // The server is down (killed, restarting): what a load balancer answers then.
      stats.upstreamDown++;
      res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway");
      return;
    }
    if (fault === "answer-lost") {
      stats.answerLost++;
      await onCommitted?.(req, answer);
      req.socket.destroy();
      return;
    }
    if (isSubmission) stats.passed++;
    const headers = { ...answer.headers };
    delete headers["transfer-encoding"];
    res.writeHead(answer.status, headers).end(answer.body);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    /** Points the proxy at another server (a restarted one on a new port). */
    setTarget(url) {
      upstream = new URL(url);
    },
    /** The next submission gets this fault ("drop", "500" or "answer-lost"), whatever the dice say. */
    force(kind) {
      forced.push(kind);
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((ok) => server.close(ok));
    },
  };
}
