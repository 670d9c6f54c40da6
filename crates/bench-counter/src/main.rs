//! The baseline of `scripts/bench`: the smallest Leptos app mounted the way the widget is
//! (an exported `mount_shadow` into an open shadow root), built with the same profile,
//! Trunk and wasm-opt settings.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

/// Mounts a counter into `host`'s shadow root.
///
/// # Errors
/// When the host cannot take a shadow root.
#[wasm_bindgen]
pub fn mount_shadow(host: HtmlElement, _config: &str) -> Result<(), JsValue> {
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let document = host
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let container: HtmlElement = document.create_element("div")?.unchecked_into();
    root.append_child(&container)?;
    leptos::mount::mount_to(container, || {
        let count = RwSignal::new(0);
        view! { <button on:click=move |_| count.update(|n| *n += 1)>"Count: " {move || count.get()}</button> }
    })
    .forget();
    Ok(())
}

fn main() {}
