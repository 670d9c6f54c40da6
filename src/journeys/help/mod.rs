//! Self-help first: search the shop's answers before opening a request. Core's matcher ranks
//! them as the shopper types (case, accents, full-width forms and Chinese text handled);
//! "This answered my question" is counted as self-service, "I still need help" carries the
//! search into the request.

use crate::backend::{BackendHandle, SelfService};
use crate::i18n::{tr, use_i18n, Msg};
use crate::journeys::store::Drafts;
use crate::state::{LookedUp, Step};
use crate::ui::{call, StepHeading};
use aftersales_core::faq::{index, search, FaqArticle, Indexed, MAX_QUERY};
use leptos::prelude::*;
use std::sync::Arc;

/// Articles shown at most.
const SHOWN: usize = 5;

/// The answers, searched.
#[component]
pub fn HelpView(
    /// The order, when one was found first.
    found: Option<Arc<LookedUp>>,
    /// The widget's step.
    step: RwSignal<Step>,
) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let drafts = expect_context::<Drafts>();
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let answered = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(None::<Result<Arc<(Vec<FaqArticle>, Vec<Indexed>)>, Msg>>);
    // Loaded again when the language changes; indexed once per load.
    Effect::new(move |_| {
        let lang = i18n.lang().locale.tag();
        // Its own flag per language: a switch while loading is not ignored.
        call(RwSignal::new(false), backend.0.faq(lang), move |r| {
            loaded.set(Some(
                r.map(|r| {
                    let ix = index(&r.articles);
                    Arc::new((r.articles, ix))
                })
                .map_err(|e| e.message()),
            ));
        });
    });
    // Searched once per keystroke (the count, the list and the "nothing found" note read it).
    let hits = Memo::new(move |_| {
        let q = query.get();
        loaded.with(|l| match l {
            Some(Ok(faq)) if q.trim().is_empty() => (0..faq.0.len().min(SHOWN)).collect(),
            Some(Ok(faq)) => search(&faq.1, &q, SHOWN),
            _ => Vec::new(),
        })
    });
    let results = move || {
        let indexes = hits.get();
        loaded.with(|l| match l {
            Some(Ok(faq)) => indexes
                .iter()
                .filter_map(|i| faq.0.get(*i).cloned())
                .collect(),
            _ => Vec::new(),
        })
    };
    let record = move |kind: &'static str, article: Option<String>| {
        let backend = expect_context::<BackendHandle>().0.clone();
        let event = SelfService {
            kind,
            article,
            query: query.get_untracked().chars().take(MAX_QUERY).collect(),
            lang: i18n.lang().locale.tag().to_string(),
        };
        leptos::task::spawn_local(async move {
            // Counting is best effort: the shopper is never held up by it.
            let _ = backend.self_service(event).await;
        });
    };
    let still_need_help = {
        let found = found.clone();
        move |_| {
            record("faq_escalated", None);
            drafts.carry(&query.get_untracked());
            step.set(match &found {
                Some(f) => Step::Choose(f.clone()),
                None => Step::Lookup,
            });
        }
    };
    let article = move |a: FaqArticle| {
        let id = a.id.clone();
        let paragraphs: Vec<String> = a.text.answer.split("\n\n").map(str::to_string).collect(); // i18n-ok: a paragraph break
        let this_one = id.clone();
        view! {
            <li class="as-faq__item" data-id=id.clone()>
                <details class="as-faq__details">
                    <summary class="as-faq__question" dir="auto">{a.text.question.clone()}</summary>
                    <div class="as-faq__answer" lang=a.lang.clone() dir="auto">
                        {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                    </div>
                    {move || if answered.get().as_deref() == Some(this_one.as_str()) {
                        view! { <p class="as-note" role="status" data-testid="answered">{tr(Msg::HelpThanks)}</p> }.into_any()
                    } else {
                        let id = this_one.clone();
                        view! {
                            <button class="as-button as-button--quiet" part="button" type="button"
                                on:click=move |_| { record("faq_answered", Some(id.clone())); answered.set(Some(id.clone())); }>
                                {tr(Msg::HelpAnswered)}
                            </button>
                        }.into_any()
                    }}
                </details>
            </li>
        }
    };
    view! {
        <div class="as-help" data-testid="help">
            <StepHeading title=Msg::HelpHeading />
            <p class="as-intro">{tr(Msg::HelpIntro)}</p>
            <div class="as-field">
                <label class="as-field__label" for="as-help-search">{tr(Msg::HelpSearch)}</label>
                <input id="as-help-search" class="as-input" part="input" type="search" name="q"
                    maxlength=MAX_QUERY.to_string() autocomplete="off"
                    aria-controls="as-help-results"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev)) />
            </div>
            <p class="as-visually-hidden" role="status" aria-live="polite">
                {move || {
                    let n = hits.with(Vec::len);
                    if query.with(|q| q.trim().is_empty()) { String::new() } else { i18n.p(Msg::HelpResults, n as i64, &[]) }
                }}
            </p>
            {move || match loaded.get() {
                None => view! { <p class="as-note" role="status">{tr(Msg::PolicyLoading)}</p> }.into_any(),
                Some(Err(m)) => view! { <p class="as-error" part="error" role="alert">{tr(m)}</p> }.into_any(),
                Some(Ok(_)) => view! {
                    <ul class="as-faq" id="as-help-results" role="list" data-testid="faq-results">
                        {move || results().into_iter().map(article).collect_view()}
                    </ul>
                    {move || (hits.with(Vec::is_empty) && !query.with(|q| q.trim().is_empty())).then(|| view! {
                        <p class="as-note" data-testid="no-answers">{tr(Msg::HelpNone)}</p>
                    })}
                }.into_any(),
            }}
            <crate::widget::BackButton />
            <button class="as-button" part="button" type="button" on:click=still_need_help data-testid="need-help">
                {tr(Msg::HelpStillNeed)}
            </button>
        </div>
    }
}
