// docs/policy.schema.json against the documented example and against the server's own
// parser: for every sample, the JSON Schema and `aftersales policy validate` must agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = process.env.AFTERSALES_BIN || join(ROOT, "target", "debug", "aftersales");
const schema = JSON.parse(readFileSync(join(ROOT, "docs", "policy.schema.json"), "utf8"));
const example = JSON.parse(readFileSync(join(ROOT, "docs", "examples", "policy.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
const dir = mkdtempSync(join(tmpdir(), "aftersales-schema-"));

function cliAccepts(policy) {
  const file = join(dir, "p.json");
  writeFileSync(file, JSON.stringify(policy));
  try {
    execFileSync(BIN, ["policy", "validate", file], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

const rich = {
  ...example,
  rules: [
    ...example.rules,
    { name: "bulky", when: { categories: ["furniture"], min_unit_price: 100000, shipping_countries: ["CN", "HK"] },
      windows: { refund: { days: 30 }, exchange: "unlimited" }, fees: { restocking: { basis_points: 1500 }, return_shipping: 5000 }, needs_review: true,
      bonus: { exchange: { fixed: 2000 } },
      label: { en: "Furniture", "zh-Hans": "家具", "zh-Hant-TW": "家具" } },
  ],
  reasons: [...example.reasons, { code: "too_heavy", group: "other", fault: "shopper", resolutions: ["refund"], labels: { en: "Too heavy to carry", "zh-Hans": "太重了" } }],
  default_locale: "zh-Hans",
  notes: [{ en: "Returns go to our Hangzhou warehouse.", "zh-Hans": "退货请寄往杭州仓库。" }],
  seasonal: [{ name: "holiday returns", delivered_from: "2026-11-20", delivered_to: "2026-12-24", last_day: "2027-01-15" }],
  fees: { restocking: { fixed: 500 }, return_shipping: 1000, free_returns: false },
  bonus: { store_credit: { basis_points: 1000 }, exchange: { fixed: 500 } },
  business_hours: { days: ["mon", "tue", "wed", "thu", "fri"], open: "09:00", close: "18:00", holidays: ["2026-10-01"] },
  commitments: { ...example.commitments, question: { respond_within: { business_minutes: 30 } } },
  withdrawal: { days: 14 },
};

const good = { "the documented example": example, "a policy using every field": rich, "a minimal policy": { time_zone: "UTC", windows: { refund: { days: 14 } } } };

const bad = {
  "an unknown top-level field": { ...example, return_windows_days: 7 },
  "an unknown resolution": { ...example, windows: { refunds: { days: 7 } } },
  "a window in weeks": { ...example, windows: { refund: { weeks: 1 } } },
  "zero days": { ...example, windows: { refund: { days: 0 } } },
  "a withdrawal period under the law's 14 days": { ...example, withdrawal: { days: 7 } },
  "an unknown matcher": { ...example, rules: [{ name: "x", when: { colour: "red" } }] },
  "a lower-case country": { ...example, rules: [{ name: "x", when: { shipping_countries: ["cn"] } }] },
  "a fee over 100 %": { ...example, fees: { restocking: { basis_points: 20000 } } },
  "a negative fee": { ...example, fees: { return_shipping: -1 } },
  "a bonus for money back": { ...example, bonus: { refund: { fixed: 100 } } },
  "a time without its leading zero": { ...example, business_hours: { days: ["mon"], open: "9:00", close: "18:00" } },
  "a choice without options": { ...example, reasons: [{ code: "x", group: "g", fault: "shopper", resolutions: ["refund"], questions: [{ id: "q", kind: "choice" }] }] },
  "a reason without resolutions": { ...example, reasons: [{ code: "x", group: "g", fault: "shopper", resolutions: [] }] },
  "no time zone": { windows: {} },
  "a malformed default locale": { ...example, default_locale: "Chinese" },
  "an empty note": { ...example, notes: [{}] },
  "a note with a direction override": { ...example, notes: [{ en: "safe\u202Etxt.exe" }] },
  "a label under a tag that is not a language": { ...example, rules: [{ name: "x", label: { chinese: "茶" } }] },
};

for (const [name, policy] of Object.entries(good)) {
  test(`schema and server both accept ${name}`, () => {
    assert.equal(validate(policy), true, JSON.stringify(validate.errors));
    assert.equal(cliAccepts(policy), true);
  });
}

for (const [name, policy] of Object.entries(bad)) {
  test(`schema and server both refuse ${name}`, () => {
    assert.equal(validate(policy), false, "the schema accepted it");
    assert.equal(cliAccepts(policy), false, "aftersales policy validate accepted it");
  });
}
