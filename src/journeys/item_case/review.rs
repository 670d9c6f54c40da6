//! One look at the whole request, how the shop may reach the shopper, and sending it once: a
//! double click or a retry after a network failure sends the same idempotency key, so the
//! server answers with the first case instead of making a second.

use super::{error_id, field_of, focus_first_problem};
use crate::backend::{BackendError, BackendHandle};
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::journeys::choose::kind_name;
use crate::journeys::store::{CaseStore, Drafts, Part, Upload};
use crate::outbox;
use crate::state::{Events, LookedUp, Step, Submitted};
use crate::ui::{ErrorText, Stage, StepHeading, ITEM_STAGES, MESSAGE_STAGES};
use aftersales_core::api::{Channel, Contact, CreateCaseRequest};
use aftersales_core::case::estimate;
use aftersales_core::money::Money;
use leptos::prelude::*;
use std::sync::Arc;

/// The last part: review, contact, send.
#[component]
pub fn ReviewPart(
    /// The order found.
    found: Arc<LookedUp>,
    /// The request.
    store: CaseStore,
    /// The widget's step: the receipt once sent.
    step: RwSignal<Step>,
    /// Back to the details.
    on_back: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let backend = expect_context::<BackendHandle>();
    let events = expect_context::<Events>();
    let drafts = expect_context::<Drafts>();
    let kind = store.kind;
    let stages = if store.has_items_part() {
        ITEM_STAGES
    } else {
        MESSAGE_STAGES
    };
    let order = found.response.order.clone();
    let policy = found.response.policy.clone();
    let draft = store.draft();
    let part = NodeRef::<leptos::html::Div>::new();
    let general = RwSignal::new(None::<Msg>);

    let reason_def = draft
        .reason
        .as_deref()
        .and_then(|c| policy.reason(c))
        .cloned();
    let quote = match (&reason_def, draft.resolution) {
        (Some(r), Some(res)) => estimate(&policy, &order, &draft.lines, r.fault, res),
        _ => None,
    };
    let lines: Vec<(String, Option<String>, u32)> = draft
        .lines
        .iter()
        .filter_map(|dl| {
            order.line(&dl.line_id).map(|l| {
                // An exchange names what comes back instead: "Black / M → Black / L".
                let target = dl.exchange_for.as_ref().and_then(|sku| {
                    l.exchange_options
                        .iter()
                        .find(|o| &o.sku == sku)
                        .map(|o| o.variant.clone())
                });
                let variant = match (l.variant.clone(), target) {
                    (Some(v), Some(t)) => Some(format!("{v} → {t}")), // i18n-ok: two variants
                    (None, Some(t)) => Some(format!("→ {t}")),        // i18n-ok: a variant
                    (v, None) => v,
                };
                (l.title.clone(), variant, dl.quantity)
            })
        })
        .collect();

    // Sent through the outbox: kept on the device until the shop has it (see crate::outbox).
    let out = outbox::FormSend::mounted();
    let (pending, kept) = (out.pending, out.kept);
    let submit = {
        let (lines, zone) = (lines.clone(), policy.time_zone.clone());
        move |request: CreateCaseRequest| {
            // The outbox has it on the device: the draft would only make a second request.
            let (kept_drafts, drafts) = (drafts.clone(), drafts.clone());
            let on_kept = move |on_device: bool| {
                if on_device {
                    kept_drafts.forget(store);
                }
            };
            let done = move |outcome: Result<Submitted, BackendError>| match outcome {
                Ok(sent) => {
                    drafts.forget(store);
                    events.submitted(step, sent);
                }
                Err(e) if e.violations().is_empty() => general.set(Some(e.message())),
                Err(e) => {
                    // The shop refused something (a window closed meanwhile): back to the part
                    // where it can be fixed, with the problem under its control.
                    let violations = e.violations();
                    store.problems.set(
                        violations
                            .iter()
                            .map(|v| (field_of(&v.field), format::violation_detail(v)))
                            .collect(),
                    );
                    store.part.set(
                        if violations.iter().any(|v| v.field.starts_with("lines"))
                            && store.has_items_part()
                        {
                            Part::Items
                        } else {
                            Part::Details
                        },
                    );
                }
            };
            let key = store.key.get_value();
            let (backend, lines) = (backend.0.clone(), lines.clone());
            out.send(backend, key, &request, lines, zone.clone(), on_kept, done);
        }
    };

    let send = {
        let found = found.clone();
        move |_| {
            if pending.get_untracked() {
                return;
            }
            let contact = Contact {
                email: store.email.get_untracked().trim().to_string(),
                phone: store.phone.get_untracked().trim().to_string(),
                channel: store.channel.get_untracked(),
            };
            let mut problems = Vec::new();
            // From a signed link the e-mail may be left empty: the shop writes to the order's.
            let order_email = contact.email.is_empty() && !found.request.token.is_empty();
            if let Err(list) = contact.validate() {
                for (field, _) in list
                    .into_iter()
                    .filter(|(f, _)| !(order_email && *f == "contact.email"))
                {
                    let msg = if field == "contact.email" {
                        Msg::ContactErrorEmail
                    } else {
                        Msg::ContactErrorPhone
                    };
                    problems.push((field.to_string(), msg));
                }
            }
            general.set(None);
            if !problems.is_empty() {
                store.problems.set(problems);
                focus_first_problem(part);
                return;
            }
            store.problems.set(Vec::new());
            submit(CreateCaseRequest {
                order_number: found.request.order_number.clone(),
                email: found.request.email.clone(),
                token: found.request.token.clone(),
                case: store.draft(),
                contact: Some(contact),
            });
        }
    };

    let lang_summary = move || {
        let lang = i18n.lang();
        let shop = policy.default_locale.as_deref();
        let mut rows: Vec<(String, String)> = Vec::new();
        rows.push((
            lang.t(Msg::ReviewKind).into(),
            lang.t(kind_name(kind)).into(),
        ));
        if !lines.is_empty() {
            let items: Vec<String> = lines
                .iter()
                .map(|(t, v, q)| {
                    let name = match v {
                        Some(v) => format!("{t} ({v})"), // i18n-ok: a title and its variant
                        None => t.clone(),
                    };
                    lang.f(Msg::ReviewItem, &[("item", &name), ("n", &q.to_string())])
                })
                .collect();
            rows.push((lang.t(Msg::ReviewItems).into(), format::list(&lang, &items)));
        }
        if let aftersales_core::case::CaseType::LogisticsIssue { problem } = draft.case_type {
            rows.push((
                lang.t(Msg::DetailsProblem).into(),
                lang.t(format::problem(problem)).into(),
            ));
        }
        if let aftersales_core::case::CaseType::Complaint { about } = draft.case_type {
            rows.push((
                lang.t(Msg::DetailsAbout).into(),
                lang.t(format::about(about)).into(),
            ));
        }
        if let Some(r) = &reason_def {
            rows.push((
                lang.t(Msg::OrderReason).into(),
                format::reason(&lang, r, shop),
            ));
        }
        for (id, answer) in &draft.answers {
            let shown = match reason_def
                .as_ref()
                .and_then(|r| r.questions.iter().find(|q| &q.id == id))
            {
                Some(q)
                    if matches!(
                        q.kind,
                        aftersales_core::reasons::QuestionKind::Choice { .. }
                    ) =>
                {
                    format::answer_option(&lang, answer)
                }
                _ => answer.clone(),
            };
            rows.push((format::question(&lang, id), shown));
        }
        let photos = store.photos.with(|p| {
            p.iter()
                .filter(|p| matches!(p.state, Upload::Stored(_)))
                .count()
        });
        if photos > 0 {
            rows.push((
                lang.t(Msg::PhotoLabel).into(),
                lang.p(Msg::ReviewPhotos, photos as i64, &[]),
            ));
        }
        if let Some(res) = draft.resolution {
            rows.push((
                lang.t(Msg::DetailsResolution).into(),
                lang.t(format::resolution(res)).into(),
            ));
        }
        if let Some(c) = draft.condition {
            rows.push((
                lang.t(Msg::OrderCondition).into(),
                lang.t(format::condition(c)).into(),
            ));
        }
        if !draft.description.is_empty() {
            rows.push((
                lang.t(Msg::DetailsDescription).into(),
                draft.description.clone(),
            ));
        }
        rows.into_iter()
            .map(|(k, v)| view! { <dt>{k}</dt><dd dir="auto">{v}</dd> })
            .collect_view()
    };

    let breakdown = quote.map(|q| {
        let paid = q.lines.iter().fold(Money::zero(q.total.currency), |acc, l| acc.checked_add(l.paid).unwrap_or(acc));
        let fee = q.lines.iter().fold(Money::zero(q.total.currency), |acc, l| acc.checked_add(l.restocking_fee).unwrap_or(acc));
        let shipping = q.return_shipping_fee;
        let bonus = q.bonus;
        let pays = draft.resolution.is_some_and(|r| r.pays_money());
        view! {
            <table class="as-breakdown" data-testid="breakdown">
                <caption class="as-field__label">{tr(Msg::ReviewMoney)}</caption>
                <tbody>
                    <tr><th scope="row">{tr(Msg::ReviewPaid)}</th><td>{move || format::money(&i18n.lang(), paid)}</td></tr>
                    {(fee.minor > 0).then(|| view! { <tr><th scope="row">{tr(Msg::ReviewRestocking)}</th><td>{move || format!("−{}", format::money(&i18n.lang(), fee))}</td></tr> })}
                    {(shipping.minor > 0).then(|| view! { <tr><th scope="row">{tr(Msg::ReviewShipping)}</th><td>{move || format!("−{}", format::money(&i18n.lang(), shipping))}</td></tr> })}
                    {pays.then(|| view! { <tr class="as-breakdown__total"><th scope="row">{tr(Msg::ReviewTotal)}</th><td data-testid="total">{move || format::money(&i18n.lang(), q.total)}</td></tr> })}
                    {bonus.map(|b| view! { <tr class="as-breakdown__bonus"><th scope="row">{tr(Msg::ReviewBonus)}</th><td data-testid="bonus">{move || format!("+{}", format::money(&i18n.lang(), b))}</td></tr> })}
                </tbody>
            </table>
        }
    });

    let promise = policy.commitments.for_kind(kind).respond_within;
    view! {
        <div class="as-form" node_ref=part>
            <StepHeading title=Msg::ReviewHeading stage=Some((stages, Stage::Review)) />
            <dl class="as-summary" data-testid="summary">{lang_summary}</dl>
            {breakdown}
            <fieldset class="as-fieldset">
                <legend class="as-field__label">{tr(Msg::ContactLegend)}</legend>
                <div class="as-field">
                    <label class="as-field__label" for="as-contact-email">{tr(Msg::LookupEmail)}<span class="as-field__required">{tr(Msg::LookupRequired)}</span></label>
                    <input id="as-contact-email" class="as-input" part="input" type="email" name="contact_email" autocomplete="email" maxlength="254" required
                        aria-describedby=error_id("contact.email")
                        aria-invalid=move || store.problem("contact.email").is_some().then_some("true")
                        prop:value=move || store.email.get()
                        on:input=move |ev| { store.email.set(event_target_value(&ev)); store.fixed("contact.email"); } />
                    <ErrorText id=error_id("contact.email") problem=Signal::derive(move || store.problem("contact.email")) />
                </div>
                <div class="as-field">
                    <label class="as-field__label" for="as-contact-phone">{tr(Msg::ContactPhone)}</label>
                    <input id="as-contact-phone" class="as-input" part="input" type="tel" name="contact_phone" autocomplete="tel" maxlength="32"
                        aria-describedby=error_id("contact.phone")
                        aria-invalid=move || store.problem("contact.phone").is_some().then_some("true")
                        prop:value=move || store.phone.get()
                        on:input=move |ev| { store.phone.set(event_target_value(&ev)); store.fixed("contact.phone"); } />
                    <ErrorText id=error_id("contact.phone") problem=Signal::derive(move || store.problem("contact.phone")) />
                </div>
                <div class="as-field" role="radiogroup" aria-labelledby="as-channel-label">
                    <p class="as-field__label" id="as-channel-label">{tr(Msg::ContactChannel)}</p>
                    {[(Channel::Email, Msg::ContactByEmail, "email"), (Channel::Phone, Msg::ContactByPhone, "phone")].into_iter().map(|(c, m, v)| view! {
                        <label class="as-radio">
                            <input type="radio" name="channel" value=v prop:checked=move || store.channel.get() == c
                                on:change=move |_| { store.channel.set(c); store.fixed("contact.phone"); } />
                            <span>{tr(m)}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <p class="as-note">
                {move || { let lang = i18n.lang(); lang.f(Msg::OrderPromise, &[("span", &format::span(&lang, promise))]) }}
            </p>
            <div class="as-alert" role="alert" tabindex="-1">
                {move || general.get().map(|m| view! { <p class="as-error" part="error">{tr(m)}</p> })}
            </div>
            <p class="as-note" role="status" data-testid="outbox-status">{move || kept.get().map(tr)}</p>
            <div class="as-actions as-actions--sticky">
                <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| on_back.run(()) disabled=move || pending.get()>{tr(Msg::StepBack)}</button>
                <button class="as-button" part="button" type="button" on:click=send aria-disabled=move || pending.get().then_some("true")>
                    {move || i18n.t(if pending.get() { Msg::OrderPending } else { Msg::ReviewSend })}
                </button>
            </div>
        </div>
    }
}
