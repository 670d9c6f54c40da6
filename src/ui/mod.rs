//! Shared pieces of every journey: the step heading and indicator, fields and their errors.

pub mod photo;

use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;

/// A step's heading and its place in the journey. Focus moves to it when the step appears
/// (after the first step of an inline widget, which must not pull the page's focus), so a
/// screen reader reads where the shopper is now.
#[component]
pub fn StepHeading(
    /// The heading's message.
    title: Msg,
    /// The journey's stages and this step's, when it is part of a journey.
    #[prop(default = None)]
    stage: Option<(&'static [Stage], Stage)>,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H3>::new();
    let focus = expect_context::<FocusSteps>();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            if focus.0.get_value() {
                if h.is_connected() {
                    let _ = h.focus();
                } else {
                    // A step whose code had to load is built first and attached a moment later.
                    request_animation_frame(move || {
                        let _ = h.focus();
                    });
                }
            }
            focus.0.set_value(true);
        }
    });
    view! {
        {stage.map(|(stages, current)| view! { <Stages stages=stages current=current /> })}
        <h3 class="as-step__heading" tabindex="-1" node_ref=heading>{tr(title)}</h3>
    }
}

/// Whether a new step heading takes focus: from the start in a floating widget, after the
/// first step in an inline one.
#[derive(Clone, Copy)]
pub struct FocusSteps(pub StoredValue<bool>);

/// A required text field: visible label, a hint saying what to enter, and its problem under
/// it (announced, tied to the input, re-checked as the shopper types once it has been shown).
#[component]
pub fn TextField(
    /// The input's id; the hint and the error take `<id>-hint` and `<id>-error`.
    id: &'static str,
    /// The input's form name.
    name: &'static str,
    /// The label.
    label: Msg,
    /// What to enter, or where to find it.
    hint: Msg,
    /// `text`, `email`, …
    #[prop(default = "text")]
    input_type: &'static str,
    /// The input's `autocomplete`.
    autocomplete: &'static str,
    /// The longest accepted value.
    maxlength: u32,
    /// What the shopper typed.
    value: RwSignal<String>,
    /// The field's problem, if any.
    error: RwSignal<Option<Msg>>,
    /// The field's own check, run again on each keystroke while a problem shows.
    check: fn(&str) -> Option<Msg>,
    /// What is surely wrong already while typing (a mistyped check symbol), shown at once.
    #[prop(optional)]
    live: Option<fn(&str) -> Option<Msg>>,
    /// The input, to move focus to.
    node_ref: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error")); // i18n-ok: ids
    let described = format!("{hint_id} {error_id}");
    view! {
        <div class="as-field">
            <label class="as-field__label" for=id>
                {tr(label)}
                <span class="as-field__required">{tr(Msg::LookupRequired)}</span>
            </label>
            <p class="as-field__hint" id=hint_id>{tr(hint)}</p>
            <input
                id=id
                class="as-input"
                part="input"
                name=name
                type=input_type
                autocomplete=autocomplete
                maxlength=maxlength.to_string()
                required
                aria-describedby=described
                aria-invalid=move || error.get().is_some().then_some("true")
                node_ref=node_ref
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    if error.get_untracked().is_some() {
                        error.set(check(&value.get_untracked()));
                    } else if let Some(live) = live {
                        error.set(live(&value.get_untracked()));
                    }
                }
            />
            <p class="as-field__error" id=error_id aria-live="polite">
                {move || error.get().map(|m| i18n.t(m))}
            </p>
        </div>
    }
}

/// Where the shopper is in a journey, named, shown above each step's heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Finding the order.
    Find,
    /// Choosing what they need.
    Choose,
    /// Choosing the items.
    Items,
    /// Saying what happened.
    Details,
    /// Checking and sending.
    Review,
}

impl Stage {
    fn name(self) -> Msg {
        match self {
            Stage::Find => Msg::StageFind,
            Stage::Choose => Msg::StageChoose,
            Stage::Items => Msg::StageItems,
            Stage::Details => Msg::StageDetails,
            Stage::Review => Msg::StageReview,
        }
    }
}

/// The stages of a request about items, and of one in words only.
pub const ITEM_STAGES: &[Stage] = &[
    Stage::Find,
    Stage::Choose,
    Stage::Items,
    Stage::Details,
    Stage::Review,
];
/// The stages of a question, complaint or delivery problem.
pub const MESSAGE_STAGES: &[Stage] = &[Stage::Find, Stage::Choose, Stage::Details, Stage::Review];

/// The step indicator: every stage by name, the current one marked (`aria-current="step"`),
/// with "Step n of m" for screen readers and small screens.
#[component]
pub fn Stages(
    /// The journey's stages.
    stages: &'static [Stage],
    /// Where the shopper is.
    current: Stage,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = stages.iter().position(|s| *s == current).unwrap_or(0) + 1;
    let total = stages.len();
    view! {
        <nav class="as-stages" part="stages" aria-label=move || i18n.t(Msg::StageLabel)>
            <p class="as-step__count" part="step-count">
                {move || i18n.f(Msg::PanelStep, &[("n", &n.to_string()), ("total", &total.to_string())])}
            </p>
            <ol class="as-stages__list" aria-hidden="true">
                {stages
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let state = match (i + 1).cmp(&n) {
                            std::cmp::Ordering::Less => "done",
                            std::cmp::Ordering::Equal => "current",
                            std::cmp::Ordering::Greater => "todo",
                        };
                        view! { <li class="as-stages__item" data-state=state>{tr(s.name())}</li> }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// Checks each field (its check on its value), shows every problem at once and moves focus
/// to the first field to fix. True when all are fine.
pub fn check_fields(fields: &[Checked]) -> bool {
    let mut first = None;
    for (value, error, check, input) in fields {
        let problem = check(&value.get_untracked());
        if problem.is_some() && first.is_none() {
            first = input.get();
        }
        error.set(problem);
    }
    match first {
        Some(input) => {
            let _ = input.focus();
            false
        }
        None => true,
    }
}

/// A text field for [`check_fields`]: its value, its problem, its check, its input.
pub type Checked = (
    RwSignal<String>,
    RwSignal<Option<Msg>>,
    fn(&str) -> Option<Msg>,
    NodeRef<leptos::html::Input>,
);

/// The e-mail the order was placed with, as typed: core's check, in the shopper's words.
pub fn check_email(e: &str) -> Option<Msg> {
    aftersales_core::api::check_email(e)
        .err()
        .map(|_| Msg::LookupErrorEmail)
}

/// A form's own problem (not found, offline), above its button, announced as it appears.
#[component]
pub fn Alert(
    /// The problem, if any.
    #[prop(into)]
    problem: Signal<Option<Msg>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="as-alert" aria-live="assertive">
            {move || problem.get().map(|m| view! { <p class="as-error" part="error">{move || i18n.t(m)}</p> })}
        </div>
    }
}

/// A field's problems, under it, announced as they appear and gone once fixed. `id` is what
/// the control's `aria-describedby` names.
#[component]
pub fn ErrorText(
    /// The element's id.
    id: String,
    /// The problem, if any.
    #[prop(into)]
    problem: Signal<Option<Msg>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="as-field__error" id=id aria-live="polite">
            {move || problem.get().map(|m| i18n.t(m))}
        </p>
    }
}

/// Runs one backend call at a time: while `pending` is set a second call is ignored (a double
/// tap sends once); `done` gets the answer. A plain task and a signal, not an `Action`: each
/// action type costs kilobytes of WebAssembly, this costs the future and the closure only.
pub fn call<T: 'static>(
    pending: RwSignal<bool>,
    request: crate::backend::LocalFuture<T>,
    done: impl FnOnce(T) + 'static,
) {
    if pending.get_untracked() {
        return;
    }
    pending.set(true);
    leptos::task::spawn_local(async move {
        let answer = request.await;
        pending.set(false);
        done(answer);
    });
}
