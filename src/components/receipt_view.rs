use crate::components::widget::StepHeading;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
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
    let i18n = use_i18n();
    let r = sent.receipt.clone();
    let quote = r.quote.clone();
    let (item, zone, respond_by) = (sent.item_title.clone(), sent.zone.clone(), r.respond_by);
    view! {
        <div class="as-receipt">
            <StepHeading title=Msg::ReceiptHeading place=Some((3, 3)) />
            <p class="as-intro">{move || i18n.f(Msg::ReceiptIntro, &[("item", &item)])}</p>
            <p class="as-receipt__label">{tr(Msg::ReceiptNumber)}</p>
            <p class="as-receipt__number" data-testid="tracking-number">{r.tracking_number.clone()}</p>
            <p class="as-note">{tr(Msg::ReceiptKeep)}</p>
            {quote.map(|q| view! {
                <p class="as-estimate">
                    {tr(Msg::OrderEstimate)}" "<strong>{move || format::money(&i18n.lang(), q.total)}</strong>
                </p>
            })}
            <p class="as-note" data-testid="respond-by">
                {move || {
                    let lang = i18n.lang();
                    lang.f(Msg::ReceiptRespondBy, &[("when", &format::date_time(&lang, respond_by, &zone))])
                }}
            </p>
            <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Lookup)>
                {tr(Msg::ReceiptAnother)}
            </button>
        </div>
    }
}
