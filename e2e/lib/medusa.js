// A stand-in for a Medusa v2 store on 127.0.0.1, for testing the widget's `medusa` adapter
// with no network: it answers the three Store API routes the adapter uses from the fixtures in
// e2e/fixtures/medusa (written from Medusa's published Store API reference) and checks every
// request the way Medusa would — the publishable key header, CORS as `storeCors` allows it,
// and `POST /store/returns` against the route's validator (`StorePostReturnsReqSchema` in
// packages/medusa/src/api/store/returns/validators.ts) plus the traps the reference's own
// samples fall into (`item_id`, `return_reason_id`, a missing `return_shipping`, `receive_now`).
// Anything wrong is answered as Medusa would and recorded in `problems`, which a test expects
// to stay empty.
import http from "node:http";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "medusa");
const fixture = (name) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
export const ERRORS = fixture("errors.json");
export const ORDER_ID = fixture("order.json").order.id;

/** Every `…_at` date of `value`, moved by `ms` (the fixtures' dates become recent ones). */
function shift(value, ms) {
  if (Array.isArray(value)) return value.map((v) => shift(v, ms));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k.endsWith("_at") && typeof v === "string" ? new Date(Date.parse(v) + ms).toISOString() : shift(v, ms)]),
    );
  }
  return value;
}

/**
 * Starts the store. Options: `key` (the publishable key it accepts), `returnOption` (the
 * return shipping option id it has), `origin` (the shop page's origin, for CORS).
 * Answers `{ url, returns, problems, requests, order(), loseNextAnswer(), close() }`.
 */
export async function startMedusa({ key, returnOption, origin }) {
  const fixtureOrder = fixture("order.json").order;
  // The order was delivered three days ago (the default policy's refund window is 7 days).
  const delivered = Date.parse(fixtureOrder.fulfillments[0].delivered_at);
  const order = shift(fixtureOrder, Date.now() - 3 * 86400000 - delivered);
  const reasons = fixture("return-reasons.json");
  const returns = [];
  const problems = [];
  const requests = [];
  let loseNext = false;

  const send = (res, status, body) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "access-control-allow-origin": origin, vary: "Origin" });
    res.end(JSON.stringify(body));
  };
  const fail = (res, name, problem) => {
    if (problem) problems.push(problem);
    send(res, ERRORS[name].status, ERRORS[name].body);
  };

  /** `StorePostReturnsReqSchema`, and what Medusa would refuse or silently drop. */
  function checkReturn(body) {
    const found = [];
    const known = ["order_id", "items", "return_shipping", "note", "receive_now", "location_id"];
    for (const k of Object.keys(body ?? {})) if (!known.includes(k)) found.push(`unknown field ${k} (Medusa ignores it)`);
    if (typeof body?.order_id !== "string" || body.order_id.length < 1) found.push("order_id: a non-empty string is required");
    if (!Array.isArray(body?.items)) found.push("items: an array is required");
    for (const [i, item] of (body?.items ?? []).entries()) {
      for (const k of Object.keys(item)) if (!["id", "quantity", "reason_id", "note"].includes(k)) found.push(`items[${i}].${k}: not a field (the validator's are id, quantity, reason_id, note)`);
      if (typeof item.id !== "string") found.push(`items[${i}].id: the order line item's id is required`);
      else if (!order.items.some((l) => l.id === item.id)) found.push(`items[${i}].id: ${item.id} is not a line of the order`);
      if (typeof item.quantity !== "number" || item.quantity < 1 || !Number.isInteger(item.quantity)) found.push(`items[${i}].quantity: a whole number of at least 1`);
      if (item.reason_id != null && !reasons.return_reasons.some((r) => r.id === item.reason_id)) found.push(`items[${i}].reason_id: no return reason ${item.reason_id}`);
      if (item.note != null && typeof item.note !== "string") found.push(`items[${i}].note: a string or null`);
    }
    const shipping = body?.return_shipping;
    if (typeof shipping?.option_id !== "string") found.push("return_shipping.option_id: required");
    else if (shipping.option_id !== returnOption) found.push(`return_shipping.option_id: no shipping option ${shipping.option_id}`);
    if (shipping && shipping.price !== undefined && typeof shipping.price !== "number") found.push("return_shipping.price: a number");
    if (body?.note != null && typeof body.note !== "string") found.push("note: a string or null");
    if ("receive_now" in (body ?? {})) found.push("receive_now: a storefront must never mark items received");
    if ("location_id" in (body ?? {})) found.push("location_id: not the widget's to choose");
    return found;
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url, "http://medusa");
      requests.push(`${req.method} ${url.pathname}`);
      if (req.method === "OPTIONS") {
        // storeCors: the shop's origin, the key header and JSON bodies.
        const asked = (req.headers["access-control-request-headers"] ?? "").toLowerCase();
        if (req.headers.origin !== origin) problems.push(`preflight from ${req.headers.origin}`);
        if (!asked.includes("x-publishable-api-key")) problems.push(`preflight without the key header: ${asked}`);
        res.writeHead(204, {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": "GET,POST",
          "access-control-allow-headers": "content-type,x-publishable-api-key",
          vary: "Origin",
        });
        return res.end();
      }
      const given = req.headers["x-publishable-api-key"];
      if (!given) return fail(res, "unauthorized", `${req.method} ${url.pathname} without x-publishable-api-key`);
      if (given !== key) return fail(res, "invalid_key");
      if (req.method === "GET" && url.pathname === "/store/return-reasons") return send(res, 200, reasons);
      const orderPath = url.pathname.match(/^\/store\/orders\/([^/]+)$/);
      if (req.method === "GET" && orderPath) {
        const fields = url.searchParams.get("fields") ?? "";
        for (const f of ["+fulfillments.shipped_at", "+fulfillments.delivered_at", "+fulfillments.canceled_at"]) {
          if (!fields.split(",").includes(f)) problems.push(`GET ${url.pathname}: fields without ${f} (got ${JSON.stringify(fields)})`);
        }
        if (decodeURIComponent(orderPath[1]) !== order.id) return fail(res, "not_found");
        return send(res, 200, { order });
      }
      if (req.method === "POST" && url.pathname === "/store/returns") {
        if (!(req.headers["content-type"] ?? "").startsWith("application/json")) problems.push(`POST /store/returns as ${req.headers["content-type"]}`);
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          return fail(res, "invalid_data", "POST /store/returns: not JSON");
        }
        const found = checkReturn(body);
        if (found.length) return fail(res, "invalid_data", `POST /store/returns: ${found.join("; ")}`);
        if (body.order_id !== order.id) return fail(res, "not_found");
        for (const item of body.items) {
          const line = order.items.find((l) => l.id === item.id);
          const d = line.detail;
          if (d.return_requested_quantity + d.return_received_quantity + item.quantity > d.fulfilled_quantity) return fail(res, "invalid_request");
        }
        for (const item of body.items) order.items.find((l) => l.id === item.id).detail.return_requested_quantity += item.quantity;
        const created = { ...fixture("return.json").return, id: `ret_${String(returns.length + 1).padStart(26, "0")}`, display_id: returns.length + 1, created_at: new Date().toISOString() };
        returns.push({ body, created });
        if (loseNext) {
          // Stored, then the connection drops halfway through the answer: the phone never
          // hears back. (Dropped before any byte, Chromium itself would send the POST again
          // on a fresh connection — Medusa has no idempotency key to catch that.)
          loseNext = false;
          res.writeHead(200, { "content-type": "application/json", "content-length": "4096", "access-control-allow-origin": origin });
          res.write('{"return": {"id": "ret_');
          return setTimeout(() => req.socket.destroy(), 50);
        }
        return send(res, 200, { return: created });
      }
      fail(res, "not_found", `${req.method} ${url.pathname}: not a route the adapter should call`);
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    returns,
    problems,
    requests,
    order: () => order,
    loseNextAnswer: () => (loseNext = true),
    close: () => new Promise((ok) => server.close(ok)),
  };
}
