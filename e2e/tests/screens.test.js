// Every step of a request photographed at a phone's width (390 px) and a desktop's (1280 px),
// for people to look at (e2e/artifacts/screens-*.png); the best are kept in docs/images.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, newPage, ARTIFACTS } from "../lib/harness.js";
import { widget, start, lookup, pickLine, next, send, jpeg } from "../lib/widget.js";

let browser;
let server;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
  server = await startServer();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [width, height] of [[390, 844], [1280, 900]]) {
  test(`every step of a return at ${width} px`, async () => {
    const page = await newPage(browser, { viewport: { width, height }, hasTouch: width < 500 });
    const shot = async (step) => {
      // The panel never leaves the screen sideways, whatever the step.
      const box = await widget(page).locator(".as-panel").boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= width + 1, `${step} at ${width}: ${JSON.stringify(box)}`);
      await page.screenshot({ path: join(ARTIFACTS, `screens-${width}-${step}.png`) });
    };
    await start(page, server.url, { order: "1002", email: "sam@example.com", kind: "return" });
    await widget(page).locator(".as-line").first().waitFor();
    await shot("2-items");
    await pickLine(page, "1002-1", 2);
    await pickLine(page, "1002-4");
    await next(page);
    await widget(page).locator("select[name=reason]").selectOption("not_as_described");
    await widget(page).locator("textarea[name='answers.difference']").fill("The glaze is grey, not white as in the photos.");
    await widget(page).locator("input[type=file][name=photos]").setInputFiles({ name: "mug.jpg", mimeType: "image/jpeg", buffer: await jpeg(page) });
    await widget(page).locator(".as-photo[data-state=stored]").waitFor();
    await widget(page).locator("input[name=resolution][value=refund]").check();
    await shot("3-details");
    await next(page);
    await widget(page).locator("[data-testid=summary]").waitFor();
    await shot("4-review");
    await send(page);
    await shot("5-receipt");
    // And the choice, on a fresh lookup of the same order.
    await widget(page).getByRole("button", { name: "Another request" }).click();
    await widget(page).getByRole("button", { name: "Find my order" }).click();
    await widget(page).locator(".as-choices").waitFor();
    await shot("1-choose");
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

for (const [width, height] of [[390, 844], [1280, 900]]) {
  test(`after the case at ${width} px: tracking, survey, answers, withdrawal`, async () => {
    const page = await newPage(browser, { viewport: { width, height }, hasTouch: width < 500 });
    const shot = async (step) => {
      const box = await widget(page).locator(".as-panel").boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= width + 1, `${step} at ${width}: ${JSON.stringify(box)}`);
      await page.screenshot({ path: join(ARTIFACTS, `screens-${width}-${step}.png`) });
    };
    // A case the shop has answered, written to, and resolved.
    const r = await fetch(`${server.url}/v1/cases`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ order_number: "1001", email: "mei@example.com", case: { type: "complaint", about: "logistics", description: "The courier left the parcel in the rain." } }),
    });
    const { tracking_number: tracking } = await r.json();
    await server.merchant(`/v1/merchant/cases/${tracking}/moves`, { to: "approved", note: "We are sending a new box today." });
    await server.merchant(`/v1/merchant/cases/${tracking}/messages`, { body: "Your new parcel is on its way: SF 1234 5678." });
    await server.merchant(`/v1/merchant/cases/${tracking}/moves`, { to: "resolved" });
    await page.goto(server.cli("link", "case", tracking, "--shop-url", `${server.url}/`));
    await widget(page).locator("[data-testid=confirm]").waitFor();
    await shot("6-tracking");
    await widget(page).getByRole("button", { name: "Yes, it is resolved" }).click();
    await widget(page).locator("[data-testid=survey]").waitFor();
    await widget(page).locator("label[for=as-attitude-5]").click();
    await widget(page).locator("label[for=as-speed-4]").click();
    await widget(page).locator("[data-testid=survey]").scrollIntoViewIfNeeded();
    await shot("7-survey");
    await widget(page).getByRole("button", { name: "Answers" }).click();
    await widget(page).locator("input[name=q]").fill("refund");
    await widget(page).locator('li[data-id="refund-time"] summary').click();
    await shot("8-answers");
    await page.goto(`${server.url}/`);
    await page.locator("footer .support").click();
    // Each width withdraws from its own order (a withdrawal claims the items).
    const [order, email, name] = width < 500 ? ["1002", "sam@example.com", "Sam Okafor"] : ["1003", "li@example.com", "Li Wei"];
    await lookup(page, order, email);
    await widget(page).getByRole("button", { name: "Withdraw from contract here" }).click();
    await widget(page).locator("input[name=name]").fill(name);
    await shot("9-withdraw");
    await widget(page).getByRole("button", { name: "Continue" }).click();
    await widget(page).getByRole("button", { name: "Confirm withdrawal" }).click();
    await widget(page).locator("[data-testid=withdrawn]").waitFor();
    await shot("10-withdrawn");
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}
