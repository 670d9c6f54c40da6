/* After-sales widget loader, v1. Plain script, no dependencies, safe to include twice.
 *
 *   <script src="https://shop.example/v1/loader.js" integrity="sha384-…" crossorigin="anonymous"
 *           data-api="/shop-api" defer></script>
 *
 * Defines <after-sales>. With only the script tag it adds a floating "Returns & support"
 * launcher; the widget (WebAssembly) is fetched on the first open — or when the launcher is
 * hovered or focused — once per page, with Subresource Integrity. See docs/embedding.md. */
(() => {
  "use strict";
  const VERSION = "1";
  // scripts/package.mjs writes the content-hashed file names and their integrity here.
  const FILES = /*@MANIFEST*/ { js: "aftersales-widget.js", wasm: "aftersales-widget_bg.wasm" } /*@END*/;
  // scripts/package.mjs fills in these words from the widget's catalogs (locales/*.json).
  const TEXTS = /*@TEXTS*/ { en: { title: "Returns & support", failed: "The returns & support window could not be loaded. Check your connection and try again.", retry: "Try again" } } /*@END*/;

  /** The catalog for an element: its data-locale, else the browser's languages (as the widget
   *  chooses: zh-TW, zh-HK, zh-MO and zh-Hant-* are traditional Chinese, other zh simplified). */
  function words(el) {
    const wanted = [el.getAttribute("data-locale"), ...(navigator.languages || [])].filter(Boolean);
    for (const tag of wanted) {
      const parts = tag.toLowerCase().split(/[-_]/);
      const pick = parts[0] === "en" ? "en" : parts[0] === "zh" ? (parts.includes("hans") ? "zh-Hans" : parts.some((p) => ["hant", "tw", "hk", "mo"].includes(p)) ? "zh-Hant" : "zh-Hans") : null;
      if (pick && TEXTS[pick]) return TEXTS[pick];
    }
    return TEXTS.en;
  }

  if (window.AfterSales) {
    if (window.AfterSales.version !== VERSION) {
      console.warn(`after-sales: loader v${VERSION} ignored, v${window.AfterSales.version} is already on the page`);
    }
    return;
  }

  const script = document.currentScript;
  const base = new URL(".", script && script.src ? script.src : location.href);
  let bundle = null;

  function load() {
    if (!bundle) {
      const js = new URL(FILES.js, base).href;
      // A module import cannot carry integrity itself: preload the entry and what it imports
      // with their hashes first.
      const preload = FILES.js_integrity ? [[FILES.js, FILES.js_integrity], ...(FILES.modules || [])] : [];
      for (const [href, integrity] of preload) {
        const link = document.createElement("link");
        link.rel = "modulepreload";
        link.href = new URL(href, base).href;
        link.integrity = integrity;
        link.crossOrigin = "anonymous";
        document.head.appendChild(link);
      }
      // The WebAssembly downloads alongside the modules, not after them.
      const url = new URL(FILES.wasm, base);
      const wasm = FILES.wasm_integrity ? fetch(url, { integrity: FILES.wasm_integrity, credentials: "same-origin" }) : url;
      bundle = import(js)
        .then(async (m) => {
          await m.default({ module_or_path: wasm });
          return m;
        })
        .catch((err) => {
          bundle = null; // the next open tries again
          throw err;
        });
    }
    return bundle;
  }

  // The launcher and the load-error box exist before the widget's own stylesheet arrives.
  const CSS = `
:host{all:initial!important;display:block!important}
:host([hidden]){display:none!important}
:host([mode=floating]){position:fixed!important;inset-inline-end:16px!important;inset-block-end:16px!important;z-index:2147483000!important;display:flex!important;flex-direction:column-reverse;align-items:flex-end}
.as-launcher{font:600 1em/1.2 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC",sans-serif;color:var(--as-on-brand,#fff);background:var(--as-brand,#1f5fbf);border:0;border-radius:999px;min-height:48px;padding:.75em 1.25em;box-shadow:0 6px 20px rgba(15,23,42,.25);cursor:pointer}
.as-launcher:focus-visible{outline:3px solid var(--as-text,#1b1f24);outline-offset:2px;box-shadow:0 0 0 2px #fff,0 6px 20px rgba(15,23,42,.25)}
.as-launcher[hidden]{display:none}
.as-launcher[aria-busy=true]::after{content:"";display:inline-block;width:1em;height:1em;margin-inline-start:.5em;vertical-align:-.2em;border:2px solid;border-top-color:#0000;border-radius:50%;animation:as-spin 1s linear infinite}
@keyframes as-spin{to{rotate:1turn}}
.as-load-error{font:.875em/1.4 system-ui,sans-serif;color:#8a1c1c;background:#fdecec;padding:12px 14px;border-radius:8px;max-width:360px;margin:0 0 12px;text-align:left}
.as-load-error button{font:inherit;margin-left:6px}
.as-root{margin-bottom:12px}`;
  let sheet = null;
  function styled(root) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [sheet, ...root.adoptedStyleSheets];
    return root;
  }

  function emit(el, name, detail) {
    el.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
  }

  /** The element's data-* attributes as the widget's settings ({"api": "/x", ...}). */
  function settings(el, extra) {
    const out = {};
    for (const a of el.attributes) if (a.name.startsWith("data-")) out[a.name.slice(5)] = a.value;
    return JSON.stringify(Object.assign(out, extra));
  }

  /** A signed link in the page's address (?as-case=…&as-token=… or ?as-order=…&as-token=…). */
  function linked() {
    const q = new URLSearchParams(location.search);
    const token = q.get("as-token") || "";
    if (q.get("as-case")) return { case: q.get("as-case"), token };
    if (q.get("as-order") && token) return { order: q.get("as-order"), token };
    return null;
  }

  class AfterSalesElement extends HTMLElement {
    connectedCallback() {
      const root = styled(this.shadowRoot || this.attachShadow({ mode: "open" }));
      if (this.getAttribute("mode") === "floating") {
        if (!root.querySelector(".as-launcher")) {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "as-launcher";
          b.setAttribute("part", "launcher");
          b.textContent = this.getAttribute("label") || words(this).title;
          b.addEventListener("click", () => this.open());
          const prefetch = () => load().catch(() => {});
          b.addEventListener("pointerenter", prefetch, { once: true });
          b.addEventListener("focus", prefetch, { once: true });
          root.appendChild(b);
        }
        this.addEventListener("as-close", () => {
          this.launcher(true);
          // Focus goes back where it was when the widget opened (else to the launcher).
          const back = this.opener && this.opener.isConnected ? this.opener : root.querySelector(".as-launcher");
          this.opener = null;
          if (back) back.focus();
        });
      } else if (!this.observer) {
        // Inline: load when the element comes into view.
        this.observer = new IntersectionObserver((seen) => {
          if (seen.some((e) => e.isIntersecting)) {
            this.observer.disconnect();
            this.open(linked());
          }
        });
        this.observer.observe(this);
      }
    }

    launcher(show) {
      const b = this.shadowRoot && this.shadowRoot.querySelector(".as-launcher");
      if (b) b.hidden = !show;
    }

    /** Opens the widget; with {order, email} it looks that order up straight away, with
     * {case, token} or {order, token} (a signed link) it opens that case or order. */
    async open(opts) {
      this.hidden = false;
      const active = document.activeElement;
      if (!this.opener && active && active !== document.body && active !== this) this.opener = active;
      const o = opts || {};
      const extra = {};
      // An order goes with its e-mail or a link's token, a case with its token; else ignored.
      const pairs = o.case ? ["case", "token"] : o.order && (o.email || o.token) ? ["order", "email", "token"] : [];
      for (const k of pairs) if (o[k]) extra[k] = String(o[k]);
      // From the tap until the widget is up, the launcher shows that it is coming.
      const b = this.shadowRoot.querySelector(".as-launcher");
      if (b) b.setAttribute("aria-busy", "true");
      try {
        const m = await load();
        const failed = this.shadowRoot.querySelector(".as-load-error");
        if (failed) failed.remove();
        m.mount_shadow(this, settings(this, extra));
        this.launcher(false);
        emit(this, "as-open", {});
      } catch (err) {
        // A configuration mistake is already shown in the widget area; say it here too.
        if (!(err instanceof Error) && this.shadowRoot.querySelector(".as-config-error")) console.error(`after-sales: ${err}`);
        else this.failed(err);
      } finally {
        if (b) b.removeAttribute("aria-busy");
      }
    }

    close() {
      const panel = this.shadowRoot && this.shadowRoot.querySelector(".as-root");
      if (!panel || panel.hidden) return;
      panel.hidden = true;
      emit(this, "as-close", {});
    }

    failed(err) {
      console.error("after-sales: the widget could not be loaded", err);
      const root = this.shadowRoot;
      let box = root.querySelector(".as-load-error");
      if (!box) {
        box = document.createElement("p");
        box.className = "as-load-error";
        box.setAttribute("role", "alert");
        box.setAttribute("part", "error");
        root.appendChild(box);
      }
      const t = words(this);
      box.textContent = t.failed;
      const retry = document.createElement("button");
      retry.type = "button";
      retry.textContent = t.retry;
      retry.addEventListener("click", () => this.open());
      box.appendChild(retry);
      emit(this, "as-error", { message: String(err && err.message ? err.message : err) });
    }
  }

  if (!customElements.get("after-sales")) customElements.define("after-sales", AfterSalesElement);

  function widget() {
    let el = document.querySelector("after-sales");
    if (!el) {
      el = document.createElement("after-sales");
      el.setAttribute("mode", "floating");
      if (script) {
        for (const a of script.attributes) {
          if (a.name.startsWith("data-") && a.name !== "data-launcher") el.setAttribute(a.name, a.value);
        }
      }
      document.body.appendChild(el);
    }
    return el;
  }

  document.addEventListener("click", (event) => {
    const trigger = event.target instanceof Element ? event.target.closest("[data-after-sales-open]") : null;
    if (!trigger) return;
    event.preventDefault();
    widget().open();
  });

  window.AfterSales = {
    version: VERSION,
    open: (opts) => widget().open(opts),
    close: () => widget().close(),
    /** Listens to "open", "close", "case-submitted" or "error"; returns a function that stops. */
    on(name, fn) {
      const type = name.startsWith("as-") ? name : `as-${name}`;
      const listener = (e) => fn(e.detail, e);
      document.addEventListener(type, listener);
      return () => document.removeEventListener(type, listener);
    },
  };

  // With only the script tag: the floating launcher, once the page is parsed.
  const start = () => {
    if (script && script.dataset.launcher !== "none" && !document.querySelector("after-sales")) widget();
    // A link from the shop's e-mail opens the widget on its case or order.
    const link = linked();
    const el = document.querySelector("after-sales");
    if (link && el && el.getAttribute("mode") === "floating") el.open(link);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
