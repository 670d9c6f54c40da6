//! The adapter seam: where the widget gets orders and sends cases.
//!
//! The widget only talks to a [`Backend`]. [`HttpBackend`] speaks the `/v1` contract
//! (`docs/api.md`) to the reference server or to any merchant backend that implements it;
//! other adapters (a shop platform's API, an in-browser demo store) implement the same trait.

use crate::config::BackendKind;
use crate::format;
use crate::i18n::Msg;
use aftersales_core::api::{
    CaseReceipt, CreateCaseRequest, ErrorBody, ErrorDetail, EvidenceReceipt, LookupRequest,
    LookupResponse, ViolationDetail,
};

use aftersales_core::case::CaseKind;
use aftersales_core::faq::FaqResponse;
use aftersales_core::follow::{CaseAccess, CaseView, ConfirmRequest, SurveyRequest};
use aftersales_core::policy::Policy;
use aftersales_core::withdrawal::{WithdrawalReceipt, WithdrawalRequest};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Hears how much of an upload was sent (0.0 to 1.0).
pub type Progress = std::rc::Rc<dyn Fn(f64)>;

/// A future that stays on the browser's one thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// What an adapter can do beyond the three operations every adapter has (find an order,
/// the policy, submit a case). The widget hides what its adapter cannot do — the answers,
/// tracking, the withdrawal, photos and the reasons that need them — instead of failing at
/// the end of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Photo uploads ([`Backend::upload_evidence`]).
    pub evidence: bool,
    /// Following a case: [`Backend::find_case`], [`Backend::confirm_case`],
    /// [`Backend::rate_case`].
    pub follow: bool,
    /// The shop's answers: [`Backend::faq`], [`Backend::self_service`].
    pub faq: bool,
    /// The EU withdrawal declaration ([`Backend::withdraw`]).
    pub withdrawal: bool,
    /// The types of case the adapter can take: the widget offers no other.
    pub kinds: &'static [CaseKind],
}

impl Capabilities {
    /// Everything (the `/v1` contract).
    pub const ALL: Capabilities = Capabilities {
        evidence: true,
        follow: true,
        faq: true,
        withdrawal: true,
        kinds: &CaseKind::ALL,
    };
    /// The required operations only.
    pub const NONE: Capabilities = Capabilities {
        evidence: false,
        follow: false,
        faq: false,
        withdrawal: false,
        kinds: &CaseKind::ALL,
    };
}

/// An optional operation the adapter does not have.
fn unsupported<T: 'static>() -> LocalFuture<Result<T, BackendError>> {
    Box::pin(async { Err(BackendError::Unsupported) })
}

/// What the widget needs from a merchant's backend: three required operations (look up an
/// order, the policy, submit a case) and optional ones an adapter may lack, each answering
/// [`BackendError::Unsupported`] unless implemented; [`Backend::capabilities`] says which
/// it has.
pub trait Backend: Send + Sync {
    /// The optional operations this adapter has.
    fn capabilities(&self) -> Capabilities;
    /// Where this adapter sends cases (`http /shop-api`, `local /orders.json`): the outbox
    /// sends a kept request only to the backend it was written for, never to another widget
    /// on the same site.
    fn target(&self) -> String {
        String::new()
    }
    /// Finds an order by number and e-mail.
    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>>;
    /// The shop's policy, to show before any order is found.
    fn policy(&self) -> LocalFuture<Result<Policy, BackendError>>;
    /// Submits a case and gets its receipt (with the tracking number). The same
    /// `idempotency_key` sent again (a retry after a timeout) gets the first case, never a
    /// second one.
    fn submit_case(
        &self,
        req: CreateCaseRequest,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>>;
    /// [`Backend::submit_case`] for a request kept as the contract's JSON text (the outbox
    /// keeps requests so): an adapter that speaks the `/v1` contract sends it as it is; the
    /// default reads it back first.
    fn submit_case_json(
        &self,
        json: String,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        match serde_json::from_str(&json) {
            Ok(req) => self.submit_case(req, idempotency_key),
            Err(e) => Box::pin(async move { Err(BackendError::Broken(e.to_string())) }),
        }
    }
    /// Uploads a photo for a case about to be submitted on the order found with `credentials`;
    /// `progress` hears the share sent so far (0.0 to 1.0).
    fn upload_evidence(
        &self,
        credentials: LookupRequest,
        photo: web_sys::Blob,
        progress: Progress,
    ) -> LocalFuture<Result<EvidenceReceipt, BackendError>> {
        let _ = (credentials, photo, progress);
        unsupported()
    }
    /// A case as its shopper follows it, by tracking number and e-mail or link token.
    fn find_case(&self, access: CaseAccess) -> LocalFuture<Result<CaseView, BackendError>> {
        let _ = access;
        unsupported()
    }
    /// "Is this resolved?": yes confirms, no reopens with a reason.
    fn confirm_case(&self, req: ConfirmRequest) -> LocalFuture<Result<CaseView, BackendError>> {
        let _ = req;
        unsupported()
    }
    /// The satisfaction survey.
    fn rate_case(&self, req: SurveyRequest) -> LocalFuture<Result<CaseView, BackendError>> {
        let _ = req;
        unsupported()
    }
    /// The shop's FAQ in a language (or its fallback).
    fn faq(&self, lang: &str) -> LocalFuture<Result<FaqResponse, BackendError>> {
        let _ = lang;
        unsupported()
    }
    /// Records a self-service event: `faq_answered` or `faq_escalated`, with the article and
    /// what was searched.
    fn self_service(&self, event: SelfService) -> LocalFuture<Result<(), BackendError>> {
        let _ = event;
        unsupported()
    }
    /// The EU withdrawal declaration.
    fn withdraw(
        &self,
        req: WithdrawalRequest,
    ) -> LocalFuture<Result<WithdrawalReceipt, BackendError>> {
        let _ = req;
        unsupported()
    }
}

/// A self-service event (`POST /v1/events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfService {
    /// `faq_answered` or `faq_escalated`.
    pub kind: &'static str,
    /// The FAQ entry, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// What the shopper searched for.
    pub query: String,
    /// The shopper's language.
    pub lang: String,
}

/// The adapter as the widget mounts it, chosen by `data-backend` ([`for_config`]): its code
/// (requests, JSON, error handling; the core engine for `local`) is fetched with its first
/// call, so it is not part of the first screen's bytes (see `journeys::lazy`). A chunk that
/// does not arrive is [`BackendError::Unreachable`], which the form words as "check your
/// connection and try again".
pub struct Deferred(Arc<DeferredInner>);

struct DeferredInner {
    kind: BackendKind,
    api: String,
    made: std::sync::OnceLock<Arc<dyn Backend>>,
}

/// The one place `data-backend` becomes an adapter (the settings were checked by
/// `config::WidgetConfig::parse`).
pub fn for_config(config: &crate::config::WidgetConfig) -> Arc<dyn Backend> {
    Arc::new(Deferred(Arc::new(DeferredInner {
        kind: config.backend.clone(),
        api: config.api.clone(),
        made: std::sync::OnceLock::new(),
    })))
}

impl DeferredInner {
    async fn get(&self) -> Result<Arc<dyn Backend>, BackendError> {
        if let Some(made) = self.made.get() {
            return Ok(made.clone());
        }
        let made = match &self.kind {
            BackendKind::Http => crate::journeys::lazy::http_backend(self.api.clone()).await,
            BackendKind::Local {
                orders_url,
                policy_file,
                faq_file,
            } => {
                let files = crate::local::Files {
                    orders: orders_url.clone(),
                    policy: policy_file.clone(),
                    faq: faq_file.clone(),
                };
                crate::journeys::lazy::local_backend(files).await
            }
            BackendKind::Medusa {
                publishable_key,
                return_option,
                policy_file,
            } => {
                let settings = crate::medusa::Settings {
                    api: self.api.clone(),
                    publishable_key: publishable_key.clone(),
                    return_option: return_option.clone(),
                    policy_file: policy_file.clone(),
                };
                crate::journeys::lazy::medusa_backend(settings).await
            }
        }
        .map_err(|_| BackendError::Unreachable(NOT_FETCHED.into()))?;
        Ok(self.made.get_or_init(|| made).clone())
    }
}

#[rustfmt::skip]
const NOT_FETCHED: &str = "the widget's code could not be fetched"; // i18n-ok: a diagnostic

/// One deferred call: fetch the adapter, then make the call on it.
macro_rules! deferred {
    ($self:ident, |$b:ident| $call:expr) => {{
        let inner = $self.0.clone();
        Box::pin(async move {
            let $b = inner.get().await?;
            $call.await
        })
    }};
}

impl Backend for Deferred {
    fn target(&self) -> String {
        match &self.0.kind {
            BackendKind::Http => format!("http {}", self.0.api), // i18n-ok: an identifier
            BackendKind::Local { orders_url, .. } => format!("local {orders_url}"), // i18n-ok: an identifier
            BackendKind::Medusa { .. } => format!("medusa {}", self.0.api), // i18n-ok: an identifier
        }
    }
    fn capabilities(&self) -> Capabilities {
        // Known before the adapter's code is fetched (the widget hides what it lacks at once).
        match &self.0.kind {
            BackendKind::Http => Capabilities::ALL,
            BackendKind::Local { faq_file, .. } => crate::local::capabilities(faq_file.is_some()),
            BackendKind::Medusa { .. } => crate::medusa::CAPABILITIES,
        }
    }
    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>> {
        deferred!(self, |b| b.lookup(req))
    }
    fn policy(&self) -> LocalFuture<Result<Policy, BackendError>> {
        deferred!(self, |b| b.policy())
    }
    fn submit_case(
        &self,
        req: CreateCaseRequest,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        deferred!(self, |b| b.submit_case(req, idempotency_key))
    }
    fn submit_case_json(
        &self,
        json: String,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        deferred!(self, |b| b.submit_case_json(json, idempotency_key))
    }
    fn upload_evidence(
        &self,
        credentials: LookupRequest,
        photo: web_sys::Blob,
        progress: Progress,
    ) -> LocalFuture<Result<EvidenceReceipt, BackendError>> {
        deferred!(self, |b| b.upload_evidence(credentials, photo, progress))
    }
    fn find_case(&self, access: CaseAccess) -> LocalFuture<Result<CaseView, BackendError>> {
        deferred!(self, |b| b.find_case(access))
    }
    fn confirm_case(&self, req: ConfirmRequest) -> LocalFuture<Result<CaseView, BackendError>> {
        deferred!(self, |b| b.confirm_case(req))
    }
    fn rate_case(&self, req: SurveyRequest) -> LocalFuture<Result<CaseView, BackendError>> {
        deferred!(self, |b| b.rate_case(req))
    }
    fn faq(&self, lang: &str) -> LocalFuture<Result<FaqResponse, BackendError>> {
        let lang = lang.to_string();
        deferred!(self, |b| b.faq(&lang))
    }
    fn self_service(&self, event: SelfService) -> LocalFuture<Result<(), BackendError>> {
        deferred!(self, |b| b.self_service(event))
    }
    fn withdraw(
        &self,
        req: WithdrawalRequest,
    ) -> LocalFuture<Result<WithdrawalReceipt, BackendError>> {
        deferred!(self, |b| b.withdraw(req))
    }
}

/// The backend the widget was mounted with, shared through the reactive context.
#[derive(Clone)]
pub struct BackendHandle(pub Arc<dyn Backend>);

/// Why a backend call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendError {
    /// The backend understood the request and said no (4xx with an error body).
    Refused(ErrorDetail),
    /// The backend asked to come back later: too many attempts (`429 rate_limited`) or the
    /// same request still being answered (`409 request_in_progress`), with its `Retry-After`
    /// in seconds if it gave one.
    Busy(ErrorDetail, Option<u32>),
    /// The device is offline.
    Offline,
    /// The backend did not answer within [`REQUEST_TIMEOUT_MS`].
    TimedOut,
    /// The widget was closed while the request was on its way (see [`abort_open_requests`]).
    Cancelled,
    /// The adapter does not have this operation (see [`Capabilities`]).
    Unsupported,
    /// The backend could not be reached (DNS, CORS, connection reset, its code not fetched).
    Unreachable(String),
    /// The backend answered something outside the contract (5xx, not JSON, wrong shape).
    Broken(String),
}

impl BackendError {
    /// A refusal with this code and nothing more (an adapter's "not found").
    pub fn refused(code: &str) -> BackendError {
        BackendError::Refused(ErrorDetail {
            code: code.into(),
            message: String::new(),
            field: None,
            violations: Vec::new(),
        })
    }

    /// What to tell the shopper, in one message. Their input is kept, so every message invites
    /// a retry.
    pub fn message(&self) -> Msg {
        match self {
            BackendError::Refused(detail) => match detail.code.as_str() {
                "order_not_found" => Msg::LookupErrorNotFound,
                "invalid_order_number" => Msg::LookupErrorOrderNumber,
                "invalid_email" => Msg::LookupErrorEmail,
                "invalid_case" => detail
                    .violations
                    .first()
                    .map_or(Msg::ViolationOther, format::violation_detail),
                "case_not_found" => Msg::TrackErrorNotFound,
                "invalid_tracking_number" => Msg::TrackErrorNumber,
                "survey_taken" => Msg::SurveyTaken,
                "not_allowed_now" => Msg::CaseNotNow,
                "withdrawal_period_over" => Msg::WithdrawClosed,
                _ => Msg::ErrorRefused,
            },
            BackendError::Busy(detail, _) if detail.code == "rate_limited" => Msg::ErrorRateLimited,
            BackendError::Busy(..) | BackendError::Broken(_) => Msg::ErrorBroken,
            BackendError::Offline => Msg::ErrorOffline,
            BackendError::TimedOut => Msg::ErrorTimedOut,
            BackendError::Unreachable(_) | BackendError::Cancelled => Msg::ErrorUnreachable,
            BackendError::Unsupported => Msg::ErrorUnsupported,
        }
    }

    /// Every problem the backend found with a refused case (empty for other errors).
    pub fn violations(&self) -> &[ViolationDetail] {
        match self {
            BackendError::Refused(d) => &d.violations,
            _ => &[],
        }
    }

    /// The machine code of a refusal (`order_not_found`, `window_closed`, `rate_limited`, …),
    /// if it is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            BackendError::Refused(d) | BackendError::Busy(d, _) => Some(&d.code),
            _ => None,
        }
    }

    /// Whether the same request may succeed later as it is (the network, the server, a wait):
    /// the outbox keeps such a request and sends it again; a refusal is final.
    pub fn is_transient(&self) -> bool {
        !matches!(self, BackendError::Refused(_) | BackendError::Unsupported)
    }

    /// How long the backend asked to wait, in seconds.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            BackendError::Busy(_, secs) => *secs,
            _ => None,
        }
    }
}

/// The `/v1` HTTP adapter.
#[derive(Debug, Clone)]
pub struct HttpBackend {
    base: String,
}

impl HttpBackend {
    /// An adapter for the API rooted at `base` (`""` for the page's own origin).
    pub fn new(base: &str) -> HttpBackend {
        HttpBackend {
            base: base.trim_end_matches('/').to_string(),
        }
    }

    fn post<Req: Serialize, Resp: DeserializeOwned + 'static>(
        &self,
        path: &str,
        body: &Req,
    ) -> LocalFuture<Result<Resp, BackendError>> {
        send(
            timed(
                gloo_net::http::Request::post(&format!("{}{path}", self.base)),
                OnClose::Abort,
            )
            .json(body),
        )
    }

    /// `POST /v1/cases` with its idempotency key, before the body.
    fn post_case(
        &self,
        idempotency_key: &str,
        on_close: OnClose,
    ) -> gloo_net::http::RequestBuilder {
        timed(
            gloo_net::http::Request::post(&format!("{}/v1/cases", self.base)),
            on_close,
        )
        .header("Idempotency-Key", idempotency_key) // i18n-ok: a header name
    }

    fn get<Resp: DeserializeOwned + 'static>(
        &self,
        path: &str,
    ) -> LocalFuture<Result<Resp, BackendError>> {
        send(
            timed(
                gloo_net::http::Request::get(&format!("{}{path}", self.base)),
                OnClose::Abort,
            )
            .build(),
        )
    }
}

/// How long a request may take before it is abandoned and the shopper told to retry (what
/// they entered is kept). Photo uploads have their own, longer limit.
pub const REQUEST_TIMEOUT_MS: i32 = 15_000;

thread_local! {
    /// Aborts the requests made while the widget is open (see [`abort_open_requests`]).
    static OPENING: std::cell::RefCell<Option<web_sys::AbortController>> =
        const { std::cell::RefCell::new(None) };
    /// How many times the widget was closed: a request that fails after a close was
    /// cancelled, not timed out.
    static CLOSES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The widget closed: every request it was waiting for is aborted (the outbox's requests are
/// not: a kept request is sent whether the widget is open or not). What the shopper entered
/// stays; reopening shows the step as it was, with "try again".
pub fn abort_open_requests() {
    CLOSES.with(|c| c.set(c.get().wrapping_add(1)));
    if let Some(opening) = OPENING.with(|o| o.borrow_mut().take()) {
        opening.abort();
    }
}

/// Whether a request is abandoned when the widget closes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnClose {
    Abort,
    Continue,
}

/// The request, aborted if it has not finished after [`REQUEST_TIMEOUT_MS`] (a stalled
/// connection never leaves a button spinning for ever), and when the widget closes unless
/// it is the outbox's.
pub(crate) fn timed(
    request: gloo_net::http::RequestBuilder,
    on_close: OnClose,
) -> gloo_net::http::RequestBuilder {
    use wasm_bindgen::JsCast;
    let signal = || {
        let controller = web_sys::AbortController::new().ok()?;
        let signal = controller.signal();
        let deadline = controller.clone();
        // Aborting a finished request does nothing, so the timer is never cleared.
        let abort = wasm_bindgen::closure::Closure::once_into_js(move || deadline.abort());
        web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                abort.unchecked_ref(),
                REQUEST_TIMEOUT_MS,
            )
            .ok()?;
        if on_close == OnClose::Abort {
            let opening = OPENING.with(|o| {
                let mut o = o.borrow_mut();
                if o.is_none() {
                    *o = web_sys::AbortController::new().ok();
                }
                o.as_ref().map(web_sys::AbortController::signal)
            })?;
            let closed = wasm_bindgen::closure::Closure::once_into_js(move || controller.abort());
            let _ = opening.add_event_listener_with_callback("abort", closed.unchecked_ref());
            // i18n-ok: an event name
        }
        Some(signal)
    };
    request.abort_signal(signal().as_ref())
}

/// Sends a request and reads the answer: the expected body, the contract's error body for a
/// 4xx, or a [`BackendError`] saying what else happened.
fn send<Resp: DeserializeOwned + 'static>(
    request: Result<gloo_net::http::Request, gloo_net::Error>,
) -> LocalFuture<Result<Resp, BackendError>> {
    Box::pin(async move {
        let (status, text) = exchange(request).await?;
        serde_json::from_str::<Resp>(&text)
            .map_err(|e| BackendError::Broken(format!("HTTP {status}: {e}"))) // i18n-ok: a diagnostic
    })
}

/// The part of [`send`] that does not depend on the answer's type, kept out of its
/// per-type copies: it is the bulk of the code.
async fn exchange(
    request: Result<gloo_net::http::Request, gloo_net::Error>,
) -> Result<(u16, String), BackendError> {
    let Answer {
        url,
        status,
        retry_after,
        text,
    } = answer(request).await?;
    if (200..300).contains(&status) {
        return Ok((status, text));
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) if status == 429 || status == 409 => {
            Err(BackendError::Busy(body.error, retry_after))
        }
        Ok(body) if (400..500).contains(&status) => Err(BackendError::Refused(body.error)),
        _ => {
            let diagnostic = wrong_api(&url, status, &text)
                .unwrap_or_else(|| format!("{url} answered HTTP {status}")); // i18n-ok: a diagnostic
            web_sys::console::error_1(&diagnostic.as_str().into());
            Err(BackendError::Broken(diagnostic))
        }
    }
}

/// What came back for a request, whatever it says.
pub(crate) struct Answer {
    /// Where the request went.
    pub url: String,
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, in seconds.
    pub retry_after: Option<u32>,
    /// The body.
    pub text: String,
}

/// Sends a request and reads the whole answer, any status; only a request that got no answer
/// (offline, timed out, cancelled, unreachable) is an error. Adapters that speak another API
/// than the contract read the answer themselves.
pub(crate) async fn answer(
    request: Result<gloo_net::http::Request, gloo_net::Error>,
) -> Result<Answer, BackendError> {
    let request = request.map_err(|e| BackendError::Broken(e.to_string()))?;
    let url = request.url();
    let closes = CLOSES.with(std::cell::Cell::get);
    let failed = |e| failed(e, closes);
    let response = request.send().await.map_err(failed)?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after") // i18n-ok: a header name
        .and_then(|v| v.trim().parse::<u32>().ok());
    let text = response.text().await.map_err(failed)?;
    Ok(Answer {
        url,
        status,
        retry_after,
        text,
    })
}

/// A 404 that is not the contract's error (an HTML page, an empty body): the merchant's
/// `data-api` most likely does not point at the API's root. The sentence for the console.
fn wrong_api(url: &str, status: u16, body: &str) -> Option<String> {
    (status == 404).then(|| {
        let kind = if body.trim_start().starts_with('<') { "an HTML page" } else { "no JSON error" }; // i18n-ok: a diagnostic
        format!("{url} answered 404 with {kind}: data-api is likely wrong (it must be the root under which /v1/… is served)") // i18n-ok: a diagnostic
    })
}

/// Why a request got no answer: the widget closed (if it was closed since `closes`), the
/// deadline, the device offline, or the network.
fn failed(e: gloo_net::Error, closes: u32) -> BackendError {
    let offline = web_sys::window().is_some_and(|w| !w.navigator().on_line());
    let closed = CLOSES.with(std::cell::Cell::get) != closes;
    let aborted = matches!(&e, gloo_net::Error::JsError(js) if js.name == "AbortError"); // i18n-ok: a DOMException name
    match e {
        _ if aborted && closed => BackendError::Cancelled,
        _ if aborted => BackendError::TimedOut,
        _ if offline => BackendError::Offline,
        e => BackendError::Unreachable(e.to_string()),
    }
}

impl Backend for HttpBackend {
    fn capabilities(&self) -> Capabilities {
        Capabilities::ALL
    }

    fn find_case(&self, access: CaseAccess) -> LocalFuture<Result<CaseView, BackendError>> {
        self.post("/v1/cases/find", &access)
    }

    fn confirm_case(&self, req: ConfirmRequest) -> LocalFuture<Result<CaseView, BackendError>> {
        self.post("/v1/cases/confirm", &req)
    }

    fn rate_case(&self, req: SurveyRequest) -> LocalFuture<Result<CaseView, BackendError>> {
        self.post("/v1/cases/survey", &req)
    }

    fn faq(&self, lang: &str) -> LocalFuture<Result<FaqResponse, BackendError>> {
        let lang: String = lang
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        self.get(&format!("/v1/faq?lang={lang}")) // i18n-ok: a URL
    }

    fn self_service(&self, event: SelfService) -> LocalFuture<Result<(), BackendError>> {
        let request =
            gloo_net::http::Request::post(&format!("{}/v1/events", self.base)).json(&event);
        Box::pin(async move { exchange(request).await.map(|_| ()) })
    }

    fn withdraw(
        &self,
        req: WithdrawalRequest,
    ) -> LocalFuture<Result<WithdrawalReceipt, BackendError>> {
        self.post("/v1/withdrawals", &req)
    }

    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>> {
        self.post("/v1/orders/lookup", &req)
    }

    fn policy(&self) -> LocalFuture<Result<Policy, BackendError>> {
        self.get("/v1/policy")
    }

    fn submit_case(
        &self,
        req: CreateCaseRequest,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        send(self.post_case(&idempotency_key, OnClose::Abort).json(&req))
    }

    fn submit_case_json(
        &self,
        json: String,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        send(
            self.post_case(&idempotency_key, OnClose::Continue)
                .header("Content-Type", "application/json") // i18n-ok: a header and media type
                .body(json),
        )
    }

    fn upload_evidence(
        &self,
        credentials: LookupRequest,
        photo: web_sys::Blob,
        progress: Progress,
    ) -> LocalFuture<Result<EvidenceReceipt, BackendError>> {
        let url = format!("{}/v1/evidence", self.base);
        Box::pin(async move {
            let (status, text) = xhr_upload(&url, &credentials, &photo, progress).await?;
            if (200..300).contains(&status) {
                let broken = |e: serde_json::Error| format!("HTTP {status}: {e}"); // i18n-ok: a diagnostic
                return serde_json::from_str(&text).map_err(|e| BackendError::Broken(broken(e)));
            }
            match serde_json::from_str::<ErrorBody>(&text) {
                Ok(body) if status == 429 => Err(BackendError::Busy(body.error, None)),
                Ok(body) if (400..500).contains(&status) => Err(BackendError::Refused(body.error)),
                _ => Err(BackendError::Broken(format!("HTTP {status}"))), // i18n-ok: a diagnostic
            }
        })
    }
}

/// Sends `photo` with `XMLHttpRequest`, the one browser API that reports upload progress;
/// answers the status and body. Times out after two minutes.
async fn xhr_upload(
    url: &str,
    credentials: &LookupRequest,
    photo: &web_sys::Blob,
    progress: Progress,
) -> Result<(u16, String), BackendError> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let broken = |e: wasm_bindgen::JsValue| BackendError::Broken(format!("{e:?}")); // i18n-ok: a diagnostic
    let xhr = web_sys::XmlHttpRequest::new().map_err(broken)?;
    xhr.open_with_async("POST", url, true).map_err(broken)?; // i18n-ok: an HTTP method
    xhr.set_timeout(120_000);
    for (name, value) in [
        ("X-Order-Number", credentials.order_number.as_str()), // i18n-ok: a header name
        ("X-Order-Email", credentials.email.as_str()),         // i18n-ok: a header name
        ("X-Order-Token", credentials.token.as_str()),         // i18n-ok: a header name
        ("Content-Type", photo.type_().as_str()),              // i18n-ok: a header name
    ] {
        xhr.set_request_header(name, value).map_err(broken)?;
    }
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress(e.loaded() / e.total());
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let target = xhr.clone();
        let _ = target.add_event_listener_with_callback("load", &resolve); // i18n-ok: an event name
        for failure in ["error", "timeout", "abort"] {
            let _ = target.add_event_listener_with_callback(failure, &reject);
        }
    });
    xhr.send_with_opt_blob(Some(photo)).map_err(broken)?;
    let finished = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(on_progress);
    finished.map_err(|_| BackendError::Unreachable("upload failed".into()))?; // i18n-ok: a diagnostic
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    Ok((xhr.status().unwrap_or(0), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: &str) -> BackendError {
        BackendError::refused(code)
    }

    #[test]
    fn each_refusal_the_shopper_can_act_on_has_its_own_message() {
        for (code, msg) in [
            ("order_not_found", Msg::LookupErrorNotFound),
            ("case_not_found", Msg::TrackErrorNotFound),
            ("something_new", Msg::ErrorRefused),
        ] {
            assert_eq!(refused(code).message(), msg, "{code}");
        }
        assert_eq!(
            BackendError::Unreachable(NOT_FETCHED.into()).message(),
            Msg::ErrorUnreachable
        );
        let busy = |code: &str| {
            let BackendError::Refused(d) = refused(code) else {
                unreachable!()
            };
            BackendError::Busy(d, Some(7))
        };
        assert_eq!(busy("rate_limited").message(), Msg::ErrorRateLimited);
        assert_eq!(busy("request_in_progress").message(), Msg::ErrorBroken);
        assert_eq!(BackendError::Offline.message(), Msg::ErrorOffline);
        assert_eq!(BackendError::TimedOut.message(), Msg::ErrorTimedOut);
    }

    #[test]
    fn a_404_page_instead_of_the_api_points_at_data_api() {
        let html = wrong_api(
            "https://shop.example/api/v1/orders/lookup",
            404,
            "<!doctype html>",
        );
        assert_eq!(
            html.as_deref(),
            Some("https://shop.example/api/v1/orders/lookup answered 404 with an HTML page: data-api is likely wrong (it must be the root under which /v1/… is served)")
        );
        assert!(wrong_api("/v1/policy", 404, "")
            .unwrap()
            .contains("with no JSON error"));
        assert_eq!(
            wrong_api("/v1/policy", 502, "<html>"),
            None,
            "a 5xx is the server's"
        );
    }

    #[test]
    fn only_a_refusal_is_final() {
        assert!(!refused("window_closed").is_transient());
        assert!(!BackendError::Unsupported.is_transient());
        assert_eq!(BackendError::Unsupported.message(), Msg::ErrorUnsupported);
        for e in [
            BackendError::Offline,
            BackendError::TimedOut,
            BackendError::Unreachable("reset".into()),
            BackendError::Broken("HTTP 502".into()),
        ] {
            assert!(e.is_transient(), "{e:?}");
            assert_eq!(e.retry_after(), None);
        }
        let BackendError::Refused(d) = refused("rate_limited") else {
            unreachable!()
        };
        let busy = BackendError::Busy(d, Some(3));
        assert!(busy.is_transient());
        assert_eq!(
            (busy.retry_after(), busy.code()),
            (Some(3), Some("rate_limited"))
        );
    }
}
