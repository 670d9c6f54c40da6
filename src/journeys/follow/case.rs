//! A followed case: its status in words, the timeline with who and when, the next promise and
//! how it stands, the shop's messages; "Is this resolved?" and the survey when core allows.

use super::survey::SurveyForm;
use crate::backend::BackendHandle;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::journeys::choose::kind_noun;
use crate::state::{Followed, Step};
use crate::ui::{call, Alert, ErrorText, StepHeading};
use aftersales_core::commitment::SlaStatus;
use aftersales_core::follow::{ConfirmRequest, PromiseKind, MAX_MESSAGE};
use leptos::prelude::*;
use std::sync::Arc;

/// The case, as the server last answered.
#[component]
pub fn CaseStatusView(
    /// The case.
    followed: Arc<Followed>,
    /// The widget's step (moved on to the fresh case after each action).
    step: RwSignal<Step>,
) -> impl IntoView {
    let i18n = use_i18n();
    let v = followed.view.clone();
    let number = v.tracking_number.clone();
    let kind = v.kind;
    let status = v.status;
    let order_number = v.order_number.clone();
    let promise = v.promise.map(|p| {
        let (msg, state) = (
            match p.kind {
                PromiseKind::Respond => Msg::TrackPromiseRespond,
                PromiseKind::Resolve => Msg::TrackPromiseResolve,
            },
            match p.state {
                SlaStatus::OnTime => Msg::TrackOnTime,
                SlaStatus::AtRisk => Msg::TrackAtRisk,
                SlaStatus::Late => Msg::TrackLate,
            },
        );
        let state_code = match p.state {
            SlaStatus::OnTime => "on_time",
            SlaStatus::AtRisk => "at_risk",
            SlaStatus::Late => "late",
        };
        view! {
            <p class="as-promise" data-testid="promise" data-state=state_code>
                {move || { let lang = i18n.lang(); lang.f(msg, &[("when", &format::local_date_time(&lang, p.due))]) }}
                " "<span class="as-promise__state">{tr(state)}</span>
            </p>
        }
    });
    let lines = v.lines.clone();
    let timeline = v.timeline.clone();
    let messages = v.messages.clone();
    let timeline_view = timeline
        .into_iter()
        .rev()
        .map(|e| {
            let note = e.note.clone();
            view! {
                <li class="as-timeline__item" data-status=e.status.code()>
                    <span class="as-timeline__status">{tr(format::status(e.status))}</span>
                    <span class="as-timeline__meta">
                        {tr(format::actor(e.by))}" · "
                        <time datetime=e.at.to_rfc3339()>{move || format::local_date_time(&i18n.lang(), e.at)}</time>
                    </span>
                    {(!note.is_empty()).then(|| view! { <span class="as-timeline__note" dir="auto">{note}</span> })}
                </li>
            }
        })
        .collect_view();
    let messages_view = (!messages.is_empty()).then(|| {
        view! {
            <section class="as-messages" aria-labelledby="as-messages-title">
                <h4 id="as-messages-title" class="as-field__label">{tr(Msg::TrackMessages)}</h4>
                <ul class="as-messages__list" role="list">
                    {messages.into_iter().map(|m| {
                        view! {
                            <li class="as-message" data-by=m.by.code()>
                                <span class="as-timeline__meta">{tr(format::actor(m.by))}" · "
                                    {move || format::local_date_time(&i18n.lang(), m.at)}</span>
                                <p class="as-message__body" dir="auto">{m.body.clone()}</p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    let moves = v.moves;
    let confirm = (moves.confirm || moves.reopen)
        .then(|| view! { <ConfirmForm followed=followed.clone() step=step /> });
    let survey = moves
        .survey
        .then(|| view! { <SurveyForm followed=followed.clone() step=step /> });
    let rated = v.survey.clone().map(|s| {
        let follow_up = v.follow_up;
        view! {
            <p class="as-note" data-testid="rated">
                {move || i18n.f(Msg::SurveyGiven, &[("attitude", &s.scores()[0].to_string()), ("speed", &s.scores()[1].to_string()), ("solving", &s.scores()[2].to_string())])}
            </p>
            {follow_up.then(|| view! { <p class="as-note" data-testid="follow-up">{tr(Msg::SurveyFollowUp)}</p> })}
        }
    });
    let refresh = {
        let access = followed.access.clone();
        move |_| step.set(Step::Track(Some(Arc::new(access.clone()))))
    };
    view! {
        <div class="as-case" data-testid="case" data-status=status.code()>
            <StepHeading title=Msg::TrackCaseHeading />
            <p class="as-receipt__number"><span data-testid="case-number">{number}</span></p>
            <p class="as-intro">
                {move || i18n.f(Msg::TrackCaseIntro, &[("kind", i18n.t(kind_noun(kind))), ("order", &order_number)])}
            </p>
            <p class="as-status" data-testid="status">
                {tr(Msg::TrackStatus)}" "<strong>{tr(format::status(status))}</strong>
            </p>
            {promise}
            {(!lines.is_empty()).then(|| view! {
                <ul class="as-slip__lines" role="list">
                    {lines.into_iter().map(|l| view! {
                        <li><bdi>{l.title}</bdi>{l.variant.map(|v| view! { " · "<bdi>{v}</bdi> })}" × "{l.quantity}</li>
                    }).collect_view()}
                </ul>
            })}
            {messages_view}
            {confirm}
            {survey}
            {rated}
            <section class="as-timeline" aria-labelledby="as-timeline-title">
                <h4 id="as-timeline-title" class="as-field__label">{tr(Msg::TrackTimeline)}</h4>
                <ol class="as-timeline__list" data-testid="timeline">{timeline_view}</ol>
            </section>
            <button class="as-button as-button--quiet" part="button" type="button" on:click=refresh>
                {tr(Msg::TrackRefresh)}
            </button>
            <crate::widget::BackButton />
        </div>
    }
}

/// "Is this resolved?" (or, for a refused case, "Not happy with this?"): yes confirms; no
/// asks what is still wrong and reopens.
#[component]
fn ConfirmForm(followed: Arc<Followed>, step: RwSignal<Step>) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let asks_confirm = followed.view.moves.confirm;
    let reopening = RwSignal::new(!asks_confirm);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Msg>);
    let error = RwSignal::new(None::<Msg>);
    let access = followed.access.clone();
    let pending = RwSignal::new(false);
    let send = {
        let access = access.clone();
        move |req: ConfirmRequest| {
            let access = access.clone();
            call(
                pending,
                backend.0.confirm_case(req),
                move |result| match result {
                    Ok(view) => step.set(Step::tracked(access, view)),
                    Err(e) => error.set(Some(e.message())),
                },
            );
        }
    };
    let yes = {
        let access = access.clone();
        let send = send.clone();
        move |_| {
            send(ConfirmRequest {
                access: access.clone(),
                resolved: true,
                reason: String::new(),
            });
        }
    };
    let reopen = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked();
        let req = ConfirmRequest {
            access: access.clone(),
            resolved: false,
            reason: text.clone(),
        };
        match req.target() {
            Ok(_) => {
                problem.set(None);
                send(req);
            }
            Err(_) => problem.set(Some(Msg::ConfirmReasonNeeded)),
        }
    };
    view! {
        <section class="as-confirm" aria-labelledby="as-confirm-title" data-testid="confirm">
            <h4 id="as-confirm-title" class="as-field__label">
                {tr(if asks_confirm { Msg::ConfirmQuestion } else { Msg::ConfirmReopenQuestion })}
            </h4>
            <Show when=move || !reopening.get()>
                <div class="as-actions">
                    <button class="as-button" part="button" type="button" disabled=move || pending.get() on:click=yes.clone()>
                        {tr(Msg::ConfirmYes)}
                    </button>
                    <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| reopening.set(true)>
                        {tr(Msg::ConfirmNo)}
                    </button>
                </div>
            </Show>
            <Show when=move || reopening.get()>
                <form class="as-form" on:submit=reopen.clone() novalidate>
                    <label class="as-field__label" for="as-reopen-reason">{tr(Msg::ConfirmReason)}</label>
                    <textarea id="as-reopen-reason" class="as-input as-textarea" part="input" name="reason" rows="3"
                        maxlength=MAX_MESSAGE.to_string()
                        aria-describedby="as-reopen-reason-error"
                        aria-invalid=move || problem.get().is_some().then_some("true")
                        prop:value=move || reason.get()
                        on:input=move |ev| { reason.set(event_target_value(&ev)); problem.set(None); }></textarea>
                    <ErrorText id="as-reopen-reason-error".to_string() problem=problem />
                    <button class="as-button" part="button" type="submit" disabled=move || pending.get()>
                        {tr(Msg::ConfirmReopen)}
                    </button>
                </form>
            </Show>
            <Alert problem=error />
        </section>
    }
}
