//! "What do you need help with?": core's options for the order found, each with the one fact
//! that explains it. What cannot be done now is said, not offered as a dead button.

mod quick;

use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::{device_now, LookedUp, Step};
use crate::ui::{Stage, StepHeading, ITEM_STAGES};
use aftersales_core::case::CaseKind;
use aftersales_core::options::{case_options, OptionStatus};
use leptos::prelude::*;
use std::sync::Arc;

/// The kind's name on its button.
pub fn kind_name(kind: CaseKind) -> Msg {
    match kind {
        CaseKind::Return => Msg::ChooseReturn,
        CaseKind::Exchange => Msg::ChooseExchange,
        CaseKind::Repair => Msg::ChooseRepair,
        CaseKind::LogisticsIssue => Msg::ChooseDelivery,
        CaseKind::Complaint => Msg::ChooseComplaint,
        CaseKind::Question => Msg::ChooseQuestion,
        CaseKind::Reshipment => Msg::ChooseReshipment,
        CaseKind::Compensation => Msg::ChooseCompensation,
    }
}

/// The kind as a noun, for a request already made ("Complaint", "Return").
pub fn kind_noun(kind: CaseKind) -> Msg {
    match kind {
        CaseKind::Return => Msg::KindReturn,
        CaseKind::Exchange => Msg::KindExchange,
        CaseKind::Repair => Msg::KindRepair,
        CaseKind::LogisticsIssue => Msg::KindDelivery,
        CaseKind::Complaint => Msg::KindComplaint,
        CaseKind::Question => Msg::KindQuestion,
        CaseKind::Reshipment => Msg::KindReshipment,
        CaseKind::Compensation => Msg::KindCompensation,
    }
}

/// The step after the order is found.
#[component]
pub fn ChooseView(
    /// The order found.
    found: Arc<LookedUp>,
    /// The widget's step.
    step: RwSignal<Step>,
) -> impl IntoView {
    let i18n = use_i18n();
    let policy = &found.response.policy;
    let now = found.now(device_now());
    let can = expect_context::<crate::backend::BackendHandle>()
        .0
        .capabilities();
    // Only the kinds the adapter can take (a platform's storefront API may take returns only).
    let mut options = case_options(policy, &found.response.order, now);
    options.retain(|o| can.kinds.contains(&o.kind));
    let open_kinds: Vec<CaseKind> = options
        .iter()
        .filter(|o| o.status.is_open())
        .map(|o| o.kind)
        .collect();
    let open_items = options
        .iter()
        .filter(|o| o.status.is_open() && o.kind.claims_units())
        .count();
    let number = found.response.order.number.clone();
    let respond = policy
        .commitments
        .for_kind(CaseKind::Question)
        .respond_within;
    let rows = options
        .into_iter()
        .map(|o| {
            let kind = o.kind;
            let open = o.status.is_open();
            let found = found.clone();
            let why = move || {
                let lang = i18n.lang();
                match &o.status {
                    OptionStatus::Open {
                        until, faults_only, ..
                    } => {
                        let base = match (kind, until) {
                            (CaseKind::Return, Some(d)) => lang.f(
                                Msg::ChooseReturnUntil,
                                &[("date", &format::date(&lang, *d))],
                            ),
                            (CaseKind::Exchange, Some(d)) => lang.f(
                                Msg::ChooseExchangeUntil,
                                &[("date", &format::date(&lang, *d))],
                            ),
                            (CaseKind::Repair, Some(d)) => lang.f(
                                Msg::ChooseRepairUntil,
                                &[("date", &format::date(&lang, *d))],
                            ),
                            (CaseKind::LogisticsIssue, _) => {
                                lang.t(Msg::ChooseDeliveryWhat).to_string()
                            }
                            (CaseKind::Complaint, _) => {
                                lang.t(Msg::ChooseComplaintWhat).to_string()
                            }
                            (CaseKind::Question, _) => lang.f(
                                Msg::ChooseQuestionWhat,
                                &[("span", &format::span(&lang, respond))],
                            ),
                            (_, _) => lang.t(Msg::ChooseAnyTime).to_string(),
                        };
                        if *faults_only && matches!(kind, CaseKind::Return | CaseKind::Exchange) {
                            lang.f(Msg::ChooseFaultsOnly, &[("what", &base)])
                        } else {
                            base
                        }
                    }
                    OptionStatus::Closed { reason } => format::closed(&lang, reason),
                }
            };
            view! {
                <li class="as-choice" data-kind=kind.code() data-open=open.to_string()>
                    {if open {
                        view! {
                            <button
                                type="button"
                                class="as-choice__button"
                                part="choice"
                                on:click=move |_| step.set(Step::Case(found.clone(), kind))
                            >
                                <span class="as-choice__name">{tr(kind_name(kind))}</span>
                                <span class="as-choice__why">{why}</span>
                            </button>
                        }
                        .into_any()
                    } else {
                        view! {
                            <div class="as-choice__closed">
                                <span class="as-choice__name">{tr(kind_name(kind))}</span>
                                <span class="as-choice__why">{why}</span>
                            </div>
                        }
                        .into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    let withdrawal = (can.withdrawal && crate::journeys::withdraw::offered(&found)).then(|| {
        let found = found.clone();
        view! {
            <section class="as-open" aria-labelledby="as-withdraw-title" data-testid="withdrawal-offer">
                <h4 id="as-withdraw-title" class="as-field__label">{tr(Msg::WithdrawOfferTitle)}</h4>
                <p class="as-note">{tr(Msg::WithdrawOffer)}</p>
                <button class="as-button as-button--quiet" part="button" type="button"
                    on:click=move |_| step.set(Step::Withdraw(found.clone()))>
                    {tr(Msg::WithdrawButton)}
                </button>
            </section>
        }
    });
    // Drafts left on this device for this order: continue or discard. A draft of a kind the
    // order no longer allows (its window closed since) is dropped: it could not be sent.
    let drafts = expect_context::<crate::journeys::store::Drafts>();
    let (still_open, closed): (Vec<CaseKind>, Vec<CaseKind>) =
        crate::journeys::saved::kinds_saved(&number, device_now().timestamp_millis())
            .into_iter()
            .partition(|k| open_kinds.contains(k));
    for kind in closed {
        drafts.discard(&number, kind);
    }
    let saved = RwSignal::new(still_open);
    let unfinished = {
        let (found, number) = (found.clone(), number.clone());
        move || {
            let list = saved.get();
            (!list.is_empty()).then(|| {
                let rows = list
                    .into_iter()
                    .map(|kind| {
                        let (found, number) = (found.clone(), number.clone());
                        let drafts = drafts.clone();
                        view! {
                            <li class="as-saved__item" data-kind=kind.code()>
                                <span id=format!("as-saved-{}", kind.code())>{tr(kind_noun(kind))}</span>
                                <button class="as-button as-button--quiet" part="button" type="button"
                                    aria-describedby=format!("as-saved-{}", kind.code())
                                    on:click=move |_| step.set(Step::Case(found.clone(), kind))>
                                    {tr(Msg::SavedContinue)}
                                </button>
                                <button class="as-button as-button--quiet" part="button" type="button"
                                    aria-describedby=format!("as-saved-{}", kind.code())
                                    on:click=move |_| {
                                        drafts.discard(&number, kind);
                                        saved.update(|l| l.retain(|k| *k != kind));
                                    }>
                                    {tr(Msg::SavedDiscard)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="as-open" aria-labelledby="as-saved-title" data-testid="saved-drafts">
                        <h4 id="as-saved-title" class="as-field__label">{tr(Msg::SavedTitle)}</h4>
                        <ul class="as-open__list" role="list">{rows}</ul>
                    </section>
                }
            })
        }
    };
    let open_cases = found.response.open_cases.clone();
    let already = (!open_cases.is_empty()).then(|| {
        view! {
            <section class="as-open" aria-labelledby="as-open-title" data-testid="open-cases">
                <h4 id="as-open-title" class="as-field__label">{tr(Msg::ChooseOpenRequests)}</h4>
                <ul class="as-open__list" role="list">
                    {open_cases.into_iter().map(|c| {
                        let number = c.tracking_number.clone();
                        view! {
                            <li>{move || i18n.f(Msg::ChooseOpenRequest, &[("number", &number), ("kind", i18n.t(kind_name(c.kind)))])}</li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <div class="as-choose">
            <StepHeading title=Msg::ChooseHeading stage=Some((ITEM_STAGES, Stage::Choose)) />
            <p class="as-intro">{move || i18n.f(Msg::ChooseIntro, &[("number", &number)])}</p>
            {(open_items == 0).then(|| view! { <p class="as-note" data-testid="nothing-to-claim">{tr(Msg::ChooseNothingToClaim)}</p> })}
            {unfinished}
            {(!found.request.token.is_empty()).then(|| view! { <quick::QuickReturnView found=found.clone() step=step /> })}
            <ul class="as-choices" role="list">{rows}</ul>
            {already}
            {withdrawal}
            <div class="as-actions">
                <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Policy)>
                    {tr(Msg::LookupPolicy)}
                </button>
                <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Lookup)>
                    {tr(Msg::OrderAnother)}
                </button>
            </div>
        </div>
    }
}
