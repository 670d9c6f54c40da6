// Accessibility checks shared by the journeys: axe-core run inside the page (the widget's
// open shadow root included), contrast measured from computed colours, and a look for
// message placeholders left unfilled.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/**
 * Runs axe on the widget (the <after-sales> element and its shadow root) and fails with every
 * violation listed. `label` names the step in the failure. Evaluated through the DevTools
 * protocol, so the shop page's strict CSP does not block it.
 */
export async function checkA11y(page, label) {
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.evaluate(`${AXE}\n;0`);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run({ include: [["after-sales"]] }, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary.replace(/\s+/g, " ")}`),
    }));
  }, TAGS);
  assert.deepEqual(violations, [], `axe violations on ${label}:\n${JSON.stringify(violations, null, 2)}`);
  const text = await page.locator("after-sales").evaluate((el) => (el.shadowRoot ? el.shadowRoot.textContent : ""));
  assert.doesNotMatch(text, /\{[a-z_]+\}/, `an unfilled placeholder on ${label}`);
}

/** Contrast ratio of two CSS colours (any syntax the browser knows, oklch included). */
export function contrastIn(page, fg, bg) {
  return page.evaluate(
    ([fg, bg]) => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 1;
      const ctx = canvas.getContext("2d", { willReadFrequently: true });
      const rgb = (c) => {
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, 1, 1);
        ctx.fillStyle = c;
        ctx.fillRect(0, 0, 1, 1);
        return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
      };
      const lum = ([r, g, b]) => {
        const f = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const [a, b] = [lum(rgb(fg)), lum(rgb(bg))];
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    },
    [fg, bg],
  );
}
