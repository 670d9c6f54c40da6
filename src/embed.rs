//! Mounting the widget into a page: an open shadow root on the `<after-sales>` host, its
//! stylesheet adopted there, and the events the page can listen to.

use crate::backend::{Backend, BackendHandle};
use crate::config::{Theme, WidgetConfig};
use crate::i18n::{negotiate, I18n, Lang, Locale};
use crate::state::WidgetEvent;
use crate::ui::FocusSteps;
use crate::widget::Widget;
use aftersales_core::api::LookupRequest;
use aftersales_core::follow::CaseAccess;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

#[wasm_bindgen]
extern "C" {
    /// A constructable stylesheet: adopted by the shadow root, it is not an inline `<style>`,
    /// so a page's strict Content-Security-Policy (`style-src 'self'`) does not block it.
    #[wasm_bindgen(js_name = CSSStyleSheet)]
    type Sheet;
    #[wasm_bindgen(constructor, js_class = "CSSStyleSheet", catch)]
    fn new() -> Result<Sheet, JsValue>;
    #[wasm_bindgen(method, js_name = replaceSync, catch)]
    fn replace_sync(this: &Sheet, text: &str) -> Result<(), JsValue>;
}

/// Mounts the widget into `host`'s open shadow root, configured by `config_json` (the
/// element's `data-*` attributes as a JSON object, see [`WidgetConfig`]). Called by
/// `loader.js`. Mounting again into the same host only shows it and applies a new
/// `order`/`email`.
///
/// # Errors
/// A bad configuration: the message is also shown inside the widget area, never a blank box.
#[wasm_bindgen]
pub fn mount_shadow(host: HtmlElement, config_json: &str) -> Result<(), JsValue> {
    let root = shadow_root(&host)?;
    adopt_style(&host, &root)?;
    warn_misplaced_settings(&host);
    match WidgetConfig::parse(config_json) {
        Ok(config) => {
            mount_with_backend(&host, &root, crate::backend::for_config(&config), &config)
        }
        Err(message) => {
            // A wrong setting is the merchant's to fix: the sentence goes to the console, and
            // into the page only where the merchant looks (data-debug, or a local address).
            // A shopper is told the widget is unavailable, with the shop's contact if given.
            web_sys::console::error_1(&JsValue::from_str(&message));
            let fallback = crate::config::Fallback::of(config_json);
            if fallback.debug || is_local_page() {
                show_error(&host, &root, &message, None)?;
            } else {
                let browser = browser_languages();
                let lang =
                    negotiate(browser.iter().map(String::as_str)).unwrap_or(Lang::of(Locale::En));
                let contact = fallback
                    .contact
                    .as_deref()
                    .map(|href| (href, lang.t(crate::i18n::Msg::ConfigContact)));
                show_error(
                    &host,
                    &root,
                    lang.t(crate::i18n::Msg::ConfigUnavailable),
                    contact,
                )?;
            }
            emit(
                &host,
                "as-error",
                &format!(r#"{{"message":{}}}"#, json_string(&message)),
            );
            Err(JsValue::from_str(&message))
        }
    }
}

/// The host's open shadow root, attached on first use.
///
/// # Errors
/// When the element cannot host a shadow root (e.g. an `<input>`), or has a closed one.
pub fn shadow_root(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    if let Some(root) = host.shadow_root() {
        return Ok(root);
    }
    host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
}

/// Adds the widget's stylesheet to the root, once: adopted where the browser supports it,
/// else as a `<style>` element.
fn adopt_style(host: &HtmlElement, root: &ShadowRoot) -> Result<(), JsValue> {
    let key = JsValue::from_str("asStyled");
    if js_sys::Reflect::get(root, &key)?.is_truthy() {
        return Ok(());
    }
    let adopted = Sheet::new().and_then(|sheet| {
        sheet.replace_sync(crate::STYLE)?;
        let current = js_sys::Reflect::get(root, &JsValue::from_str("adoptedStyleSheets"))?;
        let list = js_sys::Array::from(&current);
        list.push(&sheet);
        js_sys::Reflect::set(root, &JsValue::from_str("adoptedStyleSheets"), &list)
    });
    if adopted.is_err() {
        let document = host
            .owner_document()
            .ok_or_else(|| JsValue::from_str("host element is not in a document"))?;
        let style = document.create_element("style")?;
        style.set_text_content(Some(crate::STYLE));
        root.append_child(&style)?;
    }
    js_sys::Reflect::set(root, &key, &JsValue::TRUE)?;
    Ok(())
}

/// Mounts the widget talking to `backend` into `root` (the shadow root of `host`), next to
/// whatever the loader put there (the launcher). Idempotent: a second call shows the panel
/// and applies `config.order`/`config.email`.
///
/// # Errors
/// When the DOM refuses an element (should not happen in a browser).
pub fn mount_with_backend(
    host: &HtmlElement,
    root: &ShadowRoot,
    backend: Arc<dyn Backend>,
    config: &WidgetConfig,
) -> Result<(), JsValue> {
    adopt_style(host, root)?;
    // A case link opens the case; an order link or the page's order looks the order up.
    let opening = config.case.clone().map(|tracking_number| CaseAccess {
        tracking_number,
        email: String::new(),
        token: config.token.clone().unwrap_or_default(),
    });
    let prefill = config
        .order
        .clone()
        .filter(|_| opening.is_none())
        .map(|order_number| LookupRequest {
            order_number,
            email: config.email.clone().unwrap_or_default(),
            token: config.token.clone().unwrap_or_default(),
        });
    if let Some(container) = root.query_selector(".as-root")? {
        container.remove_attribute("hidden")?;
        // Opened again: focus goes back into the panel, to the step's heading.
        if let Some(heading) = container.query_selector(".as-step__heading")? {
            if let Ok(h) = heading.dyn_into::<HtmlElement>() {
                let _ = h.focus();
            }
        }
        if let Some(LookupRequest {
            order_number: order,
            email,
            ..
        }) = prefill.filter(|p| p.token.is_empty())
        {
            let apply = js_sys::Reflect::get(host, &JsValue::from_str("asLookup"))?;
            if let Some(f) = apply.dyn_ref::<js_sys::Function>() {
                f.call2(
                    &JsValue::NULL,
                    &JsValue::from_str(&order),
                    &JsValue::from_str(&email),
                )?;
            }
        }
        return Ok(());
    }
    let document = host
        .owner_document()
        .ok_or_else(|| JsValue::from_str("host element is not in a document"))?;
    for stale in [".as-load-error", ".as-config-error"] {
        if let Some(e) = root.query_selector(stale)? {
            e.remove();
        }
    }
    match config.theme {
        Theme::Auto => {}
        Theme::Light => host.set_attribute("theme", "light")?,
        Theme::Dark => host.set_attribute("theme", "dark")?,
    }
    let container: HtmlElement = document.create_element("div")?.dyn_into()?;
    container.set_class_name("as-root");
    container.set_attribute("part", "root")?;
    root.append_child(&container)?;

    let modal = host.get_attribute("mode").as_deref() == Some("floating");
    crate::i18n::set_overrides(&config.messages);
    let browser = browser_languages();
    let tags = config
        .locale
        .iter()
        .map(String::as_str)
        .chain(browser.iter().map(String::as_str));
    let (lang, settled) = match negotiate(tags) {
        Some(lang) => (lang, true),
        None => (Lang::of(Locale::En), false),
    };
    let host = host.clone();
    let handle = BackendHandle(backend);
    let (view, policy_url) = (config.view, config.policy_url.clone());
    leptos::mount::mount_to(container, move || {
        provide_context(handle.clone());
        provide_context(I18n::new(lang.clone(), settled));
        provide_context(FocusSteps(StoredValue::new(modal)));
        let wanted = RwSignal::new(prefill.clone());
        // `host.asLookup(order, email)`: the loader's `AfterSales.open({order, email})`.
        let lookup =
            Closure::<dyn Fn(String, String)>::new(move |order_number: String, email: String| {
                wanted.set(Some(LookupRequest::typed(&order_number, &email)));
            });
        let _ = js_sys::Reflect::set(&host, &JsValue::from_str("asLookup"), lookup.as_ref());
        lookup.forget();
        let host = host.clone();
        view! { <Widget prefill=wanted on_event=move |e: WidgetEvent| on_event(&host, e) view=view opening=opening.clone() policy_url=policy_url.clone() modal=modal /> }
    })
    .forget();
    // The first screen is up: fetch the journeys' code while the shopper reads and types.
    crate::journeys::lazy::preload();
    Ok(())
}

/// The browser's preferred languages (`navigator.languages`), best first.
fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default()
}

fn on_event(host: &HtmlElement, event: WidgetEvent) {
    match event {
        WidgetEvent::Close => {
            crate::backend::abort_open_requests();
            if let Some(root) = host
                .shadow_root()
                .and_then(|r| r.query_selector(".as-root").ok().flatten())
            {
                let _ = root.set_attribute("hidden", "");
            }
            emit(host, "as-close", "{}");
        }
        WidgetEvent::CaseSubmitted {
            tracking_number,
            kind,
        } => {
            let detail = format!(
                r#"{{"kind":{},"tracking_number":{}}}"#,
                json_string(&kind),
                json_string(&tracking_number)
            );
            emit(host, "as-case-submitted", &detail);
        }
    }
}

/// A JSON string literal (built by hand: `serde_json::Value` would add kilobytes to the bundle).
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Dispatches `name` on the host as a `CustomEvent` that bubbles and crosses shadow roots.
fn emit(host: &HtmlElement, name: &str, detail_json: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&js_sys::JSON::parse(detail_json).unwrap_or(JsValue::NULL));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// The sentence in the widget area, with a link to the shop's contact (`(href, text)`).
fn show_error(
    host: &HtmlElement,
    root: &ShadowRoot,
    message: &str,
    contact: Option<(&str, &str)>,
) -> Result<(), JsValue> {
    let document = host
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let p = match root.query_selector(".as-config-error")? {
        Some(p) => p,
        None => {
            let p = document.create_element("p")?;
            p.set_class_name("as-config-error");
            p.set_attribute("role", "alert")?;
            p.set_attribute("part", "error")?;
            root.append_child(&p)?;
            p
        }
    };
    p.set_text_content(Some(message));
    if let Some((href, text)) = contact {
        let a = document.create_element("a")?;
        a.set_attribute("href", href)?;
        a.set_attribute("part", "link")?;
        a.set_text_content(Some(text));
        p.append_with_str_1(" ")?;
        p.append_child(&a)?;
    }
    Ok(())
}

/// The page is served from this machine (the merchant setting it up), not to shoppers.
fn is_local_page() -> bool {
    let host = web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_default();
    matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1")
        || host.ends_with(".localhost")
}

/// Warns in the console about attributes that look like settings but lack `data-`.
fn warn_misplaced_settings(host: &HtmlElement) {
    let attributes: Vec<(String, String)> = host
        .get_attribute_names()
        .iter()
        .filter_map(|n| n.as_string())
        .map(|n| {
            let v = host.get_attribute(&n).unwrap_or_default();
            (n, v)
        })
        .collect();
    for warning in crate::config::misplaced_settings(&attributes) {
        web_sys::console::warn_1(&JsValue::from_str(&warning));
    }
}
