use crate::backend::BackendHandle;
use crate::format;
use crate::state::{device_now, Events, LookedUp, Step, Submitted, WidgetEvent};
use aftersales_core::api::CreateCaseRequest;
use aftersales_core::case::{validate_case, CaseDraft, CaseKind, CaseType, DraftLine};
use aftersales_core::eligibility::evaluate;
use aftersales_core::reasons::{Evidence, Fault};
use aftersales_core::resolution::{ItemCondition, Resolution};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

const CONDITIONS: [ItemCondition; 4] = [
    ItemCondition::NewUnopened,
    ItemCondition::Opened,
    ItemCondition::Used,
    ItemCondition::Damaged,
];

/// Step 2: the order's lines with what the engine says of each, and the return request.
#[component]
pub fn ReturnForm(
    /// The order the shopper found.
    found: Arc<LookedUp>,
    /// The widget's current step; set to the receipt when the case is stored.
    step: RwSignal<Step>,
) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let events = expect_context::<Events>();
    let order = found.response.order.clone();
    let policy = found.response.policy.clone();
    let now = found.now(device_now());
    let today = policy.time_zone.local_date(now);
    let verdicts = evaluate(&policy, &order, now);

    let selected = RwSignal::new(None::<String>);
    let quantity = RwSignal::new(1u32);
    let reason = RwSignal::new(None::<String>);
    let condition = RwSignal::new(None::<ItemCondition>);
    let error = RwSignal::new(None::<String>);

    // Reasons this form can complete: they lead to a refund and need no photos or answers
    // (those flows get their own steps).
    let reasons: Vec<(String, Fault)> = policy
        .reasons
        .iter()
        .filter(|r| r.resolutions.contains(&Resolution::Refund))
        .filter(|r| r.evidence == Evidence::None && !r.questions.iter().any(|q| q.required))
        .map(|r| (r.code.clone(), r.fault))
        .collect();
    let shopper_fault = {
        let reasons = reasons.clone();
        Memo::new(move |_| {
            reason.get().is_some_and(|code| {
                reasons
                    .iter()
                    .any(|(c, f)| *c == code && *f == Fault::Shopper)
            })
        })
    };
    let asks_condition = policy.conditions.contains_key(&Resolution::Refund);

    let max_selected = {
        let verdicts = verdicts.clone();
        Memo::new(move |_| {
            let id = selected.get()?;
            let lv = verdicts.iter().find(|v| v.line_id == id)?;
            lv.get(Resolution::Refund)?
                .allowance()
                .map(|a| a.max_quantity)
        })
    };
    let draft = Memo::new(move |_| CaseDraft {
        case_type: CaseType::Return,
        lines: selected
            .get()
            .map(|id| {
                vec![DraftLine {
                    line_id: id,
                    quantity: quantity.get(),
                }]
            })
            .unwrap_or_default(),
        resolution: Some(Resolution::Refund),
        reason: reason.get(),
        condition: condition.get(),
        answers: BTreeMap::new(),
        evidence: Vec::new(),
        description: String::new(),
    });
    // The same engine as the server, on every change: the estimate shown is the quote the
    // server will make, fees included.
    let estimate = {
        let found = found.clone();
        Memo::new(move |_| {
            let d = draft.get();
            let line = found.response.order.line(&d.lines.first()?.line_id)?;
            match validate_case(
                &found.response.policy,
                &found.response.order,
                &d,
                found.now(device_now()),
            ) {
                Ok(accepted) => accepted.quote.map(|q| q.total),
                Err(_) => line
                    .paid_for(quantity.get(), found.response.order.currency)
                    .ok(),
            }
        })
    };

    let submit_case = Action::new_unsync(move |req: &CreateCaseRequest| {
        let backend = backend.0.clone();
        let req = req.clone();
        async move { backend.submit_case(req).await }
    });
    let pending = submit_case.pending();
    {
        let order = order.clone();
        let zone = policy.time_zone.clone();
        Effect::new(move |_| match submit_case.value().get() {
            Some(Ok(receipt)) => {
                events.0.run(WidgetEvent::CaseSubmitted {
                    tracking_number: receipt.tracking_number.clone(),
                    kind: receipt.kind.code().to_string(),
                });
                let item_title = selected
                    .get_untracked()
                    .and_then(|id| order.line(&id).map(|l| l.title.clone()))
                    .unwrap_or_default();
                step.set(Step::Done(Arc::new(Submitted {
                    receipt,
                    item_title,
                    zone: zone.clone(),
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
            let d = draft.get();
            if d.lines.is_empty() || d.reason.is_none() {
                error.set(Some("Choose the item to return and a reason.".into()));
                return;
            }
            // A window that closed while the form was open, a condition the shop does not
            // accept: caught here, before anything is sent.
            let now = found.now(device_now());
            if let Err(v) = validate_case(&found.response.policy, &found.response.order, &d, now) {
                error.set(Some(
                    v.first()
                        .map(|v| v.message())
                        .unwrap_or("This request is not allowed.")
                        .to_string(),
                ));
                return;
            }
            error.set(None);
            submit_case.dispatch(CreateCaseRequest {
                order_number: found.request.order_number.clone(),
                email: found.request.email.clone(),
                case: d,
            });
        }
    };

    let window_days = policy.return_days();
    let rows = order
        .lines
        .iter()
        .zip(verdicts.iter())
        .map(|(line, lv)| {
            let outcome = lv.get(Resolution::Refund).cloned();
            let eligible = outcome.as_ref().is_some_and(|o| o.allowance().is_some());
            let id = line.id.clone();
            let id_for_check = line.id.clone();
            let text = outcome.as_ref().map(|o| format::verdict(o, window_days, today)).unwrap_or_default();
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
                            <span class="as-line__verdict" class:as-line__verdict--no=!eligible data-testid="verdict">
                                {text}
                            </span>
                        </span>
                    </label>
                </li>
            }
        })
        .collect_view();

    let reason_options = reasons
        .iter()
        .map(|(code, _)| view! { <option value=code.clone()>{format::reason(code)}</option> })
        .collect_view();
    let promise = format::span(policy.commitments.for_kind(CaseKind::Return).respond_within);

    view! {
        <form class="as-form" on:submit=on_submit novalidate>
            <p class="as-intro">{format!("Order {}: choose the item to return.", order.number)}</p>
            <ul class="as-lines" role="list">{rows}</ul>
            <Show when=move || { max_selected.get().unwrap_or(0) > 1 }>
                <label class="as-field">
                    <span class="as-field__label">"Quantity"</span>
                    <select
                        class="as-input"
                        part="input"
                        name="quantity"
                        on:change=move |ev| quantity.set(event_target_value(&ev).parse().unwrap_or(1))
                    >
                        {move || {
                            (1..=max_selected.get().unwrap_or(1))
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
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        reason.set(if v.is_empty() { None } else { Some(v) });
                    }
                >
                    <option value="" selected=move || reason.get().is_none()>"Choose a reason"</option>
                    {reason_options}
                </select>
            </label>
            <Show when=move || asks_condition && shopper_fault.get()>
                <label class="as-field">
                    <span class="as-field__label">"Condition of the item"</span>
                    <select
                        class="as-input"
                        part="input"
                        name="condition"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            condition.set(CONDITIONS.into_iter().find(|c| c.code() == v));
                        }
                    >
                        <option value="" selected=move || condition.get().is_none()>"Choose the condition"</option>
                        {CONDITIONS
                            .iter()
                            .map(|c| view! { <option value=c.code()>{format::condition(*c)}</option> })
                            .collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=move || estimate.get().is_some()>
                <p class="as-estimate" data-testid="estimate">
                    "Estimated refund: "
                    <strong>{move || estimate.get().map(format::money).unwrap_or_default()}</strong>
                </p>
            </Show>
            <p class="as-note">{format!("The shop answers return requests within {promise}.")}</p>
            <Show when=move || error.get().is_some()>
                <p class="as-error" part="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <div class="as-actions">
                <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Lookup)>
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
