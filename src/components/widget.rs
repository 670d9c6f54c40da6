use crate::components::{LookupForm, PolicyView, ReceiptView, ReturnForm};
use crate::config::View;
use crate::state::{Events, Step, WidgetEvent};
use aftersales_core::api::LookupRequest;
use leptos::prelude::*;

/// The whole widget: a panel whose body is the current step.
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
    /// The shop's full policy page, linked from the policy step.
    #[prop(default = None)]
    policy_url: Option<String>,
) -> impl IntoView {
    provide_context(Events(on_event));
    let first = match view {
        View::Lookup => Step::Lookup,
        View::Policy => Step::Policy,
    };
    let step = RwSignal::new(first);
    // What the shopper typed last, so "look up another order" does not make them retype it.
    let remembered = RwSignal::new(LookupRequest {
        order_number: String::new(),
        email: String::new(),
    });
    // A new order to look up, from the page: back to the lookup step, which takes it.
    Effect::new(move |_| {
        if prefill.get().is_some() && !matches!(step.get_untracked(), Step::Lookup) {
            step.set(Step::Lookup);
        }
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
                    on:click=move |_| on_event.run(WidgetEvent::Close)
                >
                    "×"
                </button>
            </header>
            <div class="as-body" part="step">
                {move || match step.get() {
                    Step::Lookup => view! { <LookupForm step=step remembered=remembered prefill=prefill /> }.into_any(),
                    Step::Policy => view! { <PolicyView step=step policy_url=policy_url.clone() /> }.into_any(),
                    Step::Order(found) => view! { <ReturnForm found=found step=step /> }.into_any(),
                    Step::Done(sent) => view! { <ReceiptView sent=sent step=step /> }.into_any(),
                }}
            </div>
        </section>
    }
}
