//! What happened and what the shopper would like: the reason (grouped as the policy groups
//! them), its follow-up questions, photos when it needs them, the resolutions core allows for
//! the chosen items with what each pays back, and the item's condition when it is asked.
//! A delivery problem starts with what went wrong; a complaint with what it is about.

use super::{error_id, field_of, focus_first_problem};
use crate::backend::{BackendError, BackendHandle};
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::journeys::store::{CaseStore, Photo, Upload};
use crate::state::{device_now, LookedUp};
use crate::ui::photo;
use crate::ui::{ErrorText, Stage, StepHeading, ITEM_STAGES, MESSAGE_STAGES};
use aftersales_core::case::{
    conditions_asked, estimate, validate_case, CaseKind, ComplaintAbout, DraftLine,
    LogisticsProblem, MAX_DESCRIPTION, MAX_EVIDENCE,
};
use aftersales_core::options::{option_for, reasons_for, resolutions_for, OptionStatus};
use aftersales_core::reasons::{Evidence, QuestionKind, ReasonDef};
use aftersales_core::resolution::Resolution;
use leptos::prelude::*;
use std::sync::Arc;

/// The reasons, grouped under their headings in the order the policy first lists each group.
pub(crate) fn grouped(reasons: &[ReasonDef]) -> Vec<(String, Vec<ReasonDef>)> {
    let mut out: Vec<(String, Vec<ReasonDef>)> = Vec::new();
    for r in reasons {
        match out.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, list)) => list.push(r.clone()),
            None => out.push((r.group.clone(), vec![r.clone()])),
        }
    }
    out
}

/// The second part: what happened, and what the shopper would like.
#[component]
pub fn DetailsPart(
    /// The order found.
    found: Arc<LookedUp>,
    /// The request.
    store: CaseStore,
    /// Back to the items (or to the choice).
    on_back: Callback<()>,
    /// On to the review.
    on_next: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = store.kind;
    let policy = StoredValue::new(found.response.policy.clone());
    let order = StoredValue::new(found.response.order.clone());
    let now = found.now(device_now());
    let stages = if store.has_items_part() {
        ITEM_STAGES
    } else {
        MESSAGE_STAGES
    };
    let faults_only = policy.with_value(|p| {
        order.with_value(|o| {
            let verdicts = aftersales_core::eligibility::evaluate(p, o, now);
            matches!(
                option_for(kind, o, &verdicts),
                OptionStatus::Open {
                    faults_only: true,
                    ..
                }
            )
        })
    });
    // An adapter that takes no photos is not offered the reasons that need them.
    let photos_ok = expect_context::<BackendHandle>().0.capabilities().evidence;
    let reasons: Vec<ReasonDef> = policy.with_value(|p| {
        reasons_for(p, kind, faults_only)
            .into_iter()
            .filter(|r| photos_ok || r.evidence == Evidence::None)
            .cloned()
            .collect()
    });
    let asks_reason = matches!(
        kind,
        CaseKind::Return | CaseKind::Exchange | CaseKind::Repair
    );
    let reason_def = Memo::new(move |_| {
        let code = store.reason.get()?;
        policy.with_value(|p| p.reason(&code).cloned())
    });
    let resolutions = Memo::new(move |_| {
        let Some(def) = reason_def.get() else {
            return Vec::new();
        };
        let ids: Vec<String> = store.quantities.with(|q| q.keys().cloned().collect());
        if ids.is_empty() || kind == CaseKind::Complaint || kind == CaseKind::Question {
            return Vec::new();
        }
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        policy.with_value(|p| order.with_value(|o| resolutions_for(p, o, &ids, &def, kind, now)))
    });
    // The resolution in force: the one chosen if still allowed, else the only one there is.
    let resolution = Memo::new(move |_| {
        let list = resolutions.get();
        store
            .resolution
            .get()
            .filter(|r| list.contains(r))
            .or_else(|| (list.len() == 1).then(|| list[0]))
    });
    let conditions = Memo::new(move |_| {
        let res = resolution.get()?;
        let def = reason_def.get();
        policy.with_value(|p| conditions_asked(p, def.as_ref(), res).map(<[_]>::to_vec))
    });
    let needs_photo = Memo::new(move |_| {
        reason_def
            .get()
            .is_some_and(|r| r.evidence != Evidence::None)
    });
    let needs_video = Memo::new(move |_| {
        reason_def
            .get()
            .is_some_and(|r| r.evidence == Evidence::PhotoAndVideo)
    });
    let takes_photos = move || photos_ok && (needs_photo.get() || kind == CaseKind::Complaint);
    let part = NodeRef::<leptos::html::Div>::new();

    let next = move |_| {
        let mut found_problems: Vec<(String, Msg)> = Vec::new();
        if kind == CaseKind::LogisticsIssue && store.problem.get_untracked().is_none() {
            found_problems.push(("problem".into(), Msg::DetailsErrorProblem));
        }
        if kind == CaseKind::Complaint && store.about.get_untracked().is_none() {
            found_problems.push(("about".into(), Msg::DetailsErrorAbout));
        }
        let photos = store.photos.get_untracked();
        if photos.iter().any(|p| matches!(p.state, Upload::Sending(_))) {
            found_problems.push(("evidence".into(), Msg::PhotoStillSending));
        } else if photos.iter().any(|p| matches!(p.state, Upload::Failed(_))) {
            found_problems.push(("evidence".into(), Msg::PhotoRemoveFailed));
        }
        store.resolution.set(resolution.get_untracked());
        let draft = store.draft();
        let checked = policy.with_value(|p| order.with_value(|o| validate_case(p, o, &draft, now)));
        if let Err(violations) = checked {
            for v in violations {
                let field = field_of(&v.field);
                if !found_problems.iter().any(|(f, _)| *f == field) {
                    found_problems.push((field, format::violation(v.code)));
                }
            }
        }
        if found_problems.is_empty() {
            store.problems.set(Vec::new());
            on_next.run(());
        } else {
            store.problems.set(found_problems);
            focus_first_problem(part);
        }
    };

    let shop = found.response.policy.default_locale.clone();
    let reason_select = asks_reason.then(|| {
        let groups = grouped(&reasons);
        let shop = shop.clone();
        let on_change = move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            store.reason.set((!v.is_empty()).then_some(v));
            keep_answers_of_reason(store, reason_def.get_untracked());
            store.fixed("reason");
        };
        view! {
            <div class="as-field">
                <label class="as-field__label" for="as-reason">
                    {tr(Msg::OrderReason)}
                    <span class="as-field__required">{tr(Msg::LookupRequired)}</span>
                </label>
                <select id="as-reason" class="as-input" part="input" name="reason" required
                    aria-describedby=error_id("reason")
                    aria-invalid=move || store.problem("reason").is_some().then_some("true")
                    on:change=on_change>
                    <option value="" selected=move || store.reason.get().is_none()>{tr(Msg::OrderReasonChoose)}</option>
                    {move || {
                        let lang = i18n.lang();
                        groups.iter().map(|(group, list)| {
                            let options = list.iter().map(|r| {
                                let code = r.code.clone();
                                let chosen = code.clone();
                                view! {
                                    <option value=code selected=move || store.reason.get().as_deref() == Some(chosen.as_str())>
                                        {format::reason(&lang, r, shop.as_deref())}
                                    </option>
                                }
                            }).collect_view();
                            view! { <optgroup label=format::reason_group(&lang, group)>{options}</optgroup> }
                        }).collect_view()
                    }}
                </select>
                <ErrorText id=error_id("reason") problem=Signal::derive(move || store.problem("reason")) />
            </div>
        }
    });

    let problem_radios = (kind == CaseKind::LogisticsIssue).then(|| {
        let on_pick = move |p: LogisticsProblem| {
            store.problem.set(Some(p));
            let reason = p
                .reason_code()
                .filter(|c| policy.with_value(|pol| pol.reason(c).is_some()))
                .map(str::to_string);
            store.reason.set(reason);
            keep_answers_of_reason(store, reason_def.get_untracked());
            store.fixed("problem");
        };
        view! {
            <fieldset class="as-fieldset" aria-describedby=error_id("problem")>
                <legend class="as-field__label">{tr(Msg::DetailsProblem)}<span class="as-field__required">{tr(Msg::LookupRequired)}</span></legend>
                {LogisticsProblem::ALL.into_iter().map(|p| view! {
                    <label class="as-radio">
                        <input type="radio" name="problem" value=p.code()
                            aria-invalid=move || store.problem("problem").is_some().then_some("true")
                            prop:checked=move || store.problem.get() == Some(p)
                            on:change=move |_| on_pick(p) />
                        <span>{tr(format::problem(p))}</span>
                    </label>
                }).collect_view()}
                <ErrorText id=error_id("problem") problem=Signal::derive(move || store.problem("problem")) />
            </fieldset>
        }
    });

    let about_radios = (kind == CaseKind::Complaint).then(|| view! {
        <fieldset class="as-fieldset" aria-describedby=error_id("about")>
            <legend class="as-field__label">{tr(Msg::DetailsAbout)}<span class="as-field__required">{tr(Msg::LookupRequired)}</span></legend>
            {ComplaintAbout::ALL.into_iter().map(|a| view! {
                <label class="as-radio">
                    <input type="radio" name="about" value=a.code()
                        aria-invalid=move || store.problem("about").is_some().then_some("true")
                        prop:checked=move || store.about.get() == Some(a)
                        on:change=move |_| { store.about.set(Some(a)); store.fixed("about"); } />
                    <span>{tr(format::about(a))}</span>
                </label>
            }).collect_view()}
            <ErrorText id=error_id("about") problem=Signal::derive(move || store.problem("about")) />
        </fieldset>
    });

    // A question or complaint may point at one item (it claims nothing).
    let item_select = matches!(kind, CaseKind::Complaint | CaseKind::Question).then(|| {
        let lines: Vec<(String, String)> = order.with_value(|o| {
            o.lines.iter().map(|l| (l.id.clone(), l.title.clone())).collect()
        });
        view! {
            <div class="as-field">
                <label class="as-field__label" for="as-item">{tr(Msg::DetailsWhichItem)}</label>
                <select id="as-item" class="as-input" part="input" name="item"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        store.quantities.set(if v.is_empty() { Default::default() } else { [(v, 1)].into() });
                    }>
                    <option value="" selected=move || store.quantities.with(|q| q.is_empty())>{tr(Msg::DetailsNoItem)}</option>
                    {lines.into_iter().map(|(id, title)| {
                        let chosen = id.clone();
                        view! { <option value=id selected=move || store.quantities.with(|q| q.contains_key(&chosen))>{title}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    });

    let questions = move || {
        let def = reason_def.get()?;
        let lang = i18n.lang();
        Some(def.questions.into_iter().map(|q| {
            let field = format!("answers.{}", q.id);
            let input_id = format!("as-q-{}", q.id); // i18n-ok: an element id
            let err = error_id(&field);
            let id = q.id.clone();
            let value = {
                let id = id.clone();
                move || store.answers.with(|a| a.get(&id).cloned().unwrap_or_default())
            };
            let set = {
                let (id, field) = (id.clone(), field.clone());
                move |v: String| {
                    store.answers.update(|a| { a.insert(id.clone(), v); });
                    store.fixed(&field);
                }
            };
            let invalid = {
                let field = field.clone();
                move || store.problem(&field).is_some().then_some("true")
            };
            let control = match q.kind {
                QuestionKind::Choice { options } => {
                    let value = value.clone();
                    let empty = value.clone();
                    view! {
                        <select id=input_id.clone() class="as-input" part="input" name=field.clone() required=q.required
                            aria-describedby=err.clone() aria-invalid=invalid
                            on:change=move |ev| set(event_target_value(&ev))>
                            <option value="" selected=move || empty().is_empty()>{lang.t(Msg::DetailsChoose).to_string()}</option>
                            {options.into_iter().map(|o| {
                                let label = format::answer_option(&lang, &o);
                                let (o2, value) = (o.clone(), value.clone());
                                view! { <option value=o selected=move || value() == o2>{label}</option> }
                            }).collect_view()}
                        </select>
                    }.into_any()
                }
                QuestionKind::Text { max_length } => {
                    let count = {
                        let value = value.clone();
                        move || i18n.f(Msg::DetailsCount, &[("n", &value().chars().count().to_string()), ("max", &max_length.to_string())])
                    };
                    view! {
                        <textarea id=input_id.clone() class="as-input as-textarea" part="input" name=field.clone() required=q.required
                            maxlength=max_length.to_string() rows="3"
                            aria-describedby=err.clone() aria-invalid=invalid
                            prop:value=value
                            on:input=move |ev| set(event_target_value(&ev))></textarea>
                        <p class="as-field__hint as-field__count">{count}</p>
                    }.into_any()
                }
            };
            let field_for_error = field.clone();
            view! {
                <div class="as-field">
                    <label class="as-field__label" for=input_id>
                        {format::question(&lang, &q.id)}
                        {q.required.then(|| view! { <span class="as-field__required">{lang.t(Msg::LookupRequired).to_string()}</span> })}
                    </label>
                    {control}
                    <ErrorText id=err problem=Signal::derive(move || store.problem(&field_for_error)) />
                </div>
            }
        }).collect_view())
    };

    let resolution_radios = move || {
        let list = resolutions.get();
        if list.is_empty() {
            return None;
        }
        let lang = i18n.lang();
        let fault = reason_def.get().map(|r| r.fault)?;
        let lines: Vec<DraftLine> = store
            .quantities
            .get()
            .into_iter()
            .map(|(line_id, quantity)| DraftLine {
                line_id,
                quantity,
                exchange_for: None,
            })
            .collect();
        Some(view! {
            <fieldset class="as-fieldset" aria-describedby=error_id("resolution")>
                <legend class="as-field__label">{lang.t(Msg::DetailsResolution).to_string()}<span class="as-field__required">{lang.t(Msg::LookupRequired).to_string()}</span></legend>
                {list.into_iter().map(|r| {
                    let money = policy.with_value(|p| order.with_value(|o| estimate(p, o, &lines, fault, r)));
                    let note = money.map(|q| {
                        let total = format::money(&lang, q.total);
                        let back = if !r.pays_money() {
                            String::new()
                        } else if q.return_shipping_fee.minor > 0 {
                            lang.f(Msg::DetailsBackMinusShipping, &[("total", &total), ("shipping", &format::money(&lang, q.return_shipping_fee))])
                        } else {
                            lang.f(Msg::DetailsBack, &[("total", &total)])
                        };
                        match q.bonus {
                            Some(b) => {
                                let plus = lang.f(Msg::DetailsBonus, &[("bonus", &format::money(&lang, b))]);
                                if back.is_empty() { plus } else { format!("{back} · {plus}") } // i18n-ok: a separator
                            }
                            None => back,
                        }
                    });
                    view! {
                        <label class="as-radio as-radio--rich">
                            <input type="radio" name="resolution" value=r.code()
                                aria-invalid=move || store.problem("resolution").is_some().then_some("true")
                                prop:checked=move || resolution.get() == Some(r)
                                on:change=move |_| { store.resolution.set(Some(r)); store.condition.set(None); store.fixed("resolution"); } />
                            <span class="as-radio__text">
                                <span>{lang.t(format::resolution(r)).to_string()}</span>
                                {note.map(|n| view! { <span class="as-radio__note" data-testid="estimate">{n}</span> })}
                            </span>
                        </label>
                    }
                }).collect_view()}
                <ErrorText id=error_id("resolution") problem=Signal::derive(move || store.problem("resolution")) />
            </fieldset>
        })
    };
    // For an exchange: which variant instead, per chosen line that lists others.
    let exchange_choices = move || {
        if resolution.get() != Some(Resolution::Exchange) {
            return None;
        }
        let chosen: Vec<String> = store.quantities.with(|q| q.keys().cloned().collect());
        let lines: Vec<(
            String,
            String,
            Option<String>,
            Vec<aftersales_core::order::ExchangeOption>,
        )> = order.with_value(|o| {
            chosen
                .iter()
                .filter_map(|id| o.line(id))
                .filter(|l| !l.exchange_options.is_empty())
                .map(|l| {
                    (
                        l.id.clone(),
                        l.title.clone(),
                        l.variant.clone(),
                        l.exchange_options.clone(),
                    )
                })
                .collect()
        });
        if lines.is_empty() {
            return None;
        }
        Some(lines.into_iter().enumerate().map(|(i, (id, title, variant, options))| {
            let select_id = format!("as-exchange-{i}"); // i18n-ok: an element id
            let field = format!("exchange_for.{id}"); // i18n-ok: a field key
            let (for_id, line_for_change, line_for_same) = (id.clone(), id.clone(), id.clone());
            let label = move || {
                let lang = i18n.lang();
                let current = variant.clone().unwrap_or_else(|| lang.t(Msg::ExchangeSameLabel).to_string());
                lang.f(Msg::ExchangeFor, &[("item", &title), ("current", &current)])
            };
            view! {
                <div class="as-field">
                    <label class="as-field__label" for=select_id.clone()>{label}</label>
                    <select id=select_id class="as-input" part="input" name=field
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            store.exchange_for.update(|m| {
                                if v.is_empty() { m.remove(&line_for_change); } else { m.insert(line_for_change.clone(), v); }
                            });
                        }>
                        <option value="" selected=move || store.exchange_for.with(|m| !m.contains_key(&line_for_same))>{tr(Msg::ExchangeSame)}</option>
                        {options.into_iter().map(|o| {
                            let (sku, chosen_sku, line) = (o.sku.clone(), o.sku.clone(), for_id.clone());
                            view! {
                                <option value=sku selected=move || store.exchange_for.with(|m| m.get(&line) == Some(&chosen_sku))>{o.variant}</option>
                            }
                        }).collect_view()}
                    </select>
                </div>
            }
        }).collect_view())
    };
    let no_resolution = move || {
        reason_def.get().is_some() && resolutions.get().is_empty() && store.has_items_part()
    };

    let condition_select = move || {
        let list = conditions.get()?;
        let choices = list.clone();
        Some(view! {
            <div class="as-field">
                <label class="as-field__label" for="as-condition">
                    {tr(Msg::OrderCondition)}<span class="as-field__required">{tr(Msg::LookupRequired)}</span>
                </label>
                <select id="as-condition" class="as-input" part="input" name="condition" required
                    aria-describedby=error_id("condition")
                    aria-invalid=move || store.problem("condition").is_some().then_some("true")
                    on:change={
                        let list = list.clone();
                        move |ev| {
                            let v = event_target_value(&ev);
                            store.condition.set(list.iter().copied().find(|c| c.code() == v));
                            store.fixed("condition");
                        }
                    }>
                    <option value="" selected=move || store.condition.get().is_none()>{tr(Msg::OrderConditionChoose)}</option>
                    {choices.into_iter().map(|c| view! {
                        <option value=c.code() selected=move || store.condition.get() == Some(c)>{tr(format::condition(c))}</option>
                    }).collect_view()}
                </select>
                <ErrorText id=error_id("condition") problem=Signal::derive(move || store.problem("condition")) />
            </div>
        })
    };

    let words_required = matches!(kind, CaseKind::Complaint | CaseKind::Question);
    let description = view! {
        <div class="as-field">
            <label class="as-field__label" for="as-description">
                {tr(if words_required { Msg::DetailsDescriptionRequired } else { Msg::DetailsDescription })}
                {words_required.then(|| view! { <span class="as-field__required">{tr(Msg::LookupRequired)}</span> })}
            </label>
            <textarea id="as-description" class="as-input as-textarea" part="input" name="description" rows="4"
                maxlength=MAX_DESCRIPTION.to_string() required=words_required
                aria-describedby=error_id("description")
                aria-invalid=move || store.problem("description").is_some().then_some("true")
                prop:value=move || store.description.get()
                on:input=move |ev| { store.description.set(event_target_value(&ev)); store.fixed("description"); }></textarea>
            <p class="as-field__hint as-field__count">
                {move || i18n.f(Msg::DetailsCount, &[("n", &store.description.with(|d| d.chars().count()).to_string()), ("max", &MAX_DESCRIPTION.to_string())])}
            </p>
            <ErrorText id=error_id("description") problem=Signal::derive(move || store.problem("description")) />
        </div>
    };

    let credentials = found.request.clone();
    view! {
        <div class="as-form" node_ref=part>
            <StepHeading title=details_heading(kind) stage=Some((stages, Stage::Details)) />
            {problem_radios}
            {about_radios}
            {item_select}
            {reason_select}
            {questions}
            <Show when=takes_photos>
                <PhotoPicker store=store credentials=credentials.clone() required=needs_photo />
            </Show>
            <Show when=move || needs_video.get()>
                <div class="as-field">
                    <label class="as-field__label" for="as-video">{tr(Msg::PhotoVideoLink)}<span class="as-field__required">{tr(Msg::LookupRequired)}</span></label>
                    <p class="as-field__hint" id="as-video-hint">{tr(Msg::PhotoVideoHint)}</p>
                    <input id="as-video" class="as-input" part="input" type="url" name="video" inputmode="url"
                        aria-describedby="as-video-hint"
                        prop:value=move || store.video.get()
                        on:input=move |ev| { store.video.set(event_target_value(&ev)); store.fixed("evidence"); } />
                </div>
            </Show>
            {resolution_radios}
            {exchange_choices}
            <Show when=no_resolution>
                <p class="as-error" part="error" data-testid="no-resolution">{tr(Msg::DetailsNoResolution)}</p>
            </Show>
            {condition_select}
            {description}
            <div class="as-alert" role="alert">
                {move || store.problem("form").map(|m| view! { <p class="as-error" part="error">{tr(m)}</p> })}
            </div>
            <div class="as-actions as-actions--sticky">
                <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| on_back.run(())>{tr(Msg::StepBack)}</button>
                <button class="as-button" part="button" type="button" on:click=next>{tr(Msg::StepNext)}</button>
            </div>
        </div>
    }
}

/// The heading of the details part, by kind.
fn details_heading(kind: CaseKind) -> Msg {
    match kind {
        CaseKind::LogisticsIssue => Msg::DetailsHeadingDelivery,
        CaseKind::Complaint => Msg::DetailsHeadingComplaint,
        CaseKind::Question => Msg::DetailsHeadingQuestion,
        _ => Msg::DetailsHeading,
    }
}

/// Keeps only the answers the current reason asks for (another reason's answers would be
/// refused as unknown questions).
fn keep_answers_of_reason(store: CaseStore, def: Option<ReasonDef>) {
    store.answers.update(|a| {
        a.retain(|id, _| {
            def.as_ref()
                .is_some_and(|d| d.questions.iter().any(|q| &q.id == id))
        })
    });
    store.resolution.set(None);
    store.condition.set(None);
}

/// A share as a whole percentage (no float formatting in the bundle).
fn percent(share: f64) -> u32 {
    (share.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// The message for a failed upload.
fn upload_problem(e: &BackendError) -> Msg {
    match e.code() {
        Some("evidence_not_an_image") | Some("evidence_unreadable") => Msg::PhotoNotAPhoto,
        Some("evidence_too_big") | Some("evidence_too_many_pixels") => Msg::PhotoTooBig,
        _ => e.message(),
    }
}

/// Photos: chosen from the device or taken with the camera, previewed, sent with progress,
/// removable. Each is downscaled and stripped of its metadata before it leaves the device.
#[component]
fn PhotoPicker(
    store: CaseStore,
    credentials: aftersales_core::api::LookupRequest,
    #[prop(into)] required: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let backend = expect_context::<BackendHandle>();
    let add = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else {
            return;
        };
        store.fixed("evidence");
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            if store.photos.with_untracked(Vec::len) >= MAX_EVIDENCE {
                store
                    .problems
                    .update(|p| p.push(("evidence".into(), Msg::ViolationTooMuchEvidence)));
                break;
            }
            let key = store.photo_key();
            store.photos.update(|p| {
                p.push(Photo {
                    key,
                    preview: String::new(),
                    state: Upload::Sending(0.0),
                })
            });
            let set = move |f: &dyn Fn(&mut Photo)| {
                store.photos.update(|p| {
                    if let Some(ph) = p.iter_mut().find(|ph| ph.key == key) {
                        f(ph)
                    }
                })
            };
            let backend = backend.0.clone();
            let credentials = credentials.clone();
            leptos::task::spawn_local(async move {
                let prepared = match photo::prepare(file).await {
                    Ok(p) => p,
                    Err(m) => return set(&|ph| ph.state = Upload::Failed(m)),
                };
                let (blob, url) = (prepared.jpeg, prepared.preview);
                set(&|ph| ph.preview = url.clone());
                let progress: crate::backend::Progress =
                    std::rc::Rc::new(move |f| set(&|ph| ph.state = Upload::Sending(f)));
                let result = backend.upload_evidence(credentials, blob, progress).await;
                set(&|ph| {
                    ph.state = match &result {
                        Ok(r) => Upload::Stored(r.id.clone()),
                        Err(e) => Upload::Failed(upload_problem(e)),
                    }
                });
            });
        }
        input.set_value("");
    };
    let remove = move |key: u32| {
        store.photos.update(|p| p.retain(|ph| ph.key != key));
        store.fixed("evidence");
    };
    let described = format!("as-photos-hint {}", error_id("evidence")); // i18n-ok: element ids
    view! {
        <div class="as-field as-photos">
            <p class="as-field__label" id="as-photos-label">
                {tr(Msg::PhotoLabel)}
                <Show when=move || required.get()><span class="as-field__required">{tr(Msg::LookupRequired)}</span></Show>
            </p>
            <p class="as-field__hint" id="as-photos-hint">{tr(Msg::PhotoHint)}</p>
            <label class="as-button as-button--quiet as-photos__add" part="button">
                {tr(Msg::PhotoAdd)}
                <input class="as-visually-hidden" type="file" name="photos" multiple
                    accept=photo::ACCEPT capture="environment"
                    aria-describedby=described
                    aria-invalid=move || store.problem("evidence").is_some().then_some("true")
                    on:change=add />
            </label>
            <ul class="as-photos__list" role="list">
                <For each=move || store.photos.get() key=|p| (p.key, p.preview.clone(), p.state.key()) let:p>
                    {
                        let key = p.key;
                        let (state, preview) = (p.state.clone(), p.preview.clone());
                        view! {
                            <li class="as-photo" data-state=match &state { Upload::Stored(_) => "stored", Upload::Failed(_) => "failed", Upload::Sending(_) => "sending" }>
                                {(!preview.is_empty()).then(|| view! { <img class="as-photo__preview" src=preview alt=move || i18n.t(Msg::PhotoPreview) /> })}
                                {match state {
                                    Upload::Sending(f) => view! {
                                        <progress class="as-photo__progress" max="100" value=percent(f).to_string() aria-label=move || i18n.t(Msg::PhotoSending)></progress>
                                    }.into_any(),
                                    Upload::Stored(_) => view! { <span class="as-photo__ok">{tr(Msg::PhotoStored)}</span> }.into_any(),
                                    Upload::Failed(m) => view! { <span class="as-photo__error as-error" part="error">{tr(m)}</span> }.into_any(),
                                }}
                                <button type="button" class="as-button as-button--quiet as-photo__remove" part="button"
                                    aria-label=move || i18n.t(Msg::PhotoRemove)
                                    on:click=move |_| remove(key)>"×"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <ErrorText id=error_id("evidence") problem=Signal::derive(move || store.problem("evidence")) />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_core::policy::Policy;

    #[test]
    fn reasons_are_grouped_in_the_policys_order() {
        let p = Policy::default();
        let groups = grouped(&p.reasons);
        let names: Vec<&str> = groups.iter().map(|(g, _)| g.as_str()).collect();
        assert_eq!(
            names,
            [
                "changed_mind",
                "quality_problem",
                "delivery_problem",
                "wrong_item"
            ]
        );
        assert_eq!(groups[2].1.len(), 3, "damaged, missing part, lost");
    }
}
