//! `aftersales-server`: the reference backend of the after-sales widget.
//!
//! It answers the widget's `/v1` API from SQLite or PostgreSQL, re-checks every case with the same
//! `aftersales-core` engine the widget uses (it never trusts the browser's verdict), and
//! serves the demo shop page with the built widget.

mod after;
pub mod api;
pub mod cases;
pub mod conn;
pub mod db;
pub mod demo;
pub mod evidence;
pub mod export;
pub mod limits;
pub mod links;
pub mod merchant;
pub mod notify;
pub mod openapi;
pub mod orders;
pub mod webhooks;

use api::{AppState, Clock};
use db::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Lower-case hexadecimal of `bytes` (hashes, tokens, MACs).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// How to run the server.
pub struct ServeOptions {
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// The database.
    pub store: Store,
    /// The merchant's policy.
    pub policy: aftersales_core::policy::Policy,
    /// The built widget and demo shop page, if served.
    pub assets: Option<PathBuf>,
    /// The clock.
    pub clock: Clock,
    /// Origins of shop pages on other hosts allowed to call the API (CORS).
    pub allowed_origins: Vec<String>,
    /// The merchant's FAQ.
    pub faq: aftersales_core::faq::Faq,
    /// Where messages to shoppers go.
    pub notifier: Arc<dyn notify::Notifier>,
    /// The shop page with the widget, for links in messages (`https://shop.example/help`).
    pub shop_url: Option<String>,
    /// How often an order or case may be looked up.
    pub limits: limits::RateLimits,
}

/// Binds the listener and returns it with the router, so callers know the port before serving.
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()`: the rate limits key on
/// the client's address.
pub async fn bind(opts: ServeOptions) -> std::io::Result<(tokio::net::TcpListener, axum::Router)> {
    let listener = tokio::net::TcpListener::bind(opts.addr).await?;
    let store = opts.store;
    let key = store
        .link_key()
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let state = AppState {
        links: Arc::new(cases::Links {
            key: links::LinkKey::new(key),
            shop_url: opts.shop_url,
        }),
        notifier: opts.notifier,
        faq: Arc::new(opts.faq),
        store,
        policy: Arc::new(opts.policy),
        clock: opts.clock,
        decode_slots: Arc::new(tokio::sync::Semaphore::new(2)),
        limiter: Arc::new(limits::Limiter::new(opts.limits)),
        in_flight: Arc::default(),
    };
    // The limiters keep recent clients and orders only.
    let limiter = state.limiter.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            limiter.forget_idle();
        }
    });
    // Webhook deliveries, from the queue in the database.
    tokio::spawn(webhooks::run(state.store.clone(), state.clock.clone()));
    let app = api::router(state, opts.assets);
    Ok((listener, api::with_cors(app, &opts.allowed_origins)?))
}
