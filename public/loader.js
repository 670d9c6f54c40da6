/* After-sales widget loader. Plain script, no dependencies, safe to include more than once.
 *
 *   <script src="https://shop.example/loader.js" defer></script>
 *   <button data-after-sales-open>Returns & support</button>
 *
 * Defines <after-sales>, opens it when an element with data-after-sales-open is clicked, and
 * fetches the WebAssembly bundle only on the first open, once per page. The bundle is
 * looked up next to this script. */
(() => {
  "use strict";
  if (window.AfterSales) return;

  const scriptUrl = document.currentScript && document.currentScript.src ? document.currentScript.src : location.href;
  const base = new URL(".", scriptUrl);
  let bundle = null;

  function load() {
    if (!bundle) {
      bundle = import(new URL("aftersales-widget.js", base).href)
        .then(async (m) => {
          await m.default({ module_or_path: new URL("aftersales-widget_bg.wasm", base) });
          return m;
        })
        .catch((err) => {
          bundle = null; // let the next open try again
          throw err;
        });
    }
    return bundle;
  }

  function emit(el, name, detail) {
    el.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
  }

  function showLoadError(el, err) {
    const root = el.shadowRoot || el.attachShadow({ mode: "open" });
    root.innerHTML = "";
    const box = document.createElement("div");
    box.setAttribute("role", "alert");
    box.setAttribute("part", "error");
    box.style.cssText = "font:14px/1.4 system-ui,sans-serif;color:#8a1c1c;background:#fdecec;padding:12px 14px;border-radius:8px;max-width:360px";
    box.textContent = "The returns & support window could not be loaded. Check your connection and try again. ";
    const retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = "Try again";
    retry.style.cssText = "font:inherit;margin-left:4px";
    retry.addEventListener("click", () => el.open());
    box.appendChild(retry);
    root.appendChild(box);
    emit(el, "as-error", { message: String(err && err.message ? err.message : err) });
  }

  class AfterSalesElement extends HTMLElement {
    async open() {
      this.hidden = false;
      try {
        const m = await load();
        m.mount_shadow(this, this.getAttribute("config") || "");
        emit(this, "as-open", {});
      } catch (err) {
        console.error("after-sales:", err);
        showLoadError(this, err);
      }
    }
    close() {
      this.hidden = true;
      emit(this, "as-close", {});
    }
  }

  if (!customElements.get("after-sales")) customElements.define("after-sales", AfterSalesElement);

  function widget() {
    let el = document.querySelector("after-sales");
    if (!el) {
      el = document.createElement("after-sales");
      el.setAttribute("mode", "floating");
      el.hidden = true;
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
    open: () => widget().open(),
    close: () => widget().close(),
  };
})();
