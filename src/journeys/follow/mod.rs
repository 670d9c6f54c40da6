//! After the case: find a request by its tracking number (or a link), follow it, confirm or
//! reopen it, rate the service.

mod case;
mod survey;

pub use case::CaseStatusView;

use crate::backend::BackendHandle;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::{Followed, Step};
use crate::ui::{call, StepHeading, TextField};
use aftersales_core::follow::CaseAccess;
use aftersales_core::tracking::{TrackingNumber, TrackingProblem};
use leptos::prelude::*;
use std::sync::Arc;

fn problem_msg(p: TrackingProblem) -> Msg {
    match p {
        TrackingProblem::Length => Msg::TrackErrorNumber,
        TrackingProblem::Symbol => Msg::TrackErrorSymbol,
        TrackingProblem::Check => Msg::TrackErrorCheck,
    }
}

fn check_number(n: &str) -> Option<Msg> {
    TrackingNumber::check(n).err().map(problem_msg)
}

/// As the shopper types: only what is surely wrong already (core's `typing_problem`).
fn check_typing(n: &str) -> Option<Msg> {
    TrackingNumber::typing_problem(n).map(problem_msg)
}

fn check_email(e: &str) -> Option<Msg> {
    aftersales_core::api::check_email(e)
        .err()
        .map(|_| Msg::LookupErrorEmail)
}

/// "Track a request": tracking number and e-mail, or straight from a link's token.
#[component]
pub fn TrackForm(
    /// The widget's step.
    step: RwSignal<Step>,
    /// A case to open at once (from a link, or the receipt's "Follow this request").
    opening: Option<Arc<CaseAccess>>,
) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let i18n = use_i18n();
    let number = RwSignal::new(
        opening
            .as_ref()
            .map(|a| a.tracking_number.clone())
            .unwrap_or_default(),
    );
    let email = RwSignal::new(String::new());
    let number_error = RwSignal::new(None::<Msg>);
    let email_error = RwSignal::new(None::<Msg>);
    let error = RwSignal::new(None::<Msg>);
    let number_ref = NodeRef::<leptos::html::Input>::new();
    let email_ref = NodeRef::<leptos::html::Input>::new();

    let pending = RwSignal::new(false);
    let find = move |access: CaseAccess| {
        let request = backend.0.find_case(access.clone());
        call(pending, request, move |result| match result {
            Ok(view) => step.set(Step::Tracked(Arc::new(Followed::new(view, &access.email)))),
            // A link that no longer opens the case gets the normal form, with a word why.
            Err(_) if !access.token.is_empty() => error.set(Some(Msg::TrackLinkExpired)),
            Err(e) => match e.code() {
                Some("invalid_tracking_number") => number_error.set(Some(e.message())),
                Some("invalid_email") => email_error.set(Some(e.message())),
                _ => error.set(Some(e.message())),
            },
        });
    };
    if let Some(a) = opening.filter(|a| !a.token.is_empty()) {
        find((*a).clone());
    }

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, e) = (number.get(), email.get());
        number_error.set(check_number(&n));
        email_error.set(check_email(&e));
        error.set(None);
        let first_bad = if number_error.get_untracked().is_some() {
            number_ref.get()
        } else if email_error.get_untracked().is_some() {
            email_ref.get()
        } else {
            find(CaseAccess {
                tracking_number: n.trim().to_string(),
                email: e.trim().to_string(),
                token: String::new(),
            });
            None
        };
        if let Some(input) = first_bad {
            let _ = input.focus();
        }
    };
    // The check symbol is read as they type: a typo shows before anything is sent.
    Effect::new(move |_| {
        let n = number.get();
        if number_error.get_untracked().is_none() {
            if let Some(p) = check_typing(&n) {
                number_error.set(Some(p));
            }
        }
    });

    view! {
        <form class="as-form" on:submit=submit novalidate data-testid="track">
            <StepHeading title=Msg::TrackHeading />
            <p class="as-intro">{tr(Msg::TrackIntro)}</p>
            <TextField
                id="as-tracking-number"
                name="tracking_number"
                label=Msg::TrackNumber
                hint=Msg::TrackNumberHint
                autocomplete="off"
                maxlength=40
                value=number
                error=number_error
                check=check_number
                node_ref=number_ref
            />
            <TextField
                id="as-track-email"
                name="email"
                label=Msg::LookupEmail
                hint=Msg::TrackEmailHint
                input_type="email"
                autocomplete="email"
                maxlength=254
                value=email
                error=email_error
                check=check_email
                node_ref=email_ref
            />
            <div class="as-alert" aria-live="assertive">
                {move || error.get().map(|m| view! { <p class="as-error" part="error">{tr(m)}</p> })}
            </div>
            <button class="as-button" part="button" type="submit" disabled=move || pending.get()>
                {move || i18n.t(if pending.get() { Msg::TrackPending } else { Msg::TrackSubmit })}
            </button>
            <crate::widget::BackButton />
        </form>
    }
}
