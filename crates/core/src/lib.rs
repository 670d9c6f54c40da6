//! `aftersales-core`: every business decision of the after-sales widget, as pure functions.
//!
//! The same code runs in the shopper's browser (instant answers) and in the server (which
//! never trusts the browser). Nothing here reads a clock, touches the network or knows about
//! the DOM: the current instant is always an argument.
//!
//! ```
//! use aftersales_core::{eligibility::{evaluate, Outcome}, order::Order, policy::Policy, resolution::Resolution};
//! # use chrono::{TimeZone, Utc};
//! let policy = Policy::default();
//! let order: Order = serde_json::from_str(r#"{
//!   "number": "1001", "placed_at": "2026-11-01T08:00:00Z", "currency": "CNY",
//!   "lines": [{ "id": "1001-1", "sku": "MUG-01", "title": "Mug", "category": "kitchen",
//!              "unit_price": 4900, "quantity": 1, "delivered_at": "2026-11-03T10:00:00Z" }]
//! }"#)?;
//! let now = Utc.with_ymd_and_hms(2026, 11, 5, 12, 0, 0).unwrap();
//! let verdicts = evaluate(&policy, &order, now);
//! assert!(matches!(verdicts[0].get(Resolution::Refund), Some(Outcome::Eligible(_))));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod api;
pub mod case;
pub mod case_type;
pub mod commitment;
pub mod eligibility;
pub mod error;
pub mod faq;
pub mod follow;
pub mod kpi;
pub mod lifecycle;
pub mod media;
pub mod money;
pub mod options;
pub mod order;
pub mod policy;
pub mod reasons;
pub mod resolution;
pub mod schema_org;
pub mod summary;
pub mod survey;
pub mod text;
pub mod tracking;
pub mod withdrawal;
pub mod zone;

pub use error::CoreError;
