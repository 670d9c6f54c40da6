//! The `medusa` adapter: Medusa v2 (2.8 or later) through its Store API, straight from the
//! browser with the store's publishable key — no server of ours in between.
//!
//! What Medusa lets a storefront do decides what this adapter offers (`docs/adapters.md`,
//! "Medusa"):
//! - **Finding the order**: `GET /store/orders/{id}`. Medusa has no lookup by display number
//!   and e-mail; the order's id (`order_…`) is the credential, so the widget is embedded where
//!   the id is known (the order page: `data-order` + `data-email`) or the shopper types the id
//!   from the confirmation e-mail's link. The e-mail must match the order's as well: a wrong
//!   one answers like an unknown order.
//! - **Returns with a refund only**: `POST /store/returns` is the one case a storefront may
//!   create; exchanges, repairs, complaints and the rest need the admin API (a secret key,
//!   so a server) and are not offered. The policy is cut down to the refund window.
//! - **Reasons**: the widget's reason is sent as the Medusa return reason whose `value` is
//!   its code (`GET /store/return-reasons`); everything else the shopper said (condition,
//!   answers, description, contact, the tracking number) goes into the return's `note`.
//! - **Nothing doubled**: Medusa has no idempotency keys. Before a request is sent again, the
//!   order is read: if the lines' requested quantities grew by the request's, the first
//!   attempt was stored and its receipt is the answer.
//!
//! Capabilities: none of the optional ones (no photos, no following: Medusa has no store
//! route that reads a return back), and only the `return` case type.

use crate::backend::{answer, timed, Answer, Backend, BackendError, Capabilities, LocalFuture};
use crate::idb;
use crate::local::broken;
use crate::state::device_now;
use aftersales_core::api::{
    CaseReceipt, CreateCaseRequest, ErrorDetail, LookupRequest, LookupResponse, ViolationDetail,
};
use aftersales_core::case::{validate_case, CaseKind, DraftLine, Violation};
use aftersales_core::money::Currency;
use aftersales_core::order::{Fulfilment, Line, Order};
use aftersales_core::policy::Policy;
use aftersales_core::resolution::Resolution;
use aftersales_core::tracking::TrackingNumber;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What the `medusa` adapter does beyond the required operations: nothing, and returns only.
pub const CAPABILITIES: Capabilities = Capabilities {
    kinds: &[CaseKind::Return],
    ..Capabilities::NONE
};

/// The adapter's settings (`data-api`, `data-publishable-key`,
/// `data-return-shipping-option`, `data-policy-file`), checked by `config.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Medusa's root URL (`https://api.shop.example`), or `""` for the page's origin.
    pub api: String,
    /// The publishable API key (`pk_…`).
    pub publishable_key: String,
    /// The return shipping option (`so_…`).
    pub return_option: String,
    /// The policy file, if not the default policy.
    pub policy_file: Option<String>,
}

/// The header Medusa reads the publishable key from.
const KEY_HEADER: &str = "x-publishable-api-key"; // i18n-ok: a header name

/// The order fields asked for beyond Medusa's defaults (which have the items and their
/// quantities): the fulfilments' dates, which the return window counts from.
pub const ORDER_FIELDS: &str =
    "+fulfillments.shipped_at,+fulfillments.delivered_at,+fulfillments.canceled_at"; // i18n-ok: field names

/// Where this browser remembers requests sent to Medusa, by idempotency key.
const SENT: idb::Db = idb::Db {
    name: "aftersales-medusa", // i18n-ok: a database name
    store: "requests",         // i18n-ok: an object store name
};

// --- Medusa's answers, as its Store API reference has them (only what is read) -------------

/// `GET /store/orders/{id}` → `{"order": StoreOrder}`.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderAnswer {
    /// The order.
    pub order: MedusaOrder,
}

/// `StoreOrder`, the fields the adapter reads.
#[derive(Debug, Clone, Deserialize)]
pub struct MedusaOrder {
    /// `order_…`.
    pub id: String,
    /// The number the shop shows (`#1001`).
    #[serde(default)]
    pub display_id: Option<u64>,
    /// The e-mail the order was placed with.
    #[serde(default)]
    pub email: Option<String>,
    /// Lower-case ISO 4217 (`eur`).
    pub currency_code: String,
    /// When the order was placed.
    pub created_at: DateTime<Utc>,
    /// The lines.
    #[serde(default)]
    pub items: Vec<MedusaItem>,
    /// Shipments (with [`ORDER_FIELDS`]).
    #[serde(default)]
    pub fulfillments: Vec<MedusaFulfillment>,
    /// Where it went.
    #[serde(default)]
    pub shipping_address: Option<MedusaAddress>,
}

/// `BaseOrderAddress`, its country.
#[derive(Debug, Clone, Deserialize)]
pub struct MedusaAddress {
    /// Lower-case ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country_code: Option<String>,
}

/// `StoreOrderLineItem`, the fields the adapter reads.
#[derive(Debug, Clone, Deserialize)]
pub struct MedusaItem {
    /// `ordli_…`: what a return names.
    pub id: String,
    /// The line's title.
    pub title: String,
    /// The product's title.
    #[serde(default)]
    pub product_title: Option<String>,
    /// The variant's title (`"L / Black"`).
    #[serde(default)]
    pub variant_title: Option<String>,
    /// The variant's SKU.
    #[serde(default)]
    pub variant_sku: Option<String>,
    /// The variant's id, the SKU when it has none.
    #[serde(default)]
    pub variant_id: Option<String>,
    /// The product type: the category policy rules match.
    #[serde(default)]
    pub product_type: Option<String>,
    /// A picture.
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// One unit's price, in the currency's main unit (`19.99`).
    pub unit_price: f64,
    /// Units ordered.
    pub quantity: f64,
    /// The line's discount, in the main unit.
    #[serde(default)]
    pub discount_total: Option<f64>,
    /// Where its units are.
    #[serde(default)]
    pub detail: Option<MedusaItemDetail>,
}

/// `BaseOrderItemDetail`: the line's units by state.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct MedusaItemDetail {
    #[serde(default)]
    pub fulfilled_quantity: f64,
    #[serde(default)]
    pub shipped_quantity: f64,
    #[serde(default)]
    pub delivered_quantity: f64,
    #[serde(default)]
    pub return_requested_quantity: f64,
    #[serde(default)]
    pub return_received_quantity: f64,
    #[serde(default)]
    pub return_dismissed_quantity: f64,
    #[serde(default)]
    pub written_off_quantity: f64,
}

impl MedusaItemDetail {
    /// Units on their way back, back, or written off: no longer the shopper's to claim.
    pub fn claimed(&self) -> u32 {
        units(
            self.return_requested_quantity
                + self.return_received_quantity
                + self.return_dismissed_quantity
                + self.written_off_quantity,
        )
    }
}

/// `BaseOrderFulfillment`, its dates.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct MedusaFulfillment {
    #[serde(default)]
    pub shipped_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub canceled_at: Option<DateTime<Utc>>,
}

/// `GET /store/return-reasons` → `{"return_reasons": [StoreReturnReason], …}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ReasonsAnswer {
    /// The merchant's reasons.
    pub return_reasons: Vec<MedusaReason>,
}

/// `StoreReturnReason`.
#[derive(Debug, Clone, Deserialize)]
pub struct MedusaReason {
    /// `rr_…`.
    pub id: String,
    /// The machine value the merchant gave it.
    pub value: String,
}

/// `POST /store/returns` → `{"return": StoreReturn}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ReturnAnswer {
    /// The return.
    #[serde(rename = "return")]
    pub created: MedusaReturn,
}

/// `StoreReturn`, its id.
#[derive(Debug, Clone, Deserialize)]
pub struct MedusaReturn {
    /// `ret_…`.
    pub id: String,
}

/// Medusa's error body (`Error`): `{"type": "not_found", "message": "…"}`.
#[derive(Debug, Clone, Default, Deserialize)]
struct MedusaError {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    message: String,
}

// --- The mapping ------------------------------------------------------------------------

/// A count Medusa gives as a JSON number, as whole units (never negative).
fn units(n: f64) -> u32 {
    if n.is_finite() && n > 0.0 {
        n.round().min(f64::from(u32::MAX)) as u32
    } else {
        0
    }
}

/// An amount in the currency's main unit (`19.99`) in minor units (`1999`).
fn minor(amount: f64, currency: Currency) -> Option<i64> {
    let scaled = amount * 10f64.powi(i32::from(currency.exponent()));
    (0.0..9.0e15)
        .contains(&scaled)
        .then(|| scaled.round() as i64)
}

/// Text Medusa may leave empty or null, when it has something.
fn some(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The order as core reads it. Claimed units are Medusa's requested, received, dismissed
/// and written-off return quantities; a line is delivered when Medusa has units of it
/// delivered (else shipped when shipped or fulfilled), with the dates of the order's
/// fulfilments that were not cancelled.
///
/// # Errors
/// One sentence for the console naming what Medusa answered that cannot be an order.
pub fn to_order(m: &MedusaOrder) -> Result<Order, String> {
    let (id, code) = (&m.id, &m.currency_code);
    let currency = Currency::new(&code.to_ascii_uppercase()).map_err(|_| {
        format!("order {id}: unknown currency_code {code:?}") // i18n-ok: a diagnostic
    })?; // i18n-ok: a diagnostic
    let live = m.fulfillments.iter().filter(|f| f.canceled_at.is_none());
    let shipped = live.clone().filter_map(|f| f.shipped_at).min();
    let delivered = live.filter_map(|f| f.delivered_at).max();
    let mut lines = Vec::with_capacity(m.items.len());
    for (i, item) in m.items.iter().enumerate() {
        let bad = |what: &str| format!("order {} items[{i}]: {what}", m.id); // i18n-ok: a diagnostic
        let quantity = units(item.quantity);
        let detail = item.detail.clone().unwrap_or_default();
        let unit_price = minor(item.unit_price, currency).ok_or_else(|| bad("unit_price"))?;
        let gross = unit_price.saturating_mul(i64::from(quantity));
        let discount = item
            .discount_total
            .map_or(Some(0), |d| minor(d, currency))
            .ok_or_else(|| bad("discount_total"))?
            .min(gross);
        let status = if detail.delivered_quantity >= 1.0 {
            Fulfilment::Delivered
        } else if detail.shipped_quantity >= 1.0 || detail.fulfilled_quantity >= 1.0 {
            Fulfilment::Shipped
        } else {
            Fulfilment::Unfulfilled
        };
        let fulfilled_at =
            shipped.filter(|t| *t >= m.created_at && status != Fulfilment::Unfulfilled);
        let delivered_at = delivered.filter(|t| {
            status == Fulfilment::Delivered
                && *t >= m.created_at
                && fulfilled_at.is_none_or(|s| *t >= s)
        });
        let image_url = some(&item.thumbnail)
            .filter(|u| aftersales_core::order::is_image_url(u))
            .map(str::to_string);
        lines.push(Line {
            id: item.id.clone(),
            sku: some(&item.variant_sku)
                .or(some(&item.variant_id))
                .unwrap_or(&item.id)
                .to_string(),
            title: some(&item.product_title).unwrap_or(&item.title).to_string(),
            variant: some(&item.variant_title).map(str::to_string),
            image_url,
            exchange_options: Vec::new(),
            category: some(&item.product_type)
                .unwrap_or(UNCATEGORISED)
                .to_string(),
            tags: Vec::new(),
            final_sale: false,
            unit_price,
            discount,
            quantity,
            quantity_claimed: detail.claimed().min(quantity),
            status: Some(status),
            fulfilled_at,
            delivered_at,
        });
    }
    let order = Order {
        number: m.id.clone(),
        placed_at: m.created_at,
        currency,
        shipping_country: m
            .shipping_address
            .as_ref()
            .and_then(|a| some(&a.country_code))
            .map(str::to_ascii_uppercase)
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())),
        lines,
    };
    order.validate().map_err(|problems| {
        let p = &problems[0];
        format!("order {}: {}: {}", m.id, p.path, p.expected) // i18n-ok: a diagnostic
    })?;
    Ok(order)
}

/// The category of a product with no type in Medusa.
pub const UNCATEGORISED: &str = "uncategorised"; // i18n-ok: a category code

/// The policy as Medusa can carry it out from a storefront: a refund, nothing else (no store
/// credit, no returnless refund, no withdrawal declaration).
pub fn restrict(mut policy: Policy) -> Policy {
    policy.windows.retain(|r, _| *r == Resolution::Refund);
    for rule in &mut policy.rules {
        rule.windows.retain(|r, _| *r == Resolution::Refund);
    }
    policy.bonus.clear();
    policy.withdrawal = None;
    policy
}

/// The tracking number of a request, the same for every attempt with its key: the receipt of
/// a retry whose first answer was lost shows the number written into the return's note.
pub fn tracking_for(idempotency_key: &str) -> TrackingNumber {
    // FNV-1a, twice with different offsets: spread, not secret (the number is only a
    // reference the shopper and the shop both see).
    let hash = |offset: u64| {
        idempotency_key.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let (a, b) = (hash(0xcbf2_9ce4_8422_2325), hash(0x6c62_272e_07bb_0142));
    let mut bytes = [0u8; 10];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes()[..2]);
    TrackingNumber::from_random(bytes)
}

/// The reason's Medusa id: the merchant's return reason whose `value` is the widget's code
/// (`changed_mind`, also written `changed-mind` or `Changed_Mind`).
pub fn reason_id<'r>(reasons: &'r [MedusaReason], code: &str) -> Option<&'r str> {
    let norm = |s: &str| s.trim().to_ascii_lowercase().replace('-', "_");
    let code = norm(code);
    reasons
        .iter()
        .find(|r| norm(&r.value) == code)
        .map(|r| r.id.as_str())
}

/// The return's note: what the shopper said that Medusa has no field for, for the person who
/// handles it in Medusa's admin (in English: it is the shop's, not the shopper's).
pub fn note(req: &CreateCaseRequest, tracking: &str, idempotency_key: &str) -> String {
    let case = &req.case;
    let mut out = vec![format!("After-sales request {tracking}")]; // i18n-ok: a note for the shop
    if let Some(r) = &case.reason {
        out.push(format!("Reason: {r}")); // i18n-ok: a note for the shop
    }
    if let Some(c) = &case.condition {
        out.push(format!("Condition: {}", code(c))); // i18n-ok: a note for the shop
    }
    if let Some(r) = &case.resolution {
        out.push(format!("Resolution: {}", code(r))); // i18n-ok: a note for the shop
    }
    for (question, answer) in &case.answers {
        out.push(format!("{question}: {answer}")); // i18n-ok: a note for the shop
    }
    if !case.description.trim().is_empty() {
        out.push(format!("Description: {}", case.description.trim())); // i18n-ok: a note for the shop
    }
    if let Some(c) = &req.contact {
        let phone = if c.phone.is_empty() {
            String::new()
        } else {
            format!(", {}", c.phone)
        };
        let (email, prefers) = (&c.email, code(&c.channel));
        out.push(format!("Contact: {email}{phone} (prefers {prefers})")); // i18n-ok: a note for the shop
    }
    out.push(format!("Idempotency-Key: {idempotency_key}")); // i18n-ok: a note for the shop
    out.join("\n") // i18n-ok: a line break
}

/// An enum value as the code serde writes it (`opened`, `email`).
fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// `POST /store/returns`'s body (`StorePostReturnsReqSchema`): the order's id, each line by
/// its `ordli_…` id with its quantity and reason, the merchant's return shipping option, and
/// the note. Never `receive_now` (that would mark the items received) nor `location_id`.
pub fn return_body(
    req: &CreateCaseRequest,
    reasons: &[MedusaReason],
    return_option: &str,
    note: String,
) -> serde_json::Value {
    let reason = req
        .case
        .reason
        .as_deref()
        .and_then(|c| reason_id(reasons, c));
    let items: Vec<serde_json::Value> = req
        .case
        .lines
        .iter()
        .map(|l| {
            let mut item = serde_json::json!({"id": l.line_id, "quantity": l.quantity});
            if let Some(r) = reason {
                item["reason_id"] = r.into();
            }
            item
        })
        .collect();
    serde_json::json!({
        "order_id": req.order_number.trim(),
        "items": items,
        "return_shipping": {"option_id": return_option},
        "note": note,
    })
}

/// Whether an earlier attempt of this request reached Medusa: every line's claimed units grew
/// by at least the request's quantity since `before`.
pub fn landed(before: &BTreeMap<String, u32>, now: &Order, lines: &[DraftLine]) -> bool {
    !lines.is_empty()
        && lines.iter().all(|l| {
            let was = before.get(&l.line_id).copied().unwrap_or(0);
            now.line(&l.line_id)
                .is_some_and(|line| line.quantity_claimed >= was.saturating_add(l.quantity))
        })
}

/// A Medusa error answer as the widget's error. The full story goes to the console: most of
/// these are the merchant's to fix.
pub fn error(status: u16, text: &str, retry_after: Option<u32>) -> BackendError {
    let body: MedusaError = serde_json::from_str(text).unwrap_or_default();
    let (kind, message) = (&body.kind, &body.message);
    let said = format!("Medusa answered HTTP {status} {kind}: {message}"); // i18n-ok: a diagnostic // i18n-ok: a diagnostic
    let refused = |code: &str| {
        BackendError::Refused(ErrorDetail {
            code: code.into(),
            message: said.clone(),
            field: None,
            violations: Vec::new(),
        })
    };
    match status {
        404 => refused("order_not_found"),
        // A missing, unknown or revoked key is `400 not_allowed`; a route the merchant put
        // behind a customer login answers 401.
        _ if status == 401 || status == 403 || body.kind == "not_allowed" => {
            let hint = "check data-publishable-key, that the key's sales channel sells this order, and that the store routes are not behind a customer login"; // i18n-ok: a diagnostic
            log(&format!("{said} — {hint}"));
            refused("not_allowed")
        }
        409 => refused("not_allowed_now"),
        429 => BackendError::Busy(
            ErrorDetail {
                code: "rate_limited".into(),
                message: said,
                field: None,
                violations: Vec::new(),
            },
            retry_after,
        ),
        400..=499 => {
            log(&said);
            refused("invalid_case")
        }
        _ => {
            log(&said);
            BackendError::Broken(said)
        }
    }
}

fn log(text: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&text.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = text;
}

/// Whether a typed order id can be a Medusa id (it goes into a URL path).
pub fn is_order_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn violations(list: Vec<Violation>) -> BackendError {
    let details: Vec<ViolationDetail> = list.iter().map(ViolationDetail::from).collect();
    BackendError::Refused(ErrorDetail {
        code: "invalid_case".into(), // i18n-ok: a code
        message: String::new(),
        field: None,
        violations: details,
    })
}

// --- The adapter ------------------------------------------------------------------------

/// A request on its way to Medusa, remembered by its idempotency key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Attempt {
    /// Claimed units per line before the first attempt.
    before: BTreeMap<String, u32>,
    /// The receipt the request gets.
    receipt: CaseReceipt,
    /// Medusa's answer arrived: the receipt is final.
    done: bool,
}

/// The adapter.
pub struct MedusaBackend(Arc<Inner>);

struct Inner {
    settings: Settings,
    base: String,
    policy: Mutex<Option<Policy>>,
    reasons: Mutex<Option<Arc<Vec<MedusaReason>>>>,
}

impl MedusaBackend {
    /// An adapter for the Medusa store at `settings.api`.
    pub fn new(settings: Settings) -> MedusaBackend {
        let base = settings.api.trim_end_matches('/').to_string();
        MedusaBackend(Arc::new(Inner {
            settings,
            base,
            policy: Mutex::new(None),
            reasons: Mutex::new(None),
        }))
    }
}

impl Inner {
    fn request(&self, post: bool, path: &str) -> gloo_net::http::RequestBuilder {
        let url = format!("{}{path}", self.base);
        let r = if post {
            gloo_net::http::Request::post(&url)
        } else {
            gloo_net::http::Request::get(&url)
        };
        r.header(KEY_HEADER, &self.settings.publishable_key)
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, BackendError> {
        let Answer {
            url,
            status,
            retry_after,
            text,
        } = answer(timed(self.request(false, path), crate::backend::OnClose::Abort).build())
            .await?;
        if !(200..300).contains(&status) {
            return Err(error(status, &text, retry_after));
        }
        let not_medusa = |e: serde_json::Error| format!("{url}: not Medusa's answer: {e}"); // i18n-ok: a diagnostic
        serde_json::from_str(&text).map_err(|e| broken(not_medusa(e)))
        // i18n-ok: a diagnostic
    }

    async fn policy(&self) -> Result<Policy, BackendError> {
        if let Some(p) = self.policy.lock().ok().and_then(|p| p.clone()) {
            return Ok(p);
        }
        let policy = match &self.settings.policy_file {
            Some(url) => Policy::from_json(&crate::local::fetch(url).await?)
                .map_err(|e| broken(format!("{url}: {e}")))?, // i18n-ok: a diagnostic
            None => Policy::default(),
        };
        let policy = restrict(policy);
        if let Ok(mut slot) = self.policy.lock() {
            *slot = Some(policy.clone());
        }
        Ok(policy)
    }

    async fn reasons(&self) -> Result<Arc<Vec<MedusaReason>>, BackendError> {
        if let Some(r) = self.reasons.lock().ok().and_then(|r| r.clone()) {
            return Ok(r);
        }
        let answer: ReasonsAnswer = self.get("/store/return-reasons").await?;
        let reasons = Arc::new(answer.return_reasons);
        if let Ok(mut slot) = self.reasons.lock() {
            *slot = Some(reasons.clone());
        }
        Ok(reasons)
    }

    /// The order with this id, if its e-mail is this one (else "not found", like an unknown id).
    async fn order(&self, id: &str, email: &str) -> Result<Order, BackendError> {
        let id = id.trim();
        if !is_order_id(id) {
            return Err(BackendError::refused("order_not_found"));
        }
        let fields = js_sys::encode_uri_component(ORDER_FIELDS);
        let path = format!("/store/orders/{id}?fields={fields}"); // i18n-ok: a path
        let found: OrderAnswer = self.get(&path).await?;
        let same = |a: &str| a.trim().eq_ignore_ascii_case(email.trim());
        if found.order.id != id || !found.order.email.as_deref().is_some_and(same) {
            return Err(BackendError::refused("order_not_found"));
        }
        to_order(&found.order).map_err(broken)
    }

    async fn submit(
        &self,
        req: CreateCaseRequest,
        key: String,
    ) -> Result<CaseReceipt, BackendError> {
        let earlier: Option<Attempt> = SENT
            .get(&key)
            .await
            .ok()
            .flatten()
            .and_then(|j| serde_json::from_str(&j).ok());
        if let Some(a) = earlier.as_ref().filter(|a| a.done) {
            return Ok(a.receipt.clone());
        }
        let order = self.order(&req.order_number, &req.email).await?;
        if let Some(a) = &earlier {
            // Sent before with no answer seen: if Medusa stored it, that was the answer.
            if landed(&a.before, &order, &req.case.lines) {
                return remember(&key, a.clone()).await;
            }
        }
        let policy = self.policy().await?;
        let now = device_now();
        let accepted = validate_case(&policy, &order, &req.case, now).map_err(violations)?;
        let reasons = self.reasons().await?;
        let attempt = match earlier {
            Some(a) => a,
            None => {
                let attempt = Attempt {
                    before: order
                        .lines
                        .iter()
                        .map(|l| (l.id.clone(), l.quantity_claimed))
                        .collect(),
                    receipt: CaseReceipt::accepted(
                        &policy,
                        &accepted,
                        tracking_for(&key).to_string(),
                        now,
                    ),
                    done: false,
                };
                keep(&key, &attempt).await;
                attempt
            }
        };
        let note = note(&req, &attempt.receipt.tracking_number, &key);
        let body = return_body(&req, &reasons, &self.settings.return_option, note);
        let Answer {
            status,
            retry_after,
            text,
            ..
        } = answer(
            timed(
                self.request(true, "/store/returns"),
                crate::backend::OnClose::Continue,
            )
            .json(&body),
        )
        .await?;
        if !(200..300).contains(&status) {
            return Err(error(status, &text, retry_after));
        }
        // The body names the return; the receipt is ours either way.
        if serde_json::from_str::<ReturnAnswer>(&text).is_err() {
            let why = format!("POST /store/returns answered {status} without a return"); // i18n-ok: a diagnostic
            log(&why); // i18n-ok: a diagnostic
        }
        remember(&key, attempt).await
    }
}

async fn keep(key: &str, attempt: &Attempt) {
    if let Ok(json) = serde_json::to_string(attempt) {
        let _ = SENT.put(key, &json).await;
    }
}

/// The request reached Medusa: its receipt is the answer to every later attempt.
async fn remember(key: &str, mut attempt: Attempt) -> Result<CaseReceipt, BackendError> {
    attempt.done = true;
    keep(key, &attempt).await;
    Ok(attempt.receipt)
}

impl Backend for MedusaBackend {
    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn target(&self) -> String {
        format!("medusa {}", self.0.settings.api) // i18n-ok: an identifier
    }

    fn policy(&self) -> LocalFuture<Result<Policy, BackendError>> {
        let inner = self.0.clone();
        Box::pin(async move { inner.policy().await })
    }

    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>> {
        let inner = self.0.clone();
        Box::pin(async move {
            if !req.token.is_empty() {
                return Err(BackendError::refused("order_not_found"));
            }
            let order = inner.order(&req.order_number, &req.email).await?;
            Ok(LookupResponse {
                order,
                policy: inner.policy().await?,
                server_time: device_now(),
                open_cases: Vec::new(),
            })
        })
    }

    fn submit_case(
        &self,
        req: CreateCaseRequest,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        let inner = self.0.clone();
        Box::pin(async move { inner.submit(req, idempotency_key).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The fixtures the e2e test's Medusa stand-in serves, written from Medusa's Store API
    // reference (`StoreOrder`, `StoreOrderLineItem`, `BaseOrderItemDetail`,
    // `BaseOrderFulfillment`, `StoreReturnReason`, `Error`).
    const ORDER: &str = include_str!("../e2e/fixtures/medusa/order.json");
    const REASONS: &str = include_str!("../e2e/fixtures/medusa/return-reasons.json");
    const ERRORS: &str = include_str!("../e2e/fixtures/medusa/errors.json");
    const ID: &str = "order_01JF8Z5K4T3W2Q9XN7B6C5D4E3";

    fn order() -> Order {
        let answer: OrderAnswer = serde_json::from_str(ORDER).unwrap();
        to_order(&answer.order).unwrap()
    }

    fn reasons() -> Vec<MedusaReason> {
        serde_json::from_str::<ReasonsAnswer>(REASONS)
            .unwrap()
            .return_reasons
    }

    fn request(reason: &str, lines: serde_json::Value) -> CreateCaseRequest {
        serde_json::from_value(serde_json::json!({
            "order_number": format!(" {ID} "), "email": "mei@example.com",
            "case": {"type": "return", "lines": lines, "resolution": "refund",
                     "reason": reason, "condition": "opened", "answers": {"size_note": "runs small"},
                     "evidence": [], "description": "Too big "},
            "contact": {"email": "mei@example.com", "phone": "+49 30 1234", "channel": "phone"}}))
        .unwrap()
    }

    #[test]
    fn a_medusa_order_reads_as_core_reads_orders() {
        let o = order();
        assert_eq!(o.number, ID);
        assert_eq!(o.currency.to_string(), "EUR");
        assert_eq!(o.shipping_country.as_deref(), Some("DE"));
        let [kettle, tee, phones] = &o.lines[..] else {
            panic!("three lines: {:?}", o.lines)
        };
        // Prices in the main unit become minor units; the line's discount too.
        assert_eq!(
            (kettle.unit_price, tee.unit_price, phones.unit_price),
            (4990, 1999, 12900)
        );
        assert_eq!(
            (tee.discount, tee.quantity, tee.quantity_claimed),
            (400, 2, 1)
        );
        assert_eq!(kettle.id, "ordli_01JF8Z5M01A1B2C3D4E5F6G7H8");
        assert_eq!(
            (
                kettle.sku.as_str(),
                kettle.title.as_str(),
                kettle.category.as_str()
            ),
            ("KET-17-ST", "Lotus Kettle", "kitchen")
        );
        assert_eq!(kettle.variant.as_deref(), Some("1.7 l / Steel"));
        // Delivered when Medusa has it delivered, dated by the fulfilments not cancelled
        // (the cancelled one shipped earlier and does not count).
        assert_eq!(kettle.status, Some(Fulfilment::Delivered));
        assert_eq!(
            kettle.fulfilled_at.map(|t| t.to_rfc3339()),
            Some("2026-11-11T15:00:00+00:00".into())
        );
        assert_eq!(
            kettle.delivered_at.map(|t| t.to_rfc3339()),
            Some("2026-11-13T11:20:00+00:00".into())
        );
        // Not shipped: no dates; no SKU or type in Medusa: the variant id, "uncategorised".
        assert_eq!(phones.status, Some(Fulfilment::Unfulfilled));
        assert_eq!((phones.fulfilled_at, phones.delivered_at), (None, None));
        assert_eq!(phones.sku, "variant_01JF8Z4Q3K2M3N4P5Q6R7S8T9");
        assert_eq!(phones.category, UNCATEGORISED);
    }

    #[test]
    fn what_medusa_answers_that_cannot_be_an_order_is_named() {
        let mut answer: serde_json::Value = serde_json::from_str(ORDER).unwrap();
        answer["order"]["currency_code"] = "xx".into();
        let m: OrderAnswer = serde_json::from_value(answer.clone()).unwrap();
        assert_eq!(
            to_order(&m.order).unwrap_err(),
            format!("order {ID}: unknown currency_code \"xx\"")
        );
        answer["order"]["currency_code"] = "eur".into();
        answer["order"]["items"][0]["unit_price"] = (-1.0).into();
        let m: OrderAnswer = serde_json::from_value(answer.clone()).unwrap();
        assert_eq!(
            to_order(&m.order).unwrap_err(),
            format!("order {ID} items[0]: unit_price")
        );
        answer["order"]["items"] = serde_json::json!([]);
        let m: OrderAnswer = serde_json::from_value(answer).unwrap();
        assert_eq!(
            to_order(&m.order).unwrap_err(),
            format!("order {ID}: lines: 1 to 500 lines")
        );
    }

    #[test]
    fn the_return_is_what_medusas_validator_takes() {
        let req = request(
            "wrong_size",
            serde_json::json!([{"line_id": "ordli_01JF8Z5M01A1B2C3D4E5F6G7H8", "quantity": 1}]),
        );
        let tracking = tracking_for("key-1").to_string();
        let body = return_body(
            &req,
            &reasons(),
            "so_01RETURN",
            note(&req, &tracking, "key-1"),
        );
        // `StorePostReturnsReqSchema`: the order's id, items by line id with `reason_id`
        // (not `item_id`, not `return_reason_id`), the return shipping option; never
        // `receive_now` or `location_id`.
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["items", "note", "order_id", "return_shipping"]);
        assert_eq!(body["order_id"], ID);
        assert_eq!(
            body["items"],
            serde_json::json!([{"id": "ordli_01JF8Z5M01A1B2C3D4E5F6G7H8", "quantity": 1,
                                "reason_id": "rr_01JF8Z2B1C2D3E4F5G6H7J8K9L"}])
        );
        assert_eq!(
            body["return_shipping"],
            serde_json::json!({"option_id": "so_01RETURN"})
        );
        assert_eq!(
            body["note"],
            format!(
                "After-sales request {tracking}\nReason: wrong_size\nCondition: opened\nResolution: refund\nsize_note: runs small\nDescription: Too big\nContact: mei@example.com, +49 30 1234 (prefers phone)\nIdempotency-Key: key-1"
            )
        );
        // A reason the merchant has no Medusa reason for is only in the note.
        let req = request(
            "defective",
            serde_json::json!([{"line_id": "x", "quantity": 2}]),
        );
        let body = return_body(&req, &reasons(), "so_1", String::new());
        assert_eq!(
            body["items"],
            serde_json::json!([{"id": "x", "quantity": 2}])
        );
    }

    #[test]
    fn reasons_map_by_value_in_any_spelling() {
        let r = reasons();
        assert_eq!(
            reason_id(&r, "changed_mind"),
            Some("rr_01JF8Z2A1B2C3D4E5F6G7H8J9K")
        );
        assert_eq!(
            reason_id(&r, "wrong_size"),
            Some("rr_01JF8Z2B1C2D3E4F5G6H7J8K9L")
        );
        assert_eq!(reason_id(&r, "arrived_damaged"), None);
    }

    #[test]
    fn medusa_is_offered_what_it_can_do_a_refund() {
        let p = restrict(Policy::default());
        assert_eq!(p.windows.keys().collect::<Vec<_>>(), [&Resolution::Refund]);
        assert!(p
            .rules
            .iter()
            .all(|r| r.windows.keys().all(|k| *k == Resolution::Refund)));
        assert!(p.withdrawal.is_none() && p.bonus.is_empty());
        assert_eq!(CAPABILITIES.kinds, [CaseKind::Return]);
    }

    #[test]
    fn one_request_one_tracking_number_on_every_attempt() {
        let a = tracking_for("8e03978e-40d5-43e8-bc93-6894a57f9324");
        assert_eq!(a, tracking_for("8e03978e-40d5-43e8-bc93-6894a57f9324"));
        assert_ne!(a, tracking_for("8e03978e-40d5-43e8-bc93-6894a57f9325"));
        assert!(TrackingNumber::parse(&a.to_string()).is_ok());
    }

    #[test]
    fn a_lost_answer_is_recognised_by_the_quantities_it_moved() {
        let mut o = order();
        let tee = "ordli_01JF8Z5M02A1B2C3D4E5F6G7H8";
        let before: BTreeMap<String, u32> = o
            .lines
            .iter()
            .map(|l| (l.id.clone(), l.quantity_claimed))
            .collect();
        let lines = vec![DraftLine {
            line_id: tee.into(),
            quantity: 1,
            exchange_for: None,
        }];
        assert!(!landed(&before, &o, &lines), "nothing moved yet");
        o.lines[1].quantity_claimed = 2;
        assert!(landed(&before, &o, &lines));
        assert!(!landed(&before, &o, &[]), "an empty request never landed");
    }

    #[test]
    fn medusas_errors_become_the_widgets() {
        let errors: BTreeMap<String, serde_json::Value> = serde_json::from_str(ERRORS).unwrap();
        let code = |name: &str| {
            let e = &errors[name];
            let status = e["status"].as_u64().unwrap() as u16;
            let err = error(status, &e["body"].to_string(), Some(3));
            (err.code().map(str::to_string), err.is_transient())
        };
        let refused = |c: &str| (Some(c.to_string()), false);
        assert_eq!(code("not_found"), refused("order_not_found"));
        assert_eq!(code("unauthorized"), refused("not_allowed"));
        assert_eq!(code("invalid_key"), refused("not_allowed"));
        assert_eq!(code("login_required"), refused("not_allowed"));
        assert_eq!(code("invalid_data"), refused("invalid_case"));
        assert_eq!(code("invalid_request"), refused("invalid_case"));
        assert_eq!(code("invalid_state"), refused("not_allowed_now"));
        assert_eq!(code("unexpected_state"), (None, true));
        let busy = error(429, "", Some(7));
        assert_eq!(
            (busy.code(), busy.retry_after()),
            (Some("rate_limited"), Some(7))
        );
        assert!(is_order_id(ID) && !is_order_id("../admin") && !is_order_id(""));
    }
}
