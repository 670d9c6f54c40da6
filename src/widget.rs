use crate::backend::BackendHandle;
use crate::config::View;
use crate::i18n::{tr, use_i18n, Lang, Locale, Msg};
use crate::journeys::lazy::{self, NotLoaded};
use crate::journeys::store::Drafts;
use crate::journeys::LookupForm;
use crate::state::{Events, OutboxNotes, Step, WidgetEvent};
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
    /// A case to open at once (a link's tracking number and token).
    #[prop(default = None)]
    opening: Option<aftersales_core::follow::CaseAccess>,
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
    // Requests an earlier visit left on this device are sent once the first screen is up;
    // what became of them is shown above the step.
    let notes = OutboxNotes(RwSignal::new(Vec::new()));
    let any_notes = Memo::new(move |_| notes.0.with(|n| !n.is_empty()));
    lazy::wake_outbox_later(expect_context::<BackendHandle>().0, notes);
    // What the adapter cannot do is not offered: no link, no first step that would fail.
    let can = expect_context::<BackendHandle>().0.capabilities();
    let first = match (view, opening) {
        (_, Some(access)) if can.follow => Step::Track(Some(std::sync::Arc::new(access))),
        (View::Policy, _) => Step::Policy,
        (View::Track, None) if can.follow => Step::Track(None),
        (View::Help, None) if can.faq => Step::Help(None),
        _ => Step::Lookup,
    };
    let step = RwSignal::new(first);
    // Where "Back" from the policy, the answers or tracking returns: the step the shopper
    // left through the navigation (a request being written keeps everything entered).
    let back = StoredValue::new(None::<Step>);
    let go = move |to: Step| {
        let here = step.get_untracked();
        let detour = |s: &Step| {
            matches!(
                s,
                Step::Policy | Step::Help(_) | Step::Track(_) | Step::Tracked(_)
            )
        };
        if !detour(&here) {
            back.set_value(Some(here));
        }
        step.set(to);
    };
    let found_now = move || match step.get_untracked() {
        Step::Choose(f) | Step::Case(f, _) | Step::Withdraw(f) => Some(f),
        _ => back.with_value(|b| match b {
            Some(Step::Choose(f) | Step::Case(f, _) | Step::Withdraw(f)) => Some(f.clone()),
            _ => None,
        }),
    };
    let nav_current = move |which: u8| {
        let on = matches!(
            (which, step.get()),
            (0, Step::Help(_)) | (1, Step::Track(_) | Step::Tracked(_)) | (2, Step::Policy)
        );
        on.then_some("page")
    };
    provide_context(Detour { back, step });
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
            <nav class="as-nav" part="nav" aria-label=move || i18n.t(Msg::NavLabel)>
                {can.faq.then(|| view! {
                    <button type="button" class="as-nav__link" part="nav-link" aria-current=move || nav_current(0)
                        on:click=move |_| go(Step::Help(found_now()))>{tr(Msg::NavHelp)}</button>
                })}
                {can.follow.then(|| view! {
                    <button type="button" class="as-nav__link" part="nav-link" aria-current=move || nav_current(1)
                        on:click=move |_| go(Step::Track(None))>{tr(Msg::NavTrack)}</button>
                })}
                <button type="button" class="as-nav__link" part="nav-link" aria-current=move || nav_current(2)
                    on:click=move |_| go(Step::Policy)>{tr(Msg::NavPolicy)}</button>
            </nav>
            <div class="as-outbox" role="status" data-testid="outbox-notes">
                {move || any_notes.get().then(|| later(step, Box::pin(lazy::outbox_notes(notes, step))))}
            </div>
            <div class="as-body" part="step">
                {move || match step.get() {
                    Step::Lookup => view! { <LookupForm step=step remembered=remembered prefill=prefill /> }.into_any(),
                    Step::Policy => later(step, Box::pin(lazy::policy(step, policy_url.clone()))),
                    Step::Choose(found) => later(step, Box::pin(lazy::choose(found, step))),
                    Step::Case(found, kind) => later(step, Box::pin(lazy::case(found, kind, step))),
                    Step::Done(sent) => later(step, Box::pin(lazy::receipt(sent, step))),
                    Step::Track(opening) => later(step, Box::pin(lazy::track(opening, step))),
                    Step::Tracked(followed) => later(step, Box::pin(lazy::tracked(followed, step))),
                    Step::Help(found) => later(step, Box::pin(lazy::help(found, step))),
                    Step::Withdraw(found) => later(step, Box::pin(lazy::withdraw(found, step))),
                    Step::Withdrawn(receipt) => later(step, Box::pin(lazy::withdrawn(receipt))),
                }}
            </div>
        </section>
    }
}

/// A step whose code may still be on its way: "Loading…" until it is here, and if it cannot
/// be fetched, a message with "Try again" (which asks for the same step again).
///
/// One boxed future type for every step, so the suspense machinery is built once.
fn later(
    step: RwSignal<Step>,
    view: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<AnyView, NotLoaded>> + Send + 'static>,
    >,
) -> AnyView {
    view! {
        <Suspense fallback=|| view! { <p class="as-loading" role="status">{tr(Msg::StepLoading)}</p> }>
            {Suspend::new(async move {
                view.await.unwrap_or_else(|NotLoaded| {
                    view! {
                        <div class="as-step">
                            <p class="as-error" part="error" role="alert">{tr(Msg::StepLoadFailed)}</p>
                            <button class="as-button" part="button" type="button" data-testid="step-retry"
                                on:click=move |_| step.update(|_| {})>
                                {tr(Msg::LoaderRetry)}
                            </button>
                        </div>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
    .into_any()
}

/// Where a detour (policy, answers, tracking) returns to.
#[derive(Clone, Copy)]
pub struct Detour {
    back: StoredValue<Option<Step>>,
    step: RwSignal<Step>,
}

/// "Back to where I was", on a detour's step, when the shopper came from somewhere.
#[component]
pub fn BackButton() -> impl IntoView {
    let d = expect_context::<Detour>();
    d.back.with_value(Option::is_some).then(|| {
        view! {
            <button class="as-button as-button--quiet" part="button" type="button" data-testid="back"
                on:click=move |_| {
                    if let Some(s) = d.back.with_value(Clone::clone) {
                        d.step.set(s);
                    }
                }>
                {tr(Msg::StepBack)}
            </button>
        }
    })
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
