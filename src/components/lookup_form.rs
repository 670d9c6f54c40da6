use crate::backend::BackendHandle;
use crate::state::{device_now, LookedUp, Step};
use aftersales_core::api::LookupRequest;
use leptos::prelude::*;
use std::sync::Arc;

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
    let start = remembered.get_untracked();
    let number = RwSignal::new(start.order_number);
    let email = RwSignal::new(start.email);
    let error = RwSignal::new(None::<String>);

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
                step.set(Step::Order(Arc::new(LookedUp::new(req, found, at))));
            }
            Err(e) => error.set(Some(e.user_message())),
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
        let req = LookupRequest {
            order_number: number.get().trim().to_string(),
            email: email.get().trim().to_string(),
        };
        if req.order_number.is_empty() {
            error.set(Some(
                "Enter the order number from your confirmation e-mail.".into(),
            ));
        } else if !req.email.contains('@') {
            error.set(Some("Enter the e-mail address you ordered with.".into()));
        } else {
            error.set(None);
            lookup.dispatch(req);
        }
    };

    view! {
        <form class="as-form" on:submit=submit novalidate>
            <p class="as-intro">"Find your order to return an item."</p>
            <label class="as-field">
                <span class="as-field__label">"Order number"</span>
                <input
                    class="as-input"
                    part="input"
                    name="order_number"
                    autocomplete="off"
                    maxlength="64"
                    prop:value=move || number.get()
                    on:input=move |ev| number.set(event_target_value(&ev))
                />
            </label>
            <label class="as-field">
                <span class="as-field__label">"E-mail address"</span>
                <input
                    class="as-input"
                    part="input"
                    name="email"
                    type="email"
                    autocomplete="email"
                    maxlength="254"
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
            </label>
            <Show when=move || error.get().is_some()>
                <p class="as-error" part="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <button class="as-button" part="button" type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Finding your order…" } else { "Find my order" }}
            </button>
            <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Policy)>
                "Our returns policy"
            </button>
        </form>
    }
}
