use crate::backend::BackendHandle;
use crate::components::widget::StepHeading;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::{device_now, Events, LookedUp, Step, Submitted, WidgetEvent};
use aftersales_core::api::CreateCaseRequest;
use aftersales_core::case::{
    conditions_asked, validate_case, CaseDraft, CaseKind, CaseType, DraftLine,
};
use aftersales_core::eligibility::evaluate;
use aftersales_core::reasons::{Evidence, ReasonDef};
use aftersales_core::resolution::{ItemCondition, Resolution};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The control a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Line,
    Quantity,
    Reason,
    Condition,
    /// The request as a whole (shown above the buttons).
    Form,
}

impl Field {
    /// The control a violation's field path (`lines[0].quantity`, `reason`) points at.
    fn of_path(path: &str) -> Field {
        if path.starts_with("lines") {
            if path.ends_with("quantity") {
                Field::Quantity
            } else {
                Field::Line
            }
        } else if path == "reason" {
            Field::Reason
        } else if path == "condition" {
            Field::Condition
        } else {
            Field::Form
        }
    }

    /// The id of the element that shows this field's problems.
    fn error_id(self) -> &'static str {
        match self {
            Field::Line => "as-line-error",
            Field::Quantity => "as-quantity-error",
            Field::Reason => "as-reason-error",
            Field::Condition => "as-condition-error",
            Field::Form => "as-form-error",
        }
    }
}

/// The problems of one field, under it, announced as they appear and gone once fixed.
#[component]
fn FieldError(problems: RwSignal<Vec<(Field, Msg)>>, field: Field) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="as-field__error" id=field.error_id() aria-live="polite">
            {move || {
                problems
                    .get()
                    .into_iter()
                    .filter(|(f, _)| *f == field)
                    .map(|(_, m)| i18n.t(m))
                    .collect::<Vec<_>>()
                    .join(" ")
            }}
        </p>
    }
}

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
    let i18n = use_i18n();
    let order = found.response.order.clone();
    let policy = found.response.policy.clone();
    let now = found.now(device_now());
    let today = policy.time_zone.local_date(now);
    let verdicts = evaluate(&policy, &order, now);

    let selected = RwSignal::new(None::<String>);
    let quantity = RwSignal::new(1u32);
    let reason = RwSignal::new(None::<String>);
    let condition = RwSignal::new(None::<ItemCondition>);
    let problems = RwSignal::new(Vec::<(Field, Msg)>::new());
    let has = move |field: Field| problems.with(|p| p.iter().any(|(f, _)| *f == field));
    let fixed = move |field: Field| {
        if has(field) {
            problems.update(|p| p.retain(|(f, _)| *f != field));
        }
    };

    // Reasons this form can complete: they lead to a refund and need no photos or answers
    // (those flows get their own steps).
    let reasons: Vec<ReasonDef> = policy
        .reasons
        .iter()
        .filter(|r| r.resolutions.contains(&Resolution::Refund))
        .filter(|r| r.evidence == Evidence::None && !r.questions.iter().any(|q| q.required))
        .cloned()
        .collect();
    // Core says whether the item's condition is asked and which conditions the shop takes:
    // only those are offered.
    let asked_conditions = {
        let policy = policy.clone();
        Memo::new(move |_| {
            let code = reason.get();
            let def = code.as_deref().and_then(|c| policy.reason(c));
            conditions_asked(&policy, def, Resolution::Refund).map(<[ItemCondition]>::to_vec)
        })
    };
    let condition_asked = move || asked_conditions.with(Option::is_some);

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
            Some(Err(e)) => {
                let found: Vec<(Field, Msg)> = e
                    .violations()
                    .iter()
                    .map(|v| (Field::of_path(&v.field), format::violation_detail(v)))
                    .collect();
                problems.set(if found.is_empty() {
                    vec![(Field::Form, e.message())]
                } else {
                    found
                });
            }
            None => {}
        });
    }

    let form = NodeRef::<leptos::html::Form>::new();
    let on_submit = {
        let found = found.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let d = draft.get_untracked();
            // Every problem at once: what is missing, then what the engine refuses (a window
            // that closed while the form was open, a condition the shop does not accept).
            let mut found_problems = Vec::new();
            if d.lines.is_empty() {
                found_problems.push((Field::Line, Msg::OrderErrorLine));
            }
            if d.reason.is_none() {
                found_problems.push((Field::Reason, Msg::OrderErrorReason));
            }
            if condition_asked() && d.condition.is_none() {
                found_problems.push((Field::Condition, Msg::OrderErrorCondition));
            }
            if found_problems.is_empty() {
                let now = found.now(device_now());
                if let Err(violations) =
                    validate_case(&found.response.policy, &found.response.order, &d, now)
                {
                    found_problems.extend(
                        violations
                            .iter()
                            .map(|v| (Field::of_path(&v.field), format::violation(v.code))),
                    );
                }
            }
            if let Some((first, _)) = found_problems.first() {
                let first = *first;
                problems.set(found_problems);
                focus_field(form, first);
                return;
            }
            problems.set(Vec::new());
            submit_case.dispatch(CreateCaseRequest {
                order_number: found.request.order_number.clone(),
                email: found.request.email.clone(),
                case: d,
            });
        }
    };

    let currency = order.currency;
    let rows = order
        .lines
        .iter()
        .zip(verdicts.iter())
        .map(|(line, lv)| {
            let outcome = lv.get(Resolution::Refund).cloned();
            let eligible = outcome.as_ref().is_some_and(|o| o.allowance().is_some());
            let id = line.id.clone();
            let id_for_check = line.id.clone();
            let unit = line.unit_money(currency);
            let count = line.quantity.to_string();
            let verdict = move || {
                outcome
                    .as_ref()
                    .map(|o| format::verdict(&i18n.lang(), o, today))
                    .unwrap_or_default()
            };
            view! {
                <li class="as-line" class:as-line--disabled=!eligible data-line-id=line.id.clone()>
                    <label class="as-line__label">
                        <input
                            class="as-line__radio"
                            type="radio"
                            name="as-line"
                            value=line.id.clone()
                            disabled=!eligible
                            aria-invalid=move || (eligible && has(Field::Line)).then_some("true")
                            prop:checked=move || selected.get().as_deref() == Some(id_for_check.as_str())
                            on:change=move |_| {
                                selected.set(Some(id.clone()));
                                quantity.set(1);
                                fixed(Field::Line);
                                fixed(Field::Quantity);
                            }
                        />
                        <span class="as-line__text">
                            <span class="as-line__title" dir="auto">{line.title.clone()}</span>
                            <span class="as-line__meta">
                                {move || {
                                    let lang = i18n.lang();
                                    lang.f(Msg::OrderLineMeta, &[("quantity", &count), ("price", &format::money(&lang, unit))])
                                }}
                            </span>
                            <span class="as-line__verdict" class:as-line__verdict--no=!eligible data-testid="verdict">
                                {verdict}
                            </span>
                        </span>
                    </label>
                </li>
            }
        })
        .collect_view();

    let reason_options = {
        let shop = policy.default_locale.clone();
        move || {
            let lang = i18n.lang();
            reasons
                .iter()
                .map(|r| {
                    let code = r.code.clone();
                    let chosen = code.clone();
                    view! {
                        <option value=code selected=move || reason.get().as_deref() == Some(chosen.as_str())>
                            {format::reason(&lang, r, shop.as_deref())}
                        </option>
                    }
                })
                .collect_view()
        }
    };
    let promise = policy.commitments.for_kind(CaseKind::Return).respond_within;
    let number = order.number.clone();

    view! {
        <form class="as-form" on:submit=on_submit novalidate node_ref=form>
            <StepHeading title=Msg::OrderHeading place=Some((2, 3)) />
            <p class="as-intro">{move || i18n.f(Msg::OrderIntro, &[("number", &number)])}</p>
            <fieldset class="as-fieldset" aria-describedby="as-line-error">
                <legend class="as-field__label">
                    {tr(Msg::OrderItems)}
                    <span class="as-field__required">{tr(Msg::LookupRequired)}</span>
                </legend>
                <ul class="as-lines" role="list">{rows}</ul>
                <FieldError problems=problems field=Field::Line />
            </fieldset>
            <Show when=move || { max_selected.get().unwrap_or(0) > 1 }>
                <div class="as-field">
                    <label class="as-field__label" for="as-quantity">{tr(Msg::OrderQuantity)}</label>
                    <select
                        id="as-quantity"
                        class="as-input"
                        part="input"
                        name="quantity"
                        aria-describedby="as-quantity-error"
                        aria-invalid=move || has(Field::Quantity).then_some("true")
                        on:change=move |ev| {
                            quantity.set(event_target_value(&ev).parse().unwrap_or(1));
                            fixed(Field::Quantity);
                        }
                    >
                        {move || {
                            (1..=max_selected.get().unwrap_or(1))
                                .map(|n| view! { <option value=n.to_string() selected=move || quantity.get() == n>{n}</option> })
                                .collect_view()
                        }}
                    </select>
                    <FieldError problems=problems field=Field::Quantity />
                </div>
            </Show>
            <div class="as-field">
                <label class="as-field__label" for="as-reason">
                    {tr(Msg::OrderReason)}
                    <span class="as-field__required">{tr(Msg::LookupRequired)}</span>
                </label>
                <select
                    id="as-reason"
                    class="as-input"
                    part="input"
                    name="reason"
                    required
                    aria-describedby="as-reason-error"
                    aria-invalid=move || has(Field::Reason).then_some("true")
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        reason.set(if v.is_empty() { None } else { Some(v) });
                        fixed(Field::Reason);
                        if !condition_asked() {
                            fixed(Field::Condition);
                        }
                    }
                >
                    <option value="" selected=move || reason.get().is_none()>{tr(Msg::OrderReasonChoose)}</option>
                    {reason_options}
                </select>
                <FieldError problems=problems field=Field::Reason />
            </div>
            <Show when=condition_asked>
                <div class="as-field">
                    <label class="as-field__label" for="as-condition">
                        {tr(Msg::OrderCondition)}
                        <span class="as-field__required">{tr(Msg::LookupRequired)}</span>
                    </label>
                    <select
                        id="as-condition"
                        class="as-input"
                        part="input"
                        name="condition"
                        required
                        aria-describedby="as-condition-error"
                        aria-invalid=move || has(Field::Condition).then_some("true")
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            condition.set(asked_conditions.with_untracked(|a| {
                                a.iter().flatten().copied().find(|c| c.code() == v)
                            }));
                            fixed(Field::Condition);
                        }
                    >
                        <option value="" selected=move || condition.get().is_none()>{tr(Msg::OrderConditionChoose)}</option>
                        {move || asked_conditions
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|c| view! { <option value=c.code() selected=move || condition.get() == Some(c)>{move || i18n.t(format::condition(c))}</option> })
                            .collect_view()}
                    </select>
                    <FieldError problems=problems field=Field::Condition />
                </div>
            </Show>
            <Show when=move || estimate.get().is_some()>
                <p class="as-estimate" data-testid="estimate">
                    {tr(Msg::OrderEstimate)}" "
                    <strong>{move || estimate.get().map(|m| format::money(&i18n.lang(), m)).unwrap_or_default()}</strong>
                </p>
            </Show>
            <p class="as-note">
                {move || {
                    let lang = i18n.lang();
                    lang.f(Msg::OrderPromise, &[("span", &format::span(&lang, promise))])
                }}
            </p>
            <div class="as-alert" role="alert" id="as-form-error">
                {move || {
                    let count = problems.with(Vec::len);
                    let general: Vec<&str> = problems
                        .get()
                        .into_iter()
                        .filter(|(f, _)| *f == Field::Form)
                        .map(|(_, m)| i18n.t(m))
                        .collect();
                    (count > 0).then(|| view! {
                        <div class="as-error" part="error">
                            <p>{i18n.p(Msg::OrderErrorSummary, count as i64, &[])}</p>
                            {general.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                        </div>
                    })
                }}
            </div>
            <div class="as-actions">
                <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Lookup)>
                    {tr(Msg::OrderAnother)}
                </button>
                <button class="as-button" part="button" type="submit" disabled=move || pending.get()>
                    {move || i18n.t(if pending.get() { Msg::OrderPending } else { Msg::OrderSubmit })}
                </button>
            </div>
        </form>
    }
}

/// Moves focus to the control of the first problem, so the shopper lands where to fix it.
fn focus_field(form: NodeRef<leptos::html::Form>, field: Field) {
    let selector = match field {
        Field::Line => ".as-line__radio:not([disabled])", // i18n-ok: a CSS selector
        Field::Quantity => "#as-quantity",
        Field::Reason => "#as-reason",
        Field::Condition => "#as-condition",
        Field::Form => "#as-form-error",
    };
    use wasm_bindgen::JsCast;
    if let Some(el) = form
        .get_untracked()
        .and_then(|f| f.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
