use crate::backend::BackendHandle;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::Step;
use crate::ui::StepHeading;
use leptos::prelude::*;

/// The shop's returns policy and promises in a few sentences, before any order is found
/// (`data-view="policy"`, or "Our returns policy" on the lookup step).
#[component]
pub fn PolicyView(
    /// The widget's current step; "find my order" goes to the lookup.
    step: RwSignal<Step>,
    /// The shop's full policy page, linked when given.
    policy_url: Option<String>,
) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let i18n = use_i18n();
    // An action rather than a resource: the widget already carries the action machinery,
    // and async resources would add about 15 KB to the bundle.
    let load = Action::new_unsync(move |_: &()| {
        let backend = backend.0.clone();
        async move { backend.policy().await }
    });
    load.dispatch(());
    let policy = load.value();
    Effect::new(move |_| {
        if let Some(Ok(p)) = policy.get() {
            i18n.adopt_shop_default(p.default_locale.as_deref());
        }
    });
    view! {
        <div class="as-policy" data-testid="policy">
            <StepHeading title=Msg::PolicyHeading />
            {move || match policy.get() {
                None => view! { <p class="as-note" role="status">{tr(Msg::PolicyLoading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="as-error" part="error" role="alert">{tr(e.message())}</p> }.into_any(),
                Some(Ok(p)) => view! {
                    <ul class="as-policy__list">
                        {move || format::policy_summary(&i18n.lang(), &p).into_iter().map(|line| view! { <li dir="auto">{line}</li> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            {policy_url.map(|url| view! {
                <p class="as-note"><a class="as-link" href=url target="_blank" rel="noopener">{tr(Msg::PolicyFull)}</a></p>
            })}
            <crate::widget::BackButton />
            <button class="as-button" part="button" type="button" on:click=move |_| step.set(Step::Lookup)>
                {tr(Msg::LookupSubmit)}
            </button>
        </div>
    }
}
