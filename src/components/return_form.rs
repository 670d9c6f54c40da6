use crate::backend::BackendHandle;
use crate::format;
use crate::state::{device_now, LookedUp, Step, Submitted};
use aftersales_core::api::CreateReturnRequest;
use aftersales_core::case::{validate_return, ReturnDraft, ReturnReason};
use aftersales_core::eligibility::{evaluate_returns, Outcome};
use aftersales_core::money::Money;
use leptos::prelude::*;
use std::sync::Arc;

/// Step 2: the order's lines with what the engine says of each, and the return request.
#[component]
pub fn ReturnForm(
    /// The order the shopper found.
    found: Arc<LookedUp>,
    /// The widget's current step; set to the receipt when the case is stored.
    step: RwSignal<Step>,
) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let order = found.response.order.clone();
    let policy = found.response.policy.clone();
    let now = found.now(device_now());
    let today = policy.time_zone.local_date(now);
    let verdicts = evaluate_returns(&policy, &order, now);

    let selected = RwSignal::new(None::<String>);
    let quantity = RwSignal::new(1u32);
    let reason = RwSignal::new(None::<ReturnReason>);
    let error = RwSignal::new(None::<String>);

    let max_of = {
        let verdicts = verdicts.clone();
        move |line_id: &str| {
            verdicts
                .iter()
                .find(|v| v.line_id == line_id)
                .and_then(|v| match v.outcome {
                    Outcome::Eligible { max_quantity, .. } => Some(max_quantity),
                    Outcome::NotEligible { .. } => None,
                })
        }
    };
    let max_selected = {
        let max_of = max_of.clone();
        Memo::new(move |_| selected.get().and_then(|id| max_of(&id)).unwrap_or(0))
    };
    let estimate = {
        let order = order.clone();
        Memo::new(move |_| {
            let id = selected.get()?;
            let line = order.line(&id)?;
            Money::new(line.unit_price, order.currency)
                .checked_mul(i64::from(quantity.get()))
                .ok()
        })
    };

    let submit_case = Action::new_unsync(move |req: &CreateReturnRequest| {
        let backend = backend.0.clone();
        let req = req.clone();
        async move { backend.submit_return(req).await }
    });
    let pending = submit_case.pending();
    {
        let order = order.clone();
        let hours = policy.review_within_hours;
        Effect::new(move |_| match submit_case.value().get() {
            Some(Ok(receipt)) => {
                let item_title = selected
                    .get_untracked()
                    .and_then(|id| order.line(&id).map(|l| l.title.clone()))
                    .unwrap_or_default();
                step.set(Step::Done(Arc::new(Submitted {
                    receipt,
                    item_title,
                    review_within_hours: hours,
                })));
            }
            Some(Err(e)) => error.set(Some(e.user_message())),
            None => {}
        });
    }

    let on_submit = {
        let found = found.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (Some(line_id), Some(why)) = (selected.get(), reason.get()) else {
                error.set(Some("Choose the item to return and a reason.".into()));
                return;
            };
            let draft = ReturnDraft {
                line_id: line_id.clone(),
                quantity: quantity.get(),
                reason: why,
            };
            // The same engine as the server: a window that closed while the form was open is
            // caught here, before anything is sent.
            let now = found.now(device_now());
            if let Err(v) =
                validate_return(&found.response.policy, &found.response.order, &draft, now)
            {
                error.set(Some(v.message().to_string()));
                return;
            }
            error.set(None);
            submit_case.dispatch(CreateReturnRequest {
                order_number: found.request.order_number.clone(),
                email: found.request.email.clone(),
                line_id,
                quantity: draft.quantity,
                reason: why.code().to_string(),
            });
        }
    };

    let window_days = policy.return_window_days;
    let rows = order
        .lines
        .iter()
        .zip(verdicts.iter())
        .map(|(line, verdict)| {
            let eligible = verdict.is_eligible();
            let id = line.id.clone();
            let id_for_check = line.id.clone();
            let text = format::verdict(&verdict.outcome, window_days, today);
            let price = format::money(line.unit_money(order.currency));
            view! {
                <li class="as-line" class:as-line--disabled=!eligible data-line-id=line.id.clone()>
                    <label class="as-line__label">
                        <input
                            class="as-line__radio"
                            type="radio"
                            name="as-line"
                            value=line.id.clone()
                            disabled=!eligible
                            prop:checked=move || selected.get().as_deref() == Some(id_for_check.as_str())
                            on:change=move |_| {
                                selected.set(Some(id.clone()));
                                quantity.set(1);
                            }
                        />
                        <span class="as-line__text">
                            <span class="as-line__title">{line.title.clone()}</span>
                            <span class="as-line__meta">{format!("{} × {price}", line.quantity)}</span>
                            <span
                                class="as-line__verdict"
                                class:as-line__verdict--no=!eligible
                                data-testid="verdict"
                            >
                                {text}
                            </span>
                        </span>
                    </label>
                </li>
            }
        })
        .collect_view();

    let reasons = ReturnReason::ALL
        .iter()
        .map(|r| view! { <option value=r.code()>{format::reason(*r)}</option> })
        .collect_view();

    view! {
        <form class="as-form" on:submit=on_submit novalidate>
            <p class="as-intro">{format!("Order {}: choose the item to return.", order.number)}</p>
            <ul class="as-lines" role="list">{rows}</ul>
            <Show when=move || { max_selected.get() > 1 }>
                <label class="as-field">
                    <span class="as-field__label">"Quantity"</span>
                    <select
                        class="as-input"
                        part="input"
                        name="quantity"
                        on:change=move |ev| quantity.set(event_target_value(&ev).parse().unwrap_or(1))
                    >
                        {move || {
                            (1..=max_selected.get())
                                .map(|n| view! { <option value=n.to_string() selected=move || quantity.get() == n>{n}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
            </Show>
            <label class="as-field">
                <span class="as-field__label">"Reason"</span>
                <select
                    class="as-input"
                    part="input"
                    name="reason"
                    on:change=move |ev| reason.set(ReturnReason::from_code(&event_target_value(&ev)))
                >
                    <option value="" selected=move || reason.get().is_none()>"Choose a reason"</option>
                    {reasons}
                </select>
            </label>
            <Show when=move || estimate.get().is_some()>
                <p class="as-estimate" data-testid="estimate">
                    "Estimated refund: "
                    <strong>{move || estimate.get().map(format::money).unwrap_or_default()}</strong>
                </p>
            </Show>
            <p class="as-note">
                {format!("The shop reviews return requests within {} hours.", policy.review_within_hours)}
            </p>
            <Show when=move || error.get().is_some()>
                <p class="as-error" part="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <div class="as-actions">
                <button
                    class="as-button as-button--quiet"
                    part="button"
                    type="button"
                    on:click=move |_| step.set(Step::Lookup)
                >
                    "Another order"
                </button>
                <button
                    class="as-button"
                    part="button"
                    type="submit"
                    disabled=move || pending.get() || selected.get().is_none() || reason.get().is_none()
                >
                    {move || if pending.get() { "Sending…" } else { "Request return" }}
                </button>
            </div>
        </form>
    }
}
