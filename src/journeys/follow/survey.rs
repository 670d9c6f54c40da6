//! The satisfaction survey: attitude, speed, problem solving (1–5 each, stars that are real
//! radio inputs) and a comment. Core says when a score brings a personal follow-up.

use crate::backend::BackendHandle;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::{Followed, Step};
use crate::ui::{call, Alert};
use aftersales_core::follow::SurveyRequest;
use aftersales_core::survey::{Score, Survey, MAX_COMMENT};
use leptos::prelude::*;
use std::sync::Arc;

/// The three things rated, with their field names.
const DIMENSIONS: [(&str, Msg); 3] = [
    ("attitude", Msg::SurveyAttitude),
    ("speed", Msg::SurveySpeed),
    ("problem_solving", Msg::SurveySolving),
];

/// One row of five stars: a radio group with a legend.
#[component]
fn Stars(name: &'static str, legend: Msg, value: RwSignal<Option<u8>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="as-stars" part="stars" data-testid=name>
            <legend class="as-field__label">{tr(legend)}</legend>
            <div class="as-stars__row">
                {(1..=5u8).map(|n| {
                    let id = format!("as-{name}-{n}"); // i18n-ok: an id
                    view! {
                        <input class="as-stars__input" type="radio" id=id.clone() name=name value=n.to_string()
                            prop:checked=move || value.get() == Some(n)
                            on:change=move |_| value.set(Some(n)) />
                        <label class="as-stars__star" for=id data-on=move || (value.get().unwrap_or(0) >= n).to_string()>
                            <span aria-hidden="true">"★"</span>
                            <span class="as-visually-hidden">{move || i18n.p(Msg::SurveyStars, i64::from(n), &[])}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The survey, once per case.
#[component]
pub fn SurveyForm(followed: Arc<Followed>, step: RwSignal<Step>) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let scores: [RwSignal<Option<u8>>; 3] = std::array::from_fn(|_| RwSignal::new(None));
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Msg>);
    let access = followed.access.clone();
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let [a, s, p] = scores.map(|v| v.get_untracked());
        let (Some(a), Some(s), Some(p)) = (a, s, p) else {
            problem.set(Some(Msg::SurveyAllScores));
            return;
        };
        let survey = (|| {
            Some(Survey {
                attitude: Score::try_from(a).ok()?,
                speed: Score::try_from(s).ok()?,
                problem_solving: Score::try_from(p).ok()?,
                comment: comment.get_untracked().trim().to_string(),
            })
        })();
        match survey {
            Some(survey) if survey.validate().is_ok() => {
                problem.set(None);
                let access = access.clone();
                let req = SurveyRequest {
                    access: access.clone(),
                    survey,
                };
                call(
                    pending,
                    backend.0.rate_case(req),
                    move |result| match result {
                        Ok(view) => step.set(Step::tracked(access, view)),
                        Err(e) => problem.set(Some(e.message())),
                    },
                );
            }
            _ => problem.set(Some(Msg::SurveyComment)),
        }
    };
    view! {
        <form class="as-form as-survey" on:submit=submit novalidate data-testid="survey">
            <h4 class="as-field__label">{tr(Msg::SurveyHeading)}</h4>
            {DIMENSIONS.iter().zip(scores).map(|((name, legend), value)| view! {
                <Stars name=name legend=*legend value=value />
            }).collect_view()}
            <label class="as-field__label" for="as-survey-comment">{tr(Msg::SurveyCommentLabel)}</label>
            <textarea id="as-survey-comment" class="as-input as-textarea" part="input" name="comment" rows="3"
                maxlength=MAX_COMMENT.to_string()
                prop:value=move || comment.get()
                on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            <Alert problem=problem />
            <button class="as-button" part="button" type="submit" disabled=move || pending.get()>
                {tr(Msg::SurveySend)}
            </button>
        </form>
    }
}
