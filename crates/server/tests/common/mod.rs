//! The test server: the real router over loopback HTTP on a scratch database (SQLite, or
//! PostgreSQL when `AFTERSALES_TEST_POSTGRES` names a server), with
//! a pinned clock and an outbox file of its own.
#![allow(dead_code)]

use aftersales_core::policy::Policy;
use aftersales_server::conn::ConnLimits;
use aftersales_server::db::Store;
use aftersales_server::limits::RateLimits;
use aftersales_server::notify::FileOutbox;
use aftersales_server::{bind, demo, ServeOptions};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    /// Every notification the server sent, as JSON lines.
    pub outbox: PathBuf,
}

/// Starts a server whose clock reads `now`, seeded with the demo orders dated at `seeded`.
pub async fn start(seeded: DateTime<Utc>, now: DateTime<Utc>) -> Server {
    start_with_assets(seeded, now, None).await
}

pub async fn start_with_assets(
    seeded: DateTime<Utc>,
    now: DateTime<Utc>,
    assets: Option<PathBuf>,
) -> Server {
    start_full(seeded, now, assets, vec![]).await
}

pub async fn start_full(
    seeded: DateTime<Utc>,
    now: DateTime<Utc>,
    assets: Option<PathBuf>,
    allowed_origins: Vec<String>,
) -> Server {
    start_with_policy(seeded, now, assets, allowed_origins, Policy::default()).await
}

pub async fn start_with_policy(
    seeded: DateTime<Utc>,
    now: DateTime<Utc>,
    assets: Option<PathBuf>,
    allowed_origins: Vec<String>,
    policy: Policy,
) -> Server {
    start_with_store(
        Store::scratch().await.unwrap(),
        seeded,
        Arc::new(move || now),
        assets,
        allowed_origins,
        policy,
        RateLimits::default(),
    )
    .await
}

/// A server with the given rate limits (the others start with the defaults).
pub async fn start_limited(now: DateTime<Utc>, limits: RateLimits) -> Server {
    start_with_store(
        Store::scratch().await.unwrap(),
        now,
        Arc::new(move || now),
        None,
        vec![],
        Policy::default(),
        limits,
    )
    .await
}

/// The fullest form: a given store and clock.
pub async fn start_with_store(
    store: Store,
    seeded: DateTime<Utc>,
    clock: aftersales_server::api::Clock,
    assets: Option<PathBuf>,
    allowed_origins: Vec<String>,
    policy: Policy,
    limits: RateLimits,
) -> Server {
    start_serving(
        store,
        seeded,
        clock,
        assets,
        allowed_origins,
        policy,
        limits,
        ConnLimits::default(),
    )
    .await
}

/// … and the connection limits.
#[allow(clippy::too_many_arguments)]
pub async fn start_serving(
    store: Store,
    seeded: DateTime<Utc>,
    clock: aftersales_server::api::Clock,
    assets: Option<PathBuf>,
    allowed_origins: Vec<String>,
    policy: Policy,
    limits: RateLimits,
    conn_limits: ConnLimits,
) -> Server {
    for d in demo::orders(seeded) {
        store.upsert_order(&d.order, d.email).await.unwrap();
    }
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let outbox = std::env::temp_dir().join(format!(
        "aftersales-outbox-{}-{}.jsonl",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let _ = std::fs::remove_file(&outbox);
    let opts = ServeOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        store,
        policy,
        assets,
        clock,
        allowed_origins,
        faq: demo::faq().unwrap(),
        notifier: Arc::new(FileOutbox::new(outbox.clone())),
        shop_url: Some("https://shop.example/help".into()),
        limits,
    };
    let (listener, app) = bind(opts).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(aftersales_server::conn::serve(
        listener,
        app,
        conn_limits,
        std::future::pending(),
    ));
    Server {
        base,
        client: reqwest::Client::new(),
        outbox,
    }
}

impl Server {
    /// How many open cases the order's lookup shows.
    pub async fn open_cases(&self, number: &str, email: &str) -> usize {
        let (status, v) = self
            .post(
                "/v1/orders/lookup",
                serde_json::json!({"order_number": number, "email": email}),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        v["open_cases"].as_array().map_or(0, Vec::len)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: &'static str,
        content_type: &str,
    ) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// A request with a bearer token; `body` makes it a POST.
    /// A merchant API call: POST with a body, GET without.
    pub async fn merchant(&self, token: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = if body.is_some() {
            reqwest::Method::POST
        } else {
            reqwest::Method::GET
        };
        self.merchant_with(method, token, path, body).await
    }

    /// A merchant API call with any method.
    pub async fn merchant_with(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The notifications sent so far (they are written off the request's path: waits a little
    /// for `at_least`).
    pub async fn notifications(&self, at_least: usize) -> Vec<Value> {
        for _ in 0..100 {
            let all: Vec<Value> = std::fs::read_to_string(&self.outbox)
                .unwrap_or_default()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            if all.len() >= at_least {
                return all;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!(
            "fewer than {at_least} notifications in {}",
            self.outbox.display()
        );
    }
}

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub const NOW: &str = "2026-11-25T04:00:00Z"; // 12:00 in Shanghai
