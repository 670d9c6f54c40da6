// Steps of the widget's journeys, driven the way a shopper drives them.

/** The widget's host element (its shadow root is pierced by Playwright's locators). */
export const widget = (page) => page.locator("after-sales");

/** Opens the demo shop and the widget from the footer's "Returns & support". */
export async function openWidget(page, url) {
  await page.goto(`${url}/`);
  await page.locator("footer .support").click();
  await widget(page).locator(".as-panel").waitFor();
}

/** Types the order number and e-mail and asks for the order. */
export async function lookup(page, number, email) {
  await widget(page).locator("input[name=order_number]").fill(number);
  await widget(page).locator("input[name=email]").fill(email);
  await widget(page).getByRole("button", { name: "Find my order" }).click();
}

/** Finds the order and picks a kind of request ("return", "repair", "logistics_issue", …). */
export async function start(page, url, { order, email, kind }) {
  await openWidget(page, url);
  await lookup(page, order, email);
  await widget(page).locator(".as-choices").waitFor();
  await widget(page).locator(`[data-kind=${kind}] button`).click();
}

/** Checks a line and sets its quantity with the stepper. */
export async function pickLine(page, id, quantity = 1) {
  const line = widget(page).locator(`.as-line[data-line-id="${id}"]`);
  await line.locator("input[type=checkbox]").check();
  for (let n = 1; n < quantity; n++) await line.getByRole("button", { name: /^One more/ }).click();
  if (quantity > 1) await line.locator(`[data-testid=quantity]:text-is("${quantity}")`).waitFor();
}

/** On the details of a return: "changed my mind", with this resolution and condition. */
export async function changedMind(page, resolution, condition) {
  await widget(page).locator("select[name=reason]").selectOption("changed_mind");
  await widget(page).locator(`input[name=resolution][value=${resolution}]`).check();
  await widget(page).locator("select[name=condition]").selectOption(condition);
}

/** Presses the step's main "Continue". */
export const next = (page) => widget(page).getByRole("button", { name: "Continue" }).click();

/** Sends the request from the review and waits for the receipt's tracking number. */
export async function send(page) {
  await widget(page).getByRole("button", { name: "Send request" }).click();
  const number = widget(page).locator("[data-testid=tracking-number]");
  await number.waitFor();
  return number.innerText();
}

/** A small real JPEG made by the browser's canvas, as bytes. */
export async function jpeg(page, { width = 320, height = 240, colour = "#b5452e" } = {}) {
  const b64 = await page.evaluate(
    ([w, h, c]) => {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = "#fff";
      ctx.fillRect(w / 4, h / 4, w / 2, h / 2);
      return canvas.toDataURL("image/jpeg", 0.9).split(",")[1];
    },
    [width, height, colour],
  );
  return Buffer.from(b64, "base64");
}

/** The JPEG with an EXIF block carrying a GPS position spliced in after its SOI marker. */
export function withGps(bytes) {
  const payload = Buffer.from("Exif\0\0GPSLatitude=31.2304N;GPSLongitude=121.4737E", "latin1");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(payload.length + 2);
  return Buffer.concat([bytes.subarray(0, 2), Buffer.from([0xff, 0xe1]), len, payload, bytes.subarray(2)]);
}
