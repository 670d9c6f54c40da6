use crate::backend::BackendHandle;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::{device_now, LookedUp, Step};
use crate::ui::{check_email, check_fields, Alert, Stage, StepHeading, TextField, ITEM_STAGES};
use aftersales_core::api::{check_order_number, LookupRequest};
use leptos::prelude::*;
use std::sync::Arc;

fn check_number(n: &str) -> Option<Msg> {
    check_order_number(n)
        .err()
        .map(|_| Msg::LookupErrorOrderNumber)
}

/// Step 1: the shopper finds their order by number and e-mail.
#[component]
pub fn LookupForm(
    /// The widget's current step; set to the order view when the lookup succeeds.
    step: RwSignal<Step>,
    /// The last credentials entered, restored into the fields.
    remembered: RwSignal<LookupRequest>,
    /// Credentials from the page (`AfterSales.open({order, email})`): filled in and looked up.
    prefill: RwSignal<Option<LookupRequest>>,
) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let i18n = use_i18n();
    let start = remembered.get_untracked();
    let number = RwSignal::new(start.order_number);
    let email = RwSignal::new(start.email);
    // Each field's problem, shown under it; the form's own problem (not found, offline) above
    // the button.
    let number_error = RwSignal::new(None::<Msg>);
    let email_error = RwSignal::new(None::<Msg>);
    let error = RwSignal::new(None::<Msg>);
    let number_ref = NodeRef::<leptos::html::Input>::new();
    let email_ref = NodeRef::<leptos::html::Input>::new();

    let lookup = Action::new_unsync(move |req: &LookupRequest| {
        let backend = backend.0.clone();
        let req = req.clone();
        async move {
            let result = backend.lookup(req.clone()).await;
            (req, result, device_now())
        }
    });
    let pending = lookup.pending();
    Effect::new(move |_| {
        let Some((req, result, at)) = lookup.value().get() else {
            return;
        };
        match result {
            Ok(found) => {
                remembered.set(req.clone());
                i18n.adopt_shop_default(found.policy.default_locale.as_deref());
                step.set(Step::Choose(Arc::new(LookedUp::new(req, found, at))));
            }
            // A link that no longer opens the order: the form, with a word why.
            Err(_) if !req.token.is_empty() => error.set(Some(Msg::LookupLinkExpired)),
            Err(e) => match e.code() {
                Some("invalid_order_number") => number_error.set(Some(e.message())),
                Some("invalid_email") => email_error.set(Some(e.message())),
                _ => error.set(Some(e.message())),
            },
        }
    });

    Effect::new(move |_| {
        if let Some(req) = prefill.get() {
            number.set(req.order_number.clone());
            email.set(req.email.clone());
            error.set(None);
            prefill.set(None);
            lookup.dispatch(req);
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if check_fields(&[
            (number, number_error, check_number, number_ref),
            (email, email_error, check_email, email_ref),
        ]) {
            lookup.dispatch(LookupRequest::typed(
                number.get().trim(),
                email.get().trim(),
            ));
        }
    };

    view! {
        <form class="as-form" on:submit=submit novalidate>
            <StepHeading title=Msg::LookupHeading stage=Some((ITEM_STAGES, Stage::Find)) />
            <p class="as-intro">{tr(Msg::LookupIntro)}</p>
            <TextField
                id="as-order-number"
                name="order_number"
                label=Msg::LookupOrderNumber
                hint=Msg::LookupOrderNumberHint
                autocomplete="off"
                maxlength=64
                value=number
                error=number_error
                check=check_number
                node_ref=number_ref
            />
            <TextField
                id="as-email"
                name="email"
                label=Msg::LookupEmail
                hint=Msg::LookupEmailHint
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
                {move || i18n.t(if pending.get() { Msg::LookupPending } else { Msg::LookupSubmit })}
            </button>
            <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Policy)>
                {tr(Msg::LookupPolicy)}
            </button>
        </form>
    }
}
