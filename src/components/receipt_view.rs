use crate::format;
use crate::state::{Step, Submitted};
use leptos::prelude::*;
use std::sync::Arc;

/// Step 3: the case is stored; its tracking number and what happens next.
#[component]
pub fn ReceiptView(
    /// The sent case.
    sent: Arc<Submitted>,
    /// The widget's current step; "another order" returns to the lookup.
    step: RwSignal<Step>,
) -> impl IntoView {
    let r = &sent.receipt;
    view! {
        <div class="as-receipt" role="status">
            <p class="as-receipt__title">"Return requested"</p>
            <p class="as-intro">{format!("We have your request to return: {}.", sent.item_title)}</p>
            <p class="as-receipt__label">"Your tracking number"</p>
            <p class="as-receipt__number" data-testid="tracking-number">{r.tracking_number.clone()}</p>
            <p class="as-note">"Keep it to follow your case."</p>
            <p class="as-estimate">
                "Estimated refund: " <strong>{format::money(r.refund_estimate)}</strong>
            </p>
            <p class="as-note">
                {format!("The shop will review it within {} hours.", sent.review_within_hours)}
            </p>
            <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Lookup)>
                "Return another item"
            </button>
        </div>
    }
}
