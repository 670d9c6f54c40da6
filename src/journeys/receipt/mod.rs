//! The case is stored: its tracking number (with a copy button), what happens next and by
//! when — in the shopper's time and the shop's — and, for items going back, a packing slip to
//! print.

use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::journeys::choose::kind_name;
use crate::state::{device_now, Step, Submitted};
use crate::ui::StepHeading;
use aftersales_core::case::CaseKind;
use leptos::prelude::*;
use std::sync::Arc;

/// What happens next, by kind.
fn next_steps(kind: CaseKind) -> Msg {
    match kind {
        CaseKind::Return | CaseKind::Exchange => Msg::ReceiptNextReturn,
        CaseKind::Repair => Msg::ReceiptNextRepair,
        CaseKind::LogisticsIssue | CaseKind::Reshipment | CaseKind::Compensation => {
            Msg::ReceiptNextDelivery
        }
        CaseKind::Complaint | CaseKind::Question => Msg::ReceiptNextMessage,
    }
}

/// The tracking number as a QR code, in SVG (what a warehouse scans off the packing slip):
/// the `qrcodegen` crate encodes, each dark module becomes a unit square of one path, with the
/// standard four-module quiet zone. `None` if it cannot be encoded (it always can: 15
/// characters).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let n = code.size();
    let mut path = String::new();
    for y in 0..n {
        for x in 0..n {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4)); // i18n-ok: SVG path data
            }
        }
    }
    let side = n + 8;
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"## // i18n-ok: SVG markup
    ))
}

/// This page's address opening `access`'s case (`?as-case=…&as-token=…`), other query
/// parameters kept.
fn page_link(access: &aftersales_core::follow::CaseAccess) -> Option<String> {
    let location = web_sys::window()?.location();
    let url = web_sys::Url::new(&location.href().ok()?).ok()?;
    let params = url.search_params();
    params.set("as-case", &access.tracking_number); // i18n-ok: a query parameter
    params.set("as-token", &access.token); // i18n-ok: a query parameter
    params.delete("as-order"); // i18n-ok: a query parameter
    url.set_hash("");
    Some(url.href())
}

/// The receipt.
#[component]
pub fn ReceiptView(
    /// The sent case.
    sent: Arc<Submitted>,
    /// The widget's current step; "another request" returns to the lookup.
    step: RwSignal<Step>,
) -> impl IntoView {
    let i18n = use_i18n();
    let follows = expect_context::<crate::backend::BackendHandle>()
        .0
        .capabilities()
        .follow;
    let r = sent.receipt.clone();
    let quote = r.quote.clone();
    let zone = sent.zone.clone();
    let respond_by = r.respond_by;
    let kind = r.kind;
    let number = r.tracking_number.clone();
    let copied = RwSignal::new(false);
    let copy = {
        let number = number.clone();
        move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&number);
                copied.set(true);
            }
        }
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let ships_back = matches!(
        kind,
        CaseKind::Return | CaseKind::Exchange | CaseKind::Repair
    );
    let lines = sent.lines.clone();
    let order_number = sent.order_number.clone();
    let slip_lines = lines.clone();
    let today = device_now().date_naive();
    view! {
        <div class="as-receipt">
            <StepHeading title=Msg::ReceiptHeading />
            <p class="as-intro">{move || i18n.f(Msg::ReceiptIntroKind, &[("kind", i18n.t(kind_name(kind)))])}</p>
            <p class="as-receipt__label">{tr(Msg::ReceiptNumber)}</p>
            <p class="as-receipt__number">
                <span data-testid="tracking-number">{number.clone()}</span>
                <button type="button" class="as-button as-button--quiet as-receipt__copy" part="button" on:click=copy>
                    {move || i18n.t(if copied.get() { Msg::ReceiptCopied } else { Msg::ReceiptCopy })}
                </button>
            </p>
            // Without tracking (an adapter that cannot read a case back) the number is the
            // shopper's reference with the shop, not a way to follow the case here.
            <p class="as-note">{tr(if follows { Msg::ReceiptKeep } else { Msg::ReceiptKeepQuote })}</p>
            {quote.clone().filter(|q| q.total.minor > 0).map(|q| view! {
                <p class="as-estimate">
                    {tr(Msg::OrderEstimate)}" "<strong data-testid="refund">{move || format::money(&i18n.lang(), q.total)}</strong>
                </p>
            })}
            {quote.and_then(|q| q.bonus).map(|b| view! {
                <p class="as-estimate">
                    {tr(Msg::ReviewBonus)}" "<strong data-testid="bonus">{move || format!("+{}", format::money(&i18n.lang(), b))}</strong>
                </p>
            })}
            <p class="as-note">{tr(next_steps(kind))}</p>
            <p class="as-note" data-testid="respond-by">
                {move || {
                    let lang = i18n.lang();
                    lang.f(Msg::ReceiptRespondBy, &[("when", &format::date_time(&lang, respond_by, &zone))])
                }}
            </p>
            <p class="as-note" data-testid="respond-by-local">
                {move || {
                    let lang = i18n.lang();
                    lang.f(Msg::ReceiptRespondByLocal, &[("when", &format::local_date_time(&lang, respond_by))])
                }}
            </p>
            {ships_back.then(|| view! {
                <section class="as-slip" aria-labelledby="as-slip-title" data-testid="packing-slip">
                    <h4 id="as-slip-title" class="as-slip__title">{tr(Msg::SlipTitle)}</h4>
                    <p>{tr(Msg::SlipInstructions)}</p>
                    <dl class="as-summary">
                        <dt>{tr(Msg::ReceiptNumber)}</dt><dd class="as-slip__number">{number.clone()}</dd>
                        <dt>{tr(Msg::SlipOrder)}</dt><dd>{order_number.clone()}</dd>
                        <dt>{tr(Msg::SlipDate)}</dt><dd>{move || format::date(&i18n.lang(), today)}</dd>
                    </dl>
                    {qr_svg(&number).map(|svg| {
                        let label = number.clone();
                        view! {
                            <div class="as-slip__qr" role="img" data-testid="qr"
                                aria-label=move || i18n.f(Msg::SlipQr, &[("number", &label)])
                                inner_html=svg></div>
                        }
                    })}
                    <ul class="as-slip__lines" role="list">
                        {slip_lines.iter().map(|(t, v, q)| view! {
                            <li><bdi>{t.clone()}</bdi>{v.clone().map(|v| view! { " · "<bdi>{v}</bdi> })}" × "{*q}</li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="as-button as-button--quiet as-slip__print" part="button" on:click=print>
                        {tr(Msg::SlipPrint)}
                    </button>
                </section>
            })}
            {(!r.link_token.is_empty() && follows).then(|| {
                let access = aftersales_core::follow::CaseAccess {
                    tracking_number: r.tracking_number.clone(),
                    email: String::new(),
                    token: r.link_token.clone(),
                };
                let link = page_link(&access);
                view! {
                    <button class="as-button" part="button" type="button" data-testid="follow"
                        on:click=move |_| step.set(Step::Track(Some(Arc::new(access.clone()))))>
                        {tr(Msg::ReceiptFollow)}
                    </button>
                    {link.map(|href| view! {
                        <p class="as-note">{tr(Msg::ReceiptLink)}" "<a class="as-link" href=href data-testid="case-link">{tr(Msg::ReceiptLinkText)}</a></p>
                    })}
                }
            })}
            <button class="as-button as-button--quiet" part="button" type="button" on:click=move |_| step.set(Step::Lookup)>
                {tr(Msg::ReceiptAnother)}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tracking_number_becomes_a_qr_code_in_svg() {
        let svg = qr_svg("AS-DP26G-YN2TMD").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("viewBox"));
        let again = qr_svg("AS-DP26G-YN2TMD").unwrap();
        assert_eq!(svg, again, "the same number, the same code");
        assert_ne!(svg, qr_svg("AS-DP26G-YN2TME").unwrap());
    }
}
