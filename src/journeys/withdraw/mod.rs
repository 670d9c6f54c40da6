//! The EU withdrawal function ("Withdraw from contract here"): only what the law allows to be
//! asked — name, the contract (the order found), which items, where to send the confirmation —
//! then a separate "Confirm withdrawal" step; the acknowledgement shows the content with the
//! exact date and time, and can be downloaded.

use crate::backend::BackendHandle;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::{device_now, LookedUp, Step};
use crate::ui::{call, Alert, ErrorText, StepHeading};
use aftersales_core::withdrawal::{withdrawable, WithdrawalReceipt, WithdrawalRequest};
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Whether the order found has anything still inside the withdrawal period.
pub fn offered(found: &LookedUp) -> bool {
    let now = found.now(device_now());
    !withdrawable(&found.response.policy, &found.response.order, now).is_empty()
}

/// The form, then the confirmation step.
#[component]
pub fn WithdrawView(found: Arc<LookedUp>, step: RwSignal<Step>) -> impl IntoView {
    let backend = expect_context::<BackendHandle>();
    let i18n = use_i18n();
    let now = found.now(device_now());
    let order = &found.response.order;
    let open = withdrawable(&found.response.policy, order, now);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(found.request.email.clone());
    let chosen = RwSignal::new(
        open.iter()
            .map(|l| l.line_id.clone())
            .collect::<BTreeSet<_>>(),
    );
    let problems = RwSignal::new(Vec::<(&'static str, Msg)>::new());
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<Msg>);
    let problem = move |f: &'static str| {
        Signal::derive(move || problems.with(|p| p.iter().find(|(k, _)| *k == f).map(|(_, m)| *m)))
    };
    let pending = RwSignal::new(false);
    let request = {
        let found = found.clone();
        move || WithdrawalRequest {
            order_number: found.response.order.number.clone(),
            email: found.request.email.clone(),
            token: found.request.token.clone(),
            name: name.get_untracked().trim().to_string(),
            line_ids: chosen.get_untracked().into_iter().collect(),
            confirm_to: email.get_untracked().trim().to_string(),
        }
    };
    let to_confirm = {
        let found = found.clone();
        let request = request.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let req = request();
            let mut list = Vec::new();
            if aftersales_core::text::check_bounded(&req.name, 200).is_err() {
                list.push(("name", Msg::WithdrawErrorName));
            }
            if req.line_ids.is_empty() {
                list.push(("line_ids", Msg::WithdrawErrorItems));
            }
            if aftersales_core::api::check_email(&req.confirm_to).is_err() {
                list.push(("confirm_to", Msg::LookupErrorEmail));
            }
            // Core checks the rest (period, items) as the server will.
            if list.is_empty() {
                if let Err(p) = req.check(
                    &found.response.policy,
                    &found.response.order,
                    found.now(device_now()),
                ) {
                    list.push((p.field(), Msg::WithdrawClosed));
                }
            }
            let ok = list.is_empty();
            problems.set(list);
            error.set(None);
            confirming.set(ok);
        }
    };
    let confirm = move |_| {
        call(
            pending,
            backend.0.withdraw(request()),
            move |result| match result {
                Ok(r) => step.set(Step::Withdrawn(Arc::new(r))),
                Err(e) => {
                    confirming.set(false);
                    error.set(Some(e.message()));
                }
            },
        );
    };
    let titles: Vec<(String, String, u32)> = open
        .iter()
        .filter_map(|w| {
            let l = order.lines.iter().find(|l| l.id == w.line_id)?;
            Some((w.line_id.clone(), l.title.clone(), w.units))
        })
        .collect();
    let summary_titles = titles.clone();
    let number = order.number.clone();
    view! {
        <div class="as-withdraw" data-testid="withdraw">
            <StepHeading title=Msg::WithdrawHeading />
            <p class="as-intro">{move || i18n.f(Msg::WithdrawIntro, &[("number", &number)])}</p>
            <Show when=move || !confirming.get()>
                <form class="as-form" on:submit=to_confirm.clone() novalidate>
                    <div class="as-field">
                        <label class="as-field__label" for="as-withdraw-name">{tr(Msg::WithdrawName)}<span class="as-field__required">{tr(Msg::LookupRequired)}</span></label>
                        <input id="as-withdraw-name" class="as-input" part="input" name="name" autocomplete="name" maxlength="200" required
                            aria-describedby="as-withdraw-name-error"
                            aria-invalid=move || problem("name").get().is_some().then_some("true")
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                        <ErrorText id="as-withdraw-name-error".to_string() problem=problem("name") />
                    </div>
                    <fieldset class="as-field" aria-describedby="as-withdraw-items-error">
                        <legend class="as-field__label">{tr(Msg::WithdrawItems)}</legend>
                        {titles.iter().map(|(id, title, units)| {
                            let id = id.clone();
                            let input_id = format!("as-withdraw-{id}"); // i18n-ok: an id
                            let toggle = id.clone();
                            view! {
                                <div class="as-check">
                                    <input type="checkbox" id=input_id.clone() name="line_ids" value=id.clone()
                                        prop:checked=move || chosen.with(|c| c.contains(&id))
                                        on:change=move |_| chosen.update(|c| if !c.remove(&toggle) { c.insert(toggle.clone()); }) />
                                    <label for=input_id><bdi>{title.clone()}</bdi>" × "{*units}</label>
                                </div>
                            }
                        }).collect_view()}
                        <ErrorText id="as-withdraw-items-error".to_string() problem=problem("line_ids") />
                    </fieldset>
                    <div class="as-field">
                        <label class="as-field__label" for="as-withdraw-email">{tr(Msg::WithdrawEmail)}<span class="as-field__required">{tr(Msg::LookupRequired)}</span></label>
                        <input id="as-withdraw-email" class="as-input" part="input" type="email" name="confirm_to" autocomplete="email" maxlength="254" required
                            aria-describedby="as-withdraw-email-error"
                            aria-invalid=move || problem("confirm_to").get().is_some().then_some("true")
                            prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                        <ErrorText id="as-withdraw-email-error".to_string() problem=problem("confirm_to") />
                    </div>
                    <button class="as-button" part="button" type="submit">{tr(Msg::WithdrawContinue)}</button>
                </form>
            </Show>
            <Show when=move || confirming.get()>
                <section class="as-confirm" aria-labelledby="as-withdraw-check" data-testid="withdraw-confirm">
                    <h4 id="as-withdraw-check" class="as-field__label">{tr(Msg::WithdrawCheck)}</h4>
                    <dl class="as-summary">
                        <dt>{tr(Msg::WithdrawName)}</dt><dd dir="auto">{move || name.get()}</dd>
                        <dt>{tr(Msg::WithdrawItems)}</dt>
                        <dd>{
                            let titles = summary_titles.clone();
                            move || chosen.with(|c| titles.iter().filter(|(id, _, _)| c.contains(id)).map(|(_, t, u)| format!("{t} × {u}")).collect::<Vec<_>>().join(", "))
                        }</dd>
                        <dt>{tr(Msg::WithdrawEmail)}</dt><dd>{move || email.get()}</dd>
                    </dl>
                    <div class="as-actions">
                        <button class="as-button" part="button" type="button" disabled=move || pending.get() on:click=confirm.clone() data-testid="confirm-withdrawal">
                            {tr(Msg::WithdrawConfirm)}
                        </button>
                        <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| confirming.set(false)>
                            {tr(Msg::StepBack)}
                        </button>
                    </div>
                </section>
            </Show>
            <Alert problem=error />
        </div>
    }
}

/// The acknowledgement's text, for the download: content, date and time.
fn acknowledgement(lang: &crate::i18n::Lang, r: &WithdrawalReceipt) -> String {
    let items: Vec<String> = r
        .lines
        .iter()
        .map(|l| format!("- {} × {}", l.title, l.quantity))
        .collect();
    lang.f(
        Msg::WithdrawText,
        &[
            ("reference", &r.reference),
            ("order", &r.order_number),
            ("name", &r.name),
            ("items", &items.join("\n")), // i18n-ok: a line break
            (
                "at",
                &r.received_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
            ("local", &format::local_date_time(lang, r.received_at)),
            ("email", &r.confirm_to),
        ],
    )
}

/// A `blob:` address of `text` as a UTF-8 text file.
fn text_file(text: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8"); // i18n-ok: a MIME type
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The acknowledgement.
#[component]
pub fn WithdrawnView(receipt: Arc<WithdrawalReceipt>) -> impl IntoView {
    let i18n = use_i18n();
    let r = receipt.clone();
    let at = r.received_at;
    let download = {
        let r = r.clone();
        move || text_file(&acknowledgement(&i18n.lang(), &r))
    };
    let file = format!("withdrawal-{}.txt", r.reference); // i18n-ok: a file name
    view! {
        <div class="as-receipt" data-testid="withdrawn">
            <StepHeading title=Msg::WithdrawnHeading />
            <p class="as-intro">{tr(Msg::WithdrawnIntro)}</p>
            <dl class="as-summary">
                <dt>{tr(Msg::WithdrawnReference)}</dt><dd data-testid="withdrawal-reference">{r.reference.clone()}</dd>
                <dt>{tr(Msg::SlipOrder)}</dt><dd>{r.order_number.clone()}</dd>
                <dt>{tr(Msg::WithdrawName)}</dt><dd dir="auto">{r.name.clone()}</dd>
                <dt>{tr(Msg::WithdrawItems)}</dt>
                <dd>
                    <ul class="as-summary__list">
                        {r.lines.iter().map(|l| view! { <li><bdi>{l.title.clone()}</bdi>" × "{l.quantity}</li> }).collect_view()}
                    </ul>
                </dd>
                <dt>{tr(Msg::WithdrawnAt)}</dt>
                <dd data-testid="received-at">
                    <time datetime=at.to_rfc3339()>{move || format::local_date_time(&i18n.lang(), at)}</time>
                    " (" {at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)} ")"
                </dd>
            </dl>
            <p class="as-note">{move || i18n.f(Msg::WithdrawnSent, &[("email", &r.confirm_to)])}</p>
            <a class="as-button as-button--quiet" part="button" download=file href=download data-testid="download">
                {tr(Msg::WithdrawnDownload)}
            </a>
            <p class="as-note">{tr(Msg::WithdrawnNext)}</p>
        </div>
    }
}
