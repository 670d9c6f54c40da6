//! After the case: find a request by its tracking number (or a link), follow it, confirm or
//! reopen it, rate the service.

mod case;
mod survey;

pub use case::CaseStatusView;

use crate::backend::BackendHandle;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::{Followed, Step};
use crate::ui::{call, check_email, check_fields, Alert, StepHeading, TextField};
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

/// As the shopper types: only what is surely wrong already (core's `typing_problem`), so a
/// typo shows before anything is sent.
fn check_typing(n: &str) -> Option<Msg> {
    TrackingNumber::typing_problem(n).map(problem_msg)
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
        error.set(None);
        if check_fields(&[
            (number, number_error, check_number, number_ref),
            (email, email_error, check_email, email_ref),
        ]) {
            find(CaseAccess {
                tracking_number: number.get().trim().to_string(),
                email: email.get().trim().to_string(),
                token: String::new(),
            });
        }
    };

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
                live=check_typing
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
            <Alert problem=error />
            <button class="as-button" part="button" type="submit" disabled=move || pending.get()>
                {move || i18n.t(if pending.get() { Msg::TrackPending } else { Msg::TrackSubmit })}
            </button>
            <crate::widget::BackButton />
        </form>
    }
}
