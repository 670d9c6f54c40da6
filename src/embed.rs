//! Mounting the widget into a page: an open shadow root on a host element.

use crate::backend::{Backend, BackendHandle, HttpBackend};
use crate::components::Widget;
use crate::config::WidgetConfig;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// Mounts the widget into `host`'s open shadow root, configured by `config_json`
/// (see [`WidgetConfig`]). Called by `loader.js`. Mounting twice into the same host does
/// nothing the second time.
///
/// # Errors
/// A bad configuration: the message is also shown inside the widget area, never a blank box.
#[wasm_bindgen]
pub fn mount_shadow(host: HtmlElement, config_json: &str) -> Result<(), JsValue> {
    let root = shadow_root(&host)?;
    match WidgetConfig::parse(config_json) {
        Ok(config) => {
            mount_with_backend(&host, &root, Arc::new(HttpBackend::new(&config.api_base)))
        }
        Err(message) => {
            show_error(&root, &message)?;
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

/// Mounts the widget talking to `backend` into `root` (the shadow root of `host`): injects
/// the stylesheet, creates the container, mounts. Idempotent.
///
/// # Errors
/// When the DOM refuses an element (should not happen in a browser).
pub fn mount_with_backend(
    host: &HtmlElement,
    root: &ShadowRoot,
    backend: Arc<dyn Backend>,
) -> Result<(), JsValue> {
    if root.query_selector(".as-root")?.is_some() {
        return Ok(());
    }
    let document = host
        .owner_document()
        .ok_or_else(|| JsValue::from_str("host element is not in a document"))?;
    root.set_inner_html("");
    let style = document.create_element("style")?;
    style.set_text_content(Some(crate::STYLE));
    root.append_child(&style)?;
    let container: HtmlElement = document.create_element("div")?.dyn_into()?;
    container.set_class_name("as-root");
    container.set_attribute("part", "root")?;
    root.append_child(&container)?;

    let host_for_close = host.clone();
    let handle = BackendHandle(backend);
    leptos::mount::mount_to(container, move || {
        provide_context(handle.clone());
        let host = host_for_close.clone();
        view! { <Widget on_close=move || close(&host) /> }
    })
    .forget();
    Ok(())
}

/// Hides the host and tells the page (`as-close`, bubbling and composed).
fn close(host: &HtmlElement) {
    let _ = host.set_attribute("hidden", "");
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict("as-close", &init) {
        let _ = host.dispatch_event(&event);
    }
}

fn show_error(root: &ShadowRoot, message: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    root.set_inner_html("");
    let p = document.create_element("p")?;
    p.set_attribute("role", "alert")?;
    p.set_attribute("part", "error")?;
    p.set_attribute("style", "font:14px/1.4 system-ui,sans-serif;color:#8a1c1c;background:#fdecec;padding:12px;border-radius:8px;margin:0")?;
    p.set_text_content(Some(message));
    root.append_child(&p)?;
    Ok(())
}
