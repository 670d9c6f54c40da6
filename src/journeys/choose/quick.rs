//! Return in one go (the seeds' 一鍵退換貨), offered when the order was opened from the shop's
//! signed link: tap the item, tap the reason, send. Core says which items and answers qualify
//! (`options::quick_returns`) and checks the case as it checks every other.

use crate::backend::{BackendError, BackendHandle};
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::outbox::FormSend;
use crate::state::{device_now, Events, LookedUp, Step, Submitted};
use crate::ui::Alert;
use aftersales_core::api::CreateCaseRequest;
use aftersales_core::options::quick_returns;
use leptos::prelude::*;
use std::sync::Arc;

/// The quick return, or nothing when no item qualifies.
#[component]
pub fn QuickReturnView(found: Arc<LookedUp>, step: RwSignal<Step>) -> impl IntoView {
    let i18n = use_i18n();
    let backend = expect_context::<BackendHandle>();
    let events = expect_context::<Events>();
    let now = found.now(device_now());
    let policy = found.response.policy.clone();
    let order = found.response.order.clone();
    let quick = quick_returns(&policy, &order, now);
    let open = RwSignal::new(None::<usize>);
    let picked = RwSignal::new(None::<usize>);
    let error = RwSignal::new(None::<Msg>);
    // One key per visit: a double tap or a retry sends the same case once.
    let key = StoredValue::new(format!("q-{}", device_now().timestamp_millis())); // i18n-ok: a key
    let out = FormSend::mounted();
    let (pending, kept) = (out.pending, out.kept);
    let send = {
        let (found, quick) = (found.clone(), quick.clone());
        move |_| {
            let (Some(i), Some(c)) = (open.get_untracked(), picked.get_untracked()) else {
                error.set(Some(Msg::QuickPick));
                return;
            };
            let q = &quick[i];
            let draft = q.draft(&q.choices[c]);
            let line = found
                .response
                .order
                .line(&q.line_id)
                .map(|l| (l.title.clone(), l.variant.clone(), 1));
            let req = CreateCaseRequest {
                order_number: found.response.order.number.clone(),
                email: found.request.email.clone(),
                token: found.request.token.clone(),
                case: draft,
                contact: None,
            };
            let zone = found.response.policy.time_zone.clone();
            let lines: Vec<_> = line.into_iter().collect();
            error.set(None);
            // Sent through the outbox, like every request: kept on the device until the shop
            // has it.
            let done = move |outcome: Result<Submitted, BackendError>| match outcome {
                Ok(sent) => events.submitted(step, sent),
                Err(e) => error.set(Some(e.message())),
            };
            out.send(
                backend.0.clone(),
                key.get_value(),
                &req,
                lines,
                zone,
                |_| {},
                done,
            );
        }
    };
    let shop = policy.default_locale.clone();
    (!quick.is_empty()).then(move || {
        let items = quick
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let title = order.line(&q.line_id).map(|l| l.title.clone()).unwrap_or_default();
                let choices = q.choices.clone();
                let (policy, shop) = (policy.clone(), shop.clone());
                view! {
                    <li class="as-quick__item">
                        <button type="button" class="as-choice__button" part="choice"
                            aria-expanded=move || (open.get() == Some(i)).to_string()
                            on:click=move |_| { open.set(Some(i)); picked.set(None); error.set(None); }>
                            <span class="as-choice__name">{move || i18n.f(Msg::QuickItem, &[("title", &title)])}</span>
                        </button>
                        <Show when=move || open.get() == Some(i)>
                            <fieldset class="as-field" data-testid="quick-reasons">
                                <legend class="as-field__label">{tr(Msg::QuickWhy)}</legend>
                                {choices.iter().enumerate().map(|(c, choice)| {
                                    let id = format!("as-quick-{i}-{c}"); // i18n-ok: an id
                                    let reason = policy.reason(&choice.reason).cloned();
                                    let condition = choice.condition;
                                    let shop = shop.clone();
                                    let label = move || {
                                        let lang = i18n.lang();
                                        let r = reason.as_ref().map(|r| format::reason(&lang, r, shop.as_deref())).unwrap_or_default();
                                        match condition {
                                            Some(c) => lang.f(Msg::QuickChoice, &[("reason", &r), ("condition", lang.t(format::condition(c)))]),
                                            None => r,
                                        }
                                    };
                                    view! {
                                        <div class="as-check">
                                            <input type="radio" id=id.clone() name="quick_reason" value=c.to_string()
                                                prop:checked=move || picked.get() == Some(c)
                                                on:change=move |_| picked.set(Some(c)) />
                                            <label for=id>{label}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                        </Show>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="as-open as-quick" aria-labelledby="as-quick-title" data-testid="quick-return">
                <h4 id="as-quick-title" class="as-field__label">{tr(Msg::QuickTitle)}</h4>
                <ul class="as-quick__list" role="list" data-testid="quick-items">{items}</ul>
                <Show when=move || open.get().is_some()>
                    <button class="as-button" part="button" type="button" disabled=move || pending.get() on:click=send.clone()>
                        {tr(Msg::QuickSend)}
                    </button>
                </Show>
                <Alert problem=error />
                <p class="as-note" role="status">{move || kept.get().map(tr)}</p>
            </section>
        }
    })
}
