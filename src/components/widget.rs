use crate::components::{LookupForm, ReceiptView, ReturnForm};
use crate::state::Step;
use aftersales_core::api::LookupRequest;
use leptos::prelude::*;

/// The whole widget: a panel whose body is the current step.
#[component]
pub fn Widget(
    /// Called when the shopper presses the close button.
    #[prop(into)]
    on_close: Callback<()>,
) -> impl IntoView {
    let step = RwSignal::new(Step::Lookup);
    // What the shopper typed last, so "look up another order" does not make them retype it.
    let remembered = RwSignal::new(LookupRequest {
        order_number: String::new(),
        email: String::new(),
    });
    view! {
        <section class="as-panel" part="panel" role="dialog" aria-labelledby="as-title">
            <header class="as-header" part="header">
                <h2 id="as-title" class="as-header__title">"Returns & support"</h2>
                <button
                    type="button"
                    class="as-header__close"
                    part="button close"
                    aria-label="Close"
                    on:click=move |_| on_close.run(())
                >
                    "×"
                </button>
            </header>
            <div class="as-body" part="step">
                {move || match step.get() {
                    Step::Lookup => view! { <LookupForm step=step remembered=remembered /> }.into_any(),
                    Step::Order(found) => view! { <ReturnForm found=found step=step /> }.into_any(),
                    Step::Done(sent) => view! { <ReceiptView sent=sent step=step /> }.into_any(),
                }}
            </div>
        </section>
    }
}
