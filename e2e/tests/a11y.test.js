// Every step of the return journey, in English and simplified Chinese, light and dark, checked
// by axe (WCAG 2.2 AA) and photographed; the same journey by keyboard alone; contrast with a
// merchant's brand colours; text at twice the size, a 320 px screen, a right-to-left page,
// reduced motion and touch target sizes.
import { test, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, newPage, ARTIFACTS } from "../lib/harness.js";
import { checkA11y, contrastIn } from "../lib/a11y.js";

let browser;
// Each test gets its own server and database: a journey returns the kettle, and the next
// journey must find it returnable again.
let server;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
});

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await server?.stop();
});

after(async () => {
  await browser?.close();
});

const widget = (page) => page.locator("after-sales");

/** The return journey as a shopper walks it, with a check after every step. */
async function walkJourney(page, { check, order = "1001", email = "mei@example.com" }) {
  await page.goto(`${server.url}/`);
  await page.locator("footer .support").click();
  await widget(page).locator(".as-panel").waitFor();
  await check("lookup");
  await widget(page).locator("button[type=submit]").click();
  await widget(page).locator("#as-email-error:not(:empty)").waitFor();
  await check("lookup-errors");
  await widget(page).locator("input[name=order_number]").fill(order);
  await widget(page).locator("input[name=email]").fill(email);
  await widget(page).locator("button[type=submit]").click();
  await widget(page).locator(".as-choices").waitFor();
  await check("choose");
  await widget(page).locator("[data-kind=return] button").click();
  await widget(page).locator(".as-line").first().waitFor();
  await check("items");
  await widget(page).locator(".as-actions button:not(.as-button--quiet)").click();
  await widget(page).locator("#as-err-lines:not(:empty)").waitFor();
  await check("items-errors");
  await widget(page).locator('.as-line[data-line-id="1001-1"] input').check();
  await widget(page).locator(".as-actions button:not(.as-button--quiet)").click();
  await widget(page).locator("select[name=reason]").waitFor();
  await widget(page).locator("select[name=reason]").selectOption("defective");
  await widget(page).locator("textarea[name='answers.what_happened']").waitFor();
  await widget(page).locator(".as-actions button:not(.as-button--quiet)").click();
  await widget(page).locator("#as-err-evidence:not(:empty)").waitFor();
  await check("details-errors");
  await widget(page).locator("select[name=reason]").selectOption("changed_mind");
  await widget(page).locator("input[name=resolution][value=refund]").check();
  await widget(page).locator("select[name=condition]").selectOption("new_unopened");
  await widget(page).locator("[data-testid=estimate]").first().waitFor();
  await check("details");
  await widget(page).locator(".as-actions button:not(.as-button--quiet)").click();
  await widget(page).locator("[data-testid=summary]").waitFor();
  await check("review");
  await widget(page).locator(".as-actions button:not(.as-button--quiet)").click();
  await widget(page).locator("[data-testid=tracking-number]").waitFor();
  await check("receipt");
}

for (const [locale, tag] of [["en-US", "en"], ["zh-CN", "zh-Hans"]]) {
  for (const colorScheme of ["light", "dark"]) {
    test(`every step passes axe in ${tag}, ${colorScheme}`, async () => {
      const page = await newPage(browser, { locale, colorScheme });
      await walkJourney(page, {
        check: async (step) => {
          assert.equal(await widget(page).locator(".as-panel").getAttribute("lang"), tag);
          await checkA11y(page, `${step} (${tag}, ${colorScheme})`);
          await page.screenshot({ path: join(ARTIFACTS, `a11y-${tag}-${colorScheme}-${step}.png`) });
        },
      });
      // The policy step too.
      await page.goto(`${server.url}/`);
      await page.locator("footer .support").click();
      await widget(page).locator("button[type=button].as-button--quiet").first().click();
      await widget(page).locator(".as-policy__list li").first().waitFor();
      await checkA11y(page, `policy (${tag}, ${colorScheme})`);
      await page.screenshot({ path: join(ARTIFACTS, `a11y-${tag}-${colorScheme}-policy.png`) });
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
}

for (const [path, launcherText, heading, seven] of [
  ["zh.html", "退换货与售后", "查找订单", /七天无理由退货/],
  ["zh-tw.html", "退換貨與售後服務", "查詢訂單", /七天無理由退貨/],
]) {
  test(`the Chinese shop page ${path} speaks its Chinese before and after the widget loads`, async () => {
    // The browser says English; the page's data-locale wins.
    const page = await newPage(browser, { locale: "en-US" });
    await page.goto(`${server.url}/examples/${path}`);
    const launcher = widget(page).locator(".as-launcher");
    assert.equal(await launcher.innerText(), launcherText);
    await launcher.click();
    await widget(page).locator(".as-step__heading").waitFor();
    assert.equal(await widget(page).locator(".as-step__heading").innerText(), heading);
    await widget(page).locator("button.as-button--quiet").click();
    const first = widget(page).locator(".as-policy__list li").first();
    await first.waitFor();
    assert.match(await first.innerText(), seven);
    await checkA11y(page, `policy on ${path}`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

/** The element focused inside the widget, described for assertions. */
const focused = (page) =>
  widget(page).evaluate((host) => {
    const a = host.shadowRoot.activeElement;
    return a ? { tag: a.tagName.toLowerCase(), name: a.getAttribute("name"), cls: a.className, text: a.textContent.trim() } : null;
  });

/** Tab until `match` holds for the focused element inside the widget (at most 40 presses). */
async function tabTo(page, match, key = "Tab") {
  for (let i = 0; i < 40; i++) {
    const f = await focused(page);
    if (f && match(f)) return f;
    await page.keyboard.press(key);
  }
  throw new Error(`never reached the wanted element; last ${JSON.stringify(await focused(page))}`);
}

/** The focused element's focus indicator against the colour behind it. */
async function focusRingContrast(page) {
  const { ring, behind, width } = await widget(page).evaluate((host) => {
    const a = host.shadowRoot.activeElement;
    const style = getComputedStyle(a);
    let bgOf = a.parentElement;
    let bg = "rgb(255, 255, 255)";
    while (bgOf) {
      const c = getComputedStyle(bgOf).backgroundColor;
      if (c && c !== "rgba(0, 0, 0, 0)" && c !== "transparent") {
        bg = c;
        break;
      }
      bgOf = bgOf.parentElement || (bgOf.getRootNode() && bgOf.getRootNode().host) || null;
    }
    return { ring: style.outlineColor, behind: bg, width: parseFloat(style.outlineWidth) };
  });
  return { width, ratio: await contrastIn(page, ring, behind) };
}

test("the journey works by keyboard alone, with a visible focus ring at every stop", async () => {
  const page = await newPage(browser, { locale: "en-US" });
  await page.goto(`${server.url}/`);
  // Tab through the shop page to the floating launcher.
  for (let i = 0; i < 40; i++) {
    const onLauncher = await page.evaluate(() => {
      const host = document.querySelector("after-sales");
      return document.activeElement === host && host.shadowRoot.activeElement?.classList.contains("as-launcher");
    });
    if (onLauncher) break;
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Enter");
  await widget(page).locator(".as-panel").waitFor();
  // Focus moved into the dialog, to the step's heading.
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.classList.contains("as-step__heading"));
  const stops = [];
  const ring = async () => {
    const r = await focusRingContrast(page);
    stops.push(r);
    assert.ok(r.width >= 2 && r.ratio >= 3, `focus ring ${JSON.stringify(r)} on ${JSON.stringify(await focused(page))}`);
  };
  await page.keyboard.press("Tab");
  assert.equal((await focused(page)).name, "order_number");
  await ring();
  await page.keyboard.type("1001");
  await page.keyboard.press("Tab");
  assert.equal((await focused(page)).name, "email");
  await ring();
  await page.keyboard.type("mei@example.com");
  await page.keyboard.press("Enter");
  await widget(page).locator(".as-choices").waitFor();
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.textContent === "What do you need help with?");

  // Shift+Tab from the heading goes back up through the help links, then the header: close,
  // then language.
  for (const link of ["Policy", "Track a request", "Answers"]) {
    await page.keyboard.press("Shift+Tab");
    assert.equal((await focused(page)).text, link);
    await ring();
  }
  await page.keyboard.press("Shift+Tab");
  assert.equal((await focused(page)).cls, "as-header__close");
  await ring();
  await page.keyboard.press("Shift+Tab");
  assert.equal((await focused(page)).name, "language");
  await ring();
  // Shift+Tab at the first control wraps to the last: the dialog keeps focus inside.
  await page.keyboard.press("Shift+Tab");
  assert.equal((await focused(page)).text, "Another order");
  await page.keyboard.press("Tab");
  assert.equal((await focused(page)).name, "language", "Tab at the last control wraps to the first");

  // "Return an item", then the only returnable item with Space, then on.
  await tabTo(page, (f) => f.cls === "as-choice__button");
  await ring();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.textContent === "Which items?");
  await tabTo(page, (f) => f.tag === "input" && f.name === "as-line");
  await ring();
  await page.keyboard.press("Space");
  assert.equal(await widget(page).locator('.as-line[data-line-id="1001-1"] input').isChecked(), true);
  await tabTo(page, (f) => f.text === "Continue");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.textContent === "What happened?");
  // Arrows choose in a select without opening it; arrows move between radios.
  await page.keyboard.press("Tab");
  assert.equal((await focused(page)).name, "reason");
  await ring();
  await page.keyboard.press("ArrowDown");
  assert.equal(await widget(page).locator("select[name=reason]").inputValue(), "changed_mind");
  await tabTo(page, (f) => f.name === "resolution");
  await ring();
  await page.keyboard.press("Space");
  await tabTo(page, (f) => f.name === "condition");
  await page.keyboard.press("ArrowDown");
  assert.equal(await widget(page).locator("select[name=condition]").inputValue(), "new_unopened");
  await tabTo(page, (f) => f.text === "Continue");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.textContent === "Check and send");
  await tabTo(page, (f) => f.text === "Send request");
  await ring();
  await page.keyboard.press("Enter");
  await widget(page).locator("[data-testid=tracking-number]").waitFor();
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.textContent === "Your request is in");

  // Escape closes the dialog and focus returns to the launcher.
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.classList.contains("as-launcher"));
  assert.equal(await widget(page).locator(".as-root").getAttribute("hidden"), "");
  assert.ok(stops.length >= 7);
  const rows = server.query("SELECT count(*) AS n FROM cases WHERE order_number = '1001'");
  assert.ok(rows[0].n >= 1);
  await page.close();
});

const BRANDS = ["#1f5fbf", "#ff0000", "#ffd400", "#00a86b", "#7b2ff7", "#ff69b4", "#8b4513", "#00bfff", "#808080", "#ff8c00", "#000000", "#ffffff", "#6b8e23", "#e91e63", "#40e0d0", "#c0c0c0"];

test("any brand colour keeps text readable (4.5:1) in light and dark", async () => {
  // Without transitions, so the colours read are the new brand's at once.
  const page = await newPage(browser, { reducedMotion: "reduce" });
  await page.goto(`${server.url}/examples/themes.html`);
  await page.locator("#light .as-panel").waitFor();
  await page.locator("#dark .as-panel").waitFor();
  const failures = [];
  for (const brand of BRANDS) {
    for (const id of ["light", "dark"]) {
      const colours = await page.locator(`#${id}`).evaluate((host, brand) => {
        host.style.setProperty("--as-brand", brand);
        const root = host.shadowRoot;
        const css = (sel, prop) => getComputedStyle(root.querySelector(sel))[prop];
        return {
          header: [css(".as-header__title", "color"), css(".as-header", "backgroundColor")],
          button: [css(".as-button:not(.as-button--quiet)", "color"), css(".as-button:not(.as-button--quiet)", "backgroundColor")],
          quiet: [css(".as-button--quiet", "color"), css(".as-panel", "backgroundColor")],
        };
      }, brand);
      for (const [what, [fg, bg]] of Object.entries(colours)) {
        const ratio = await contrastIn(page, fg, bg);
        if (ratio < 4.5) failures.push(`${brand} ${id} ${what}: ${fg} on ${bg} = ${ratio.toFixed(2)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  await page.close();
});

test("twice the text size and a 320 px screen: nothing overflows, targets stay 44 px", async () => {
  for (const [label, viewport, fontSize] of [["200% text", { width: 1100, height: 760 }, 32], ["320 px", { width: 320, height: 640 }, 16]]) {
    if (label === "320 px") {
      await server.stop();
      server = await startServer();
    }
    const page = await newPage(browser, { viewport, locale: "en-US", hasTouch: true });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: fontSize, fixed: Math.round(fontSize * 0.8) } });
    await walkJourney(page, {
      check: async (step) => {
        const m = await widget(page).evaluate((host) => {
          const root = host.shadowRoot;
          const panel = root.querySelector(".as-panel");
          const body = getComputedStyle(root.querySelector(".as-root")).fontSize;
          const small = [...root.querySelectorAll("button, select, input:not([type=radio]):not([type=checkbox]):not([type=file]), .as-line__label, .as-radio")]
            .filter((e) => e.offsetParent)
            .map((e) => [e.className || e.name, e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44)
            .map(([n, r]) => `${n} ${Math.round(r.width)}x${Math.round(r.height)}`);
          const rect = panel.getBoundingClientRect();
          return { body, small, overflow: panel.scrollWidth - panel.clientWidth, left: rect.left, right: rect.right, vw: innerWidth };
        });
        assert.equal(m.body, `${fontSize}px`, `${label} ${step}: body text follows the browser's font size`);
        assert.deepEqual(m.small, [], `${label} ${step}: targets under 44 px`);
        assert.ok(m.overflow <= 0, `${label} ${step}: the panel scrolls sideways by ${m.overflow}px`);
        assert.ok(m.left >= 0 && m.right <= m.vw, `${label} ${step}: the panel leaves the screen (${m.left}..${m.right} of ${m.vw})`);
        await page.screenshot({ path: join(ARTIFACTS, `a11y-${label.replace(/\W+/g, "")}-${step}.png`) });
      },
    });
    await page.close();
  }
});

test("a right-to-left page: the launcher sits at the inline end and the panel stays whole", async () => {
  const page = await newPage(browser, { locale: "en-US" });
  await page.goto(`${server.url}/examples/rtl.html`);
  const launcher = widget(page).locator(".as-launcher");
  const box = await launcher.boundingBox();
  assert.ok(box.x < 200, `on a right-to-left page the launcher is on the left (x = ${box.x})`);
  await launcher.click();
  await widget(page).locator(".as-panel").waitFor();
  const m = await widget(page).locator(".as-panel").evaluate((p) => {
    const r = p.getBoundingClientRect();
    return { left: r.left, right: r.right, vw: innerWidth, dir: getComputedStyle(p).direction, overflow: p.scrollWidth - p.clientWidth };
  });
  assert.equal(m.dir, "ltr", "the widget's own languages run left to right");
  assert.ok(m.left >= 0 && m.right <= m.vw && m.overflow <= 0, JSON.stringify(m));
  await checkA11y(page, "rtl lookup");
  await page.screenshot({ path: join(ARTIFACTS, "a11y-rtl.png") });
  await page.close();
});

test("reduced motion turns transitions off", async () => {
  for (const [reducedMotion, moving] of [["no-preference", true], ["reduce", false]]) {
    const page = await newPage(browser, { reducedMotion });
    await page.goto(`${server.url}/`);
    await page.locator("footer .support").click();
    await widget(page).locator(".as-panel").waitFor();
    const duration = await widget(page).locator(".as-button").first().evaluate((b) => getComputedStyle(b).transitionDuration);
    assert.equal(duration !== "0s", moving, `${reducedMotion}: ${duration}`);
    await page.close();
  }
});

test("the axe harness sees inside the widget's shadow root (a planted fault fails it)", async () => {
  const page = await newPage(browser);
  await page.goto(`${server.url}/`);
  await page.locator("footer .support").click();
  await widget(page).locator(".as-panel").waitFor();
  await checkA11y(page, "clean lookup");
  // An unlabelled field and grey-on-white text, planted inside the shadow root (styled
  // through the CSSOM: the shop's CSP refuses inline style attributes).
  await widget(page).evaluate((host) => {
    const body = host.shadowRoot.querySelector(".as-body");
    body.insertAdjacentHTML("afterbegin", '<input type="text" class="planted"><p class="faint">faint</p>');
    const faint = body.querySelector(".faint");
    faint.style.color = "#bbb";
    faint.style.background = "#fff";
  });
  await assert.rejects(checkA11y(page, "planted"), (err) => /"id": "label"/.test(err.message) && /"id": "color-contrast"/.test(err.message));
  // And an unfilled placeholder is caught too.
  await widget(page).evaluate((host) => {
    host.shadowRoot.querySelector(".planted").remove();
    host.shadowRoot.querySelector(".faint").remove();
    host.shadowRoot.querySelector(".as-intro").textContent = "Order {number}";
  });
  await assert.rejects(checkA11y(page, "placeholder"), /unfilled placeholder/);
  await page.close();
});

test("focus goes back to the page's own button, and an inline widget never takes the page's focus", async () => {
  const page = await newPage(browser);
  await page.goto(`${server.url}/`);
  await page.locator("footer .support").focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.classList.contains("as-step__heading"));
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.activeElement?.classList.contains("support"));
  // Opened again: focus is inside the dialog again.
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("after-sales").shadowRoot.activeElement?.classList.contains("as-step__heading"));

  await page.goto(`${server.url}/examples/inline.html`);
  await page.locator("after-sales .as-panel").waitFor();
  await page.waitForTimeout(300);
  const where = await page.evaluate(() => [document.activeElement.tagName, document.querySelector("after-sales").shadowRoot.activeElement]);
  assert.deepEqual(where, ["BODY", null], "loading an inline widget leaves the page's focus alone");
  assert.equal(await page.locator("after-sales .as-panel").getAttribute("role"), "region");
  await checkA11y(page, "inline lookup");
  await page.close();
});

test("the loader and the widget choose the same language from the browser's", async () => {
  // The loader words the launcher before the widget exists, with its own copy of the rule
  // in Locale::from_tag: both must agree for every kind of tag.
  const titles = { en: "Returns & support", "zh-Hans": "退换货与售后", "zh-Hant": "退換貨與售後服務" };
  for (const [browserLocale, want] of [["en-GB", "en"], ["zh", "zh-Hans"], ["zh-SG", "zh-Hans"], ["zh-TW", "zh-Hant"], ["zh-HK", "zh-Hant"], ["zh-MO", "zh-Hant"], ["fr-FR", "en"]]) {
    const page = await newPage(browser, { locale: browserLocale });
    await page.goto(`${server.url}/`);
    const launcher = widget(page).locator(".as-launcher");
    assert.equal(await launcher.innerText(), titles[want], `launcher for ${browserLocale}`);
    await launcher.click();
    await widget(page).locator(".as-panel").waitFor();
    assert.equal(await widget(page).locator(".as-panel").getAttribute("lang"), want, `widget for ${browserLocale}`);
    assert.equal(await widget(page).locator(".as-header__title").innerText(), titles[want]);
    await page.close();
  }
});
