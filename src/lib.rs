//! `aftersales-widget`: the after-sales widget a shopper opens on a shop page.
//!
//! Built with Leptos (client-side rendering) to WebAssembly. It mounts inside an open shadow
//! root, so the shop's CSS cannot reach in and the widget's cannot leak out. Every decision
//! (may this line be returned, until when, for how much) comes from `aftersales-core`, the
//! same engine the server re-runs; the widget talks to the merchant's backend only through
//! the [`backend::Backend`] seam.

pub mod backend;
pub mod config;
pub mod embed;
pub mod format;
pub mod i18n;
pub mod idb;
pub mod journeys;
pub mod local;
pub mod medusa;
pub mod outbox;
pub mod state;
pub mod ui;
pub mod widget;

/// The widget's stylesheet (`style/widget.css` without comments and layout whitespace, see
/// `build.rs`), injected into its shadow root.
pub const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.css"));
