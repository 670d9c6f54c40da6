//! The `/v1` HTTP API and the static files of the demo shop.

use crate::db::{DbError, Store};
use crate::evidence;
use aftersales_core::api::{
    check_email, check_order_number, CaseReceipt, Channel, Contact, CreateCaseRequest, ErrorBody,
    ErrorDetail, LookupRequest, LookupResponse, ViolationDetail,
};
use aftersales_core::case::{validate_case, EvidenceKind, Violation, ViolationCode};
use aftersales_core::commitment::Priority;
use aftersales_core::policy::Policy;
use aftersales_core::tracking::TrackingNumber;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower_http::services::{ServeDir, ServeFile};

/// Where the server reads the time; tests pin it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The database (a pool: no lock is held around a request's work).
    pub store: Store,
    /// The merchant's policy.
    pub policy: Arc<Policy>,
    /// The clock.
    pub clock: Clock,
    /// Photo checks running at once (decoding is CPU-bound; two cores here).
    pub decode_slots: Arc<tokio::sync::Semaphore>,
    /// Rate limits on finding orders and cases.
    pub limiter: Arc<crate::limits::Limiter>,
    /// Signs and checks links to cases and orders.
    pub links: Arc<crate::cases::Links>,
    /// Where messages to shoppers go.
    pub notifier: Arc<dyn crate::notify::Notifier>,
    /// The merchant's FAQ.
    pub faq: Arc<aftersales_core::faq::Faq>,
    /// Idempotency keys whose first request is still being answered.
    pub in_flight: Arc<InFlight>,
}

/// Idempotency keys (per order) whose first request is still running: a second request with
/// one of them is answered `409` instead of racing the first (the Idempotency-Key draft).
#[derive(Debug, Default)]
pub struct InFlight(Mutex<std::collections::HashSet<(String, String)>>);

impl InFlight {
    /// Marks `key` on `order` as running until the guard is dropped; `None` if it already is.
    pub fn start(self: &Arc<Self>, order: &str, key: &str) -> Option<InFlightGuard> {
        let entry = (order.to_string(), key.to_string());
        let mut running = self.0.lock().unwrap_or_else(|p| p.into_inner());
        running.insert(entry.clone()).then(|| InFlightGuard {
            set: self.clone(),
            entry,
        })
    }
}

/// A running request's hold on its idempotency key (see [`InFlight`]).
#[derive(Debug)]
pub struct InFlightGuard {
    set: Arc<InFlight>,
    entry: (String, String),
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut running = self.set.0.lock().unwrap_or_else(|p| p.into_inner());
        running.remove(&self.entry);
    }
}

impl AppState {
    /// Sends a notification off the request's path: the outbox is slow I/O and never runs
    /// under the database lock; a failure is logged, the request still succeeds.
    pub(crate) fn notify(&self, n: crate::notify::Notification) {
        if !self.notifier.sends() {
            return;
        }
        let notifier = self.notifier.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = notifier.send(&n) {
                eprintln!("aftersales: notification to {} not sent: {e}", n.reference);
            }
        });
    }
}

/// The router: the API under `/v1`, and, when `assets` is given, the built widget and the demo
/// shop page (`/` is `shop.html`).
pub fn router(state: AppState, assets: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/policy", get(policy))
        .route("/v1/orders/lookup", post(lookup).layer(small()))
        .route("/v1/cases", post(create_case).layer(large()))
        .route(
            "/v1/cases/find",
            post(crate::after::find_case).layer(small()),
        )
        .route(
            "/v1/cases/confirm",
            post(crate::after::confirm).layer(small()),
        )
        .route(
            "/v1/cases/survey",
            post(crate::after::survey).layer(small()),
        )
        .route("/v1/faq", get(crate::after::faq))
        .route("/v1/events", post(crate::after::event).layer(small()))
        .route(
            "/v1/withdrawals",
            post(crate::after::withdraw).layer(large()),
        )
        .merge(crate::merchant::routes().layer(small()))
        .route(
            "/v1/evidence",
            post(upload_evidence).layer(DefaultBodyLimit::max(evidence::MAX_BYTES + 1)),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This endpoint does not take that method.",
            )
        })
        .layer(axum::middleware::map_response(api_headers))
        .with_state(state);
    match assets {
        Some(dir) => Router::new()
            .merge(api)
            .route_service("/", ServeFile::new(dir.join("shop.html")))
            // The packaged bundle has .br and .gz copies beside each file (scripts/package.mjs):
            // sent as they are to a browser that accepts them.
            .fallback_service(
                ServeDir::new(dir)
                    .precompressed_br()
                    .precompressed_gzip()
                    .not_found_service(not_found.into_service()),
            )
            .layer(axum::middleware::map_response(asset_headers)),
        None => api,
    }
}

/// Lets shop pages on the given origins (`https://shop.example`) call the API from the
/// browser: the widget on the shop's host, the API on the returns host.
///
/// # Errors
/// An origin that is not a valid header value.
pub fn with_cors(app: Router, origins: &[String]) -> std::io::Result<Router> {
    use axum::http::{header::CONTENT_TYPE, HeaderName, HeaderValue, Method};
    if origins.is_empty() {
        return Ok(app);
    }
    let list = origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o).map_err(|_| {
                std::io::Error::other(format!("--allow-origin {o}: not a valid origin"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(list)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-order-number"),
            HeaderName::from_static("x-order-email"),
            HeaderName::from_static("x-order-token"),
        ]);
    Ok(app.layer(cors))
}

/// Where the access log's lines go (`aftersales serve` writes them to stderr).
pub type AccessLog = Arc<dyn Fn(String) + Send + Sync>;

/// One line of the access log, JSON: when, the method, the path (never the query string),
/// the status, how long it took and the client's address. Nothing is read from headers or
/// bodies, so no e-mail, token or key ever reaches the log.
pub fn access_line(
    at: DateTime<Utc>,
    method: &str,
    path: &str,
    status: u16,
    micros: u128,
    client: Option<std::net::IpAddr>,
) -> String {
    json!({
        "ts": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "method": method,
        "path": path,
        "status": status,
        "ms": (micros as f64 / 1000.0 * 10.0).round() / 10.0,
        "client": client.map(|c| c.to_string()),
    })
    .to_string()
}

async fn access(
    State(log): State<AccessLog>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let client = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let response = next.run(req).await;
    let status = response.status().as_u16();
    log(access_line(
        Utc::now(),
        &method,
        &path,
        status,
        started.elapsed().as_micros(),
        client,
    ));
    response
}

/// Writes one [`access_line`] per request (and per file served) to `log`.
pub fn with_access_log(app: Router, log: AccessLog) -> Router {
    app.layer(axum::middleware::from_fn_with_state(log, access))
}

/// The Content-Security-Policy of the demo pages: as strict as a careful shop's. No inline
/// script or style, no `eval`; only `wasm-unsafe-eval`, which WebAssembly needs.
pub const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The body a small request may have (a lookup, a case read, a confirmation, a survey, an
/// event, a merchant's move or message — each a few hundred bytes, a message at most 2,000
/// characters): 16 KiB. Past it: `413 too_large`, before any of it is parsed.
pub const SMALL_BODY: usize = 16 * 1024;
/// The body a case or a withdrawal may have: an order's 500 lines with their answers and a
/// description fit in 256 KiB.
pub const LARGE_BODY: usize = 256 * 1024;

fn small() -> DefaultBodyLimit {
    DefaultBodyLimit::max(SMALL_BODY)
}

fn large() -> DefaultBodyLimit {
    DefaultBodyLimit::max(LARGE_BODY)
}

/// `404 not_found` in the contract's shape: an unknown endpoint or file.
async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such endpoint.")
}

/// Every answer of the API: never cached (it carries orders and cases), never sniffed, and
/// nothing in it may run or be framed.
async fn api_headers(mut response: Response) -> Response {
    use axum::http::header::{
        HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS,
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

/// Caching and security headers for what the server serves: content-hashed files under
/// `/v1/` never change (a year, immutable); everything else is revalidated. Every response
/// carries the demo CSP, so the widget is always exercised under it.
async fn asset_headers(uri: axum::http::Uri, mut response: Response) -> Response {
    use axum::http::header::{
        HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS,
    };
    let path = uri.path();
    let hashed = path.strip_prefix("/v1/").is_some_and(is_content_hashed);
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    // The API's answers already carry their own (no-store, a CSP that allows nothing).
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(DEMO_CSP));
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The loader and the bundle are public files checked by their integrity: any shop page
    // may load them from here (a module script and an integrity check both need CORS).
    // Never with credentials; the API keeps its own --allow-origin list.
    if hashed || path == "/v1/loader.js" {
        headers.insert(
            axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    if path.starts_with("/v1/") {
        // The bundle may go out brotli, gzip or plain (precompressed copies): a cache keeps
        // one per encoding.
        headers.insert(
            axum::http::header::VARY,
            HeaderValue::from_static("accept-encoding"),
        );
    }
    response
}

/// Named by its content: any file in a build's directory (`0123456789ab/chunk_9.wasm`, where
/// the split bundle lives) or `name.0123456789ab.ext`.
fn is_content_hashed(path: &str) -> bool {
    let hash = |h: &str| h.len() == 12 && h.bytes().all(|b| b.is_ascii_hexdigit());
    let in_build_dir = path.split_once('/').is_some_and(|(dir, _)| hash(dir));
    let file = path.rsplit('/').next().unwrap_or(path);
    let mut parts = file.rsplit('.');
    let (_ext, name_hash) = (parts.next(), parts.next());
    in_build_dir || name_hash.is_some_and(hash)
}

/// An error answer: `{"error": {"code", "message", "field"?}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: String,
    message: String,
    field: Option<String>,
    violations: Vec<ViolationDetail>,
    retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &str, message: &str) -> ApiError {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            field: None,
            violations: Vec::new(),
            retry_after: None,
        }
    }

    pub(crate) fn field(mut self, field: &str) -> ApiError {
        self.field = Some(field.into());
        self
    }

    /// Tells the client when to try again.
    pub(crate) fn violations(mut self, violations: Vec<ViolationDetail>) -> ApiError {
        self.violations = violations;
        self
    }

    pub(crate) fn retry_after(mut self, secs: u64) -> ApiError {
        self.retry_after = Some(secs);
        self
    }

    /// `400 invalid_email` on the `email` field.
    pub(crate) fn invalid_email() -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_email",
            "Enter the e-mail address you ordered with.",
        )
        .field("email")
    }

    pub(crate) fn body_timeout() -> ApiError {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "The request body did not arrive in time; send it again.",
        )
    }

    pub(crate) fn order_not_found() -> ApiError {
        // One answer for a wrong number and a wrong e-mail: a lookup never tells which.
        ApiError::new(
            StatusCode::NOT_FOUND,
            "order_not_found",
            "We could not find an order with that number and e-mail address.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
                violations: self.violations,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

impl ApiError {
    /// `429` with `Retry-After`: too many attempts at finding an order or case.
    pub(crate) fn rate_limited(secs: u64) -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            &format!("Too many attempts; try again in {secs} s."),
        )
        .retry_after(secs)
    }
}

/// The client's address (from the connection; unspecified when served without it).
pub(crate) struct Client(pub(crate) std::net::IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(std::net::Ipv4Addr::UNSPECIFIED.into(), |c| c.0.ip());
        Ok(Client(addr))
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        eprintln!("aftersales: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The service had a problem; please try again.",
        )
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "The request body is larger than this endpoint takes.",
            );
        }
        if is_body_timeout(&r) {
            return ApiError::body_timeout();
        }
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("The request body is not valid: {}", r.body_text()),
        )
    }
}

/// Whether reading the body failed because it did not arrive in time ([`crate::conn`]).
pub(crate) fn is_body_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// `GET /v1/health`: the database answers. Nothing more: a public endpoint tells no counts.
async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    state.store.case_count().await?;
    Ok(Json(json!({ "status": "ok" })))
}

/// `GET /v1/openapi.json`: the contract (`docs/api/openapi.yaml`), made once.
async fn openapi() -> Json<serde_json::Value> {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(crate::openapi::document).clone())
}

/// `GET /v1/policy`: the shop's policy, public (the widget shows it before any lookup).
async fn policy(State(state): State<AppState>) -> Json<Policy> {
    Json((*state.policy).clone())
}

/// Order credentials after their format is checked: the number, and the e-mail or a link
/// token (checked against the number when the order is read).
pub(crate) struct Credentials {
    pub(crate) number: String,
    email: String,
    token: String,
}

impl Credentials {
    /// The order these credentials open, `None` for an unknown number, a wrong e-mail or an
    /// invalid token alike.
    pub(crate) async fn order(
        &self,
        state: &AppState,
    ) -> Result<Option<aftersales_core::order::Order>, DbError> {
        if self.token.is_empty() {
            return state.store.find_order(&self.number, &self.email).await;
        }
        let now = (state.clock)();
        if !state
            .links
            .key
            .verify(crate::links::Scope::Order, &self.number, &self.token, now)
        {
            return Ok(None);
        }
        state.store.find_order_verified(&self.number).await
    }

    /// The e-mail typed, empty when a token stood in for it.
    pub(crate) fn email(&self) -> &str {
        &self.email
    }

    /// Whether a link token stood in for the e-mail.
    pub(crate) fn has_token(&self) -> bool {
        !self.token.is_empty()
    }
}

/// Checks the format of an order number and of the e-mail, or takes a token instead of the
/// e-mail.
pub(crate) fn check_credentials(
    order_number: &str,
    email: &str,
    token: &str,
) -> Result<Credentials, ApiError> {
    let number = check_order_number(order_number).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_order_number",
            "Enter the order number from your confirmation e-mail.",
        )
        .field("order_number")
    })?;
    if !token.is_empty() {
        return Ok(Credentials {
            number: number.to_string(),
            email: String::new(),
            token: token.to_string(),
        });
    }
    let email = check_email(email).map_err(|_| ApiError::invalid_email())?;
    Ok(Credentials {
        number: number.to_string(),
        email: email.to_string(),
        token: String::new(),
    })
}

async fn lookup(
    State(state): State<AppState>,
    Client(client): Client,
    body: Result<Json<LookupRequest>, JsonRejection>,
) -> Result<Json<LookupResponse>, ApiError> {
    let Json(req) = body?;
    let creds = check_credentials(&req.order_number, &req.email, &req.token)?;
    state
        .limiter
        .check(client, &creds.number)
        .map_err(ApiError::rate_limited)?;
    let order = creds
        .order(&state)
        .await?
        .ok_or_else(ApiError::order_not_found)?;
    let open_cases = state.store.open_cases(&order.number).await?;
    Ok(Json(LookupResponse {
        order,
        policy: (*state.policy).clone(),
        server_time: (state.clock)(),
        open_cases,
    }))
}

/// The longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 100;

/// The `Idempotency-Key` header: absent, or 1 to 100 characters of `A-Z a-z 0-9 - _`, bare
/// or as the draft's quoted Structured Field string (`"8e03978e-…"`, the same key).
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let raw = value.to_str().unwrap_or_default();
    let key = raw
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .unwrap_or(raw);
    let ok = !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(Some(key.to_string()))
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "The Idempotency-Key header must be 1 to 100 letters, digits, '-' or '_' (bare or in double quotes).",
        )
        .field("Idempotency-Key"))
    }
}

async fn create_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CreateCaseRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(req) = body?;
    let key = idempotency_key(&headers)?;
    let creds = check_credentials(&req.order_number, &req.email, &req.token)?;
    let mut contact = req.contact.clone().unwrap_or(Contact {
        email: creds.email().to_string(),
        phone: String::new(),
        channel: Channel::Email,
    });
    // From a signed link the widget may not know the e-mail: the order's is used then.
    let email_from_order = contact.email.trim().is_empty() && creds.has_token();
    if !email_from_order {
        check_contact(&contact)?;
    }
    let now = (state.clock)();
    // The Idempotency-Key draft: the key binds to this body, and while its first request runs
    // a second one is told to retry instead of racing it.
    let idempotency = key.map(|k| (k, request_hash(&req)));
    let _running = match &idempotency {
        Some((k, _)) => Some(state.in_flight.start(&creds.number, k).ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "request_in_progress",
                "A request with this Idempotency-Key is still being answered; try again shortly.",
            )
            .retry_after(1)
        })?),
        None => None,
    };
    // The order and the engine's check run outside any lock; the claim is re-checked in the
    // insert's own short transaction (two tabs, or two server processes, cannot both claim
    // the last unit).
    let store = &state.store;
    let order = creds
        .order(&state)
        .await?
        .ok_or_else(ApiError::order_not_found)?;
    if email_from_order {
        contact.email = store.order_email(&order.number).await?.unwrap_or_default();
        check_contact(&contact)?;
    }
    let number = order.number.clone();
    let stored = store_case(&state, &req, order, contact, idempotency.clone(), now).await;
    // A repeated request (a double click, a retry after a timeout) gets the first case. It is
    // looked for only when this one cannot be stored (its units are claimed by the first, its
    // key is taken): a new request costs no read for it.
    match (stored, &idempotency) {
        (Err(refusal), Some((k, hash))) if refusal.status.is_client_error() => {
            match store.replay(&number, k).await? {
                Some(first) if first.request_hash.as_ref().is_some_and(|h| h != hash) => {
                    Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "idempotency_key_reused",
                        "This Idempotency-Key was already used for a different request.",
                    )
                    .field("Idempotency-Key"))
                }
                Some(first) => Ok(replayed(first.receipt)),
                None => Err(refusal),
            }
        }
        (stored, _) => stored,
    }
}

/// Checks a case against the policy and the order and stores it: `201` with its receipt.
async fn store_case(
    state: &AppState,
    req: &CreateCaseRequest,
    order: aftersales_core::order::Order,
    contact: Contact,
    idempotency: Option<(String, String)>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Response, ApiError> {
    let store = &state.store;
    let kind = req.case.case_type.kind();
    let accepted = validate_case(&state.policy, &order, &req.case, now).map_err(refused)?;
    // Photos must be this order's own uploads, not yet part of another case.
    let photos: Vec<(usize, &str)> = req
        .case
        .evidence
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EvidenceKind::Photo)
        .map(|(i, e)| (i, e.reference.as_str()))
        .collect();
    let ids: Vec<&str> = photos.iter().map(|(_, id)| *id).collect();
    let bad = store.unusable_evidence(&order.number, &ids).await?;
    if !bad.is_empty() {
        return Err(refused(
            bad.into_iter()
                .map(|k| Violation {
                    code: ViolationCode::InvalidEvidence,
                    field: format!("evidence[{}].reference", photos[k].0),
                })
                .collect(),
        ));
    }
    let due = state.policy.due_times(kind, Priority::default(), now);
    let quote = accepted.quote.clone();
    let links = state.links.clone();
    let receipt = move |case: &crate::db::StoredCase| CaseReceipt {
        link_token: links.case_token(case.tracking_number.as_str(), case.created_at),
        tracking_number: case.tracking_number.to_string(),
        kind,
        status: case.status,
        quote: quote.clone(),
        created_at: case.created_at,
        respond_by: case.due.respond_by,
        resolve_by: case.due.resolve_by,
    };
    let kept = receipt.clone();
    let stored = store
        .insert_case(crate::db::NewCase {
            order,
            accepted,
            contact: contact.clone(),
            idempotency,
            // Bounded work per order: past the merchant's limit of open cases of one type,
            // no more (counted in the insert's transaction, so it holds under a burst).
            open_limit: state.limiter.open_per_kind(),
            due,
            now,
            mint: mint_tracking_number,
            receipt: Box::new(move |c| serde_json::to_string(&kept(c)).unwrap_or_default()),
        })
        .await?;
    let case = match stored {
        Ok(case) => case,
        Err(conflict) => return Err(conflicted(conflict, &req.case)),
    };
    let data = json!({"kind": kind, "status": case.status, "respond_by": case.due.respond_by});
    state.notify(crate::cases::notification_to(
        crate::db::normalise_email(&contact.email),
        case.tracking_number.as_str(),
        crate::notify::Template::CaseReceived,
        &state.links,
        now,
        data,
    ));
    Ok((StatusCode::CREATED, Json(receipt(&case))).into_response())
}

/// `201` with the receipt the first request with this idempotency key got, marked as a replay.
fn replayed(receipt: String) -> Response {
    let mut r = (StatusCode::CREATED, receipt).into_response();
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    r.headers_mut().insert(
        "idempotent-replayed",
        axum::http::HeaderValue::from_static("true"),
    );
    r
}

/// What a shopper is told when another request changed the order between the engine's check
/// and the insert: the units are gone (the engine's own violation, as if checked after), the
/// photo is taken, or the same key's first request (in another server process) was stored.
fn conflicted(conflict: crate::db::Conflict, case: &aftersales_core::case::CaseDraft) -> ApiError {
    use crate::db::Conflict;
    match conflict {
        Conflict::Claimed { line_id } => {
            let i = case
                .lines
                .iter()
                .position(|l| l.line_id == line_id)
                .unwrap_or(0);
            refused(vec![Violation {
                code: ViolationCode::InvalidQuantity,
                field: format!("lines[{i}].quantity"),
            }])
        }
        Conflict::Evidence { reference } => {
            let i = case
                .evidence
                .iter()
                .position(|e| e.reference == reference)
                .unwrap_or(0);
            refused(vec![Violation {
                code: ViolationCode::InvalidEvidence,
                field: format!("evidence[{i}].reference"),
            }])
        }
        Conflict::TooManyOpen => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_open_requests",
            "This order already has as many open requests of this kind as the shop takes; follow those, or contact the shop.",
        )
        .field("case.type"),
        Conflict::KeyTaken => ApiError::new(
            StatusCode::CONFLICT,
            "request_in_progress",
            "A request with this Idempotency-Key is still being answered; try again shortly.",
        )
        .retry_after(1),
    }
}

/// SHA-256 of the request as parsed: the same request sent again with other spacing or key
/// order has the same hash.
fn request_hash(req: &CreateCaseRequest) -> String {
    use sha2::{Digest, Sha256};
    crate::hex(&Sha256::digest(serde_json::to_vec(req).unwrap_or_default()))
}

fn check_contact(contact: &Contact) -> Result<(), ApiError> {
    contact.validate().map_err(|problems| {
        let (field, expected) = problems[0];
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_contact",
            &format!("How to reach you: expected {expected}."),
        )
        .field(field)
    })
}

/// `POST /v1/evidence`: a photo for a case about to be submitted. The order's number and
/// e-mail come in `X-Order-Number` and `X-Order-Email` (the same 404 for either wrong); the
/// body is the image itself. Answers `201 {"id", "sha256", "width", "height", "bytes"}`.
async fn upload_evidence(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<crate::db::StoredPhoto>), ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let creds = check_credentials(
        &header("x-order-number"),
        &header("x-order-email"),
        &header("x-order-token"),
    )?;
    let refused = |r: evidence::Refusal| {
        let status = match r {
            evidence::Refusal::TooBig => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, r.code(), r.message()).field("body")
    };
    let bytes = body.map_err(|e| {
        if is_body_timeout(&e) {
            ApiError::body_timeout()
        } else {
            refused(evidence::Refusal::TooBig)
        }
    })?;
    let upload_sha256 = {
        use sha2::{Digest, Sha256};
        crate::hex(&Sha256::digest(&bytes))
    };
    {
        let store = &state.store;
        let order = creds
            .order(&state)
            .await?
            .ok_or_else(ApiError::order_not_found)?;
        // A retried upload (the answer was lost) gets the first photo back, not a second one.
        if let Some(first) = store
            .uploaded_evidence(&order.number, &upload_sha256)
            .await?
        {
            return Ok(evidence_receipt(first));
        }
        if store.evidence_count(&order.number).await? >= evidence::MAX_PER_ORDER {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_much_evidence",
                "This order already has as many photos as it may.",
            ));
        }
    }
    // The type is known by the first bytes before any slot is taken or pixel decoded.
    if evidence::sniff(&bytes).is_none() {
        return Err(refused(evidence::Refusal::NotAnImage));
    }
    // Decoding is slow work: never inside a transaction, at most two at once.
    let _slot = state
        .decode_slots
        .acquire()
        .await
        .map_err(|_| ApiError::from(DbError("decoder closed".into())))?;
    let photo = tokio::task::spawn_blocking(move || evidence::check(&bytes))
        .await
        .map_err(|e| ApiError::from(DbError(format!("photo check failed: {e}"))))?
        .map_err(refused)?;
    let id = format!("ph_{}", mint_tracking_number()?.as_str().replace('-', ""));
    let now = (state.clock)();
    // The same photo sent twice at once: the one stored first is the answer to both.
    let stored = state
        .store
        .insert_evidence(&id, &creds.number, &photo, &upload_sha256, now)
        .await?;
    Ok(evidence_receipt(stored))
}

fn evidence_receipt(photo: crate::db::StoredPhoto) -> (StatusCode, Json<crate::db::StoredPhoto>) {
    (StatusCode::CREATED, Json(photo))
}

/// 422 with every violation; the first one is also the error's own code and field.
pub(crate) fn refused(violations: Vec<Violation>) -> ApiError {
    let details: Vec<ViolationDetail> = violations.iter().map(ViolationDetail::from).collect();
    let first = details.first().cloned().unwrap_or(ViolationDetail {
        code: "invalid_case".into(),
        field: "case".into(),
        message: "This request is not allowed.".into(),
    });
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: first.code,
        message: first.message,
        field: Some(format!("case.{}", first.field)),
        violations: details,
        retry_after: None,
    }
}

/// A tracking number from the operating system's CSPRNG, each symbol uniform.
///
/// # Errors
/// When the operating system has no randomness to give: no case is stored then, rather than
/// one with a guessable id.
pub fn mint_tracking_number() -> Result<TrackingNumber, DbError> {
    let mut out = [0u8; 10];
    let mut filled = 0;
    while filled < out.len() {
        let mut buf = [0u8; 16];
        getrandom::fill(&mut buf)
            .map_err(|e| DbError(format!("the random number generator failed: {e}")))?;
        for b in buf.into_iter().filter(|b| *b < 248) {
            if filled < out.len() {
                out[filled] = b;
                filled += 1;
            }
        }
    }
    Ok(TrackingNumber::from_random(out))
}

#[cfg(test)]
mod access_log_tests {
    use super::*;

    #[tokio::test]
    async fn the_access_log_has_a_line_per_request_and_never_an_email_or_token() {
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = lines.clone();
        let app = Router::new().route(
            "/v1/orders/lookup",
            post(|| async { (StatusCode::NOT_FOUND, "{}") }),
        );
        let app = with_access_log(app, Arc::new(move |l| sink.lock().unwrap().push(l)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
        });
        let r = reqwest::Client::new()
            .post(format!("http://{addr}/v1/orders/lookup?token=17.secret"))
            .bearer_auth("ast_secret_token")
            .json(&json!({"order_number": "1001", "email": "mei@example.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let lines = lines.lock().unwrap().clone();
        assert_eq!(lines.len(), 1);
        let line: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
        assert_eq!(
            (
                &line["method"],
                &line["path"],
                &line["status"],
                &line["client"]
            ),
            (
                &json!("POST"),
                &json!("/v1/orders/lookup"),
                &json!(404),
                &json!("127.0.0.1")
            )
        );
        assert!(line["ms"].as_f64().unwrap() >= 0.0);
        for secret in ["mei@example.com", "17.secret", "ast_secret_token", "1001"] {
            assert!(!lines[0].contains(secret), "{secret} in {}", lines[0]);
        }
    }
}
