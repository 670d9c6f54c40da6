// Every step of a request photographed at a phone's width (390 px) and a desktop's (1280 px),
// for people to look at (e2e/artifacts/screens-*.png); the best are kept in docs/images.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, newPage, ARTIFACTS } from "../lib/harness.js";
import { widget, start, pickLine, next, send, jpeg } from "../lib/widget.js";

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
