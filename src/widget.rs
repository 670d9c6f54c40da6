use crate::config::View;
use crate::i18n::{tr, use_i18n, Lang, Locale, Msg};
use crate::journeys::store::Drafts;
use crate::journeys::{CaseJourney, ChooseView, LookupForm, PolicyView, ReceiptView};
use crate::state::{Events, Step, WidgetEvent};
use aftersales_core::api::LookupRequest;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What can take focus inside the panel, for the focus trap.
#[rustfmt::skip]
const FOCUSABLE: &str = "button:not([disabled]), select:not([disabled]), input:not([disabled]), a[href], [tabindex=\"0\"]"; // i18n-ok: a CSS selector

/// The whole widget: a panel whose body is the current step.
///
/// Floating (`modal`), the panel is a modal dialog: Escape closes it and Tab stays inside.
/// Inline, it is a named region of the page.
#[component]
pub fn Widget(
    /// An order to look up now (set again to look up another); consumed by the lookup step.
    prefill: RwSignal<Option<LookupRequest>>,
    /// Receives what the page should hear about: close, case submitted.
    #[prop(into)]
    on_event: Callback<WidgetEvent>,
    /// The first step.
    #[prop(default = View::Lookup)]
    view: View,
    /// The shop's full policy page, linked from the policy step.
    #[prop(default = None)]
    policy_url: Option<String>,
    /// Whether the panel floats over the page as a dialog (else it sits inline).
    #[prop(default = true)]
    modal: bool,
) -> impl IntoView {
    provide_context(Events(on_event));
    provide_context(Drafts::new());
    let i18n = use_i18n();
    let first = match view {
        View::Lookup => Step::Lookup,
        View::Policy => Step::Policy,
    };
    let step = RwSignal::new(first);
    // What the shopper typed last, so "look up another order" does not make them retype it.
    let remembered = RwSignal::new(LookupRequest::typed("", ""));
    // A new order to look up, from the page: back to the lookup step, which takes it.
    Effect::new(move |_| {
        if prefill.get().is_some() && !matches!(step.get_untracked(), Step::Lookup) {
            step.set(Step::Lookup);
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if !modal {
            return;
        }
        // Key names, not words.
        match ev.key().as_str() {
            "Escape" => close_on_escape(&ev, on_event), // i18n-ok: a key name
            "Tab" => trap_tab(&ev),                     // i18n-ok: a key name
            _ => {}
        }
    };
    let switch = move |ev: leptos::ev::Event| {
        let tag = event_target_value(&ev);
        if let Some(locale) = Locale::ALL.into_iter().find(|l| l.tag() == tag) {
            i18n.choose(Lang::of(locale));
        }
    };
    view! {
        <section
            class="as-panel"
            part="panel"
            role=if modal { "dialog" } else { "region" }
            aria-modal=if modal { Some("true") } else { None }
            aria-labelledby="as-title"
            lang=move || i18n.lang().locale.tag()
            dir="ltr"
            on:keydown=on_keydown
        >
            <header class="as-header" part="header">
                <h2 id="as-title" class="as-header__title">{tr(Msg::PanelTitle)}</h2>
                <label class="as-lang">
                    <span class="as-visually-hidden">{tr(Msg::PanelLanguage)}</span>
                    <select class="as-lang__select" part="language" name="language" on:change=switch>
                        {Locale::ALL
                            .into_iter()
                            .map(|l| view! {
                                <option value=l.tag() lang=l.tag() selected=move || i18n.lang().locale == l>
                                    {tr(l.autonym())}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </label>
                <button
                    type="button"
                    class="as-header__close"
                    part="button close"
                    aria-label=move || i18n.t(Msg::PanelClose)
                    on:click=move |_| on_event.run(WidgetEvent::Close)
                >
                    <span aria-hidden="true">"×"</span>
                </button>
            </header>
            <div class="as-body" part="step">
                {move || match step.get() {
                    Step::Lookup => view! { <LookupForm step=step remembered=remembered prefill=prefill /> }.into_any(),
                    Step::Policy => view! { <PolicyView step=step policy_url=policy_url.clone() /> }.into_any(),
                    Step::Choose(found) => view! { <ChooseView found=found step=step /> }.into_any(),
                    Step::Case(found, kind) => view! { <CaseJourney found=found kind=kind step=step /> }.into_any(),
                    Step::Done(sent) => view! { <ReceiptView sent=sent step=step /> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// Escape closes the dialog.
fn close_on_escape(ev: &leptos::ev::KeyboardEvent, on_event: Callback<WidgetEvent>) {
    ev.prevent_default();
    on_event.run(WidgetEvent::Close);
}

/// Keeps Tab inside the dialog: from the last control to the first, and back with Shift.
fn trap_tab(ev: &leptos::ev::KeyboardEvent) {
    let Some(panel) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(list) = panel.query_selector_all(FOCUSABLE) else {
        return;
    };
    let visible = |i: u32| {
        list.item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|e| e.offset_parent().is_some())
    };
    let all: Vec<web_sys::HtmlElement> = (0..list.length()).filter_map(visible).collect();
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return;
    };
    let active = panel
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .and_then(|r| r.active_element());
    let on = |e: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
    };
    let outside = active.as_ref().is_none_or(|a| !panel.contains(Some(a)));
    if ev.shift_key() && (on(first) || outside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (on(last) || outside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
