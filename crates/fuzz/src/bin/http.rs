//! Any bytes as a request to the real router over a real SQLite database seeded with the demo
//! orders: the first byte picks the route, the next a variation (headers), the rest is the
//! body. Every answer is a well-formed status below 500 — a 5xx or a panic is a finding.
use aftersales_server::api::{router, AppState, InFlight};
use aftersales_server::db::Store;
use axum::body::Body;
use axum::http::{Method, Request};
use std::sync::Arc;
use tower::ServiceExt;

const ROUTES: &[(&str, &str)] = &[
    ("POST", "/v1/orders/lookup"),
    ("POST", "/v1/cases"),
    ("POST", "/v1/cases/find"),
    ("POST", "/v1/cases/confirm"),
    ("POST", "/v1/cases/survey"),
    ("POST", "/v1/events"),
    ("POST", "/v1/withdrawals"),
    ("POST", "/v1/evidence"),
    ("GET", "/v1/faq?lang=zh-Hans"),
    ("GET", "/v1/merchant/cases?status=submitted&limit=5"),
    ("POST", "/v1/merchant/cases/AS-22222-222222/moves"),
    ("PUT", "/v1/merchant/orders/1001"),
    ("POST", "/v1/merchant/webhooks"),
    ("PUT", "/v1/merchant/assignment-rules/return"),
    ("GET", "/v1/merchant/kpis?from=2026-11-01"),
    ("PUT", "/v1/merchant/cases/AS-22222-222222/assignee"),
];

/// The runtime, the router and a write token, made in the fuzzing process itself (after AFL's
/// fork: threads do not survive it) on the database `FUZZ_DB` names (scripts/fuzz), reused
/// by every process of the run.
fn setup() -> (tokio::runtime::Runtime, axum::Router, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let now = aftersales_fuzz::now();
    let db = std::env::var("FUZZ_DB").unwrap_or_else(|_| "/tmp/aftersales-fuzz-http.sqlite3".into());
    let (app, token) = runtime.block_on(async {
        let store = Store::open(&db).await.unwrap_or_else(|e| panic!("{e}"));
        for d in aftersales_server::demo::orders(now - chrono::Duration::days(1)) {
            store
                .upsert_order(&d.order, d.email)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let token = store
            .create_token("fuzz", aftersales_server::db::TokenScope::Write, now)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let state = AppState {
            links: Arc::new(aftersales_server::cases::Links {
                key: aftersales_server::links::LinkKey::new([7; 32]),
                shop_url: None,
            }),
            notifier: Arc::new(aftersales_server::notify::Silent),
            faq: Arc::new(aftersales_server::demo::faq().unwrap_or_default()),
            store,
            policy: Arc::new(aftersales_server::demo::policy()),
            clock: Arc::new(move || now),
            decode_slots: Arc::new(tokio::sync::Semaphore::new(2)),
            limiter: Arc::new(aftersales_server::limits::Limiter::new(
                aftersales_server::limits::RateLimits {
                    per_address: 0,
                    per_subject: 0,
                    open_per_kind: 0,
                },
            )),
            in_flight: Arc::new(InFlight::default()),
        };
        (router(state, None), token)
    });
    (runtime, app, token)
}

fn main() {
    static SHOP: std::sync::OnceLock<(tokio::runtime::Runtime, axum::Router, String)> =
        std::sync::OnceLock::new();
    afl::fuzz!(|data: &[u8]| {
        let [route, variant, body @ ..] = data else {
            return;
        };
        let (runtime, app, token) = SHOP.get_or_init(setup);
        let (method, path) = ROUTES[usize::from(*route) % ROUTES.len()];
        let mut req = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap_or(Method::POST))
            .uri(path)
            .header("content-type", "application/json")
            .header("x-order-number", "1001")
            .header("x-order-email", "mei@example.com");
        if variant & 1 == 1 {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if variant & 2 == 2 {
            req = req.header("idempotency-key", format!("fuzz-{}", variant >> 2));
        }
        let req = req
            .extension(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                9,
            ))))
            .body(Body::from(body.to_vec()))
            .unwrap_or_else(|e| panic!("{e}"));
        let status = runtime
            .block_on(app.clone().oneshot(req))
            .map(|r| r.status())
            .unwrap_or_else(|e| match e {});
        assert!(status.as_u16() < 500, "{method} {path}: {status}");
    });
}
