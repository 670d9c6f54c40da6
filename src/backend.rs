//! The adapter seam: where the widget gets orders and sends cases.
//!
//! The widget only talks to a [`Backend`]. [`HttpBackend`] speaks the `/v1` contract
//! (`docs/api.md`) to the reference server or to any merchant backend that implements it;
//! other adapters (a shop platform's API, an in-browser demo store) implement the same trait.

use crate::format;
use crate::i18n::Msg;
use aftersales_core::api::{
    CaseReceipt, CreateCaseRequest, ErrorBody, ErrorDetail, LookupRequest, LookupResponse,
    ViolationDetail,
};
use aftersales_core::policy::Policy;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A future that stays on the browser's one thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// What the widget needs from a merchant's backend.
pub trait Backend: Send + Sync {
    /// Finds an order by number and e-mail.
    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>>;
    /// The shop's policy, to show before any order is found.
    fn policy(&self) -> LocalFuture<Result<Policy, BackendError>>;
    /// Submits a case and gets its receipt (with the tracking number).
    fn submit_case(&self, req: CreateCaseRequest)
        -> LocalFuture<Result<CaseReceipt, BackendError>>;
}

/// The backend the widget was mounted with, shared through the reactive context.
#[derive(Clone)]
pub struct BackendHandle(pub Arc<dyn Backend>);

/// Why a backend call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendError {
    /// The backend understood the request and said no (4xx with an error body).
    Refused(ErrorDetail),
    /// The backend could not be reached (offline, DNS, CORS, connection reset).
    Unreachable(String),
    /// The backend answered something outside the contract (5xx, not JSON, wrong shape).
    Broken(String),
}

impl BackendError {
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
                _ => Msg::ErrorRefused,
            },
            BackendError::Unreachable(_) => Msg::ErrorUnreachable,
            BackendError::Broken(_) => Msg::ErrorBroken,
        }
    }

    /// Every problem the backend found with a refused case (empty for other errors).
    pub fn violations(&self) -> &[ViolationDetail] {
        match self {
            BackendError::Refused(d) => &d.violations,
            _ => &[],
        }
    }

    /// The machine code of a refusal (`order_not_found`, `window_closed`, …), if it is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            BackendError::Refused(d) => Some(&d.code),
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
        send(gloo_net::http::Request::post(&format!("{}{path}", self.base)).json(body))
    }

    fn get<Resp: DeserializeOwned + 'static>(
        &self,
        path: &str,
    ) -> LocalFuture<Result<Resp, BackendError>> {
        send(gloo_net::http::Request::get(&format!("{}{path}", self.base)).build())
    }
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
    let request = request.map_err(|e| BackendError::Broken(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| BackendError::Unreachable(e.to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| BackendError::Unreachable(e.to_string()))?;
    if response.ok() {
        return Ok((status, text));
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) if (400..500).contains(&status) => Err(BackendError::Refused(body.error)),
        _ => Err(BackendError::Broken(format!("HTTP {status}"))), // i18n-ok: a diagnostic
    }
}

impl Backend for HttpBackend {
    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>> {
        self.post("/v1/orders/lookup", &req)
    }

    fn policy(&self) -> LocalFuture<Result<Policy, BackendError>> {
        self.get("/v1/policy")
    }

    fn submit_case(
        &self,
        req: CreateCaseRequest,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        self.post("/v1/cases", &req)
    }
}
