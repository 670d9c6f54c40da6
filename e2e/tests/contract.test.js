// The contract file against the real server: every request below is first checked against
// the operation's documented request body, then sent to the reference server (real HTTP,
// SQLite), and its answer — success or error — must have a documented status (or fall under
// `default`) and a body that validates against the documented schema. The document is the one
// the server serves at /v1/openapi.json, which a native test keeps equal to
// docs/api/openapi.yaml.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import Ajv2020 from "ajv/dist/2020.js";
import { startServer } from "../lib/harness.js";

let server;
let doc;
let ajv;
const checked = new Set();

before(async () => {
  server = await startServer();
  doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
  // The document is the schema root: components resolve by their JSON pointers.
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(doc, "openapi");
});
after(() => server?.stop());

const pointer = (...parts) => "openapi#/" + parts.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

function validate(where, value) {
  const check = ajv.getSchema(pointer(...where));
  assert.ok(check, `no schema at ${where.join(" ")}`);
  assert.ok(check(value), `${where.join(" ")}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(value).slice(0, 600)}`);
}

/** Calls `method path` (the document's path template in `template`), checking both ways. */
async function call(method, template, { path = template, body, headers = {}, raw } = {}) {
  const op = doc.paths[template]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${template} is not in the document`);
  if (body !== undefined) validate(["paths", template, method.toLowerCase(), "requestBody", "content", "application/json", "schema"], body);
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: body !== undefined ? { "content-type": "application/json", ...headers } : headers,
    body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
  });
  const text = await r.text();
  const status = String(r.status);
  const answer = op.responses[status] ? status : "default";
  assert.ok(op.responses[status] || r.status >= 400, `${method} ${path} answered ${status}, not documented`);
  checked.add(`${method} ${template} ${answer === "default" ? `${status} (default)` : status}`);
  if (op.responses[answer].content?.["text/csv"]) {
    assert.match(r.headers.get("content-type"), /^text\/csv/);
    return { status: r.status, body: text, headers: r.headers };
  }
  const json = text ? JSON.parse(text) : undefined;
  const schema = op.responses[answer].content?.["application/json"]?.schema;
  if (schema) validate(["paths", template, method.toLowerCase(), "responses", answer, "content", "application/json", "schema"], json);
  else assert.equal(text, "", `${method} ${path} ${status}: a body the document does not describe`);
  return { status: r.status, body: json, headers: r.headers };
}

const ME = { order_number: "1001", email: "mei@example.com" };
const RETURN = {
  ...ME,
  case: { type: "return", lines: [{ line_id: "1001-1", quantity: 1 }], resolution: "store_credit", reason: "changed_mind", condition: "opened", answers: {}, evidence: [], description: "" },
};

test("the document's schemas are strict enough to catch a wrong answer", () => {
  const lookup = ajv.getSchema(pointer("paths", "/v1/orders/lookup", "post", "responses", "200", "content", "application/json", "schema"));
  assert.equal(lookup({}), false);
  assert.equal(lookup({ order: {}, policy: {}, server_time: "2026-11-26T00:00:00Z" }), false);
  const error = ajv.getSchema(pointer("components", "schemas", "ErrorBody"));
  assert.equal(error({ error: { code: "x", message: "y" } }), true);
  assert.equal(error({ message: "y" }), false);
});

test("the shopper's operations answer as the document says, successes and errors", async () => {
  assert.equal((await call("GET", "/v1/health")).status, 200);
  assert.equal((await call("GET", "/v1/policy")).status, 200);
  const served = await call("GET", "/v1/openapi.json");
  assert.equal(served.body.openapi, "3.1.0");

  assert.equal((await call("POST", "/v1/orders/lookup", { body: ME })).status, 200);
  assert.equal((await call("POST", "/v1/orders/lookup", { body: { ...ME, email: "someone@example.com" } })).status, 404);
  assert.equal((await call("POST", "/v1/orders/lookup", { raw: "{", body: undefined, headers: { "content-type": "application/json" } })).status, 400);

  const key = { "Idempotency-Key": "contract-1" };
  const created = await call("POST", "/v1/cases", { body: RETURN, headers: key });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const replay = await call("POST", "/v1/cases", { body: RETURN, headers: key });
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  assert.equal(replay.body.tracking_number, created.body.tracking_number);
  const reused = await call("POST", "/v1/cases", { body: { ...RETURN, case: { ...RETURN.case, description: "other" } }, headers: key });
  assert.equal(reused.body.error.code, "idempotency_key_reused");
  const refused = await call("POST", "/v1/cases", { body: { ...RETURN, case: { ...RETURN.case, lines: [{ line_id: "nope", quantity: 1 }] } } });
  assert.equal(refused.status, 422);
  assert.ok(refused.body.error.violations.length > 0);
  assert.equal((await call("POST", "/v1/cases", { body: { ...RETURN, email: "someone@example.com" } })).status, 404);

  const access = { tracking_number: created.body.tracking_number, email: "mei@example.com" };
  assert.equal((await call("POST", "/v1/cases/find", { body: access })).status, 200);
  assert.equal((await call("POST", "/v1/cases/find", { body: { ...access, email: "x@example.com" } })).status, 404);
  const early = await call("POST", "/v1/cases/confirm", { body: { access, resolved: true } });
  assert.ok(early.status >= 400, "nothing to confirm yet");
  // A survey before the case is resolved is refused; a body off the document never gets sent.
  const survey = await call("POST", "/v1/cases/survey", { body: { access, survey: { attitude: 5, speed: 5, problem_solving: 4 } } });
  assert.ok(survey.status >= 400, String(survey.status));
  await assert.rejects(call("POST", "/v1/cases/survey", { body: { access, survey: { overall: 5 } } }), /requestBody/);

  assert.equal((await call("GET", "/v1/faq", { path: "/v1/faq?lang=zh-Hans" })).status, 200);
  assert.equal((await call("GET", "/v1/faq", { path: "/v1/faq?lang=%3Cscript%3E" })).status, 400);
  assert.equal((await call("POST", "/v1/events", { body: { kind: "faq_answered", query: "refund", lang: "en" } })).status, 204);

  const withdrawal = await call("POST", "/v1/withdrawals", {
    body: { order_number: "1002", email: "mei@example.com", name: "Mei Lin", line_ids: [], confirm_to: "mei@example.com" },
  });
  assert.ok([201, 404, 422].includes(withdrawal.status), String(withdrawal.status));

  const photo = await call("POST", "/v1/evidence", { raw: "not a photo", headers: { "content-type": "image/jpeg", "x-order-number": "1001", "x-order-email": "mei@example.com" } });
  assert.equal(photo.status, 422);

  // Unknown endpoint and wrong method: the contract's error shape too.
  const nowhere = await fetch(`${server.url}/v1/nowhere`);
  validate(["components", "schemas", "ErrorBody"], await nowhere.json());
  const wrong = await fetch(`${server.url}/v1/cases`, { method: "GET" });
  assert.equal(wrong.status, 405);
  validate(["components", "schemas", "ErrorBody"], await wrong.json());
});

test("the merchant's operations answer as the document says", async () => {
  const token = server.cli("token", "create", "--name", "contract", "--scope", "write");
  const auth = { authorization: `Bearer ${token}` };
  const page = await call("GET", "/v1/merchant/cases", { path: "/v1/merchant/cases?limit=5", headers: auth });
  assert.equal(page.status, 200);
  const csv = await call("GET", "/v1/merchant/cases.csv", { path: "/v1/merchant/cases.csv?kind=return", headers: auth });
  assert.equal(csv.body.split("\n")[0], "tracking_number,kind,status,order_number,created_at,respond_by,resolve_by,follow_up,needs_review,assignee");
  assert.ok(csv.body.split("\n").slice(1).filter(Boolean).every((l) => l.split(",")[1] === "return"), csv.body);
  assert.equal((await call("GET", "/v1/merchant/cases", { headers: {} })).status, 401);
  const created = await call("POST", "/v1/cases", { body: { ...RETURN, case: { ...RETURN.case, lines: [{ line_id: "1001-2", quantity: 1 }] } }, headers: { "Idempotency-Key": "contract-2" } });
  const tn = created.body.tracking_number ?? page.body.cases[0].tracking_number;
  const one = `/v1/merchant/cases/${tn}`;
  assert.equal((await call("GET", "/v1/merchant/cases/{tracking_number}", { path: one, headers: auth })).status, 200);
  assert.equal((await call("GET", "/v1/merchant/cases/{tracking_number}", { path: "/v1/merchant/cases/AS-22222-222222", headers: auth })).status, 404);
  const moved = await call("POST", "/v1/merchant/cases/{tracking_number}/moves", { path: `${one}/moves`, body: { to: "approved", note: "ok" }, headers: auth });
  assert.ok([200, 409].includes(moved.status), JSON.stringify(moved.body));
  const illegal = await call("POST", "/v1/merchant/cases/{tracking_number}/moves", { path: `${one}/moves`, body: { to: "submitted" }, headers: auth });
  assert.ok(illegal.status >= 400);
  assert.equal((await call("POST", "/v1/merchant/cases/{tracking_number}/messages", { path: `${one}/messages`, body: { body: "We have it." }, headers: auth })).status, 200);

  const order = {
    email: "jun@example.com",
    order: { number: "5001", placed_at: "2026-11-20T02:00:00Z", currency: "EUR", lines: [{ id: "a", sku: "K", title: "Kettle", category: "kitchen", unit_price: 4990, quantity: 1 }] },
  };
  const put = (body) => call("PUT", "/v1/merchant/orders/{number}", { path: "/v1/merchant/orders/5001", body, headers: auth });
  assert.equal((await put(order)).status, 201);
  assert.equal((await put(order)).status, 200);
  const bad = await put({ ...order, order: { ...order.order, lines: [{ ...order.order.lines[0], quantity: 0 }] } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.field, "order.lines[0].quantity");
  // Assignment: a rule, a hand assignment, a bad name.
  const rule = await call("PUT", "/v1/merchant/assignment-rules/{kind}", { path: "/v1/merchant/assignment-rules/return", body: { staff: ["li", "wang"] }, headers: auth });
  assert.deepEqual(rule.body.rules[0].staff, ["li", "wang"]);
  assert.equal((await call("PUT", "/v1/merchant/assignment-rules/{kind}", { path: "/v1/merchant/assignment-rules/x", body: { staff: [] }, headers: auth })).status, 400);
  assert.equal((await call("GET", "/v1/merchant/assignment-rules", { headers: auth })).status, 200);
  const assigned = await call("PUT", "/v1/merchant/cases/{tracking_number}/assignee", { path: `${one}/assignee`, body: { assignee: "zhao" }, headers: auth });
  assert.equal(assigned.body.assignee, "zhao");
  assert.equal((await call("PUT", "/v1/merchant/cases/{tracking_number}/assignee", { path: "/v1/merchant/cases/AS-22222-222222/assignee", body: { assignee: null }, headers: auth })).status, 404);
  // The shop's figures, and a bad period named.
  const kpis = await call("GET", "/v1/merchant/kpis", { path: "/v1/merchant/kpis?from=2026-01-01", headers: auth });
  assert.equal(kpis.status, 200);
  assert.ok(kpis.body.cases >= 1, JSON.stringify(kpis.body));
  const badPeriod = await call("GET", "/v1/merchant/kpis", { path: "/v1/merchant/kpis?from=tomorrow", headers: auth });
  assert.equal(badPeriod.body.error.field, "from");
  // Webhooks: added (with its secret once), listed without it, its deliveries, removed.
  const hook = await call("POST", "/v1/merchant/webhooks", { body: { url: "http://127.0.0.1:9/hook" }, headers: auth });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  assert.match(hook.body.secret, /^whsec_/);
  assert.equal((await call("POST", "/v1/merchant/webhooks", { body: { url: "ftp://x" }, headers: auth })).status, 422);
  const hooks = await call("GET", "/v1/merchant/webhooks", { headers: auth });
  assert.ok(hooks.body.webhooks.some((w) => w.id === hook.body.id));
  assert.equal((await call("GET", "/v1/merchant/webhooks/deliveries", { path: "/v1/merchant/webhooks/deliveries?limit=5", headers: auth })).status, 200);
  const gone = (id) => call("DELETE", "/v1/merchant/webhooks/{id}", { path: `/v1/merchant/webhooks/${id}`, headers: auth });
  assert.equal((await gone(hook.body.id)).status, 204);
  assert.equal((await gone(hook.body.id)).status, 404);
});

test("every documented operation was called", (t) => {
  t.diagnostic(`answers checked: ${[...checked].sort().join("; ")}`);
  const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
  const called = new Set([...checked].map((c) => c.split(" ").slice(0, 2).join(" ")));
  assert.deepEqual(documented.filter((d) => !called.has(d)), []);
});
