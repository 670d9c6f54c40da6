use crate::format;
use crate::state::{Step, Submitted};
use leptos::prelude::*;
use std::sync::Arc;

/// Step 3: the case is stored; its tracking number and what happens next.
#[component]
pub fn ReceiptView(
    /// The sent case.
    sent: Arc<Submitted>,
    /// The widget's current step; "another item" returns to the lookup.
    step: RwSignal<Step>,
) -> impl IntoView {
    let r = &sent.receipt;
    let answer_by = sent.zone.local(r.respond_by);
    let answer_by = format!(
        "{} at {}",
        format::date(answer_by.date()),
        format::time(answer_by)
    );
    view! {
        <div class="as-receipt" role="status">
            <p class="as-receipt__title">"Return requested"</p>
            <p class="as-intro">{format!("We have your request to return: {}.", sent.item_title)}</p>
            <p class="as-receipt__label">"Your tracking number"</p>
            <p class="as-receipt__number" data-testid="tracking-number">{r.tracking_number.clone()}</p>
            <p class="as-note">"Keep it to follow your case."</p>
            {r.quote.as_ref().map(|q| view! {
                <p class="as-estimate">"Estimated refund: " <strong>{format::money(q.total)}</strong></p>
            })}
            <p class="as-note" data-testid="respond-by">{format!("The shop will answer by {answer_by} (shop time).")}</p>
            <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Lookup)>
                "Return another item"
            </button>
        </div>
    }
}
