//! Which items, and how many of each: every line of the order, the ones this kind of request
//! may name chosen with a checkbox and a quantity bounded by core's maximum, the others with
//! the reason they cannot be chosen.

use super::{error_id, focus_first_problem};
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::journeys::store::CaseStore;
use crate::state::{device_now, LookedUp};
use crate::ui::{ErrorText, Stage, StepHeading, ITEM_STAGES};
use aftersales_core::case::CaseKind;
use aftersales_core::eligibility::{evaluate, Ineligible, Outcome};
use aftersales_core::options::{line_status, LineStatus};
use aftersales_core::order::Line;
use aftersales_core::resolution::Resolution;
use chrono::NaiveDate;
use leptos::prelude::*;
use std::sync::Arc;

/// The first part of a request about items.
#[component]
pub fn ItemsPart(
    /// The order found.
    found: Arc<LookedUp>,
    /// The request.
    store: CaseStore,
    /// Back to "What do you need help with?".
    on_back: Callback<()>,
    /// On to what happened.
    on_next: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let order = &found.response.order;
    let now = found.now(device_now());
    let verdicts = evaluate(&found.response.policy, order, now);
    let today = found.response.policy.time_zone.local_date(now);
    // Lines already in an open request that takes units: said as a status with its number.
    let in_request = |line_id: &str| {
        found
            .response
            .open_cases
            .iter()
            .find(|c| c.kind.claims_units() && c.lines.iter().any(|l| l.line_id == line_id))
            .map(|c| c.tracking_number.clone())
    };
    let part = NodeRef::<leptos::html::Div>::new();
    let rows = order
        .lines
        .iter()
        .zip(verdicts.iter())
        .enumerate()
        .map(|(i, (line, lv))| {
            // A return reads as the shop's return promise: "Returnable until 2 Dec (5 days left)".
            let refund = (store.kind == CaseKind::Return)
                .then(|| lv.get(Resolution::Refund).cloned())
                .flatten();
            item_row(
                i,
                line,
                line_status(lv, store.kind),
                refund,
                in_request(&line.id),
                today,
                store,
                order.currency,
            )
        })
        .collect_view();
    let next = move |_| {
        if store.quantities.with(|q| q.is_empty()) {
            store
                .problems
                .set(vec![("lines".into(), Msg::ViolationLinesRequired)]);
            focus_first_problem(part);
        } else {
            store.problems.set(Vec::new());
            on_next.run(());
        }
    };
    let lines_error = error_id("lines");
    let lines_described = lines_error.clone();
    view! {
        <div class="as-form" node_ref=part>
            <StepHeading title=Msg::ItemsHeading stage=Some((ITEM_STAGES, Stage::Items)) />
            <p class="as-intro">{tr(crate::journeys::choose::kind_name(store.kind))}</p>
            <fieldset class="as-fieldset" aria-describedby=lines_described>
                <legend class="as-field__label">
                    {tr(Msg::ItemsLegend)}
                    <span class="as-field__required">{tr(Msg::LookupRequired)}</span>
                </legend>
                <ul class="as-lines" role="list">{rows}</ul>
                <ErrorText id=lines_error problem=Signal::derive(move || store.problem("lines")) />
            </fieldset>
            <div class="as-actions as-actions--sticky">
                <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| on_back.run(())>
                    {tr(Msg::StepBack)}
                </button>
                <button class="as-button" part="button" type="button" on:click=next>
                    {move || i18n.t(Msg::StepNext)}
                </button>
            </div>
        </div>
    }
}

/// One line: picture, title, variant, what it allows, and the controls when it may be chosen.
#[allow(clippy::too_many_arguments)]
fn item_row(
    index: usize,
    line: &Line,
    choice: LineStatus,
    refund: Option<Outcome>,
    taken: Option<String>,
    today: NaiveDate,
    store: CaseStore,
    currency: aftersales_core::money::Currency,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = store.kind;
    let id = line.id.clone();
    let title = line.title.clone();
    let unit = line.unit_money(currency);
    let ordered = line.quantity.to_string();
    let (open, max) = match &choice {
        LineStatus::Open { max, .. } => (true, *max),
        LineStatus::Closed { .. } => (false, 0),
    };
    let refused = !open && taken.is_none();
    let why = {
        let choice = choice.clone();
        move || {
            let lang = i18n.lang();
            if let (Some(o), LineStatus::Open { .. }) = (&refund, &choice) {
                if o.allowance().is_some() {
                    return format::verdict(&lang, o, today);
                }
            }
            match &choice {
                LineStatus::Open {
                    until: Some(d),
                    faults_only: true,
                    ..
                } if kind != CaseKind::Repair => {
                    lang.f(Msg::ItemsFaultsUntil, &[("date", &format::date(&lang, *d))])
                }
                LineStatus::Open { until: Some(d), .. } => {
                    lang.f(Msg::ItemsUntil, &[("date", &format::date(&lang, *d))])
                }
                LineStatus::Open { until: None, .. } => lang.t(Msg::ItemsAnyTime).to_string(),
                LineStatus::Closed {
                    reason: Ineligible::FullyClaimed,
                } if taken.is_some() => lang.f(
                    Msg::ItemsInRequest,
                    &[("number", taken.as_deref().unwrap_or_default())],
                ),
                LineStatus::Closed { reason } => format::closed(&lang, reason),
            }
        }
    };
    let chosen = {
        let id = id.clone();
        Memo::new(move |_| store.quantities.with(|q| q.get(&id).copied()))
    };
    let toggle = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            store.quantities.update(|q| {
                if on {
                    q.insert(id.clone(), 1);
                } else {
                    q.remove(&id);
                }
            });
            store.fixed("lines");
        }
    };
    let step_by = {
        let id = id.clone();
        move |delta: i64| {
            store.quantities.update(|q| {
                if let Some(n) = q.get_mut(&id) {
                    *n = (i64::from(*n) + delta).clamp(1, i64::from(max)) as u32;
                }
            });
        }
    };
    let fewer = {
        let s = step_by.clone();
        move |_: leptos::ev::MouseEvent| s(-1)
    };
    let more = move |_: leptos::ev::MouseEvent| step_by(1);
    let several = move || chosen.get().is_some() && max > 1;
    let at_least = move || chosen.get().unwrap_or(1) <= 1;
    let at_most = move || chosen.get().unwrap_or(1) >= max;
    let broken = RwSignal::new(false);
    let image = line.image_url.clone();
    let label_less = {
        let title = title.clone();
        move || i18n.f(Msg::ItemsFewer, &[("item", &title)])
    };
    let label_more = {
        let title = title.clone();
        move || i18n.f(Msg::ItemsMore, &[("item", &title)])
    };
    let check_id = format!("as-item-{index}"); // i18n-ok: an element id
    view! {
        <li class="as-line" class:as-line--disabled=!open data-line-id=id.clone()>
            <div class="as-line__media" aria-hidden="true">
                {move || match (&image, broken.get()) {
                    (Some(src), false) => view! {
                        <img class="as-line__image" src=src.clone() alt="" loading="lazy" decoding="async" on:error=move |_| broken.set(true) />
                    }.into_any(),
                    _ => view! { <span class="as-line__placeholder"></span> }.into_any(),
                }}
            </div>
            <div class="as-line__body">
                <label class="as-line__label" for=check_id.clone()>
                    <input
                        id=check_id.clone()
                        class="as-line__check"
                        type="checkbox"
                        name="as-line"
                        value=id.clone()
                        disabled=!open
                        prop:checked=move || chosen.get().is_some()
                        aria-invalid=move || (open && store.problem("lines").is_some()).then_some("true")
                        on:change=toggle
                    />
                    <span class="as-line__text">
                        <bdi class="as-line__title">{title.clone()}</bdi>
                        {line.variant.clone().map(|v| view! { <bdi class="as-line__variant">{v}</bdi> })}
                        <span class="as-line__meta">
                            {move || {
                                let lang = i18n.lang();
                                lang.f(Msg::OrderLineMeta, &[("quantity", &ordered), ("price", &format::money(&lang, unit))])
                            }}
                        </span>
                        <span class="as-line__verdict" class:as-line__verdict--no=refused data-testid="verdict">{why}</span>
                    </span>
                </label>
                <Show when=several>
                    <div class="as-stepper" role="group" aria-label=move || i18n.t(Msg::OrderQuantity)>
                        <button type="button" class="as-stepper__button" part="button" aria-label=label_less.clone()
                            disabled=at_least
                            on:click=fewer.clone()>"−"</button>
                        <output class="as-stepper__value" aria-live="polite" data-testid="quantity">
                            {move || chosen.get().unwrap_or(1)}
                        </output>
                        <button type="button" class="as-stepper__button" part="button" aria-label=label_more.clone()
                            disabled=at_most
                            on:click=more.clone()>"+"</button>
                        <span class="as-stepper__max">{move || i18n.f(Msg::ItemsMax, &[("n", &max.to_string())])}</span>
                    </div>
                </Show>
            </div>
        </li>
    }
}
